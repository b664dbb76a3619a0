package io.berth.driver.linux.internal;

import io.berth.api.runtime.ContainerDefaults;
import io.berth.api.runtime.Attachment;
import io.berth.api.runtime.ConsoleSize;
import io.berth.api.runtime.ContainerSpec;
import io.berth.api.runtime.LogSpec;
import io.berth.api.runtime.ProcessSpec;
import io.berth.api.runtime.Resources;
import io.berth.api.runtime.RuntimeState;
import io.berth.api.runtime.RuntimeStatus;
import io.berth.api.runtime.StartFailedException;
import io.berth.api.runtime.User;
import io.berth.api.storage.Mount;
import io.berth.layers.LayerApplier;
import io.berth.layers.Whiteouts;
import io.berth.testing.BusyboxImage;
import io.berth.testing.Requirements;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The native runtime for real: namespaces, cgroups, the shim. The OCI runtime drivers run the same
 * tests (driver-oci's subclasses), so every runtime makes the same container.
 */
public class NativeRuntimeDriverTest {
    @TempDir
    Path tmp;
    protected io.berth.driver.linux.shim.ShimRuntimeDriver driver;
    private Path rootfs;
    private final List<String> created = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        Requirements.require(Requirements.isRoot(), "containers need root");
        Requirements.require(BusyboxImage.available(), "busybox is not installed (apt-get install busybox-static)");
        rootfs = Files.createDirectory(tmp.resolve("rootfs"));
        for (byte[] layer : BusyboxImage.build().layers()) {
            LayerApplier.apply(new ByteArrayInputStream(layer), rootfs, new LayerApplier.Options(Whiteouts.DELETE, true, true));
        }
        Path shim = NativeRuntimeDriverComponent.installShim(tmp.resolve("bin"));
        driver = newDriver(tmp.resolve("run"), shim);
        io.berth.layers.Subreaper.start();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (String id : created) {
            RuntimeState s = driver.state(id);
            if (s.status() == RuntimeStatus.RUNNING) {
                driver.kill(id, 9, true);
                driver.await(id, Duration.ofSeconds(10));
            }
            driver.delete(id);
        }
        driver.close();
        io.berth.testing.ChildProcesses.awaitShimsGone(Duration.ofSeconds(10));
    }

    /** The driver under test. */
    protected io.berth.driver.linux.shim.ShimRuntimeDriver newDriver(Path stateRoot, Path shim) throws IOException {
        return new NativeRuntimeDriver(stateRoot, shim);
    }

    /** A container whose process has a terminal of 24x80, or its stdin open (taken once) without. */
    private ContainerSpec interactive(boolean terminal, String... command) {
        ContainerSpec base = spec(Resources.NONE, command);
        ProcessSpec p = base.process();
        ProcessSpec process = new ProcessSpec(p.args(), p.env(), p.cwd(), p.user(), terminal, p.capabilities(),
                p.noNewPrivileges(), p.rlimits(), true, !terminal, terminal ? new ConsoleSize(24, 80) : null);
        return new ContainerSpec(base.id(), base.rootfs(), base.readonlyRootfs(), process, base.hostname(), base.mounts(),
                base.resources(), base.maskedPaths(), base.readonlyPaths(), base.privileged(), base.netns(), base.stateDir(),
                base.log(), base.annotations());
    }

    /** Reads output until {@code expected} has come, or fails after 10 s. */
    private static String readUntil(Attachment a, StringBuilder seen, String expected) throws Exception {
        java.util.concurrent.Future<String> f = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r);
            t.setDaemon(true);
            return t;
        }).submit(() -> {
            while (!seen.toString().contains(expected)) {
                Attachment.Output o = a.next();
                if (o == null) {
                    break;
                }
                seen.append(new String(o.data(), java.nio.charset.StandardCharsets.UTF_8));
            }
            return seen.toString();
        });
        String out = f.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(out).contains(expected);
        return out;
    }

    private static void type(Attachment a, String text) throws IOException {
        byte[] b = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        a.write(b, 0, b.length);
    }

    @Test
    void aTerminalHasItsSizeFollowsResizesAndReturnsTheExitStatus() throws Exception {
        ContainerSpec spec = interactive(true, "sh");
        driver.create(spec);
        try (Attachment a = driver.startAttached(spec.id(), true)) {
            StringBuilder seen = new StringBuilder();
            type(a, "stty size; tty; echo marker-$((6*7))\n");
            readUntil(a, seen, "marker-42");
            assertThat(seen.toString()).contains("24 80").contains("/dev/pts/0").contains("\r\n");
            a.resize(new ConsoleSize(40, 100));
            type(a, "stty size; echo second-$((6*7))\n");
            readUntil(a, seen, "second-42");
            assertThat(seen.toString()).contains("40 100");
            // A second client sees the output too, but cannot take the input.
            try (Attachment other = driver.attach(spec.id(), false)) {
                assertThatThrownBy(() -> driver.attach(spec.id(), true)).isInstanceOf(io.berth.api.ConflictException.class)
                        .hasMessage("stdin is attached to another client");
                type(a, "echo both-$((6*7))\n");
                readUntil(other, new StringBuilder(), "both-42");
            }
            type(a, "exit 3\n");
            while (a.next() != null) {
                // Drain to the end.
            }
            assertThat(a.exitCode()).isEqualTo(3);
        }
        assertThat(driver.await(spec.id(), Duration.ofSeconds(10)).exitCode()).isEqualTo(3);
        // The terminal's output is in the log, as stdout.
        assertThat(output(spec)).contains("marker-42");
    }

    private static ProcessSpec execProcess(boolean terminal, User user, String... command) {
        return new ProcessSpec(List.of(command), List.of(ContainerDefaults.PATH, "HOSTNAME=test-host"), "/", user, terminal,
                ContainerDefaults.CAPABILITIES, true, List.of(), terminal, false, terminal ? new ConsoleSize(24, 80) : null);
    }

    private static String drain(Attachment a) throws IOException {
        StringBuilder out = new StringBuilder();
        Attachment.Output o;
        while ((o = a.next()) != null) {
            out.append(new String(o.data(), java.nio.charset.StandardCharsets.UTF_8));
        }
        return out.toString();
    }

    @Test
    void execRunsInTheContainersNamespacesAndCgroupsWithItsOwnUser() throws Exception {
        ContainerSpec spec = spec(Resources.NONE, "sleep", "300");
        driver.create(spec);
        driver.start(spec.id());
        try (Attachment a = driver.exec(spec.id(), execProcess(false, new User(1000, 1000, List.of()), "sh", "-c",
                "echo pid=$$; hostname; cat /proc/1/cmdline | tr '\\0' ' '; echo; id -u; ls /proc | grep -c '^[0-9]*$';"
                        + " grep -vc ':/$' /proc/self/cgroup; echo err >&2; exit 5"), false)) {
            String out = drain(a);
            assertThat(a.exitCode()).isEqualTo(5);
            // In the container's pid namespace (sh is not pid 1: sleep is), its uts, its cgroups.
            assertThat(out).doesNotContain("pid=1\n").contains("test-host\n").contains("sleep 300 \n").contains("\n1000\n")
                    .contains("err");
            // Every hierarchy shows it at the root of the container's cgroup namespace: in the
            // container's cgroup (elsewhere it would show as /.. paths).
            assertThat(out).containsPattern("\n1000\n\\d+\n0\n");
        }
        // A terminal for the exec'd process, of the container's devpts.
        try (Attachment t = driver.exec(spec.id(), execProcess(true, User.ROOT, "sh", "-c", "tty; stty size; exit 2"), true)) {
            String out = drain(t);
            assertThat(out).contains("/dev/pts/0").contains("24 80");
            assertThat(t.exitCode()).isEqualTo(2);
        }
        assertThatThrownBy(() -> driver.exec(spec.id(), execProcess(false, User.ROOT, "no-such-command"), false))
                .isInstanceOf(StartFailedException.class)
                .hasMessage("exec: \"no-such-command\": executable file not found in $PATH");
        // The container itself is untouched.
        assertThat(driver.state(spec.id()).status()).isEqualTo(RuntimeStatus.RUNNING);
        driver.kill(spec.id(), 9, false);
        driver.await(spec.id(), Duration.ofSeconds(10));
    }

    @Test
    void openStdinFeedsThePipeAndClosesWhenTheClientIsDone() throws Exception {
        ContainerSpec spec = interactive(false, "sh", "-c", "cat; echo cat-ended >&2");
        driver.create(spec);
        try (Attachment a = driver.startAttached(spec.id(), true)) {
            type(a, "hello\n");
            StringBuilder seen = new StringBuilder();
            readUntil(a, seen, "hello\n");
            a.closeInput();
            Attachment.Output o;
            while ((o = a.next()) != null) {
                seen.append(new String(o.data(), java.nio.charset.StandardCharsets.UTF_8));
            }
            assertThat(seen.toString()).contains("cat-ended");
            assertThat(a.exitCode()).isZero();
        }
    }

    private ContainerSpec spec(Resources resources, String... command) {
        String id = HexFormat.of().formatHex(ThreadLocalRandom.current().ints(32, 0, 256)
                .collect(java.io.ByteArrayOutputStream::new, java.io.ByteArrayOutputStream::write, (a, b) -> { })
                .toByteArray());
        created.add(id);
        ProcessSpec process = new ProcessSpec(List.of(command), List.of(ContainerDefaults.PATH, "HOSTNAME=test-host"), "/",
                User.ROOT, false, ContainerDefaults.CAPABILITIES, true, List.of());
        return new ContainerSpec(id, List.of(new Mount("bind", rootfs.toString(), null, List.of("rbind"))), false, process,
                "test-host", List.of(), resources, ContainerDefaults.MASKED_PATHS, ContainerDefaults.READONLY_PATHS, false,
                null, tmp.resolve("state-" + id), new LogSpec(tmp.resolve(id + "-json.log"), 0, 1), Map.of());
    }

    private RuntimeState run(ContainerSpec spec) throws Exception {
        driver.create(spec);
        assertThat(driver.state(spec.id()).status()).isEqualTo(RuntimeStatus.CREATED);
        driver.start(spec.id());
        return driver.await(spec.id(), Duration.ofSeconds(60));
    }

    private String output(ContainerSpec spec) throws IOException {
        StringBuilder out = new StringBuilder();
        for (String line : Files.readAllLines(spec.log().path())) {
            out.append(com.fasterxml.jackson.databind.json.JsonMapper.builder().build().readTree(line).get("log").asText());
        }
        return out.toString();
    }

    @Test
    void aContainerIsIsolatedAndReportsItsExit() throws Exception {
        ContainerSpec spec = spec(Resources.NONE, "sh", "-c",
                "echo pid=$$ host=$(hostname); ps -o pid > /dev/shm/ps; wc -l < /dev/shm/ps; grep CapEff /proc/self/status;"
                        + " cat /proc/kcore | wc -c; echo 1 > /proc/sys/kernel/domainname || echo ro;"
                        + " touch /sys/x 2>/dev/null || echo sys-ro; echo err >&2; exit 3");
        RuntimeState end = run(spec);
        assertThat(end.status()).isEqualTo(RuntimeStatus.STOPPED);
        assertThat(end.exitCode()).isEqualTo(3);
        String out = output(spec);
        assertThat(out).contains("pid=1 host=test-host").contains("CapEff:\t00000000a80425fb").contains("\n0\n")
                .contains("ro\n").contains("sys-ro").contains("err");
        // ps lists: the header, sh and ps itself — nothing of the host.
        assertThat(out).contains("\n3\n");
    }

    @Test
    void aMissingCommandFailsTheStartWith127() throws Exception {
        ContainerSpec spec = spec(Resources.NONE, "no-such-command");
        driver.create(spec);
        assertThatThrownBy(() -> driver.start(spec.id())).isInstanceOf(StartFailedException.class)
                .hasMessage("exec: \"no-such-command\": executable file not found in $PATH")
                .extracting(e -> ((StartFailedException) e).exitCode()).isEqualTo(127);
        assertThat(driver.state(spec.id()).status()).isEqualTo(RuntimeStatus.CREATED);
    }

    @Test
    void killStopsAndTheShimReportsTheSignal() throws Exception {
        ContainerSpec spec = spec(Resources.NONE, "sleep", "300");
        driver.create(spec);
        driver.start(spec.id());
        RuntimeState running = driver.state(spec.id());
        assertThat(running.status()).isEqualTo(RuntimeStatus.RUNNING);
        assertThat(running.pid()).isPositive();
        assertThat(driver.pids(spec.id())).contains(running.pid());
        assertThat(driver.stats(spec.id()).pids()).isEqualTo(1);
        // A new driver on the same state finds it: what a restarted engine sees.
        io.berth.driver.linux.shim.ShimRuntimeDriver again = newDriver(tmp.resolve("run"), tmp.resolve("bin/none"));
        assertThat(again.state(spec.id()).status()).isEqualTo(RuntimeStatus.RUNNING);
        driver.kill(spec.id(), 9, false);
        RuntimeState end = driver.await(spec.id(), Duration.ofSeconds(10));
        assertThat(end.exitCode()).isEqualTo(137);
        assertThat(end.oomKilled()).isFalse();
    }

    @Test
    void pidsLimitContainsAForkBomb() throws Exception {
        ContainerSpec spec = spec(new Resources(0, 0, 0, 0, 0, null, 20), "sh", "-c",
                "for i in $(seq 1 60); do sleep 30 & done 2>/dev/null; sleep 1; ps -o pid > /dev/shm/ps; wc -l < /dev/shm/ps; kill -9 -1");
        RuntimeState end = run(spec);
        int processes = Integer.parseInt(output(spec).strip().lines().filter(l -> l.matches("\\d+")).findFirst().orElse("0"));
        assertThat(processes).isLessThanOrEqualTo(21);
        assertThat(end.status()).isEqualTo(RuntimeStatus.STOPPED);
    }

    @Test
    void memoryLimitOomKillsAHogAndSaysSo() throws Exception {
        // tail keeps the last 90 MB it reads in memory: far over the 32 MB limit.
        ContainerSpec spec = spec(new Resources(32L << 20, -1, 0, 0, 0, null, 0), "sh", "-c",
                "exec sh -c 'head -c 100000000 /dev/zero | tail -c 90000000 > /dev/null'");
        RuntimeState end = run(spec);
        assertThat(end.oomKilled()).isTrue();
        assertThat(end.exitCode()).isEqualTo(137);
    }

    @Test
    void theContainerIsInItsCgroupInEveryHierarchy() throws Exception {
        ContainerSpec spec = spec(Resources.NONE, "sleep", "300");
        driver.create(spec);
        driver.start(spec.id());
        int pid = driver.state(spec.id()).pid();
        // Each hierarchy's cgroup of the container has its init: cgroup v1 ones joined by the init
        // itself, the cgroup2 one by clone3 straight into it.
        for (Path p : driver.cgroupDirs(spec.id())) {
            assertThat(Files.readAllLines(p.resolve("cgroup.procs"))).as(p.toString()).contains(Integer.toString(pid));
        }
        driver.kill(spec.id(), 9, true);
        driver.await(spec.id(), Duration.ofSeconds(10));
    }

    @Test
    void pauseFreezesEveryProcessUntilResumedAndAKillStillLands() throws Exception {
        ContainerSpec spec = spec(Resources.NONE, "sh", "-c", "i=0; while true; do i=$((i+1)); echo $i > /dev/shm/n; done");
        driver.create(spec);
        driver.start(spec.id());
        Path counter = Path.of("/proc", Integer.toString(driver.state(spec.id()).pid()), "root", "dev", "shm", "n");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!Files.exists(counter) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        driver.pause(spec.id());
        assertThat(driver.state(spec.id()).status()).isEqualTo(RuntimeStatus.PAUSED);
        String frozen = Files.readString(counter);
        Thread.sleep(300);
        assertThat(Files.readString(counter)).isEqualTo(frozen);
        assertThatThrownBy(() -> driver.pause(spec.id())).isInstanceOf(io.berth.api.ConflictException.class);
        driver.resume(spec.id());
        assertThat(driver.state(spec.id()).status()).isEqualTo(RuntimeStatus.RUNNING);
        boolean moved = false;
        for (int i = 0; i < 100 && !moved; i++) {
            Thread.sleep(10);
            String now = Files.readString(counter);
            moved = !now.isEmpty() && !now.equals(frozen);
        }
        assertThat(moved).as("the counter moves again once thawed").isTrue();
        assertThatThrownBy(() -> driver.resume(spec.id())).isInstanceOf(io.berth.api.ConflictException.class);
        // A SIGKILL to a frozen container lands: the driver thaws it for that.
        driver.pause(spec.id());
        driver.kill(spec.id(), 9, false);
        RuntimeState end = driver.await(spec.id(), Duration.ofSeconds(10));
        assertThat(end.status()).isEqualTo(RuntimeStatus.STOPPED);
        assertThat(end.exitCode()).isEqualTo(137);
    }

    @Test
    void deleteRemovesTheCgroupsAndState() throws Exception {
        ContainerSpec spec = spec(new Resources(64L << 20, -1, 50000, 100000, 512, "0", 100), "true");
        assertThat(run(spec).exitCode()).isZero();
        List<Path> dirs = driver.cgroupDirs(spec.id());
        assertThat(dirs).allMatch(Files::exists);
        driver.delete(spec.id());
        created.remove(spec.id());
        assertThat(dirs).noneMatch(Files::exists);
        assertThat(driver.list()).noneMatch(s -> s.id().equals(spec.id()));
    }
}
