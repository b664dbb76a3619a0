package io.berth.itests;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runtimes are services that come and go while the engine runs: containers of runc and crun
 * through bin/berth, then driver-oci stopped and uninstalled under a running container (which
 * goes on, listed with its runtime missing, refusing what needs it with a clear error), and
 * installed again (stop, logs, exec work again).
 */
class RuntimeSwapIT extends DaemonWithBusybox {
    /** Installs driver-oci from its jar at the distribution's driver level, starts it, waits for runc. */
    private void install(Path jar) throws Exception {
        String installed = ok("felix:install", jar.toUri().toString()).out();
        assertThat(installed).contains("Bundle ID:");
        String id = installed.substring(installed.indexOf("Bundle ID:") + 10).strip();
        // felix:install gives new bundles a level above the framework's: the drivers' level instead.
        ok("felix:bundlelevel", "-s", "55", id);
        ok("felix:start", id);
        Conditions.await("runc available", Duration.ofSeconds(20), () -> ok("drivers").out().contains("runc"));
    }

    /** driver-oci active again: started if it is installed, else installed from its jar. */
    private void restore(Path jar) throws Exception {
        if (ok("drivers").out().contains("runc")) {
            return;
        }
        String id = bundleId("io.berth.driver-oci");
        if (id == null) {
            install(jar);
            return;
        }
        ok("felix:start", id);
        Conditions.await("runc available", Duration.ofSeconds(20), () -> ok("drivers").out().contains("runc"));
    }

    @Test
    void everyRuntimeRunsTheSameContainer() throws Exception {
        String drivers = ok("drivers").out();
        assertThat(drivers).containsPattern("runtime\\s+native\\s+available\\s+\\*")
                .containsPattern("runtime\\s+runc\\s+available\\s+io.berth.driver-oci")
                .containsPattern("runtime\\s+crun\\s+available\\s+io.berth.driver-oci");
        for (String runtime : new String[] {"native", "runc", "crun"}) {
            Installation.Result r = ok("run", "--rm", "--runtime", runtime, "--hostname", "h-" + runtime, "busybox", "sh", "-c",
                    "echo pid=$$ host=$(hostname); grep CapEff /proc/self/status; set -- /proc/[0-9]*; echo $#; exit 0");
            assertThat(r.out()).as(runtime).isEqualTo("pid=1 host=h-" + runtime + "\nCapEff:\t00000000a80425fb\n1\n");
            Installation.Result failed = berth.berth("run", "--rm", "--runtime", runtime, "busybox", "no-such-command");
            assertThat(failed.status()).as(runtime).isEqualTo(127);
            assertThat(failed.err()).as(runtime).contains("exec: \"no-such-command\": executable file not found in $PATH");
        }
        // The engine's default follows conf/berth.engine.cfg while it runs.
        berth.configure("defaultRuntime", "crun", "DefaultRuntime");
        assertThat(ok("drivers").out()).containsPattern("runtime\\s+crun\\s+available\\s+\\*");
        String made = ok("create", "busybox", "true").out().strip();
        assertThat(inspect(made).get("HostConfig").get("Runtime").asText()).isEqualTo("crun");
        berth.configure("defaultRuntime", "native", "DefaultRuntime");
        Installation.Result unknown = berth.berth("run", "--runtime", "nope", "busybox", "true");
        assertThat(unknown.status()).isEqualTo(125);
        assertThat(unknown.err()).isEqualTo("Error: unknown runtime driver 'nope' (available: crun, native, runc)\n");
    }

    @Test
    void containersOutliveTheirRuntimeBundleAndAreManagedAgainWhenItReturns() throws Exception {
        String id = ok("run", "-d", "--name", "ticker", "--runtime", "runc", "busybox", "sh", "-c",
                "trap 'exit 0' TERM; while true; do echo tick; sleep 0.2; done").out().strip();
        String bundle = bundleId("io.berth.driver-oci");
        assertThat(bundle).isNotNull();
        int pid = inspect("ticker").get("State").get("Pid").asInt();
        assertThat(pid).isPositive();

        Path jar;
        try (var jars = Files.list(berth.home.resolve("bundle"))) {
            jar = jars.filter(p -> p.getFileName().toString().startsWith("berth-driver-oci")).findFirst().orElseThrow();
        }
        try {
            ok("felix:stop", bundle);
            assertThat(ok("drivers").out()).doesNotContain("runc");
            assertThat(ok("ps").out()).contains("(runtime runc missing)");
            assertThat(inspect("ticker").get("RuntimeAvailable").asBoolean()).isFalse();
            Installation.Result stop = berth.berth("stop", "ticker");
            assertThat(stop.status()).isEqualTo(1);
            assertThat(stop.err()).isEqualTo("Error: runtime driver runc of container ticker is missing; the container is left as it "
                    + "is until the driver returns (unknown runtime driver 'runc' (available: native))\n");
            assertThat(berth.berth("exec", "ticker", "true").status()).isNotZero();
            assertThat(Path.of("/proc", Integer.toString(pid))).exists();
            // Its output still goes to its log: the shim does not need the driver.
            assertThat(ok("logs", "--tail", "1", "ticker").out()).isEqualTo("tick\n");

            ok("felix:start", bundle);
            Conditions.await("runc back", Duration.ofSeconds(20), () -> ok("drivers").out().contains("runc"));
            assertThat(ok("ps").out()).doesNotContain("missing");
            assertThat(ok("exec", "ticker", "echo", "again").out()).isEqualTo("again\n");

            // Uninstalled and installed again from the same jar.
            ok("felix:uninstall", bundle);
            assertThat(ok("drivers").out()).doesNotContain("runc");
            assertThat(Path.of("/proc", Integer.toString(pid))).exists();
            install(jar);
        } finally {
            // Whatever failed above, the driver comes back, so that the container can be removed.
            restore(jar);
        }
        ok("stop", "ticker");
        assertThat(inspect("ticker").get("State").get("ExitCode").asInt()).isZero();
        assertThat(ok("logs", "ticker").out()).startsWith("tick\n");
        assertThat(id).hasSize(64);
    }
}
