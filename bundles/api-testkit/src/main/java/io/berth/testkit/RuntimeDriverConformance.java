package io.berth.testkit;

import io.berth.api.ConflictException;
import io.berth.api.NotFoundException;
import io.berth.api.runtime.Attachment;
import io.berth.api.runtime.ConsoleSize;
import io.berth.api.runtime.ContainerDefaults;
import io.berth.api.runtime.ContainerSpec;
import io.berth.api.runtime.ProcessSpec;
import io.berth.api.runtime.Resources;
import io.berth.api.runtime.RuntimeDriver;
import io.berth.api.runtime.RuntimeState;
import io.berth.api.runtime.RuntimeStatus;
import io.berth.api.runtime.StartFailedException;
import io.berth.api.runtime.User;
import io.berth.api.storage.Mount;
import io.berth.testing.BusyboxImage;
import io.berth.testing.Requirements;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link RuntimeDriver} must do, run for real with containers of a busybox root
 * filesystem (so the suite needs root): the lifecycle and its errors, the process's command,
 * environment, user and working directory, its output in docker's json-file log, its exit status
 * and signals, what a new instance of the driver finds (a restarted engine), deletion. Beyond that
 * core, what a driver declares among {@link Feature} is tested, and the rest skipped with the
 * reason: namespaces, cgroup limits, start failures, attach, terminals, exec, pause.
 *
 * <p>A driver's test extends this class, makes the driver on a directory of its own and says what
 * it can do:
 * <pre>{@code
 * class MyRuntimeDriverTest extends RuntimeDriverConformance {
 *     protected RuntimeDriver newDriver(Path home) throws IOException {
 *         return new MyRuntimeDriver(home);
 *     }
 *
 *     protected Set<Feature> features() {
 *         return EnumSet.of(Feature.ATTACH);
 *     }
 * }
 * }</pre>
 * Nothing is assumed about how the driver runs containers or what it keeps in its home.
 */
public abstract class RuntimeDriverConformance extends RuntimeDriverHarness {
    /** What a driver can do beyond the core of the contract. */
    public enum Feature {
        /**
         * The container has pid, uts, ipc and mount namespaces of its own (its process is pid 1,
         * its hostname the spec's), the spec's capabilities only, masked and read-only paths, a
         * {@code /dev} of docker's standard devices (no {@code /dev/console} without a terminal),
         * and when privileged the host's devices as they are on the host. Its processes, and
         * those exec adds, start as runc starts them, whatever the engine inherited: every signal
         * at its default disposition and none blocked; the working directory entered before the
         * user is set, so that one the user may not enter works. {@code /dev/shm} is a tmpfs of
         * the spec's size.
         */
        ISOLATION,
        /**
         * The spec's limits hold: cgroup limits (pids, memory, with the OOM kill reported), and
         * rlimits for the container's processes and those exec adds, exactly as asked: a hard
         * limit the engine may not raise fails the start, saying so, and is never lowered quietly.
         */
        RESOURCE_LIMITS,
        /** A command that cannot be run fails {@link RuntimeDriver#start} with docker's status (127), not as an exit. */
        START_FAILURES,
        /** {@link RuntimeDriver#attach} and {@link RuntimeDriver#startAttached}, with standard input. */
        ATTACH,
        /** Pseudo-terminals for the container's process: size, resize, several clients (needs {@link #ATTACH}). */
        TERMINAL,
        /** {@link RuntimeDriver#exec}: a process in the container's namespaces (needs {@link #ISOLATION}). */
        EXEC,
        /** {@link RuntimeDriver#pause} and {@link RuntimeDriver#resume}. */
        PAUSE,
        /**
         * A spec with id mappings runs in a user namespace of its own ({@link ContainerSpec#uidMappings}),
         * on a root filesystem the caller made usable by the mapped root: its root is root inside
         * and the mapped id outside (what it makes is owned by that id; the host root's private
         * files are closed to it), with {@code /dev}, {@code /proc}, {@code /sys}, the cgroup
         * hierarchies, the capabilities and the seccomp filter it has without one, read-only
         * binds that keep their source's flags, in its own network namespace, one the engine made
         * or the host's; the processes exec adds are in that user namespace too (needs
         * {@link #ISOLATION}, and {@link #EXEC} and {@link #TERMINAL} for what it tests of them).
         */
        USER_NAMESPACE
    }

    /** What a process that neither blocks, ignores nor catches a signal shows in /proc/PID/status. */
    protected static final String NO_SIGNALS = "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n"
            + "SigCgt:\t0000000000000000\n";

    /** What the driver can do beyond the core of the contract. */
    protected abstract Set<Feature> features();

    /** Skips the test unless the driver declares the feature. */
    protected void requires(Feature feature) {
        Assumptions.assumeTrue(features().contains(feature), "the driver does not declare " + feature);
    }

    // ------------------------------------------------------------------ the core

    @Test
    void runsTheCommandAndKeepsItsOutputAndExitStatus() throws Exception {
        ContainerSpec spec = spec("sh", "-c", "echo out; echo err >&2; exit 3");
        RuntimeState end = run(spec);
        assertThat(end.status()).isEqualTo(RuntimeStatus.STOPPED);
        assertThat(end.exitCode()).isEqualTo(3);
        assertThat(end.finishedAt()).isNotNull();
        assertThat(output(spec, "stdout")).isEqualTo("out\n");
        assertThat(output(spec, "stderr")).isEqualTo("err\n");
        assertThat(driver.state(spec.id()).exitCode()).isEqualTo(3);
    }

    @Test
    void theProcessHasItsEnvironmentUserGroupsAndWorkingDirectory() throws Exception {
        ContainerSpec spec = spec(process("sh", "-c", "echo v=$V; id -u; id -g; id -G; pwd")
                .env(List.of(ContainerDefaults.PATH, "V=value with spaces")).cwd("/home/user")
                .user(new User(1000, 1000, List.of(100))).build()).build();
        assertThat(run(spec).exitCode()).isZero();
        assertThat(output(spec)).isEqualTo("v=value with spaces\n1000\n1000\n1000 100\n/home/user\n");
    }

    @Test
    void aRunningContainerIsListedWithItsProcessesUntilKilled() throws Exception {
        ContainerSpec spec = spec("sleep", "300");
        driver.create(spec);
        driver.start(spec.id());
        RuntimeState running = driver.state(spec.id());
        assertThat(running.status()).isEqualTo(RuntimeStatus.RUNNING);
        assertThat(running.pid()).isPositive();
        assertThat(running.startedAt()).isNotNull();
        assertThat(driver.list()).extracting(RuntimeState::id).contains(spec.id());
        assertThat(driver.pids(spec.id())).contains(running.pid());
        assertThat(driver.stats(spec.id()).pids()).isPositive();
        // Waiting with a timeout returns the state as it is.
        assertThat(driver.await(spec.id(), Duration.ofMillis(200)).status()).isEqualTo(RuntimeStatus.RUNNING);
        assertThatThrownBy(() -> driver.start(spec.id())).isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> driver.delete(spec.id())).isInstanceOf(ConflictException.class);
        driver.kill(spec.id(), 9, false);
        RuntimeState end = driver.await(spec.id(), WAIT);
        assertThat(end.status()).isEqualTo(RuntimeStatus.STOPPED);
        assertThat(end.exitCode()).isEqualTo(137);
        assertThat(end.oomKilled()).isFalse();
        assertThatThrownBy(() -> driver.kill(spec.id(), 9, false)).isInstanceOf(ConflictException.class);
    }

    @Test
    void startAndReportSaysWhatStateReadsAfterwards() throws Exception {
        ContainerSpec spec = spec("sleep", "300");
        driver.create(spec);
        RuntimeState started = driver.startAndReport(spec.id());
        RuntimeState read = driver.state(spec.id());
        assertThat(started.id()).isEqualTo(spec.id());
        assertThat(started.status()).isEqualTo(RuntimeStatus.RUNNING);
        assertThat(started.pid()).isPositive().isEqualTo(read.pid());
        assertThat(started.startedAt()).isNotNull().isEqualTo(read.startedAt());
        assertThat(driver.pids(spec.id())).contains(started.pid());
        assertThatThrownBy(() -> driver.startAndReport(spec.id())).isInstanceOf(ConflictException.class);
        driver.kill(spec.id(), 9, false);
        assertThat(driver.await(spec.id(), WAIT).exitCode()).isEqualTo(137);
    }

    @Test
    void aPoliteSignalReachesTheProcess() throws Exception {
        Path ready = rootfs.resolve("tmp/ready-" + System.nanoTime());
        ContainerSpec spec = spec("sh", "-c", "trap 'echo got-term; exit 42' TERM; touch /tmp/" + ready.getFileName()
                + "; while true; do sleep 1; done");
        driver.create(spec);
        driver.start(spec.id());
        // The trap is set once the file is there (seen through the root filesystem, not the log,
        // which a driver may write only as lines end).
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!Files.exists(ready) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        driver.kill(spec.id(), 15, false);
        assertThat(driver.await(spec.id(), WAIT).exitCode()).isEqualTo(42);
        assertThat(output(spec)).contains("got-term");
    }

    @Test
    void aNewInstanceOfTheDriverFindsItsContainers() throws Exception {
        ContainerSpec running = spec("sleep", "300");
        driver.create(running);
        driver.start(running.id());
        ContainerSpec ended = spec("sh", "-c", "exit 7");
        run(ended);
        RuntimeDriver again = newDriver(tmp.resolve("home"));
        try {
            assertThat(again.state(running.id()).status()).isEqualTo(RuntimeStatus.RUNNING);
            assertThat(again.state(running.id()).pid()).isEqualTo(driver.state(running.id()).pid());
            assertThat(again.state(ended.id()).exitCode()).isEqualTo(7);
            assertThat(again.list()).extracting(RuntimeState::id).contains(running.id(), ended.id());
            again.kill(running.id(), 9, false);
            assertThat(again.await(running.id(), WAIT).exitCode()).isEqualTo(137);
        } finally {
            if (again instanceof AutoCloseable c) {
                c.close();
            }
        }
    }

    @Test
    void deleteForgetsAContainerAndUnknownIdsAreNotFound() throws Exception {
        ContainerSpec spec = spec("true");
        assertThat(run(spec).exitCode()).isZero();
        assertThatThrownBy(() -> driver.create(spec)).isInstanceOf(ConflictException.class);
        driver.delete(spec.id());
        assertThatThrownBy(() -> driver.state(spec.id())).isInstanceOf(NotFoundException.class);
        assertThat(driver.list()).extracting(RuntimeState::id).doesNotContain(spec.id());
        // Deleting what does not exist does nothing; the rest says it does not exist.
        driver.delete(spec.id());
        String unknown = newId();
        assertThatThrownBy(() -> driver.start(unknown)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> driver.kill(unknown, 9, false)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> driver.pids(unknown)).isInstanceOf(NotFoundException.class);
    }

    @Test
    void theHostsDevNullKeepsItsOwnerWhateverUserTheProcessesRunAs() throws Exception {
        // A runtime may chown a process's standard streams to its user (crun does, device nodes
        // too): the host's /dev/null must never be one of them, for the container or for exec.
        Path devNull = Path.of("/dev/null");
        int uid = hostOwner(devNull, "unix:uid");
        int gid = hostOwner(devNull, "unix:gid");
        User user = new User(1000, 1000, List.of());
        try {
            // Neither has input: a runtime's /dev/null would be it.
            ContainerSpec spec = spec(process("sleep", "300").user(user).build()).build();
            driver.create(spec);
            driver.start(spec.id());
            if (features().contains(Feature.EXEC)) {
                try (Attachment a = driver.exec(spec.id(), process("true").user(user).build(), false)) {
                    drain(a);
                }
            }
            assertThat(hostOwner(devNull, "unix:uid") + ":" + hostOwner(devNull, "unix:gid")).as("the owner of the host's /dev/null")
                    .isEqualTo(uid + ":" + gid);
        } finally {
            // Put back what a failing driver changed on the host.
            if (hostOwner(devNull, "unix:uid") != uid || hostOwner(devNull, "unix:gid") != gid) {
                Files.setAttribute(devNull, "unix:uid", uid);
                Files.setAttribute(devNull, "unix:gid", gid);
            }
        }
    }

    /** A file's owner on the host: {@code unix:uid} or {@code unix:gid}. */
    private static int hostOwner(Path p, String id) throws IOException {
        return (Integer) Files.getAttribute(p, id, java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }

    // ------------------------------------------------------------------ features

    @Test
    void aContainerIsIsolated() throws Exception {
        requires(Feature.ISOLATION);
        ContainerSpec spec = spec("sh", "-c",
                "echo pid=$$ host=$(hostname); ps -o pid > /dev/shm/ps; wc -l < /dev/shm/ps; grep CapEff /proc/self/status;"
                        + " cat /proc/kcore | wc -c; echo 1 > /proc/sys/kernel/domainname || echo ro;"
                        + " touch /sys/x 2>/dev/null || echo sys-ro; exit 3");
        RuntimeState end = run(spec);
        assertThat(end.exitCode()).isEqualTo(3);
        String out = output(spec);
        assertThat(out).contains("pid=1 host=test-host").contains("CapEff:\t00000000a80425fb").contains("\n0\n")
                .contains("ro\n").contains("sys-ro");
        // ps lists: the header, sh and ps itself — nothing of the host.
        assertThat(out).contains("\n3\n");
    }

    @Test
    void theProcessesStartWithEverySignalAtItsDefaultWhateverTheEngineHas() throws Exception {
        requires(Feature.ISOLATION);
        // The engine's own dispositions leak by default: a JVM's children have glibc's 32 and 33
        // ignored (posix_spawn), a daemon started in the background SIGINT.
        ContainerSpec spec = spec("cat", "/proc/self/status");
        assertThat(run(spec).exitCode()).isZero();
        assertThat(signalFields(output(spec))).as("the init's signals").isEqualTo(NO_SIGNALS);
        if (features().contains(Feature.EXEC)) {
            ContainerSpec running = spec("sleep", "300");
            driver.create(running);
            driver.start(running.id());
            try (Attachment a = driver.exec(running.id(), process("cat", "/proc/self/status").build(), false)) {
                assertThat(signalFields(drain(a))).as("an exec'd process's signals").isEqualTo(NO_SIGNALS);
            }
        }
    }

    /** The SigBlk, SigIgn and SigCgt lines of a /proc/PID/status. */
    protected static String signalFields(String status) {
        StringBuilder out = new StringBuilder();
        status.lines().filter(l -> l.startsWith("SigBlk:") || l.startsWith("SigIgn:") || l.startsWith("SigCgt:"))
                .forEach(l -> out.append(l).append('\n'));
        return out.toString();
    }

    @Test
    void aWorkingDirectoryTheUserMayNotEnterIsEnteredBeforeTheUserIsSet() throws Exception {
        requires(Feature.ISOLATION);
        Path closed = Files.createDirectory(rootfs.resolve("closed"));
        Files.setPosixFilePermissions(closed, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        User nobody = new User(65534, 65534, List.of());
        ContainerSpec spec = spec(process("sh", "-c", "pwd; ls . || echo cannot-list; sleep 300").cwd("/closed").user(nobody)
                .build()).build();
        driver.create(spec);
        driver.start(spec.id());
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!output(spec).contains("cannot-list") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        // In the directory, as runc and docker do it, yet still nobody: it cannot read it.
        assertThat(output(spec, "stdout")).isEqualTo("/closed\ncannot-list\n");
        if (features().contains(Feature.EXEC)) {
            try (Attachment a = driver.exec(spec.id(), process("pwd").cwd("/closed").user(nobody).build(), false)) {
                assertThat(drain(a)).isEqualTo("/closed\n");
                assertThat(a.exitCode()).isZero();
            }
        }
    }

    @Test
    void devHasTheStandardDevicesAndNoConsoleWithoutATerminal() throws Exception {
        requires(Feature.ISOLATION);
        ContainerSpec spec = spec("sh", "-c", "ls -a /dev; test -e /dev/console && echo console; true");
        assertThat(run(spec).exitCode()).isZero();
        assertThat(output(spec, "stdout").lines()).contains("null", "zero", "full", "random", "urandom", "tty", "pts", "shm")
                .doesNotContain("console");
    }

    @Test
    void aPrivilegedContainerHasTheHostsDevicesAsTheHostHasThem() throws Exception {
        requires(Feature.ISOLATION);
        // A device in a directory of /dev (/dev/net/tun): its directory is made too.
        Path device = hostDeviceInADirectory();
        Requirements.require(device != null, "the host has no character device in a directory of /dev (modprobe tun)");
        var host = Files.readAttributes(device, "unix:mode,rdev,uid,gid");
        int mode = (Integer) host.get("mode") & 07777;
        long rdev = (Long) host.get("rdev");
        ContainerSpec spec = spec(process("sh", "-c", "stat -c '%F %t:%T %a %u:%g' " + device + "; test -e /dev/console"
                + " && echo console; grep CapEff /proc/self/status").build()).privileged(true).build();
        assertThat(run(spec).exitCode()).isZero();
        long major = ((rdev >>> 32) & 0xfffff000L) | ((rdev >>> 8) & 0xfffL);
        long minor = ((rdev >>> 12) & 0xffffff00L) | (rdev & 0xffL);
        // Every capability the engine has, as docker gives them: a host may lack some.
        long all = (1L << ContainerDefaults.ALL_CAPABILITIES.size()) - 1;
        assertThat(output(spec, "stdout")).startsWith(String.format("character special file %x:%x %o %d:%d%n", major, minor, mode,
                host.get("uid"), host.get("gid"))).doesNotContain("console")
                .contains(String.format("CapEff:\t%016x", all & engineStatus("CapBnd")));
    }

    /** /dev/net/tun, or else another character device of the host in a directory of /dev, or null. */
    private static Path hostDeviceInADirectory() throws IOException {
        Path tun = Path.of("/dev/net/tun");
        if (Files.exists(tun)) {
            return tun;
        }
        try (var all = Files.walk(Path.of("/dev"), 4)) {
            return all.filter(p -> p.getNameCount() > 2 && !p.startsWith("/dev/pts") && !p.startsWith("/dev/shm")
                    && !p.startsWith("/dev/mqueue") && !p.startsWith("/dev/fd") && isCharacterDevice(p)).findFirst().orElse(null);
        }
    }

    private static boolean isCharacterDevice(Path p) {
        try {
            return ((Integer) Files.getAttribute(p, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS) & 0170000) == 0020000;
        } catch (IOException e) {
            return false; // gone since it was listed
        }
    }

    /** A hexadecimal field of the engine's (this JVM's) /proc/self/status: its capability sets. */
    private static long engineStatus(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseUnsignedLong(line.substring(field.length() + 1).strip(), 16);
            }
        }
        throw new AssertionError("no " + field + " in /proc/self/status");
    }

    @Test
    void devShmIsATmpfsOfTheSpecsSize() throws Exception {
        requires(Feature.ISOLATION);
        ContainerSpec sized = spec(process("grep", " /dev/shm ", "/proc/mounts").build()).shmSize(128L << 20).build();
        assertThat(run(sized).exitCode()).isZero();
        assertThat(output(sized)).contains(" /dev/shm tmpfs ").contains("size=131072k");
        ContainerSpec plain = spec("grep", " /dev/shm ", "/proc/mounts");
        assertThat(run(plain).exitCode()).isZero();
        assertThat(output(plain)).contains("size=65536k");
    }

    @Test
    void mountPointsTheRootFilesystemLacksAreMadeWithTheirParents() throws Exception {
        requires(Feature.ISOLATION);
        Path dir = Files.createDirectories(tmp.resolve("bound-dir"));
        Files.writeString(dir.resolve("a"), "from a directory\n");
        Path file = Files.writeString(tmp.resolve("bound-file"), "from a file\n");
        String deep = "/made-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        ContainerSpec spec = spec(process("sh", "-c", "cat " + deep + "/er/dir/a /etc" + deep + "/er/file; ls -ld " + deep
                + "/er /etc" + deep + "/er | cut -c1").build())
                .mounts(List.of(new Mount("bind", dir.toString(), deep + "/er/dir", List.of("rbind", "ro")),
                        new Mount("bind", file.toString(), "/etc" + deep + "/er/file", List.of("rbind", "ro"))))
                .build();
        assertThat(run(spec).exitCode()).as(output(spec)).isZero();
        assertThat(output(spec)).isEqualTo("from a directory\nfrom a file\nd\nd\n");
    }

    @Test
    void aMissingCommandFailsTheStartWith127() throws Exception {
        requires(Feature.START_FAILURES);
        // Through start, then startAndReport.
        for (boolean report : new boolean[] {false, true}) {
            ContainerSpec spec = spec("no-such-command");
            driver.create(spec);
            assertThatThrownBy(() -> {
                if (report) {
                    driver.startAndReport(spec.id());
                } else {
                    driver.start(spec.id());
                }
            }).isInstanceOf(StartFailedException.class)
                    .hasMessage("exec: \"no-such-command\": executable file not found in $PATH")
                    .extracting(e -> ((StartFailedException) e).exitCode()).isEqualTo(127);
            assertThat(driver.state(spec.id()).status()).isEqualTo(RuntimeStatus.CREATED);
        }
    }

    @Test
    void pidsLimitContainsAForkBomb() throws Exception {
        requires(Feature.RESOURCE_LIMITS);
        ContainerSpec spec = spec(process("sh", "-c", "for i in $(seq 1 60); do sleep 30 & done 2>/dev/null; sleep 1;"
                + " ps -o pid > /dev/shm/ps; wc -l < /dev/shm/ps; kill -9 -1").build())
                .resources(Resources.builder().pidsLimit(20).build()).build();
        RuntimeState end = run(spec);
        int processes = Integer.parseInt(output(spec).strip().lines().filter(l -> l.matches("\\d+")).findFirst().orElse("0"));
        assertThat(processes).isLessThanOrEqualTo(21);
        assertThat(end.status()).isEqualTo(RuntimeStatus.STOPPED);
    }

    @Test
    void memoryLimitOomKillsAHogAndSaysSo() throws Exception {
        requires(Feature.RESOURCE_LIMITS);
        // tail keeps the last 90 MB it reads in memory: far over the 32 MB limit.
        ContainerSpec spec = spec(process("sh", "-c", "exec sh -c 'head -c 100000000 /dev/zero | tail -c 90000000 > /dev/null'")
                .build()).resources(Resources.builder().memory(32L << 20).memorySwap(-1).build()).build();
        RuntimeState end = run(spec);
        assertThat(end.oomKilled()).isTrue();
        assertThat(end.exitCode()).isEqualTo(137);
    }

    @Test
    void rlimitsHoldForTheContainerAndWhatExecAdds() throws Exception {
        requires(Feature.RESOURCE_LIMITS);
        List<io.berth.api.runtime.Rlimit> limits = List.of(new io.berth.api.runtime.Rlimit("RLIMIT_NOFILE", 1000, 1000));
        ContainerSpec spec = spec(process("sh", "-c", "ulimit -n; ulimit -Hn; sleep 300").rlimits(limits).build()).build();
        driver.create(spec);
        driver.start(spec.id());
        long deadline = System.nanoTime() + WAIT.toNanos();
        // Both lines: the log may hold the first before the second is written.
        while (output(spec).chars().filter(c -> c == '\n').count() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(output(spec)).startsWith("1000\n1000\n");
        if (features().contains(Feature.EXEC)) {
            try (Attachment a = driver.exec(spec.id(), process("sh", "-c", "ulimit -n; ulimit -Hn").rlimits(limits).build(),
                    false)) {
                assertThat(drain(a)).isEqualTo("1000\n1000\n");
            }
        }
    }

    @Test
    void aHardLimitAboveTheEnginesOwnIsGivenOrRefusedNeverLowered() throws Exception {
        requires(Feature.RESOURCE_LIMITS);
        long own = engineHardLimit("Max open files");
        long asked = own + 1;
        List<io.berth.api.runtime.Rlimit> limits = List.of(new io.berth.api.runtime.Rlimit("RLIMIT_NOFILE", asked, asked));
        ContainerSpec spec = spec(process("sh", "-c", "ulimit -Hn; sleep 300").rlimits(limits).build()).build();
        driver.create(spec);
        // Raising a hard limit needs CAP_SYS_RESOURCE, and the open files' never goes past fs.nr_open.
        boolean mayRaise = (engineStatus("CapEff") & (1L << ContainerDefaults.ALL_CAPABILITIES.indexOf("CAP_SYS_RESOURCE"))) != 0
                && asked <= Long.parseLong(Files.readString(Path.of("/proc/sys/fs/nr_open")).strip());
        if (!mayRaise) {
            // As runc: the start fails, and says which limit, what was asked and what the engine has.
            assertThatThrownBy(() -> driver.start(spec.id())).isInstanceOf(StartFailedException.class)
                    .hasMessageContaining("RLIMIT_NOFILE").hasMessageContaining(Long.toString(asked))
                    .hasMessageContaining(Long.toString(own)).hasMessageNotContaining("\n")
                    .extracting(e -> ((StartFailedException) e).exitCode()).isNotIn(126, 127);
            assertThat(driver.state(spec.id()).status()).isEqualTo(RuntimeStatus.CREATED);
            if (features().contains(Feature.EXEC)) {
                ContainerSpec running = spec("sleep", "300");
                driver.create(running);
                driver.start(running.id());
                assertThatThrownBy(() -> driver.exec(running.id(), process("true").rlimits(limits).build(), false))
                        .isInstanceOf(StartFailedException.class).hasMessageContaining("RLIMIT_NOFILE")
                        .hasMessageContaining(Long.toString(asked)).hasMessageContaining(Long.toString(own));
            }
            return;
        }
        driver.start(spec.id());
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!output(spec).contains("\n") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(output(spec)).isEqualTo(asked + "\n");
        if (features().contains(Feature.EXEC)) {
            try (Attachment a = driver.exec(spec.id(), process("sh", "-c", "ulimit -Hn").rlimits(limits).build(), false)) {
                assertThat(drain(a)).isEqualTo(asked + "\n");
            }
        }
    }

    /** The engine's (this JVM's) hard limit of a resource, by its name in /proc/self/limits. */
    private static long engineHardLimit(String name) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith(name + " ")) {
                return Long.parseLong(line.substring(name.length()).strip().split("\\s+")[1]);
            }
        }
        throw new AssertionError("no " + name + " in /proc/self/limits");
    }

    @Test
    void openStdinFeedsThePipeAndClosesWhenTheClientIsDone() throws Exception {
        requires(Feature.ATTACH);
        ContainerSpec spec = spec(process("sh", "-c", "cat; echo cat-ended >&2").openStdin(true).stdinOnce(true).build()).build();
        driver.create(spec);
        try (Attachment a = driver.startAttached(spec.id(), true)) {
            type(a, "hello\n");
            StringBuilder seen = new StringBuilder();
            readUntil(a, seen, "hello\n");
            a.closeInput();
            seen.append(drain(a));
            assertThat(seen.toString()).contains("cat-ended");
            assertThat(a.exitCode()).isZero();
        }
        assertThat(output(spec, "stdout")).isEqualTo("hello\n");
    }

    @Test
    void aTerminalHasItsSizeFollowsResizesAndReturnsTheExitStatus() throws Exception {
        requires(Feature.TERMINAL);
        ContainerSpec spec = spec(process("sh").terminal(true).openStdin(true).consoleSize(new ConsoleSize(24, 80)).build())
                .build();
        driver.create(spec);
        try (Attachment a = driver.startAttached(spec.id(), true)) {
            StringBuilder seen = new StringBuilder();
            // The terminal is the container's /dev/console too, as runc makes it.
            type(a, "stty size; tty; [ /dev/console -ef \"$(tty)\" ] && echo console-$((2+3)); echo marker-$((6*7))\n");
            readUntil(a, seen, "marker-42");
            assertThat(seen.toString()).contains("24 80").contains("/dev/pts/0").contains("console-5").contains("\r\n");
            a.resize(new ConsoleSize(40, 100));
            type(a, "stty size; echo second-$((6*7))\n");
            readUntil(a, seen, "second-42");
            assertThat(seen.toString()).contains("40 100");
            // A second client sees the output too, but cannot take the input.
            try (Attachment other = driver.attach(spec.id(), false)) {
                assertThatThrownBy(() -> driver.attach(spec.id(), true)).isInstanceOf(ConflictException.class)
                        .hasMessage("stdin is attached to another client");
                type(a, "echo both-$((6*7))\n");
                readUntil(other, new StringBuilder(), "both-42");
            }
            type(a, "exit 3\n");
            drain(a);
            assertThat(a.exitCode()).isEqualTo(3);
        }
        assertThat(driver.await(spec.id(), WAIT).exitCode()).isEqualTo(3);
        // The terminal's output is in the log, as stdout.
        assertThat(output(spec, "stdout")).contains("marker-42");
    }

    @Test
    void execRunsInTheContainersNamespacesWithItsOwnUser() throws Exception {
        requires(Feature.EXEC);
        ContainerSpec spec = spec("sleep", "300");
        driver.create(spec);
        driver.start(spec.id());
        try (Attachment a = driver.exec(spec.id(), process("sh", "-c",
                "echo pid=$$; hostname; cat /proc/1/cmdline | tr '\\0' ' '; echo; id -u; echo err >&2; exit 5")
                .user(new User(1000, 1000, List.of())).build(), false)) {
            String out = drain(a);
            assertThat(a.exitCode()).isEqualTo(5);
            // In the container's pid namespace (sh is not pid 1: sleep is) and its uts namespace.
            assertThat(out).doesNotContain("pid=1\n").contains("test-host\n").contains("sleep 300 \n").contains("\n1000\n")
                    .contains("err");
        }
        if (features().contains(Feature.TERMINAL)) {
            try (Attachment t = driver.exec(spec.id(), process("sh", "-c", "tty; stty size; exit 2").terminal(true)
                    .openStdin(true).consoleSize(new ConsoleSize(24, 80)).build(), true)) {
                String out = drain(t);
                assertThat(out).contains("/dev/pts/0").contains("24 80");
                assertThat(t.exitCode()).isEqualTo(2);
            }
        }
        assertThatThrownBy(() -> driver.exec(spec.id(), process("no-such-command").build(), false))
                .isInstanceOf(StartFailedException.class)
                .hasMessage("exec: \"no-such-command\": executable file not found in $PATH");
        // The container itself is untouched.
        assertThat(driver.state(spec.id()).status()).isEqualTo(RuntimeStatus.RUNNING);
    }

    @Test
    void pauseFreezesEveryProcessUntilResumedAndAKillStillLands() throws Exception {
        requires(Feature.PAUSE);
        ContainerSpec spec = spec("sh", "-c", "i=0; while true; do i=$((i+1)); echo $i > /tmp/n; done");
        driver.create(spec);
        driver.start(spec.id());
        Path counter = rootfs.resolve("tmp/n");
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!Files.exists(counter) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        driver.pause(spec.id());
        assertThat(driver.state(spec.id()).status()).isEqualTo(RuntimeStatus.PAUSED);
        String frozen = Files.readString(counter);
        Thread.sleep(300);
        assertThat(Files.readString(counter)).isEqualTo(frozen);
        assertThatThrownBy(() -> driver.pause(spec.id())).isInstanceOf(ConflictException.class);
        driver.resume(spec.id());
        assertThat(driver.state(spec.id()).status()).isEqualTo(RuntimeStatus.RUNNING);
        boolean moved = false;
        for (int i = 0; i < 500 && !moved; i++) {
            Thread.sleep(10);
            String now = Files.readString(counter);
            moved = !now.isEmpty() && !now.equals(frozen);
        }
        assertThat(moved).as("the counter moves again once thawed").isTrue();
        assertThatThrownBy(() -> driver.resume(spec.id())).isInstanceOf(ConflictException.class);
        // A SIGKILL to a frozen container lands: the driver thaws it for that.
        driver.pause(spec.id());
        driver.kill(spec.id(), 9, false);
        RuntimeState end = driver.await(spec.id(), WAIT);
        assertThat(end.status()).isEqualTo(RuntimeStatus.STOPPED);
        assertThat(end.exitCode()).isEqualTo(137);
    }

    // ------------------------------------------------------------------ user namespaces

    /** Where the user namespace's ids start on the host: a range no real user has, as docker's usernsRemap maps one. */
    private static final long USERNS_HOST_ID = 200000;
    private static final long USERNS_SIZE = 65536;
    private static final String USERNS_MAP = "0 " + USERNS_HOST_ID + " " + USERNS_SIZE;

    /**
     * The root filesystem of a container with a user namespace, as the engine makes one: the
     * busybox image with every owner shifted by the mapped range's start, in a directory the
     * mapped root can reach; and a file of the host's root that it must not read (mode 0600).
     */
    private Path usernsRootfs() throws IOException {
        // The test's directory is the host root's (0700): the mapped root must be able to pass through.
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
        Path shifted = tmp.resolve("userns-rootfs");
        BusyboxImage.build().writeRootfs(shifted);
        try (var all = Files.walk(shifted)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                // Applets are hard links of one file: each owner is shifted once.
                for (String id : List.of("unix:uid", "unix:gid")) {
                    int owner = (Integer) Files.getAttribute(p, id, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                    if (owner < USERNS_HOST_ID) {
                        Files.setAttribute(p, id, (int) (owner + USERNS_HOST_ID), java.nio.file.LinkOption.NOFOLLOW_LINKS);
                    }
                }
            }
        }
        Path secret = tmp.resolve("host-secret");
        Files.writeString(secret, "host-only\n");
        Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return shifted;
    }

    /**
     * A container of {@code rootfs} in a user namespace mapping 0… to {@link #USERNS_HOST_ID}…,
     * the host's secret bound in, and {@code more} mounts.
     */
    private ContainerSpec.Builder usernsSpec(ProcessSpec process, Path rootfs, Mount... more) {
        List<io.berth.api.runtime.IdMapping> map = List.of(new io.berth.api.runtime.IdMapping(0, USERNS_HOST_ID, USERNS_SIZE));
        String secret = tmp.resolve("host-secret").toString();
        List<Mount> mounts = new ArrayList<>(List.of(new Mount("bind", secret, "/secret-ro", List.of("rbind", "ro")),
                new Mount("bind", secret, "/secret-rw", List.of("rbind", "rw"))));
        mounts.addAll(List.of(more));
        return spec(process).rootfs(List.of(new Mount("bind", rootfs.toString(), null, List.of("rbind"))))
                .mounts(mounts).idMappings(map, map);
    }

    /** Waits until the container's output has {@code marker}, and returns it. */
    private static String outputUntil(ContainerSpec spec, String marker) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!output(spec).contains(marker) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return output(spec);
    }

    /** A seccomp filter that refuses mkdir with ENOSYS, to see that a container's filter holds in its user namespace. */
    private static final io.berth.api.runtime.Seccomp REFUSE_MKDIR = new io.berth.api.runtime.Seccomp("SCMP_ACT_ALLOW", 0,
            List.of(), List.of(new io.berth.api.runtime.Seccomp.Rule(List.of("mkdir", "mkdirat"), "SCMP_ACT_ERRNO", 38,
            List.of())));

    /** What the user namespace's processes say about themselves, each line checked by {@link #assertInUserNamespace}. */
    private static final String USERNS_PROBE = "tr -s ' ' < /proc/self/uid_map; tr -s ' ' < /proc/self/gid_map;"
            + " echo uid=$(id -u) gid=$(id -g); cat /secret-ro || echo ro-closed; cat /secret-rw || echo rw-closed;";

    private static void assertInUserNamespace(String out, int uid) {
        assertThat(out).contains(" " + USERNS_MAP + "\n " + USERNS_MAP + "\n").contains("uid=" + uid + " gid=" + uid + "\n")
                .contains("ro-closed").contains("rw-closed").contains("Permission denied").doesNotContain("host-only");
    }

    @Test
    void aContainerWithIdMappingsRunsInAUserNamespaceOfItsOwn() throws Exception {
        requires(Feature.USER_NAMESPACE);
        Path shifted = usernsRootfs();
        // A mount whose flags the kernel locks in the container's user namespace (nosuid, nodev,
        // noexec, noatime): a read-only bind of it is made by a remount that must keep them.
        Path locked = Files.createDirectory(tmp.resolve("locked"));
        HostMounts.mount(List.of(new Mount("tmpfs", "tmpfs", null, List.of("nosuid", "nodev", "noexec", "noatime",
                "mode=755"))), locked);
        try {
            Files.writeString(locked.resolve("file"), "through-a-locked-mount\n");
            runsInAUserNamespaceOfItsOwn(shifted, new Mount("bind", locked.toString(), "/locked-ro", List.of("rbind", "ro")));
        } finally {
            HostMounts.unmount(locked);
        }
    }

    private void runsInAUserNamespaceOfItsOwn(Path shifted, Mount locked) throws Exception {
        ContainerSpec spec = usernsSpec(process("sh", "-c", USERNS_PROBE + " touch /made-by-root;"
                + " echo x > /dev/null && echo zero-$(head -c 3 /dev/zero | wc -c) && test -c /dev/null && echo dev-ok;"
                + " grep -q '^proc /proc proc ' /proc/mounts && test -e /proc/1/status && echo proc-ok;"
                + " grep -q ' /sys sysfs ' /proc/mounts && test -d /sys/kernel && echo sys-ok;"
                + " touch /sys/x 2>/dev/null || echo sys-ro;"
                + " [ -n \"$(find /sys/fs/cgroup -name cgroup.procs | head -n 1)\" ] && echo cgroups-ok;"
                + " cat /locked-ro/file; grep ' /locked-ro ' /proc/mounts; touch /locked-ro/x 2>/dev/null || echo locked-ro;"
                + " mkdir /refused; grep CapEff /proc/self/status; echo pid=$$; echo ready; exec sleep 300").build(), shifted, locked)
                .seccomp(REFUSE_MKDIR).build();
        driver.create(spec);
        driver.start(spec.id());
        String out = outputUntil(spec, "ready\n");
        assertInUserNamespace(out, 0);
        // Each line on its own: the probe's stderr may come between its stdout's lines.
        assertThat(out).contains("zero-3\n").contains("dev-ok\n").contains("proc-ok\n").contains("sys-ok\n").contains("sys-ro\n")
                .contains("cgroups-ok\n").contains("CapEff:\t00000000a80425fb\n").contains("pid=1\n")
                .contains("through-a-locked-mount\n").containsPattern(" /locked-ro tmpfs ro,nosuid,nodev,noexec,noatime[, ]")
                .contains("locked-ro\n").contains("Function not implemented");
        // The namespace's root is the mapped id on the host.
        Path made = shifted.resolve("made-by-root");
        assertThat(hostOwner(made, "unix:uid")).isEqualTo((int) USERNS_HOST_ID);
        assertThat(hostOwner(made, "unix:gid")).isEqualTo((int) USERNS_HOST_ID);
        if (!features().contains(Feature.EXEC)) {
            return;
        }
        // An added process is in the container's user namespace too, as its root or another user.
        try (Attachment a = driver.exec(spec.id(), process("sh", "-c", USERNS_PROBE).build(), false)) {
            assertInUserNamespace(drain(a), 0);
            assertThat(a.exitCode()).isZero();
        }
        // Without no_new_privs the filter is installed while the process still has CAP_SYS_ADMIN in the user namespace.
        try (Attachment a = driver.exec(spec.id(), process("sh", "-c", USERNS_PROBE + " touch /home/user/made-by-1000;"
                + " mkdir /home/user/refused").user(new User(1000, 1000, List.of())).noNewPrivileges(false).build(), false)) {
            String asUser = drain(a);
            assertInUserNamespace(asUser, 1000);
            assertThat(asUser).contains("Function not implemented");
        }
        Path byUser = shifted.resolve("home/user/made-by-1000");
        assertThat(hostOwner(byUser, "unix:uid")).isEqualTo((int) USERNS_HOST_ID + 1000);
        if (features().contains(Feature.TERMINAL)) {
            try (Attachment t = driver.exec(spec.id(), process("sh", "-c", USERNS_PROBE + " tty").terminal(true)
                    .openStdin(true).consoleSize(new ConsoleSize(24, 80)).build(), true)) {
                String tty = drain(t).replace("\r\n", "\n");
                assertInUserNamespace(tty, 0);
                assertThat(tty).contains("/dev/pts/");
            }
        }
    }

    @Test
    void aUserNamespaceContainerHasATerminal() throws Exception {
        requires(Feature.USER_NAMESPACE);
        requires(Feature.TERMINAL);
        // With a read-only root filesystem too: a remount of the host's mount, copied into the user namespace.
        ContainerSpec spec = usernsSpec(process("sh").terminal(true).openStdin(true).consoleSize(new ConsoleSize(24, 80))
                .build(), usernsRootfs()).readonlyRootfs(true).build();
        driver.create(spec);
        try (Attachment a = driver.startAttached(spec.id(), true)) {
            type(a, USERNS_PROBE + " stty size; tty; [ /dev/console -ef \"$(tty)\" ] && echo console-$((2+3));"
                    + " touch /x 2>/dev/null || echo rootfs-$((6*7)); exit 4\n");
            String out = drain(a).replace("\r\n", "\n");
            assertInUserNamespace(out, 0);
            assertThat(out).contains("24 80").contains("/dev/pts/0").contains("console-5").contains("rootfs-42");
            assertThat(a.exitCode()).isEqualTo(4);
        }
    }

    @Test
    void aUserNamespaceContainerRunsInANetworkNamespaceTheEngineMadeOrTheHosts() throws Exception {
        requires(Feature.USER_NAMESPACE);
        Path shifted = usernsRootfs();
        // A network namespace as the engine makes one, of the host's user namespace, bound on a file.
        Path netns = Files.createFile(tmp.resolve("netns"));
        HostMounts.run("unshare", "--net=" + netns, "true");
        try {
            long engines = (Long) Files.getAttribute(netns, "unix:ino");
            runsInANetworkNamespaceOfTheHostsUserNamespace(usernsSpec(process("sh", "-c", USERNS_NETNS_PROBE).build(), shifted)
                    .netns(netns).build(), engines);
        } finally {
            HostMounts.unmount(netns);
        }
        long hosts = (Long) Files.getAttribute(Path.of("/proc/self/ns/net"), "unix:ino");
        runsInANetworkNamespaceOfTheHostsUserNamespace(usernsSpec(process("sh", "-c", USERNS_NETNS_PROBE).build(), shifted)
                .hostNetwork(true).build(), hosts);
    }

    /**
     * In a network namespace its user namespace does not own, the container may not mount sysfs:
     * it still has a read-only {@code /sys}, and its cgroups.
     */
    private static final String USERNS_NETNS_PROBE = USERNS_PROBE + " readlink /proc/self/ns/net;"
            + " grep -q ' /sys sysfs ' /proc/mounts && test -d /sys/kernel && echo sys-ok;"
            + " touch /sys/x 2>/dev/null || echo sys-ro;"
            + " [ -n \"$(find /sys/fs/cgroup -name cgroup.procs | head -n 1)\" ] && echo cgroups-ok;"
            + " echo ready; exec sleep 300";

    private void runsInANetworkNamespaceOfTheHostsUserNamespace(ContainerSpec spec, long inode) throws Exception {
        driver.create(spec);
        driver.start(spec.id());
        String out = outputUntil(spec, "ready\n");
        assertInUserNamespace(out, 0);
        assertThat(out).contains("net:[" + inode + "]\n").contains("sys-ok\n").contains("sys-ro\n").contains("cgroups-ok\n");
        if (features().contains(Feature.EXEC)) {
            try (Attachment a = driver.exec(spec.id(), process("sh", "-c", USERNS_PROBE + " readlink /proc/self/ns/net")
                    .build(), false)) {
                String exec = drain(a);
                assertInUserNamespace(exec, 0);
                assertThat(exec).contains("net:[" + inode + "]\n");
            }
        }
        driver.kill(spec.id(), 9, true);
        driver.await(spec.id(), WAIT);
    }
}
