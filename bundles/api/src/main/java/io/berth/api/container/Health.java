package io.berth.api.container;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a container's health check found, as {@code inspect} shows it under {@code State.Health}.
 * Only containers with a health check that have been started have one.
 *
 * @param status never {@link HealthStatus#NONE}
 * @param failingStreak the probes that failed in a row (those in the start period not counted)
 * @param log the last results, at most 5, oldest first
 * @since 2.4
 */
public record Health(HealthStatus status, int failingStreak, List<Result> log) {
    public Health {
        Objects.requireNonNull(status, "status");
        log = log == null ? List.of() : List.copyOf(log);
    }

    /**
     * One probe's result ({@code HealthcheckResult}).
     *
     * @param start when it started
     * @param end when it ended
     * @param exitCode 0 healthy, 1 unhealthy, -1 when it could not run or exceeded its timeout
     * @param output what it wrote, stdout and stderr together, at most 4096 bytes ({@code ...} after a cut)
     */
    public record Result(Instant start, Instant end, int exitCode, String output) {
        public Result {
            output = output == null ? "" : output;
        }
    }
}
