package io.berth.api.container;

import java.time.Instant;
import java.util.Objects;

/**
 * A container's state, as {@code inspect} shows it under {@code State}.
 *
 * @param status where it stands
 * @param pid the host pid of its first process, or 0
 * @param exitCode the last exit code, or 0 if it never exited
 * @param oomKilled whether the OOM killer ended it
 * @param error the last error starting it, or empty
 * @param startedAt when it last started, or {@code null}
 * @param finishedAt when it last exited, or {@code null}
 */
public record ContainerState(ContainerStatus status, int pid, int exitCode, boolean oomKilled, String error,
                             Instant startedAt, Instant finishedAt) {
    public ContainerState {
        Objects.requireNonNull(status, "status");
        error = error == null ? "" : error;
    }
}
