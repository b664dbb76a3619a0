package io.berth.containers.internal;

import io.berth.api.container.ContainerStatus;
import io.berth.api.driver.DriverRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the engine does with its records when a runtime comes (at start, or back): exits that
 * happened meanwhile recorded, running containers watched again, what the runtime holds for no
 * container cleaned up; and nothing done to a container whose runtime is another.
 */
class ReconcilerTest {
    @TempDir
    Path tmp;
    private final FakeRuntime runtime = new FakeRuntime();
    private ContainerStore store;
    private ContainerLifecycle lifecycle;
    private Reconciler reconciler;

    private final DriverRegistry drivers = runtime.registry(() -> true);

    @BeforeEach
    void setUp() throws IOException {
        store = new ContainerStore(tmp.resolve("containers"));
        RootFilesystems rootfs = new RootFilesystems(tmp.resolve("run"), Remapping.none());
        lifecycle = new ContainerLifecycle(store, drivers, rootfs, new Networking(null), new Volumes(null));
        reconciler = new Reconciler(store, drivers, lifecycle, rootfs);
    }

    @AfterEach
    void tearDown() {
        lifecycle.close();
    }

    private ContainerStore.Entry recorded(char c, StateRecord state) throws IOException {
        return store.add(FakeRuntime.record(FakeRuntime.id(c)), state, Map.of());
    }

    private static StateRecord running() {
        return StateRecord.CREATED.startedByUser(4242, Instant.now());
    }

    @Test
    void anExitThatHappenedWhileNobodyWatchedIsRecorded() throws Exception {
        ContainerStore.Entry e = recorded('a', running());
        runtime.states.put(e.id(), FakeRuntime.stopped(e.id(), 7));
        reconciler.reconcile("fake", runtime);
        assertThat(e.state.status()).isEqualTo(ContainerStatus.EXITED);
        assertThat(e.state.exitCode()).isEqualTo(7);
        // Its runtime's state was deleted with the run; the record on disk says the same.
        assertThat(runtime.calls).contains("delete " + e.id());
        store = new ContainerStore(tmp.resolve("containers"));
        store.load();
        assertThat(store.find(e.id()).state.exitCode()).isEqualTo(7);
    }

    @Test
    void aContainerTheRuntimeLostEndsWith255AndSaysWhy() throws Exception {
        ContainerStore.Entry e = recorded('b', running());
        reconciler.reconcile("fake", runtime);
        assertThat(e.state.status()).isEqualTo(ContainerStatus.EXITED);
        assertThat(e.state.exitCode()).isEqualTo(255);
        assertThat(e.state.error()).isEqualTo("the runtime lost the container's state");
    }

    @Test
    void aRunningContainerIsWatchedAgainAndItsExitRecordedWhenItComes() throws Exception {
        ContainerStore.Entry e = recorded('c', running());
        runtime.states.put(e.id(), FakeRuntime.running(e.id(), 4242));
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        runtime.awaiting = id -> {
            release.await();
            return FakeRuntime.stopped(id, 0);
        };
        reconciler.reconcile("fake", runtime);
        assertThat(ExitMonitor.watching(e)).isTrue();
        assertThat(e.state.status()).isEqualTo(ContainerStatus.RUNNING);
        Thread monitor = e.monitor;
        release.countDown();
        monitor.join(Duration.ofSeconds(10).toMillis());
        assertThat(e.state.status()).isEqualTo(ContainerStatus.EXITED);
        assertThat(e.state.exitCode()).isZero();
    }

    @Test
    void whatTheRuntimeHoldsForNoContainerIsKilledAndDeleted() {
        String stray = FakeRuntime.id('d');
        String other = "not-one-of-berths";
        runtime.states.put(stray, FakeRuntime.running(stray, 999999));
        runtime.states.put(other, FakeRuntime.running(other, 999998));
        reconciler.reconcile("fake", runtime);
        assertThat(runtime.calls).contains("kill " + stray + " 9", "delete " + stray);
        // Only containers by Berth's ids: anything else in the runtime is not Berth's to touch.
        assertThat(runtime.calls).noneMatch(c -> c.contains(other));
    }

    @Test
    void containersOfAnotherRuntimeAreLeftAsTheyAre() throws Exception {
        ContainerStore.Entry e = store.add(new ContainerRecord(FakeRuntime.id('e'), "elsewhere", Instant.now().toString(),
                "busybox", "sha256:" + "0".repeat(64), "sleep", List.of(), io.berth.api.image.ContainerConfig.EMPTY,
                io.berth.api.container.HostConfig.builder().runtime("runc").build(), "none", FakeRuntime.id('e'), "init", null, null, null),
                running(), Map.of());
        reconciler.reconcile("fake", runtime);
        assertThat(e.state.status()).isEqualTo(ContainerStatus.RUNNING);
        assertThat(runtime.calls).noneMatch(c -> c.contains(e.id()));
    }
}
