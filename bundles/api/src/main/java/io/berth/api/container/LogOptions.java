package io.berth.api.container;

import java.time.Instant;

/**
 * Which part of a container's output {@code logs} shows.
 *
 * @param follow keep following the output until the container stops
 * @param tail the number of lines from the end to start with, or -1 for all
 * @param since only entries from this time on, or {@code null}
 * @param until only entries before this time, or {@code null}
 */
public record LogOptions(boolean follow, int tail, Instant since, Instant until) {
    public static final LogOptions ALL = new LogOptions(false, -1, null, null);
}
