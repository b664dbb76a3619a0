package io.berth.api.runtime;

import java.time.Instant;
import java.util.Objects;

/**
 * A container's state as its runtime reports it.
 *
 * @param id the container's id
 * @param status where it stands
 * @param pid the host pid of its first process, or {@code 0} when none runs
 * @param exitCode the exit code once stopped (128 + signal number when killed by a signal),
 *        else {@code -1}
 * @param startedAt when the first process started, or {@code null}
 * @param finishedAt when it exited, or {@code null}
 * @param oomKilled whether the kernel's OOM killer ended it
 */
public record RuntimeState(String id, RuntimeStatus status, int pid, int exitCode, Instant startedAt,
                           Instant finishedAt, boolean oomKilled) {
    public RuntimeState {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
    }
}
