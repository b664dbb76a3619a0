package io.berth.containers.internal;

import io.berth.api.NotFoundException;
import io.berth.api.container.ContainerService.Attached;
import io.berth.api.container.ContainerStatus;
import io.berth.api.container.ExecRequest;
import io.berth.api.container.HealthStatus;
import io.berth.api.image.ContainerConfig;
import io.berth.api.runtime.Attachment;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs containers' health checks as docker's daemon runs them ({@code daemon/health.go}): while a
 * container runs (not paused), a probe every interval, counted from the end of the previous one
 * (the first one interval after the start); each probe an exec in the container, through the same
 * path as {@code exec}, killed when it exceeds its timeout. Results change the health in the
 * container's state ({@link HealthChecks#recorded}), which is saved with it.
 *
 * <p>One timer thread schedules every container's probes and timeouts; a probe runs on a pool
 * thread only while it runs. A probe never holds the container's lock while it waits: it takes
 * it only to record its result, and a result that comes after the checks stopped (the container
 * stopped, paused, restarted or was removed) is dropped, as docker drops it.
 *
 * <p>The methods that start and stop checks are called with the container's lock held, as its
 * state changes: {@link #started} when a run starts (or is found running when the engine starts),
 * {@link #update} after a pause, an unpause or an exit, {@link #cancel} when the container goes.
 */
final class HealthMonitor {
    private static final System.Logger LOG = System.getLogger(HealthMonitor.class.getName());
    private static final int SIGKILL = 9;

    /** Runs a probe's process in a container: the engine's exec. */
    interface Prober {
        Attached exec(ContainerStore.Entry e, ExecRequest request) throws IOException;
    }

    /** The checks of one run of a container; stopped for good once it is no longer the container's. */
    static final class Watch {
        final ContainerStore.Entry entry;
        volatile boolean stopped;
        /** The next probe, while one is waiting. */
        volatile ScheduledFuture<?> next;
        /** The probe's process, while one runs. */
        volatile Attachment probe;

        Watch(ContainerStore.Entry entry) {
            this.entry = entry;
        }
    }

    private final ContainerStore store;
    private final Prober prober;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "berth-health");
        t.setDaemon(true);
        return t;
    });
    private final ExecutorService probes = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
            new SynchronousQueue<>(), r -> {
        Thread t = new Thread(r, "berth-health-probe");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;

    /** Where a change of health goes: docker's {@code health_status: STATUS} event. */
    private volatile ContainerEvents events = new ContainerEvents();

    HealthMonitor(ContainerStore store, Prober prober) {
        this.store = store;
        this.prober = prober;
    }

    HealthMonitor(ContainerStore store, Prober prober, ContainerEvents events) {
        this(store, prober);
        this.events = events;
    }

    // ------------------------------------------------------------------ called with the container's lock held

    /**
     * A run started, or was found running by a new engine (docker's {@code initHealthMonitor}): the
     * health is {@code starting} again with no failing streak, its log kept, and probes start if it
     * runs unpaused.
     */
    void started(ContainerStore.Entry e) throws IOException {
        if (!HealthChecks.probes(e.record.config())) {
            return;
        }
        cancel(e);
        store.saveState(e, e.state.withHealth(HealthChecks.starting(e.state.health())));
        update(e);
    }

    /**
     * Probes run while the container runs unpaused, and stop otherwise (docker's
     * {@code updateHealthMonitor}); stopping them makes the health {@code unhealthy}, as docker's.
     */
    void update(ContainerStore.Entry e) throws IOException {
        boolean wanted = !closed && !e.removed && e.state.status() == ContainerStatus.RUNNING
                && HealthChecks.probes(e.record.config());
        if (wanted && e.health == null) {
            Watch w = new Watch(e);
            e.health = w;
            schedule(w, HealthChecks.interval(e.record.config().healthcheck()));
        } else if (!wanted && e.health != null) {
            cancel(e);
            if (e.state.health() != null) {
                store.saveState(e, e.state.withHealth(HealthChecks.stopped(e.state.health())));
            }
        }
    }

    /** Stops the container's probes, its health left as it is (the container is removed, or the engine stops). */
    void cancel(ContainerStore.Entry e) {
        Watch w = e.health;
        e.health = null;
        if (w != null) {
            stop(w);
        }
    }

    // ------------------------------------------------------------------ waiting

    /** See {@link io.berth.api.container.ContainerService#awaitHealth}. */
    HealthStatus await(String idOrName, Duration timeout) throws InterruptedException {
        ContainerStore.Entry e = store.find(idOrName);
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        synchronized (e.stateChanged) {
            for (;;) {
                if (e.removed) {
                    throw new NotFoundException("No such container: " + idOrName);
                }
                StateRecord s = e.state;
                if (!HealthChecks.probes(e.record.config())) {
                    return HealthStatus.NONE;
                }
                HealthStatus h = s.health() == null ? HealthStatus.NONE : s.health().healthStatus();
                if (s.status() != ContainerStatus.RUNNING || h == HealthStatus.HEALTHY || h == HealthStatus.UNHEALTHY) {
                    return h;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return h;
                }
                TimeUnit.NANOSECONDS.timedWait(e.stateChanged, left);
            }
        }
    }

    // ------------------------------------------------------------------ probes

    private void schedule(Watch w, Duration delay) {
        if (w.stopped || closed) {
            return;
        }
        try {
            w.next = timer.schedule(() -> submit(w), delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException ex) {
            // The engine is stopping.
        }
        if (w.stopped) {
            ScheduledFuture<?> f = w.next;
            if (f != null) {
                f.cancel(false);
            }
        }
    }

    private void submit(Watch w) {
        if (w.stopped || closed) {
            return;
        }
        try {
            probes.execute(() -> probe(w));
        } catch (java.util.concurrent.RejectedExecutionException ex) {
            // The engine is stopping.
        }
    }

    /** Runs one probe, records its result and schedules the next. */
    private void probe(Watch w) {
        ContainerStore.Entry e = w.entry;
        ContainerConfig.Healthcheck config = e.record.config().healthcheck();
        Instant start = Instant.now();
        HealthState.Result result;
        try {
            result = run(w, e, config, start);
        } catch (IOException | RuntimeException ex) {
            // Docker records a probe that could not run as a failure with the reason.
            result = new HealthState.Result(start, Instant.now(), -1, ex.getMessage() == null ? ex.toString() : ex.getMessage());
        }
        e.lock.lock();
        try {
            if (w.stopped || e.health != w || e.removed) {
                return;
            }
            String startedAt = e.state.startedAt();
            HealthState before = e.state.health();
            HealthState after = HealthChecks.recorded(before, result, config, startedAt == null ? null : Rfc3339.parse(startedAt));
            store.saveState(e, e.state.withHealth(after));
            // As docker: an event when the status changes, not for every probe.
            if (before == null || !before.status().equals(after.status())) {
                events.publish(e.record, "health_status: " + after.status());
            }
        } catch (IOException | RuntimeException ex) {
            LOG.log(System.Logger.Level.WARNING, "cannot record the health of container " + e.record.shortId() + ": "
                    + ex.getMessage());
        } finally {
            e.lock.unlock();
        }
        schedule(w, HealthChecks.interval(config));
    }

    private HealthState.Result run(Watch w, ContainerStore.Entry e, ContainerConfig.Healthcheck config, Instant start)
            throws IOException {
        java.util.List<String> command = HealthChecks.command(e.record.config());
        if (command.isEmpty()) {
            return new HealthState.Result(start, Instant.now(), -1, "healthcheck for container " + e.id() + " has no command");
        }
        Attached attached = prober.exec(e, ExecRequest.builder(command).build());
        Attachment io = attached.io();
        HealthChecks.Output output = new HealthChecks.Output();
        AtomicBoolean timedOut = new AtomicBoolean();
        Duration timeout = HealthChecks.timeout(config);
        ScheduledFuture<?> deadline = null;
        try {
            w.probe = io;
            if (w.stopped) {
                kill(io);
            }
            // The timeout counts from the probe's start, as docker's: starting an exec is not the probe's time.
            deadline = timer.schedule(() -> {
                timedOut.set(true);
                submitKill(io);
            }, timeout.toNanos(), TimeUnit.NANOSECONDS);
            for (Attachment.Output o; (o = io.next()) != null; ) {
                output.write(o.data());
            }
        } finally {
            if (deadline != null) {
                deadline.cancel(false);
            }
            w.probe = null;
            io.close();
        }
        if (timedOut.get()) {
            return new HealthState.Result(start, Instant.now(), -1, HealthChecks.timedOut(timeout, output.toString()));
        }
        return new HealthState.Result(start, Instant.now(), io.exitCode(), output.toString());
    }

    private void stop(Watch w) {
        Attachment io = halt(w);
        if (io != null) {
            // As docker cancels a running probe: killed, off the caller's thread (it holds the container's lock).
            submitKill(io);
        }
    }

    /** No more probes for {@code w}; the probe running now, if one is, which the caller kills. */
    private static Attachment halt(Watch w) {
        w.stopped = true;
        ScheduledFuture<?> f = w.next;
        if (f != null) {
            f.cancel(false);
        }
        return w.probe;
    }

    private void submitKill(Attachment io) {
        try {
            probes.execute(() -> kill(io));
        } catch (java.util.concurrent.RejectedExecutionException ex) {
            kill(io);
        }
    }

    private static void kill(Attachment io) {
        try {
            io.kill(SIGKILL);
        } catch (IOException | RuntimeException ex) {
            LOG.log(System.Logger.Level.WARNING, "cannot kill a health check probe: " + ex.getMessage());
        }
    }

    /** Stops every probe, the health left as it is: the next engine starts the checks again. */
    void close(Iterable<ContainerStore.Entry> entries) {
        closed = true;
        for (ContainerStore.Entry e : entries) {
            Watch w = e.health;
            Attachment io = w == null ? null : halt(w);
            if (io != null) {
                kill(io);
            }
        }
        timer.shutdownNow();
        probes.shutdown();
    }
}
