package io.berth.containers.internal;

import io.berth.api.NotFoundException;
import io.berth.api.runtime.RuntimeDriver;
import io.berth.api.runtime.RuntimeState;
import io.berth.api.runtime.RuntimeStatus;

import java.io.IOException;

/**
 * Waits for running containers to end: one thread per run, blocked in its runtime driver's
 * {@code await}, which reports the end to the {@link ExitHandler} once. A monitor never dies
 * silently: a failure waiting or handling the end is logged and tried again, so an exit is
 * recorded as soon as it can be. The threads have small stacks (a host may run thousands of
 * containers); whatever they call must not need more, which is why the service binds libc
 * before any of them runs.
 */
final class ExitMonitor {
    private static final System.Logger LOG = System.getLogger(ExitMonitor.class.getName());
    private static final long STACK_SIZE = 128 * 1024;
    private static final long RETRY_MILLIS = 1000;

    /** What is done when a run ends. */
    interface ExitHandler {
        /**
         * Records the end of a run and cleans up after it; does nothing if the container has
         * started another run since, or is gone.
         *
         * @param run the run that ended (see {@link ContainerStore.Entry#run})
         * @param end what the runtime says, or {@code null} if it no longer knows the container
         */
        void exited(ContainerStore.Entry e, RuntimeDriver runtime, long run, RuntimeState end);
    }

    private final ExitHandler handler;
    private volatile boolean closed;

    ExitMonitor(ExitHandler handler) {
        this.handler = handler;
    }

    /** Starts the thread that waits for this run of the container to end. Called with its lock held. */
    void watch(ContainerStore.Entry e, RuntimeDriver runtime, long run) {
        Thread t = new Thread(null, () -> monitor(e, runtime, run), "berth-wait-" + e.record.shortId(), STACK_SIZE);
        t.setDaemon(true);
        t.setUncaughtExceptionHandler((thread, ex) -> LOG.log(System.Logger.Level.ERROR, "the exit monitor of container "
                + e.record.shortId() + " ended: its exit is recorded when the engine next reconciles it", ex));
        e.monitor = t;
        t.start();
    }

    /** Whether a monitor waits for the container's current run. */
    static boolean watching(ContainerStore.Entry e) {
        Thread t = e.monitor;
        return t != null && t.isAlive();
    }

    /** Stops waiting for a container; it keeps running. */
    static void forget(ContainerStore.Entry e) {
        Thread t;
        e.lock.lock();
        try {
            t = e.monitor;
            e.monitor = null;
        } finally {
            e.lock.unlock();
        }
        if (t != null) {
            t.interrupt();
        }
    }

    /** Stops every monitor for good: the containers keep running, for the next engine to pick up. */
    void close(Iterable<ContainerStore.Entry> entries) {
        closed = true;
        for (ContainerStore.Entry e : entries) {
            Thread t = e.monitor;
            if (t != null) {
                t.interrupt();
            }
        }
    }

    boolean closed() {
        return closed;
    }

    private void monitor(ContainerStore.Entry e, RuntimeDriver runtime, long run) {
        while (!closed) {
            RuntimeState end;
            try {
                end = runtime.await(e.id(), null);
            } catch (InterruptedException ex) {
                return;
            } catch (NotFoundException ex) {
                end = null;
            } catch (IOException | RuntimeException | Error ex) {
                LOG.log(System.Logger.Level.WARNING, "waiting for container " + e.record.shortId() + ": " + ex);
                if (!pause()) {
                    return;
                }
                continue;
            }
            if (end != null && end.status() != RuntimeStatus.STOPPED && end.status() != RuntimeStatus.CREATED) {
                continue;
            }
            try {
                handler.exited(e, runtime, run, end);
                return;
            } catch (RuntimeException | Error ex) {
                LOG.log(System.Logger.Level.ERROR, "recording the exit of container " + e.record.shortId()
                        + " failed; trying again", ex);
                if (!pause()) {
                    return;
                }
            }
        }
    }

    /** Waits before trying again; {@code false} if interrupted (the monitor is to stop). */
    private static boolean pause() {
        try {
            Thread.sleep(RETRY_MILLIS);
            return true;
        } catch (InterruptedException ex) {
            return false;
        }
    }
}
