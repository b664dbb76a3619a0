package io.berth.api.container;

/**
 * The json-file log of a container ({@code --log-opt max-size=10m --log-opt max-file=3}).
 *
 * @param maxSize rotate when the file reaches this many bytes; 0 never rotates
 * @param maxFiles files kept in all (at least 1)
 */
public record LogConfig(long maxSize, int maxFiles) {
    public static final LogConfig DEFAULT = new LogConfig(0, 1);

    public LogConfig {
        if (maxFiles < 1) {
            throw new io.berth.api.InvalidArgumentException("max-file must be at least 1");
        }
        if (maxFiles > 1 && maxSize <= 0) {
            throw new io.berth.api.InvalidArgumentException("max-file can only be used with max-size");
        }
    }
}
