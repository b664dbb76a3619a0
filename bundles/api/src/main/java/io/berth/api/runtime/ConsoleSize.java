package io.berth.api.runtime;

/**
 * The size of a container's terminal.
 *
 * @param rows lines, at least 1
 * @param columns characters per line, at least 1
 */
public record ConsoleSize(int rows, int columns) {
    public ConsoleSize {
        if (rows < 1 || columns < 1 || rows > 65535 || columns > 65535) {
            throw new IllegalArgumentException("invalid console size " + rows + "x" + columns);
        }
    }
}
