package io.berth.itests;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Interactive containers through bin/berth on a real terminal: a pty owned by the shim, raw mode,
 * the window size and its changes, ^C to the container, detach and attach again, the exit status;
 * stdin from a pipe; pause and unpause.
 */
class InteractiveIT extends DaemonWithBusybox {
    private TerminalSession terminal(String args) throws Exception {
        return new TerminalSession(berth.home.resolve("bin/berth") + " " + args, 30, 100, Map.of("BERTH_HOST", berth.host()));
    }

    @Test
    void runItGivesATerminalThatFollowsTheWindowAndDetachesAndAttachesAgain() throws Exception {
        try (TerminalSession t = terminal("run -i -t --name box busybox sh")) {
            int at = t.await("/ # ", 0);
            assertThat(t.stty("-a")).as("the user's terminal is raw while attached").contains("-icanon", "-echo ");
            t.type("stty size; tty; echo $TERM\r");
            at = t.await("30 100", at);
            at = t.await("/dev/pts/0", at);
            at = t.await("xterm", at);
            // The window changes: SIGWINCH to the client, a resize of the container's pty.
            t.stty("rows", "33", "cols", "111");
            t.type("stty size\r");
            at = t.await("33 111", at);
            // ^C goes to the container's foreground process, not to the client.
            t.type("sleep 1000\r");
            Thread.sleep(500);
            t.type("\u0003");
            t.type("echo after-$((40+2))\r");
            at = t.await("after-42", at);
            // Ctrl-P Ctrl-Q detaches: the client ends with 0, the container runs on.
            t.type("\u0010\u0011");
            assertThat(t.waitFor()).isZero();
        }
        assertThat(ok("ps", "--format", "{{.Names}} {{.Status}}").out()).startsWith("box Up");
        try (TerminalSession t = terminal("attach box")) {
            Thread.sleep(1000);
            t.type("echo again-$((40+2))\r");
            t.await("again-42", 0);
            t.type("exit 3\r");
            assertThat(t.waitFor()).isEqualTo(3);
        }
        assertThat(inspect("box").get("State").get("ExitCode").asInt()).isEqualTo(3);
        assertThat(inspect("box").get("Config").get("Tty").asBoolean()).isTrue();
        // What the terminal showed is in the log.
        assertThat(ok("logs", "box").out()).contains("after-42").contains("again-42");
    }

    @Test
    void stdinFromAPipeReachesTheContainerAndItsEndClosesIt() throws Exception {
        Installation.Result r = berth.run(Map.of("BERTH_HOST", berth.host()), "one\ntwo\n".getBytes(), "run", "-i", "--rm", "busybox", "sh", "-c",
                "wc -l; exit 6");
        assertThat(r.status()).isEqualTo(6);
        assertThat(r.out().strip()).isEqualTo("2");
        // -t without a terminal is refused as docker refuses it.
        Installation.Result noTty = berth.run(Map.of("BERTH_HOST", berth.host()), new byte[0], "run", "-i", "-t", "--rm", "busybox", "true");
        assertThat(noTty.status()).isEqualTo(1);
        assertThat(noTty.err()).isEqualTo("the input device is not a TTY\n");
    }

    @Test
    void pauseAndUnpause() throws Exception {
        ok("run", "-d", "--name", "paused", "busybox", "sleep", "300");
        assertThat(ok("pause", "paused").out()).isEqualTo("paused\n");
        assertThat(ok("ps", "--format", "{{.Status}}").out()).contains("(Paused)");
        assertThat(inspect("paused").get("State").get("Paused").asBoolean()).isTrue();
        Installation.Result again = berth.berth("pause", "paused");
        assertThat(again.status()).isEqualTo(1);
        assertThat(again.err()).contains("is already paused");
        ok("unpause", "paused");
        assertThat(inspect("paused").get("State").get("Status").asText()).isEqualTo("running");
        ok("pause", "paused");
        ok("stop", "paused");
        assertThat(inspect("paused").get("State").get("ExitCode").asInt()).isEqualTo(137);
    }
}
