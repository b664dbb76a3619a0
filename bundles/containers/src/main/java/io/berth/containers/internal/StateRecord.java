package io.berth.containers.internal;

import io.berth.api.container.ContainerState;
import io.berth.api.container.ContainerStatus;

import java.time.Instant;

/**
 * A container's state, saved as its {@code state.json} whenever it changes. Times are ISO-8601 or
 * {@code null}. Its health goes along unchanged through starts and exits; {@link HealthMonitor}
 * changes it.
 *
 * @param health what its health check found, or {@code null} (no check, or never started with one)
 */
record StateRecord(ContainerStatus status, int pid, int exitCode, boolean oomKilled, String error, String startedAt,
                   String finishedAt, int restartCount, boolean stoppedByUser, HealthState health) {
    static final StateRecord CREATED = new StateRecord(ContainerStatus.CREATED, 0, 0, false, "", null, null, 0, false);

    StateRecord {
        error = error == null ? "" : error;
    }

    /** A state without health. */
    StateRecord(ContainerStatus status, int pid, int exitCode, boolean oomKilled, String error, String startedAt,
                String finishedAt, int restartCount, boolean stoppedByUser) {
        this(status, pid, exitCode, oomKilled, error, startedAt, finishedAt, restartCount, stoppedByUser, null);
    }

    boolean running() {
        return status == ContainerStatus.RUNNING || status == ContainerStatus.PAUSED;
    }

    StateRecord started(int newPid, Instant at) {
        return new StateRecord(ContainerStatus.RUNNING, newPid, 0, false, "", at.toString(), finishedAt, restartCount, false,
                health);
    }

    /** Started again by its restart policy. */
    StateRecord restarted(int newPid, Instant at) {
        return new StateRecord(ContainerStatus.RUNNING, newPid, 0, false, "", at.toString(), finishedAt, restartCount + 1,
                false, health);
    }

    /** Started by the user: the count of policy restarts starts over. */
    StateRecord startedByUser(int newPid, Instant at) {
        return new StateRecord(ContainerStatus.RUNNING, newPid, 0, false, "", at.toString(), finishedAt, 0, false, health);
    }

    /** Ended; waiting for its restart policy to start it again. */
    StateRecord restarting() {
        return new StateRecord(ContainerStatus.RESTARTING, 0, exitCode, oomKilled, error, startedAt, finishedAt, restartCount,
                false, health);
    }

    /** Stopped by the user ({@code stop}, {@code kill}): its policy does not start it again. */
    StateRecord byUser() {
        return new StateRecord(status, pid, exitCode, oomKilled, error, startedAt, finishedAt, restartCount, true, health);
    }

    /** The same run, paused or running again. */
    StateRecord paused(boolean paused) {
        return new StateRecord(paused ? ContainerStatus.PAUSED : ContainerStatus.RUNNING, pid, exitCode, oomKilled, error,
                startedAt, finishedAt, restartCount, stoppedByUser, health);
    }

    StateRecord exited(int code, boolean oom, Instant at, String why) {
        return new StateRecord(ContainerStatus.EXITED, 0, code, oom, why, startedAt, at.toString(), restartCount,
                stoppedByUser, health);
    }

    /** A start that failed: the status stays, the exit code and error say what happened (as docker). */
    StateRecord failed(int code, String why) {
        return new StateRecord(status, 0, code, false, why, startedAt, finishedAt, restartCount, stoppedByUser, health);
    }

    /** The same state with another health. */
    StateRecord withHealth(HealthState newHealth) {
        return new StateRecord(status, pid, exitCode, oomKilled, error, startedAt, finishedAt, restartCount, stoppedByUser,
                newHealth);
    }

    ContainerState toApi() {
        return ContainerState.builder().status(status).pid(pid).exitCode(exitCode).oomKilled(oomKilled).error(error)
                .startedAt(time(startedAt)).finishedAt(time(finishedAt)).health(health == null ? null : health.toApi())
                .build();
    }

    private static Instant time(String s) {
        return s == null ? null : Rfc3339.parse(s);
    }
}
