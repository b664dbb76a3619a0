package io.berth.itests;

import io.berth.testing.Requirements;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code run --init} on every runtime (native, runc, crun): the host's init (tini, docker's
 * {@code docker-init}) is the container's pid 1 and runs the command as its child, reaps the
 * orphans the command leaves, and passes {@code stop}'s SIGTERM on to it; {@code inspect} and
 * {@code ps} show the command, not the init, and {@code HostConfig.Init} as docker has it. The
 * {@code initPath} setting chooses the binary, and a missing one fails the start in one line.
 */
class InitIT extends DaemonWithBusybox {
    /** The host's static tini, which Debian's tini package ships (and docker.io links as docker-init). */
    private static final Path TINI = Path.of("/usr/bin/tini-static");

    private String[] run(String runtime, String... rest) {
        List<String> all = new java.util.ArrayList<>(List.of("run", "--rm", "--init", "--runtime", runtime));
        all.addAll(List.of(rest));
        return all.toArray(String[]::new);
    }

    /** {@code ps -o pid,ppid,comm}'s rows as {@code PID PPID COMM}, blanks squeezed. */
    private static List<String> rows(String ps) {
        return ps.lines().skip(1).map(l -> l.strip().replaceAll("\\s+", " ")).toList();
    }

    @Test
    void theInitIsPidOneAndTheCommandItsChildOnEveryRuntime() throws Exception {
        Requirements.require(Files.isRegularFile(TINI), "tini is not installed (apt-get install tini)");
        for (String runtime : runtimes()) {
            List<String> rows = rows(ok(run(runtime, "busybox", "ps", "-o", "pid,ppid,comm")).out());
            assertThat(rows).as(runtime).hasSize(2);
            assertThat(rows.get(0)).as(runtime).isEqualTo("1 0 docker-init");
            assertThat(rows.get(1)).as(runtime).matches("\\d+ 1 ps").isNotEqualTo("1 1 ps");
            // An orphan is reparented to the init, which reaps it: no zombie is left.
            String states = ok(run(runtime, "busybox", "sh", "-c",
                    "sh -c 'sleep 0.1 &'; sleep 1; ps -o stat,comm")).out();
            assertThat(states).as(runtime).contains("docker-init").doesNotContainPattern("(?m)^\\s*Z");
            // The command's exit status is the container's.
            assertThat(berth.berth(run(runtime, "busybox", "sh", "-c", "exit 3")).status()).as(runtime).isEqualTo(3);
        }
    }

    @Test
    void stopsSigtermReachesTheCommandAtOnceOnEveryRuntime() throws Exception {
        Requirements.require(Files.isRegularFile(TINI), "tini is not installed (apt-get install tini)");
        for (String runtime : runtimes()) {
            String c = ok("run", "-d", "--init", "--runtime", runtime, "busybox", "sh", "-c",
                    "trap 'echo got TERM; exit 0' TERM; echo ready; sleep 300 & wait").out().strip();
            Conditions.await(runtime + " trap set", Duration.ofSeconds(10),
                    () -> berth.berth("logs", c).out().contains("ready"));
            long start = System.nanoTime();
            ok("stop", c);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(millis).as(runtime + ": stop took " + millis + " ms, not the 10 s of a SIGKILL").isLessThan(5_000);
            assertThat(ok("logs", c).out()).as(runtime).isEqualTo("ready\ngot TERM\n");
            assertThat(ok("inspect", "-f", "{{.State.ExitCode}}", c).out()).as(runtime).isEqualTo("0\n");
            ok("rm", c);
        }
    }

    @Test
    void inspectAndPsShowTheCommandAndInitAsDockerDoesAndARestartKeepsIt() throws Exception {
        Requirements.require(Files.isRegularFile(TINI), "tini is not installed (apt-get install tini)");
        String c = ok("run", "-d", "--init", "--name", "with-init", "busybox", "sleep", "300").out().strip();
        assertThat(ok("inspect", "-f", "{{.HostConfig.Init}} {{.Path}} {{.Args}}", c).out()).isEqualTo("true sleep [300]\n");
        assertThat(inspect(c).get("HostConfig").get("Init").asBoolean()).isTrue();
        assertThat(ok("ps", "--no-trunc", "--filter", "name=with-init", "--format", "{{.Command}}").out())
                .isEqualTo("\"sleep 300\"\n");
        assertThat(rows(ok("exec", c, "ps", "-o", "pid,ppid,comm").out())).startsWith("1 0 docker-init")
                .anyMatch(r -> r.endsWith(" 1 sleep"));
        // The record keeps it: a restart runs the init again.
        ok("restart", "-t", "1", c);
        assertThat(rows(ok("exec", c, "ps", "-o", "pid,ppid,comm").out())).startsWith("1 0 docker-init")
                .anyMatch(r -> r.endsWith(" 1 sleep"));
        ok("rm", "-f", c);

        String plain = ok("create", "busybox", "true").out().strip();
        assertThat(ok("inspect", "-f", "{{.HostConfig.Init}}", plain).out()).isEqualTo("<nil>\n");
        assertThat(inspect(plain).get("HostConfig").has("Init")).isFalse();
        String off = ok("create", "--init=false", "busybox", "true").out().strip();
        assertThat(ok("inspect", "-f", "{{.HostConfig.Init}}", off).out()).isEqualTo("false\n");
        ok("rm", plain, off);
    }

    @Test
    void initPathChoosesTheBinaryAndAMissingOneFailsTheStartInOneLine() throws Exception {
        Requirements.require(Files.isRegularFile(TINI), "tini is not installed (apt-get install tini)");
        assertThat(ok("info", "--format", "{{.InitBinary}}").out()).isEqualTo("docker-init\n");
        Path own = berth.root.resolveSibling("my-init");
        Files.copy(TINI, own);
        berth.configure("initPath", own.toString(), "InitBinary");
        // Run under its own name, the init is still /sbin/docker-init in the container.
        assertThat(ok("run", "--rm", "--init", "busybox", "ps", "-o", "pid,comm").out()).contains("1 docker-init");

        Path missing = berth.root.resolveSibling("no-such-init");
        berth.configure("initPath", missing.toString(), "InitBinary");
        Installation.Result r = berth.berth("run", "--rm", "--init", "busybox", "true");
        assertThat(r.status()).isEqualTo(127);
        assertThat(r.err()).isEqualTo("Error: --init: initPath " + missing + " in the engine's configuration "
                + "(conf/berth.engine.cfg) is not a file: no such file or directory\n");
        // create succeeds, as docker's does; start fails the same way and the container keeps the error.
        String c = ok("create", "--init", "busybox", "true").out().strip();
        Installation.Result start = berth.berth("start", c);
        // As docker's start words it: the daemon's error, then which containers failed.
        assertThat(start.status()).isEqualTo(1);
        assertThat(start.err()).isEqualTo(r.err() + "Error: failed to start containers: " + c + "\n");
        assertThat(ok("inspect", "-f", "{{.State.Error}}", c).out()).contains("initPath " + missing);
        // A container without --init does not need it.
        assertThat(ok("run", "--rm", "busybox", "echo", "fine").out()).isEqualTo("fine\n");
        ok("rm", c);
    }
}
