package io.berth.containers.internal;

import io.berth.api.UnavailableException;
import io.berth.api.container.ContainerStatus;
import io.berth.api.container.RestartPolicy;
import io.berth.api.runtime.StartFailedException;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Restart policies ({@code --restart}), as docker's restart manager applies them: whether a
 * container that ended is started again, after docker's back-off (100 ms, doubled at each restart
 * up to a minute, back to 100 ms after a run of 10 s or more), and which containers are started
 * when the engine (or their runtime driver) comes up.
 */
final class RestartPolicies {
    private static final System.Logger LOG = System.getLogger(RestartPolicies.class.getName());
    static final long FIRST_DELAY_MILLIS = 100;
    static final long MAX_DELAY_MILLIS = 60_000;
    private static final Duration RESET_AFTER = Duration.ofSeconds(10);

    /** Starts a container, called with its lock held. */
    interface Starter {
        /**
         * @param byPolicy whether this is a restart by its policy (counted in its restart count),
         *        rather than a start because the engine came up
         */
        void start(ContainerStore.Entry e, boolean byPolicy) throws IOException;
    }

    private final ContainerStore store;
    private final Starter starter;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "berth-restart-policy");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;

    RestartPolicies(ContainerStore store, Starter starter) {
        this.store = store;
        this.starter = starter;
    }

    /** Whether a container that just ended is started again by its policy. */
    static boolean restarts(RestartPolicy policy, StateRecord ended) {
        if (ended.stoppedByUser()) {
            return false;
        }
        return switch (policy.name()) {
            case "always", "unless-stopped" -> true;
            case "on-failure" -> ended.exitCode() != 0
                    && (policy.maximumRetryCount() == 0 || ended.restartCount() < policy.maximumRetryCount());
            default -> false;
        };
    }

    /** Whether a container is started when the engine comes up: {@code always}, {@code unless-stopped} not stopped by the user, or waiting for a restart. */
    static boolean startsWithEngine(RestartPolicy policy, StateRecord state) {
        if (state.running() || state.status() == ContainerStatus.CREATED) {
            return false;
        }
        return state.status() == ContainerStatus.RESTARTING || policy.name().equals("always")
                || policy.name().equals("unless-stopped") && !state.stoppedByUser();
    }

    /**
     * The wait before the next restart, and the one after it, by docker's back-off.
     *
     * @param delay the current wait
     * @param ran how long the run that ended lasted, or {@code null} if unknown
     * @return the wait now, then the next one
     */
    static long[] backOff(long delay, Duration ran) {
        long now = ran != null && ran.compareTo(RESET_AFTER) >= 0 ? FIRST_DELAY_MILLIS : delay;
        return new long[]{now, Math.min(now * 2, MAX_DELAY_MILLIS)};
    }

    /** A start by the user: a pending restart is dropped, the back-off starts over. Called with the lock held. */
    void startedByUser(ContainerStore.Entry e) {
        cancel(e);
        e.restartDelay = FIRST_DELAY_MILLIS;
    }

    /**
     * Decides what follows a run that ended: a restart scheduled by the policy, its state
     * {@code restarting}, or the state as it is. Called with the lock held.
     *
     * @return the state to save
     */
    StateRecord afterExit(ContainerStore.Entry e, StateRecord ended, Instant finished) {
        if (closed || !restarts(e.record.host().restartPolicy(), ended)) {
            return ended;
        }
        schedule(e, finished);
        return ended.restarting();
    }

    /** Drops a pending restart. Called with the lock held. */
    void cancel(ContainerStore.Entry e) {
        if (e.pendingRestart != null) {
            e.pendingRestart.cancel(false);
            e.pendingRestart = null;
        }
    }

    private void schedule(ContainerStore.Entry e, Instant finished) {
        Instant started = e.state.startedAt() == null ? null : Rfc3339.parse(e.state.startedAt());
        long[] delays = backOff(e.restartDelay, started == null ? null : Duration.between(started, finished));
        e.restartDelay = delays[1];
        cancel(e);
        e.pendingRestart = timer.schedule(() -> restart(e), delays[0], TimeUnit.MILLISECONDS);
    }

    private void restart(ContainerStore.Entry e) {
        e.lock.lock();
        try {
            e.pendingRestart = null;
            if (closed || e.removed || e.removing || e.state.status() != ContainerStatus.RESTARTING) {
                return;
            }
            try {
                starter.start(e, true);
            } catch (StartFailedException ex) {
                // Counted as a run that failed at once: the policy decides again.
                StateRecord failed = new StateRecord(ContainerStatus.EXITED, 0, ex.exitCode(), false, ex.getMessage(),
                        e.state.startedAt(), Instant.now().toString(), e.state.restartCount() + 1, false, e.state.health());
                store.saveState(e, afterExit(e, failed, Instant.now()));
            }
        } catch (IOException | RuntimeException ex) {
            LOG.log(System.Logger.Level.WARNING, "cannot restart container " + e.record.shortId() + ": " + ex.getMessage());
        } finally {
            e.lock.unlock();
        }
    }

    /**
     * Starts, soon, the containers on a runtime that just came (with the engine, or back) whose
     * policy says so. Soon rather than now: the runtime may not be in the driver registry yet, so
     * an unavailable one is tried again for a while.
     */
    void startWithEngine(String runtimeName) {
        timer.schedule(() -> startWithEngine(runtimeName, 50), 100, TimeUnit.MILLISECONDS);
    }

    private void startWithEngine(String runtimeName, int attemptsLeft) {
        boolean unavailable = false;
        for (ContainerStore.Entry e : store.all()) {
            if (!runtimeName.equals(e.record.host().runtime())) {
                continue;
            }
            e.lock.lock();
            try {
                if (!e.removed && startsWithEngine(e.record.host().restartPolicy(), e.state)) {
                    starter.start(e, false);
                }
            } catch (UnavailableException ex) {
                unavailable = true;
            } catch (IOException | RuntimeException ex) {
                LOG.log(System.Logger.Level.WARNING, "cannot start container " + e.record.shortId() + " by its restart policy: "
                        + ex.getMessage());
            } finally {
                e.lock.unlock();
            }
        }
        if (unavailable && attemptsLeft > 0 && !closed) {
            timer.schedule(() -> startWithEngine(runtimeName, attemptsLeft - 1), 200, TimeUnit.MILLISECONDS);
        }
    }

    void close() {
        closed = true;
        timer.shutdownNow();
    }
}
