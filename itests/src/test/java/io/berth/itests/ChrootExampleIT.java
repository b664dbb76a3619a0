package io.berth.itests;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's "Writing a driver" example as a user meets it: examples/runtime-chroot copied into
 * deploy/ gives `--runtime chroot` within seconds; deleted, it goes away and its running container
 * stays, listed with its runtime missing; copied back, the container is managed again.
 */
class ChrootExampleIT extends DaemonWithBusybox {
    @Test
    void theExampleRuntimeIsHotDeployedAndItsContainersOutliveIt() throws Exception {
        Path jar = Path.of(System.getProperty("berth.example.chroot"));
        assertThat(jar).as("build examples/runtime-chroot first").exists();
        Path deployed = berth.home.resolve("deploy").resolve(jar.getFileName());
        Path staging = Files.copy(jar, berth.home.resolve("chroot.jar.tmp"));
        Files.move(staging, deployed, StandardCopyOption.ATOMIC_MOVE);
        Conditions.await("the chroot runtime listed", Duration.ofSeconds(10), () -> ok("drivers").out().contains("chroot"));
        assertThat(ok("drivers").out()).containsPattern("runtime\\s+chroot\\s+available\\s+org.example.berth.runtime-chroot");

        Installation.Result r = berth.berth("run", "--rm", "--runtime", "chroot", "-e", "WHO=chroot", "-w", "/etc", "busybox",
                "sh", "-c", "echo \"hello from $WHO in $(pwd)\"; echo oops >&2; exit 3");
        assertThat(r.status()).isEqualTo(3);
        assertThat(r.out()).isEqualTo("hello from chroot in /etc\n");
        assertThat(r.err()).isEqualTo("oops\n");

        ok("run", "-d", "--name", "rooted", "--runtime", "chroot", "busybox", "sh", "-c",
                "trap 'exit 0' TERM; while true; do echo tick; sleep 0.2; done");
        int pid = inspect("rooted").get("State").get("Pid").asInt();
        try {
            Files.delete(deployed);
            Conditions.await("the chroot runtime gone", Duration.ofSeconds(10), () -> !ok("drivers").out().contains("chroot"));
            assertThat(ok("ps").out()).contains("(runtime chroot missing)");
            assertThat(berth.berth("stop", "rooted").err()).startsWith("Error: runtime driver chroot of container rooted is missing");
            assertThat(Path.of("/proc", Integer.toString(pid))).exists();
        } finally {
            // Copied back (and, whatever failed above, so the container can be removed).
            if (!Files.exists(deployed)) {
                Files.move(Files.copy(jar, berth.home.resolve("chroot.jar.tmp")), deployed, StandardCopyOption.ATOMIC_MOVE);
            }
            Conditions.await("the chroot runtime back", Duration.ofSeconds(10), () -> ok("drivers").out().contains("chroot"));
        }
        ok("stop", "rooted");
        assertThat(inspect("rooted").get("State").get("ExitCode").asInt()).isZero();
        assertThat(ok("logs", "--tail", "1", "rooted").out()).isEqualTo("tick\n");
        ok("rm", "rooted");
        Files.delete(deployed);
    }
}
