package io.berth.shim;

import io.berth.api.runtime.ContainerSpec;
import io.berth.api.runtime.Resources;
import io.berth.api.runtime.RuntimeStatus;
import io.berth.testing.ChildProcesses;
import io.berth.testkit.RuntimeDriverConformance;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runtime conformance suite for drivers whose containers run under berth-shim (the native
 * runtime, runc and crun), with what they share beyond the SPI: every feature, one cgroup per
 * container in every hierarchy, removed with it, and no shim left once a container is gone.
 */
public abstract class ShimRuntimeDriverTests extends RuntimeDriverConformance {
    /** Makes the driver with its state in {@code stateRoot}, running {@code shim}. */
    protected abstract ShimRuntimeDriver newDriver(Path stateRoot, Path shim) throws IOException;

    @Override
    protected final ShimRuntimeDriver newDriver(Path home) throws IOException {
        Subreaper.start();
        return newDriver(home.resolve("state"), ShimRuntimeDriver.installShim(home.resolve("bin")));
    }

    /**
     * Whether the OCI runtime itself still keeps state for a container of a driver whose state is
     * in {@code stateRoot}; {@code null} for a runtime that keeps none of its own (the native one).
     */
    protected Boolean runtimeKnows(Path stateRoot, String id) throws IOException {
        return null;
    }

    @Override
    protected Set<Feature> features() {
        return EnumSet.allOf(Feature.class);
    }

    @Override
    protected void afterContainersRemoved() throws Exception {
        // The shims of removed containers end a moment later and are reaped, as in the daemon.
        ChildProcesses.awaitShimsGone(Duration.ofSeconds(10));
    }

    private ShimRuntimeDriver shimDriver() {
        return (ShimRuntimeDriver) driver;
    }

    @Test
    void theContainerAndItsExecsAreInItsCgroupInEveryHierarchy() throws Exception {
        ContainerSpec spec = spec("sleep", "300");
        driver.create(spec);
        driver.start(spec.id());
        int pid = driver.state(spec.id()).pid();
        // Each hierarchy's cgroup of the container has its init: cgroup v1 ones joined by the init
        // itself, the cgroup2 one by clone3 straight into it.
        for (Path p : shimDriver().cgroupDirs(spec.id())) {
            assertThat(Files.readAllLines(p.resolve("cgroup.procs"))).as(p.toString()).contains(Integer.toString(pid));
        }
        // An exec'd process too: every hierarchy shows it at the root of the container's cgroup
        // namespace (elsewhere it would show as /.. paths).
        try (var a = driver.exec(spec.id(), process("sh", "-c", "grep -vc ':/$' /proc/self/cgroup").build(), false)) {
            assertThat(drain(a).strip()).isEqualTo("0");
        }
    }

    /**
     * On cgroup v1, a container's cpuset has the CPUs and memory nodes of the host (it could not
     * take a process without), also when its parent did not hand them down: the parent is made to
     * (cgroup.clone_children), and the next container has them from the start.
     */
    @Test
    void aContainersCpusetHasTheHostsCpusAndMemoryNodes() throws Exception {
        Path cpuset = shimDriver().cgroupDirs("any").stream().map(Path::getParent)
                .filter(p -> Files.exists(p.resolveSibling("cpuset.cpus")) && Files.exists(p.resolveSibling("cgroup.clone_children")))
                .findFirst().orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(cpuset != null, "no cgroup v1 cpuset hierarchy on this host");
        Path root = cpuset.getParent();
        ContainerSpec first = spec("sleep", "300");
        driver.create(first);
        driver.start(first.id());
        // The parent exists now; as an earlier Berth left it: without clone_children.
        Files.writeString(cpuset.resolve("cgroup.clone_children"), "0");
        ContainerSpec second = spec("sleep", "300");
        driver.create(second);
        driver.start(second.id());
        assertThat(Files.readString(cpuset.resolve("cgroup.clone_children")).strip()).isEqualTo("1");
        ContainerSpec third = spec("sleep", "300");
        driver.create(third);
        driver.start(third.id());
        for (ContainerSpec c : List.of(first, second, third)) {
            for (String f : List.of("cpuset.cpus", "cpuset.mems")) {
                assertThat(Files.readString(cpuset.resolve(c.id()).resolve(f))).as(c.id() + " " + f)
                        .isEqualTo(Files.readString(root.resolve(f)));
            }
        }
    }

    /** A container whose state directory an earlier Berth wrote (its id in a file of its own) is found, listed and started. */
    @Test
    void aContainerAnEarlierBerthMadeIsFoundListedAndStarted() throws Exception {
        ContainerSpec spec = spec("sleep", "300");
        driver.create(spec);
        Path d = shimDriver().stateDirectory(spec.id());
        String kept = Files.readString(d.resolve("resources"));
        assertThat(kept).contains("id=" + spec.id());
        Files.writeString(d.resolve("resources"), kept.replace("id=" + spec.id() + "\n", ""));
        Files.writeString(d.resolve("id"), spec.id());
        assertThat(driver.list()).anyMatch(s -> s.id().equals(spec.id()) && s.status() == RuntimeStatus.CREATED);
        driver.start(spec.id());
        assertThat(driver.state(spec.id()).status()).isEqualTo(RuntimeStatus.RUNNING);
    }

    @Test
    void signalsTheEngineIgnoresAreNotTheContainers() throws Exception {
        // A daemon started in the background by a shell ignores SIGINT, one under nohup SIGHUP,
        // and the shims it starts inherit that: here the shim is started as such a daemon would.
        Path home = tmp.resolve("home-ignoring");
        Path shim = ShimRuntimeDriver.installShim(home.resolve("bin"));
        Path ignoringShim = home.resolve("berth-shim-ignoring-int-hup");
        Files.writeString(ignoringShim, "#!/bin/sh\ntrap '' INT HUP\nexec '" + shim + "' \"$@\"\n");
        Files.setPosixFilePermissions(ignoringShim, PosixFilePermissions.fromString("rwxr-xr-x"));
        // That way of starting a process does leave SIGHUP (1) and SIGINT (2) ignored.
        Process probe = new ProcessBuilder("sh", "-c", "trap '' INT HUP; exec \"$0\" \"$@\"", "grep", "SigIgn",
                "/proc/self/status").start();
        long ignored = Long.parseUnsignedLong(new String(probe.getInputStream().readAllBytes()).strip().split("\\s+")[1], 16);
        assertThat(probe.waitFor()).isZero();
        assertThat(ignored & 3).isEqualTo(3);

        ShimRuntimeDriver ignoring = newDriver(home.resolve("state"), ignoringShim);
        ContainerSpec ended = spec("cat", "/proc/self/status");
        ContainerSpec running = spec("sleep", "300");
        try {
            ignoring.create(ended);
            ignoring.start(ended.id());
            assertThat(ignoring.await(ended.id(), Duration.ofSeconds(60)).exitCode()).isZero();
            assertThat(signalFields(output(ended))).as("the init's signals").isEqualTo(NO_SIGNALS);
            ignoring.create(running);
            ignoring.start(running.id());
            try (var a = ignoring.exec(running.id(), process("cat", "/proc/self/status").build(), false)) {
                assertThat(signalFields(drain(a))).as("an exec'd process's signals").isEqualTo(NO_SIGNALS);
            }
        } finally {
            for (ContainerSpec c : List.of(ended, running)) {
                try {
                    RuntimeStatus status = ignoring.state(c.id()).status();
                    if (status == RuntimeStatus.RUNNING) {
                        ignoring.kill(c.id(), 9, true);
                        ignoring.await(c.id(), Duration.ofSeconds(10));
                    }
                    ignoring.delete(c.id());
                } catch (io.berth.api.NotFoundException e) {
                    // Never created: the test failed before.
                }
            }
            ignoring.close();
        }
    }

    @Test
    void deleteRemovesTheCgroupsAndState() throws Exception {
        ContainerSpec spec = spec(process("true").build()).resources(Resources.builder().memory(64L << 20).memorySwap(-1)
                .cpuQuota(50000).cpuPeriod(100000).cpuShares(512).cpusetCpus("0").pidsLimit(100).build()).build();
        assertThat(run(spec).exitCode()).isZero();
        List<Path> dirs = shimDriver().cgroupDirs(spec.id());
        Path state = shimDriver().stateDirectory(spec.id());
        assertThat(dirs).allMatch(Files::exists);
        assertThat(state).exists();
        driver.delete(spec.id());
        assertThat(dirs).noneMatch(Files::exists);
        assertThat(state).doesNotExist();
        assertThat(driver.list()).noneMatch(s -> s.id().equals(spec.id()) && s.status() != RuntimeStatus.STOPPED);
    }

    @Test
    void aRemovalEndsAfterDeleteAnswersAndTheSameIdWaitsForIt() throws Exception {
        Path home = tmp.resolve("home-removal");
        Path stateRoot = home.resolve("state");
        ShimRuntimeDriver d = newDriver(stateRoot, ShimRuntimeDriver.installShim(home.resolve("bin")));
        ContainerSpec spec = spec("true");
        try {
            for (int run = 0; run < 3; run++) {
                // The same id at once, as a restart policy does: it waits for the removal before it.
                d.create(spec);
                d.start(spec.id());
                assertThat(d.await(spec.id(), Duration.ofSeconds(60)).exitCode()).isZero();
                Boolean knows = runtimeKnows(stateRoot, spec.id());
                if (knows != null) {
                    assertThat(knows).as("the runtime keeps a stopped container").isTrue();
                }
                d.delete(spec.id());
                assertThat(d.stateDirectory(spec.id())).doesNotExist();
                assertThat(d.cgroupDirs(spec.id())).noneMatch(Files::exists);
            }
        } finally {
            d.close();
        }
        // The driver closed once the removals had ended: nothing of the container is left.
        if (runtimeKnows(stateRoot, spec.id()) != null) {
            assertThat(runtimeKnows(stateRoot, spec.id())).isFalse();
        }
        try (var left = Files.list(stateRoot)) {
            assertThat(left.map(f -> f.getFileName().toString())).noneMatch(f -> f.contains(spec.id()));
        }
    }

    @Test
    void aRemovalAStopCutShortIsFinishedByTheNextDriver() throws Exception {
        Path home = tmp.resolve("home-resume");
        Path stateRoot = home.resolve("state");
        Path shim = ShimRuntimeDriver.installShim(home.resolve("bin"));
        ShimRuntimeDriver first = newDriver(stateRoot, shim);
        ContainerSpec spec = spec("true");
        try {
            first.create(spec);
            first.start(spec.id());
            assertThat(first.await(spec.id(), Duration.ofSeconds(60)).exitCode()).isZero();
            // What delete does before it answers (the cgroups removed, the state moved aside), and
            // no more, as when the engine stops right then.
            List<Path> cgroups = first.cgroupDirs(spec.id());
            for (Path c : cgroups) {
                Files.delete(c);
            }
            Files.move(first.stateDirectory(spec.id()), stateRoot.resolve(".removing-" + spec.id()));
        } finally {
            first.close();
        }
        Boolean knows = runtimeKnows(stateRoot, spec.id());
        if (knows != null) {
            assertThat(knows).as("the runtime was not told yet").isTrue();
        }
        ShimRuntimeDriver next = newDriver(stateRoot, shim);
        next.resumeRemovals();
        next.close();
        assertThat(stateRoot.resolve(".removing-" + spec.id())).doesNotExist();
        if (knows != null) {
            assertThat(runtimeKnows(stateRoot, spec.id())).isFalse();
        }
    }

    @Test
    void startingAndExecingMoveTheEngineToNoOtherCgroup() throws Exception {
        // An OCI driver takes the cgroup lock ahead of its runtime by moving the engine into the
        // cgroup it is in: nothing may move.
        String before = Files.readString(Path.of("/proc/self/cgroup"));
        ContainerSpec spec = spec("sleep", "300");
        driver.create(spec);
        driver.start(spec.id());
        try (var a = driver.exec(spec.id(), process("true").build(), false)) {
            drain(a);
        }
        driver.kill(spec.id(), 9, false);
        driver.await(spec.id(), Duration.ofSeconds(60));
        // The lock is taken in the background: give it the time a grace period takes, and more.
        Thread.sleep(200);
        assertThat(Files.readString(Path.of("/proc/self/cgroup"))).isEqualTo(before);
    }
}
