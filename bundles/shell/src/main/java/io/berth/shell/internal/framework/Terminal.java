package io.berth.shell.internal.framework;

import java.io.IOException;

/**
 * The user's terminal, as far as a command needs to know it: whether output goes to a terminal
 * (tables fit its width, progress redraws in place), and a way to switch it to raw mode for
 * interactive containers.
 */
public interface Terminal {
    /** No terminal: output goes to a pipe or a file. */
    Terminal NONE = new Terminal() {
        @Override
        public boolean isOutputTerminal() {
            return false;
        }

        @Override
        public boolean isInputTerminal() {
            return false;
        }

        @Override
        public int width() {
            return 0;
        }

        @Override
        public int height() {
            return 0;
        }

        @Override
        public String type() {
            return "dumb";
        }

        @Override
        public AutoCloseable enterRawMode() {
            return () -> { };
        }

        @Override
        public AutoCloseable onResize(Runnable listener) {
            return () -> { };
        }
    };

    /**
     * Reads what the user typed, waiting at most {@code timeoutMillis}: the number of bytes read,
     * 0 when nothing came in that time, -1 at the end of the input; {@code null} when this
     * terminal's input is the command's standard input, to be read from there.
     */
    default Integer readInput(byte[] buffer, long timeoutMillis) throws IOException {
        return null;
    }

    /** Whether standard output is a terminal. */
    boolean isOutputTerminal();

    /** Whether standard input is a terminal. */
    boolean isInputTerminal();

    /** Columns, or 0 when unknown. */
    int width();

    /** Rows, or 0 when unknown. */
    int height();

    /** The terminal's type, as TERM names it ({@code xterm-256color}), or {@code dumb}. */
    String type();

    /**
     * Calls {@code listener} whenever the terminal's size changes, until the returned handle is
     * closed.
     */
    AutoCloseable onResize(Runnable listener);

    /**
     * Puts the user's terminal in raw mode (no echo, no line editing, no signals from keys) until
     * the returned handle is closed.
     */
    AutoCloseable enterRawMode() throws IOException;

    /**
     * Sends what the terminal's own output holds to the screen. A command's flush does not get
     * there by itself when its output goes through a Gogo pipe: Gogo writes to the console
     * through a channel, which has no flush, and Karaf's local console buffers its terminal.
     */
    default void flush() {
    }
}
