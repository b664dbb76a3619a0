package io.berth.api.container;

import java.time.Instant;

/**
 * One line (or part of a long line) of a container's output.
 *
 * @param stream {@code stdout} or {@code stderr}
 * @param time when the container wrote it
 * @param text the text, with its newline if it had one
 */
public record LogEntry(String stream, Instant time, String text) {
}
