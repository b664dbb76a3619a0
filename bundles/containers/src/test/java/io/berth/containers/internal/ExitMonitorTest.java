package io.berth.containers.internal;

import io.berth.api.runtime.RuntimeDriver;
import io.berth.api.runtime.RuntimeState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The threads that wait for containers to end: an exit is reported once, a failure (of the
 * runtime, or of recording the exit) is tried again rather than ending the thread, and a
 * forgotten container stops being waited for.
 */
class ExitMonitorTest {
    @TempDir
    Path tmp;

    private ContainerStore.Entry entry(char c) {
        return new ContainerStore.Entry(tmp.resolve("c"), FakeRuntime.record(FakeRuntime.id(c)), StateRecord.CREATED);
    }

    @Test
    void anExitIsReportedOnceEvenAfterTheRuntimeAndTheHandlerFailed() throws Exception {
        FakeRuntime runtime = new FakeRuntime();
        ContainerStore.Entry e = entry('a');
        AtomicInteger awaits = new AtomicInteger();
        runtime.awaiting = id -> {
            if (awaits.incrementAndGet() == 1) {
                // What a thread whose stack was too small for jnr-ffi got: a linkage error.
                throw new UnsatisfiedLinkError("could not load FFI provider jnr.ffi.provider.jffi.Provider");
            }
            return FakeRuntime.stopped(id, 3);
        };
        List<String> handled = new CopyOnWriteArrayList<>();
        CountDownLatch recorded = new CountDownLatch(1);
        ExitMonitor monitor = new ExitMonitor((entry, driver, run, end) -> {
            handled.add(run + ":" + end.exitCode());
            if (handled.size() == 1) {
                throw new IllegalStateException("the disk is full");
            }
            recorded.countDown();
        });
        monitor.watch(e, runtime, 7);
        assertThat(recorded.await(30, TimeUnit.SECONDS)).isTrue();
        e.monitor.join(Duration.ofSeconds(10).toMillis());
        assertThat(e.monitor.isAlive()).isFalse();
        // Waited again after each failure: the linkage error, then the handler's.
        assertThat(handled).containsExactly("7:3", "7:3");
        assertThat(awaits.get()).isEqualTo(3);
    }

    @Test
    void aContainerWhoseRuntimeNoLongerKnowsItEndsWithoutAState() throws Exception {
        FakeRuntime runtime = new FakeRuntime();
        ContainerStore.Entry e = entry('b');
        CountDownLatch done = new CountDownLatch(1);
        RuntimeState[] seen = {FakeRuntime.running("x", 1)};
        new ExitMonitor((entry, driver, run, end) -> {
            seen[0] = end;
            done.countDown();
        }).watch(e, runtime, 1);
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(seen[0]).isNull();
    }

    @Test
    void aForgottenContainerIsNoLongerWaitedFor() throws Exception {
        FakeRuntime runtime = new FakeRuntime();
        ContainerStore.Entry e = entry('c');
        CountDownLatch waiting = new CountDownLatch(1);
        runtime.awaiting = id -> {
            waiting.countDown();
            // Until interrupted: how a monitor is stopped.
            Thread.sleep(Long.MAX_VALUE);
            return null;
        };
        List<RuntimeDriver> handled = new CopyOnWriteArrayList<>();
        ExitMonitor monitor = new ExitMonitor((entry, driver, run, end) -> handled.add(driver));
        monitor.watch(e, runtime, 1);
        assertThat(waiting.await(30, TimeUnit.SECONDS)).isTrue();
        Thread t = e.monitor;
        assertThat(ExitMonitor.watching(e)).isTrue();
        monitor.close(List.of(e));
        t.join(Duration.ofSeconds(10).toMillis());
        assertThat(t.isAlive()).isFalse();
        assertThat(handled).isEmpty();
    }
}
