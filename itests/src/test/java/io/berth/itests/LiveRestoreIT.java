package io.berth.itests;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A daemon killed with -9 and started again: running containers are not disturbed, their logs
 * have no gap, {@code logs -f} and {@code attach} work again, {@code wait} gives the status of a
 * container that ended meanwhile, and {@code --restart always} brings a stopped container back.
 */
class LiveRestoreIT extends DaemonWithBusybox {
    @Test
    void killingTheDaemonLosesNothing() throws Exception {
        ok("run", "-d", "--name", "talker", "busybox", "sh", "-c",
                "i=0; while true; do echo line-$i; i=$((i+1)); sleep 0.05; done");
        ok("run", "-d", "--name", "quitter", "busybox", "sh", "-c", "sleep 2; exit 7");
        ok("run", "-d", "-i", "-t", "--name", "console", "busybox", "sh");
        ok("run", "-d", "--name", "keeper", "--restart", "always", "busybox", "sleep", "300");
        ok("stop", "-t", "1", "keeper");
        int talkerPid = inspect("talker").get("State").get("Pid").asInt();

        daemon.destroyForcibly().waitFor();
        Thread.sleep(3000);
        daemon = berth.startDaemon();

        // The talker ran on, as the same process; its log has every line, in order.
        assertThat(inspect("talker").get("State").get("Pid").asInt()).isEqualTo(talkerPid);
        String[] lines = ok("logs", "talker").out().split("\n");
        assertThat(lines.length).isGreaterThan(40);
        for (int i = 0; i < lines.length; i++) {
            assertThat(lines[i]).isEqualTo("line-" + i);
        }
        // logs -f follows again.
        ProcessBuilder pb = new ProcessBuilder(berth.home.resolve("bin/berth").toString(), "logs", "-f", "--tail", "0", "talker")
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("BERTH_HOST", berth.host());
        Process follow = pb.start();
        List<String> followed = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(follow.getInputStream(), StandardCharsets.UTF_8))) {
            for (int i = 0; i < 3; i++) {
                followed.add(r.readLine());
            }
        } finally {
            follow.destroy();
            follow.waitFor();
        }
        assertThat(followed).allMatch(l -> l != null && l.startsWith("line-"));
        // The quitter ended while no daemon ran: wait knows how.
        assertThat(ok("wait", "quitter").out()).isEqualTo("7\n");
        assertThat(inspect("quitter").get("State").get("Status").asText()).isEqualTo("exited");
        // The console takes a client again.
        try (TerminalSession t = new TerminalSession(berth.home.resolve("bin/berth") + " attach console", 30, 100,
                Map.of("BERTH_HOST", berth.host()))) {
            Thread.sleep(1000);
            t.type("echo back-$((40+2))\r");
            t.await("back-42", 0);
            t.type("\u0010\u0011");
            assertThat(t.waitFor()).isZero();
        }
        // --restart always: a daemon restart starts it again, stopped or not.
        Conditions.await("keeper to run again", java.time.Duration.ofSeconds(20),
                () -> inspect("keeper").get("State").get("Status").asText().equals("running"));
        // Everything goes after the restart: nothing stays mounted (checked by the tear-down).
        for (String name : List.of("talker", "quitter", "console", "keeper")) {
            ok("rm", "-f", name);
        }
        assertThat(ok("ps", "-aq").out()).isEmpty();
    }

    /**
     * The first thing the restarted daemon does is remove a running container: its exit, seen by a
     * container thread, is recorded at once and its root filesystem unmounted. The daemon is
     * stopped cleanly once first, so that the restarts map the class data archive the first start
     * wrote, as every start after the first does for a user (that is how the exit monitor came to
     * be the first to load jnr-ffi, and overflowed its stack).
     */
    @Test
    void aRunningContainerIsRemovedRightAfterARestart() throws Exception {
        daemon.destroy();
        assertThat(daemon.waitFor()).isZero();
        assertThat(berth.home.resolve("lib/berth.jsa")).exists();
        daemon = berth.startDaemon();
        String id = ok("run", "-d", "--name", "lr", "busybox", "sleep", "300").out().strip();
        daemon.destroyForcibly().waitFor();
        daemon = berth.startDaemon();

        ok("rm", "-f", "lr");
        assertThat(ok("ps", "-aq").out()).isEmpty();
        assertThat(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/mountinfo"))).doesNotContain(id);
    }
}
