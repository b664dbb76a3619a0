package io.berth.containers.internal;

import io.berth.api.container.ContainerState;
import io.berth.api.container.ContainerStatus;

import java.time.Instant;

/**
 * A container's state, saved as its {@code state.json} whenever it changes. Times are ISO-8601 or
 * {@code null}.
 */
record StateRecord(ContainerStatus status, int pid, int exitCode, boolean oomKilled, String error, String startedAt,
                   String finishedAt, int restartCount, boolean stoppedByUser) {
    static final StateRecord CREATED = new StateRecord(ContainerStatus.CREATED, 0, 0, false, "", null, null, 0, false);

    StateRecord {
        error = error == null ? "" : error;
    }

    boolean running() {
        return status == ContainerStatus.RUNNING || status == ContainerStatus.PAUSED;
    }

    StateRecord started(int newPid, Instant at) {
        return new StateRecord(ContainerStatus.RUNNING, newPid, 0, false, "", at.toString(), finishedAt, restartCount, false);
    }

    /** Started again by its restart policy. */
    StateRecord restarted(int newPid, Instant at) {
        return new StateRecord(ContainerStatus.RUNNING, newPid, 0, false, "", at.toString(), finishedAt, restartCount + 1, false);
    }

    /** Started by the user: the count of policy restarts starts over. */
    StateRecord startedByUser(int newPid, Instant at) {
        return new StateRecord(ContainerStatus.RUNNING, newPid, 0, false, "", at.toString(), finishedAt, 0, false);
    }

    /** Ended; waiting for its restart policy to start it again. */
    StateRecord restarting() {
        return new StateRecord(ContainerStatus.RESTARTING, 0, exitCode, oomKilled, error, startedAt, finishedAt, restartCount, false);
    }

    /** Stopped by the user ({@code stop}, {@code kill}): its policy does not start it again. */
    StateRecord byUser() {
        return new StateRecord(status, pid, exitCode, oomKilled, error, startedAt, finishedAt, restartCount, true);
    }

    /** The same run, paused or running again. */
    StateRecord paused(boolean paused) {
        return new StateRecord(paused ? ContainerStatus.PAUSED : ContainerStatus.RUNNING, pid, exitCode, oomKilled, error,
                startedAt, finishedAt, restartCount, stoppedByUser);
    }

    StateRecord exited(int code, boolean oom, Instant at, String why) {
        return new StateRecord(ContainerStatus.EXITED, 0, code, oom, why, startedAt, at.toString(), restartCount, stoppedByUser);
    }

    /** A start that failed: the status stays, the exit code and error say what happened (as docker). */
    StateRecord failed(int code, String why) {
        return new StateRecord(status, 0, code, false, why, startedAt, finishedAt, restartCount, stoppedByUser);
    }

    ContainerState toApi() {
        return ContainerState.builder().status(status).pid(pid).exitCode(exitCode).oomKilled(oomKilled).error(error)
                .startedAt(time(startedAt)).finishedAt(time(finishedAt)).build();
    }

    private static Instant time(String s) {
        return s == null ? null : Instant.parse(s);
    }
}
