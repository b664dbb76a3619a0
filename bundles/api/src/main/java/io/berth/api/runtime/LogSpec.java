package io.berth.api.runtime;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where and how a container's output is logged, in docker's json-file format
 * ({@code {"log":"...","stream":"stdout","time":"..."}} per line).
 *
 * @param path the log file
 * @param maxSize rotate when the file reaches this many bytes; {@code 0} never rotates
 * @param maxFiles how many files to keep in all, counting the current one (at least 1)
 */
public record LogSpec(Path path, long maxSize, int maxFiles) {
    public LogSpec {
        Objects.requireNonNull(path, "path");
        if (maxFiles < 1) {
            throw new IllegalArgumentException("maxFiles must be at least 1, was " + maxFiles);
        }
    }
}
