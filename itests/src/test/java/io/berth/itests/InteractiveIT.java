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
        // start -a -i brings the same terminal back for a new run.
        try (TerminalSession t = terminal("start -a -i box")) {
            int at = t.await("/ # ", 0);
            t.type("echo restarted-$((40+2))\r");
            t.await("restarted-42", at);
            t.type("exit 8\r");
            assertThat(t.waitFor()).isEqualTo(8);
        }
        assertThat(inspect("box").get("State").get("ExitCode").asInt()).isEqualTo(8);
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
    void execRunsInTheContainerWithItsStatusUserEnvironmentAndTerminal() throws Exception {
        ok("run", "-d", "--name", "target", "-e", "FROM_RUN=yes", "busybox", "sleep", "300");
        Installation.Result r = berth.berth("exec", "target", "sh", "-c", "echo $FROM_RUN $(hostname) $$; exit 3");
        assertThat(r.status()).isEqualTo(3);
        String shortId = inspect("target").get("Id").asText().substring(0, 12);
        assertThat(r.out()).startsWith("yes " + shortId + " ").doesNotEndWith(" 1\n");
        assertThat(ok("exec", "-u", "nobody", "-e", "X=1", "-w", "/etc", "target", "sh", "-c", "echo $X $(pwd) $(id -u)").out())
                .isEqualTo("1 /etc 65534\n");
        Installation.Result piped = berth.run(Map.of("BERTH_HOST", berth.host()), "a\nb\nc\n".getBytes(), "exec", "-i", "target",
                "wc", "-l");
        assertThat(piped.out().strip()).isEqualTo("3");
        // A detached exec shows in top beside the container's first process.
        ok("exec", "-d", "target", "sleep", "77");
        String top = ok("top", "target").out();
        assertThat(top).contains("sleep 300").contains("sleep 77");
        // As docker's: 126, the reason on the output, for a command or a user that is not there.
        Installation.Result missing = berth.berth("exec", "target", "no-such-command");
        assertThat(missing.status()).isEqualTo(126);
        assertThat(missing.out()).isEqualTo("exec: \"no-such-command\": executable file not found in $PATH\n");
        Installation.Result noUser = berth.berth("exec", "-u", "nosuchuser", "target", "id");
        assertThat(noUser.status()).isEqualTo(126);
        assertThat(noUser.out()).isEqualTo("unable to find user nosuchuser: no matching entries in passwd file\n");
        try (TerminalSession t = terminal("exec -it target sh")) {
            int at = t.await("/ # ", 0);
            t.type("tty; stty size\r");
            at = t.await("/dev/pts/0", at);
            t.await("30 100", at);
            t.type("exit 4\r");
            assertThat(t.waitFor()).isEqualTo(4);
        }
        ok("pause", "target");
        Installation.Result paused = berth.berth("exec", "target", "true");
        assertThat(paused.status()).isEqualTo(1);
        assertThat(paused.err()).contains("is paused, unpause the container before exec");
        ok("unpause", "target");
        ok("stop", "-t", "1", "target");
        Installation.Result stopped = berth.berth("exec", "target", "true");
        assertThat(stopped.status()).isEqualTo(1);
        assertThat(stopped.err()).contains("is not running");
    }

    @Test
    void cpBothWaysAndExportAndNoEscapeThroughLinks() throws Exception {
        ok("create", "--name", "files", "busybox", "sh", "-c", "cat /in/hello.txt; ls /in");
        java.nio.file.Path host = berth.root.resolveSibling("host-files");
        java.nio.file.Files.createDirectories(host.resolve("dir/sub"));
        java.nio.file.Files.writeString(host.resolve("dir/hello.txt"), "hello from the host\n");
        java.nio.file.Files.writeString(host.resolve("dir/sub/deep.txt"), "deep\n");
        // Host to a stopped container: a directory under a new name.
        ok("cp", host.resolve("dir").toString(), "files:/in");
        assertThat(ok("start", "-a", "files").out()).isEqualTo("hello from the host\nhello.txt\nsub\n");
        // Container to host: a file into a directory, a directory under a new name.
        ok("cp", "files:/in/hello.txt", host.toString());
        assertThat(java.nio.file.Files.readString(host.resolve("hello.txt"))).isEqualTo("hello from the host\n");
        ok("cp", "files:/in", host.resolve("back").toString());
        assertThat(java.nio.file.Files.readString(host.resolve("back/sub/deep.txt"))).isEqualTo("deep\n");
        // To a running container, and a tar on stdout.
        ok("run", "-d", "--name", "running", "busybox", "sleep", "300");
        ok("cp", host.resolve("dir/sub/deep.txt").toString(), "running:/tmp/");
        assertThat(ok("exec", "running", "cat", "/tmp/deep.txt").out()).isEqualTo("deep\n");
        Installation.Result tar = berth.berth("cp", "running:/etc/hostname", "-");
        assertThat(tar.status()).isZero();
        assertThat(tar.out()).startsWith("hostname");
        // A link that climbs above the container's root stops at it, as inside the container and as
        // with docker: the file lands in the container's /tmp, nothing on the host.
        ok("exec", "running", "ln", "-s", "../../../../../../../../tmp", "/escape");
        java.nio.file.Path hostTmp = java.nio.file.Path.of("/tmp", "hello.txt");
        boolean hostHadOne = java.nio.file.Files.exists(hostTmp);
        ok("cp", host.resolve("dir/hello.txt").toString(), "running:/escape/");
        assertThat(ok("exec", "running", "cat", "/tmp/hello.txt").out()).isEqualTo("hello from the host\n");
        if (!hostHadOne) {
            assertThat(hostTmp).doesNotExist();
        }
        // An absolute link is the container's path, not the host's.
        ok("exec", "running", "ln", "-s", "/etc", "/etclink");
        ok("cp", host.resolve("dir/hello.txt").toString(), "running:/etclink/");
        assertThat(ok("exec", "running", "cat", "/etc/hello.txt").out()).isEqualTo("hello from the host\n");
        assertThat(java.nio.file.Path.of("/etc/hello.txt")).doesNotExist();
        // export: the whole filesystem as a tar.
        java.nio.file.Path exported = host.resolve("files.tar");
        ok("export", "-o", exported.toString(), "files");
        Process list = new ProcessBuilder("tar", "-tf", exported.toString()).redirectErrorStream(true).start();
        String entries = new String(list.getInputStream().readAllBytes());
        assertThat(list.waitFor()).isZero();
        assertThat(entries).contains("bin/busybox").contains("in/hello.txt").contains("in/sub/deep.txt");
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
