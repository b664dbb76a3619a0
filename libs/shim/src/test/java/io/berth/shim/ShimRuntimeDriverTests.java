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
}
