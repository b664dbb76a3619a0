package io.berth.containers.internal;

import io.berth.api.container.ContainerService.Attached;
import io.berth.api.container.ContainerStatus;
import io.berth.api.container.ExecRequest;
import io.berth.api.container.HealthStatus;
import io.berth.api.image.ContainerConfig;
import io.berth.api.runtime.Attachment;
import io.berth.api.runtime.ConsoleSize;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scheduling of probes by the {@link HealthMonitor}, with a prober whose results the test
 * scripts and short intervals; the test waits on the health (what {@code awaitHealth} offers),
 * never on time.
 */
class HealthMonitorTest {
    private static final Duration LONG = Duration.ofSeconds(30);
    @TempDir
    Path tmp;
    private ContainerStore store;
    private HealthMonitor monitor;
    /** The exit codes the next probes end with, in order; a probe waits for its code. */
    private final BlockingQueue<Integer> codes = new LinkedBlockingQueue<>();
    private final List<List<String>> commands = new CopyOnWriteArrayList<>();
    private final List<ScriptedProbe> probes = new CopyOnWriteArrayList<>();

    /** A probe's process: ends with the next scripted code, or 137 when killed. */
    private final class ScriptedProbe implements Attachment {
        private final BlockingQueue<Integer> end = new LinkedBlockingQueue<>();
        private final CountDownLatch killed = new CountDownLatch(1);
        private volatile int exit = -1;
        private boolean wrote;

        @Override
        public Output next() throws IOException {
            if (!wrote) {
                wrote = true;
                return new Output(false, "probing\n".getBytes(StandardCharsets.UTF_8));
            }
            if (exit >= 0) {
                return null;
            }
            try {
                for (;;) {
                    Integer code = end.poll();
                    if (code == null) {
                        code = codes.poll(5, TimeUnit.MILLISECONDS);
                    }
                    if (code != null) {
                        exit = code;
                        return null;
                    }
                }
            } catch (InterruptedException ex) {
                throw new IOException(ex);
            }
        }

        @Override
        public int exitCode() {
            return exit;
        }

        @Override
        public void kill(int signal) {
            killed.countDown();
            end.add(128 + signal);
        }

        @Override
        public void write(byte[] data, int offset, int length) {
        }

        @Override
        public void closeInput() {
        }

        @Override
        public void resize(ConsoleSize size) {
        }

        @Override
        public void close() {
        }
    }

    @BeforeEach
    void setUp() throws IOException {
        store = new ContainerStore(tmp.resolve("containers"));
        monitor = new HealthMonitor(store, (e, request) -> probe(request));
    }

    private Attached probe(ExecRequest request) {
        commands.add(request.command());
        ScriptedProbe p = new ScriptedProbe();
        probes.add(p);
        return new Attached(p, null, false);
    }

    @AfterEach
    void tearDown() {
        monitor.close(store.all());
    }

    private ContainerStore.Entry running(char c, ContainerConfig.Healthcheck check) throws IOException {
        ContainerRecord r = FakeRuntime.record(FakeRuntime.id(c));
        ContainerRecord withCheck = new ContainerRecord(r.id(), r.name(), r.created(), r.image(), r.imageId(), r.path(),
                r.args(), ContainerConfig.builder().healthcheck(check).build(), r.host(), r.storage(), r.snapshot(),
                r.initSnapshot(), r.networks(), r.mounts(), r.userns());
        return store.add(withCheck, StateRecord.CREATED.startedByUser(4242, Instant.now()), Map.of());
    }

    private static ContainerConfig.Healthcheck check(long intervalMillis, long timeoutMillis, int retries) {
        return new ContainerConfig.Healthcheck(List.of("CMD-SHELL", "test -f /tmp/ok"), intervalMillis * 1_000_000,
                timeoutMillis * 1_000_000, 0, retries);
    }

    private void start(ContainerStore.Entry e) throws IOException {
        e.lock.lock();
        try {
            monitor.started(e);
        } finally {
            e.lock.unlock();
        }
    }

    @Test
    void aContainerGoesFromStartingToUnhealthyToHealthy() throws Exception {
        ContainerStore.Entry e = running('a', check(10, 30_000, 2));
        codes.addAll(List.of(1, 1));
        start(e);
        assertThat(e.state.health().healthStatus()).isIn(HealthStatus.STARTING, HealthStatus.UNHEALTHY);
        assertThat(monitor.await(e.id(), LONG)).isEqualTo(HealthStatus.UNHEALTHY);
        assertThat(e.state.health().failingStreak()).isEqualTo(2);
        codes.add(0);
        while (e.state.health().healthStatus() != HealthStatus.HEALTHY) {
            synchronized (e.stateChanged) {
                e.stateChanged.wait(100);
            }
        }
        HealthState h = e.state.health();
        assertThat(h.failingStreak()).isZero();
        assertThat(h.log()).extracting(HealthState.Result::exitCode).startsWith(1, 1, 0);
        assertThat(h.log().get(0).output()).isEqualTo("probing\n");
        assertThat(commands.get(0)).containsExactly("/bin/sh", "-c", "test -f /tmp/ok");
        // Saved with the state: a new engine reads it back.
        ContainerStore again = new ContainerStore(store.root());
        again.load();
        assertThat(again.find(e.id()).state.health().log()).isNotEmpty();
    }

    @Test
    void aProbePastItsTimeoutIsKilledAndRecordedInDockersWords() throws Exception {
        ContainerStore.Entry e = running('b', check(10, 50, 1));
        start(e);
        assertThat(monitor.await(e.id(), LONG)).isEqualTo(HealthStatus.UNHEALTHY);
        assertThat(probes.get(0).killed.await(30, TimeUnit.SECONDS)).isTrue();
        HealthState.Result r = e.state.health().log().get(0);
        assertThat(r.exitCode()).isEqualTo(-1);
        assertThat(r.output()).isEqualTo("Health check exceeded timeout (50ms): probing\n");
    }

    @Test
    void pausingStopsTheProbesAndMakesItUnhealthyAndUnpausingStartsThemAgain() throws Exception {
        ContainerStore.Entry e = running('c', check(10, 30_000, 3));
        codes.add(0);
        start(e);
        assertThat(monitor.await(e.id(), LONG)).isEqualTo(HealthStatus.HEALTHY);
        e.lock.lock();
        try {
            store.saveState(e, e.state.paused(true));
            monitor.update(e);
            assertThat(e.health).isNull();
            assertThat(e.state.health().healthStatus()).isEqualTo(HealthStatus.UNHEALTHY);
        } finally {
            e.lock.unlock();
        }
        // A probe that was running is killed; none is started while paused.
        probes.forEach(p -> p.kill(9));
        int ran = probes.size();
        assertThat(monitor.await(e.id(), Duration.ofMillis(1))).isEqualTo(HealthStatus.UNHEALTHY);
        assertThat(probes).hasSize(ran);
        codes.add(0);
        e.lock.lock();
        try {
            store.saveState(e, e.state.paused(false));
            monitor.update(e);
        } finally {
            e.lock.unlock();
        }
        while (e.state.health().healthStatus() != HealthStatus.HEALTHY) {
            synchronized (e.stateChanged) {
                e.stateChanged.wait(100);
            }
        }
    }

    @Test
    void anExitStopsTheProbesAndAResultAfterItIsDropped() throws Exception {
        ContainerStore.Entry e = running('d', check(10, 30_000, 3));
        start(e);
        // The first probe is running, waiting for its code.
        while (probes.isEmpty()) {
            synchronized (e.stateChanged) {
                e.stateChanged.wait(10);
            }
            Thread.onSpinWait();
        }
        e.lock.lock();
        try {
            store.saveState(e, e.state.exited(0, false, Instant.now(), ""));
            monitor.update(e);
        } finally {
            e.lock.unlock();
        }
        assertThat(probes.get(0).killed.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(e.state.status()).isEqualTo(ContainerStatus.EXITED);
        assertThat(e.state.health().healthStatus()).isEqualTo(HealthStatus.UNHEALTHY);
        assertThat(e.state.health().log()).isEmpty();
        assertThat(monitor.await(e.id(), LONG)).isEqualTo(HealthStatus.UNHEALTHY);
    }

    @Test
    void aContainerWithoutAProbeHasNoHealth() throws Exception {
        ContainerStore.Entry none = running('e', new ContainerConfig.Healthcheck(List.of("NONE"), 0, 0, 0, 0));
        start(none);
        assertThat(none.state.health()).isNull();
        assertThat(none.health).isNull();
        assertThat(monitor.await(none.id(), LONG)).isEqualTo(HealthStatus.NONE);
        assertThat(none.state.toApi().healthStatus()).isEqualTo(HealthStatus.NONE);
    }

    @Test
    void waitingEndsAtTheTimeoutWhileStarting() throws Exception {
        ContainerStore.Entry e = running('f', check(60_000, 30_000, 3));
        start(e);
        assertThat(monitor.await(e.id(), Duration.ofMillis(20))).isEqualTo(HealthStatus.STARTING);
        assertThat(probes).isEmpty();
    }
}
