package io.berth.itests;

import io.berth.testing.Requirements;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a container's processes start with, through bin/berth, on every runtime (native, runc,
 * crun), from a daemon started as a script starts one in the background (SIGINT ignored) or nohup
 * does (SIGHUP ignored): every signal at its default and none blocked, in the container and in
 * exec; a working directory the user may not enter; {@code /dev/console} only with {@code -t};
 * {@code --privileged} with the host's devices; {@code --ulimit} above the daemon's hard limit
 * refused, never lowered quietly.
 */
class ProcessEnvironmentIT extends DaemonWithBusybox {
    /** What a process that neither blocks, ignores nor catches a signal shows in /proc/PID/status. */
    private static final String NO_SIGNALS = "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n"
            + "SigCgt:\t0000000000000000\n";

    @Override
    Process startDaemon() throws Exception {
        return berth.startDaemonIgnoring("INT HUP");
    }

    /** A field of the daemon's /proc/PID/status or limits line. */
    private String daemonProc(String file, String prefix) throws Exception {
        return Files.readAllLines(Path.of("/proc", Long.toString(daemon.pid()), file)).stream()
                .filter(l -> l.startsWith(prefix)).findFirst().orElseThrow().substring(prefix.length()).strip();
    }

    private static String signalFields(String status) {
        StringBuilder out = new StringBuilder();
        status.lines().filter(l -> l.startsWith("SigBlk:") || l.startsWith("SigIgn:") || l.startsWith("SigCgt:"))
                .forEach(l -> out.append(l).append('\n'));
        return out.toString();
    }

    @Test
    void signalsTheDaemonIgnoresAreNotTheContainers() throws Exception {
        // The daemon does run with SIGHUP (1) and SIGINT (2) ignored, as the user's did.
        assertThat(Long.parseUnsignedLong(daemonProc("status", "SigIgn:"), 16) & 3).isEqualTo(3);
        for (String runtime : runtimes()) {
            assertThat(signalFields(ok("run", "--rm", "--runtime", runtime, "busybox", "cat", "/proc/self/status").out()))
                    .as("the signals of a " + runtime + " container's init").isEqualTo(NO_SIGNALS);
            String id = ok("run", "-d", "--runtime", runtime, "busybox", "sleep", "300").out().strip();
            assertThat(signalFields(ok("exec", id, "cat", "/proc/self/status").out()))
                    .as("the signals of a process exec'd in a " + runtime + " container").isEqualTo(NO_SIGNALS);
            ok("rm", "-f", id);
        }
    }

    @Test
    void aPrivilegedContainerRunsWithTheHostsDevices() throws Exception {
        Requirements.require(Files.exists(Path.of("/dev/net/tun")), "the host has no /dev/net/tun (modprobe tun)");
        for (String runtime : runtimes()) {
            Installation.Result r = berth.berth("run", "--rm", "--privileged", "--runtime", runtime, "busybox", "sh", "-c",
                    "[ -c /dev/net/tun ] && echo tun; [ -e /dev/console ] && echo console; true");
            assertThat(r.status()).as(runtime + ": " + r.err()).isZero();
            assertThat(r.out()).as(runtime).isEqualTo("tun\n");
        }
    }

    @Test
    void aWorkingDirectoryTheUserMayNotEnterIsItsWorkingDirectory() throws Exception {
        // nobody may not enter busybox's /root (0700)...
        Installation.Result refused = berth.berth("run", "--rm", "-u", "nobody", "busybox", "sh", "-c", "cd /root");
        assertThat(refused.status()).isNotZero();
        // ...but it is where its processes start, as with runc and docker.
        ok("run", "--name", "base", "busybox", "true");
        ok("commit", "-c", "USER nobody", "-c", "WORKDIR /root", "base", "nobody-in-root");
        for (String runtime : runtimes()) {
            assertThat(ok("run", "--rm", "--runtime", runtime, "-u", "nobody", "-w", "/root", "busybox", "pwd").out())
                    .as(runtime).isEqualTo("/root\n");
            assertThat(ok("run", "--rm", "--runtime", runtime, "nobody-in-root", "sh", "-c", "pwd; id -u").out())
                    .as(runtime + ", from the image's USER and WORKDIR").isEqualTo("/root\n65534\n");
            String id = ok("run", "-d", "--runtime", runtime, "busybox", "sleep", "300").out().strip();
            assertThat(ok("exec", "-u", "nobody", "-w", "/root", id, "pwd").out()).as(runtime + " exec").isEqualTo("/root\n");
            ok("rm", "-f", id);
        }
    }

    @Test
    void devConsoleIsThereOnlyWithATerminal() throws Exception {
        for (String runtime : runtimes()) {
            assertThat(ok("run", "--rm", "--runtime", runtime, "busybox", "sh", "-c",
                    "[ -e /dev/console ] && echo console || echo none").out()).as(runtime).isEqualTo("none\n");
            // With -t it is the container's terminal, as runc makes it.
            String id = ok("run", "-d", "-t", "--runtime", runtime, "busybox", "sh", "-c",
                    "[ /dev/console -ef \"$(tty)\" ] && echo console-is-the-terminal; sleep 300").out().strip();
            Conditions.await("the " + runtime + " container's output", java.time.Duration.ofSeconds(20),
                    () -> ok("logs", id).out().contains("console-is-the-terminal"));
            ok("rm", "-f", id);
        }
    }

    @Test
    void aUlimitAboveTheDaemonsHardLimitFailsTheStartSayingSo() throws Exception {
        String[] limits = daemonProc("limits", "Max open files").split("\\s+");
        long own = Long.parseLong(limits[1]);
        long asked = own + 1;
        // Raising a hard limit needs CAP_SYS_RESOURCE (bit 24), and the open files' never goes past fs.nr_open.
        boolean mayRaise = (Long.parseUnsignedLong(daemonProc("status", "CapEff:"), 16) & (1L << 24)) != 0
                && asked <= Long.parseLong(Files.readString(Path.of("/proc/sys/fs/nr_open")).strip());
        for (String runtime : runtimes()) {
            if (mayRaise) {
                assertThat(ok("run", "--rm", "--runtime", runtime, "--ulimit", "nofile=" + asked, "busybox", "sh", "-c",
                        "ulimit -Hn").out()).as(runtime).isEqualTo(asked + "\n");
                continue;
            }
            Installation.Result r = berth.berth("run", "--rm", "--runtime", runtime, "--ulimit", "nofile=" + asked, "busybox",
                    "true");
            assertThat(r.status()).as(runtime + ": " + r.err()).isEqualTo(125);
            assertThat(r.err().lines()).as(runtime).hasSize(1);
            assertThat(r.err()).as(runtime).startsWith("Error: ").contains("RLIMIT_NOFILE")
                    .contains("hard limit " + asked + " ").contains("the engine's hard limit " + own + " ")
                    .contains("CAP_SYS_RESOURCE");
            // Below it, the container has exactly what it asked.
            assertThat(ok("run", "--rm", "--runtime", runtime, "--ulimit", "nofile=1000:" + own, "busybox", "sh", "-c",
                    "ulimit -n; ulimit -Hn").out()).as(runtime).isEqualTo("1000\n" + own + "\n");
        }
        assertThat(ok("ps", "-aq").out()).isEmpty();
    }
}
