package io.berth.api.runtime;

import java.io.Closeable;
import java.io.IOException;

/**
 * A connection to a running container's (or exec'd process's) standard streams: its output from
 * the moment of attaching, its input when asked for, its terminal's size. Several may be open on
 * one container; only one of them takes its input.
 *
 * <p>Closing it detaches: the container goes on.
 */
public interface Attachment extends Closeable {
    /** A piece of output, as the process wrote it. */
    record Output(boolean stderr, byte[] data) {
    }

    /**
     * The next output; blocks until there is some.
     *
     * @return {@code null} once the process has exited and its output is all read, or after
     *         {@link #close}
     */
    Output next() throws IOException;

    /** The exit status once {@link #next} returned {@code null} because the process ended, else -1. */
    int exitCode();

    /**
     * Writes to the process's standard input.
     *
     * @throws io.berth.api.ConflictException if this attachment does not take input
     */
    void write(byte[] data, int offset, int length) throws IOException;

    /**
     * Ends the input from this attachment. The process's standard input closes when it was
     * started to take its input once ({@code stdinOnce}), as {@code docker run -i} does.
     */
    void closeInput() throws IOException;

    /** Resizes the process's terminal; nothing happens without one. */
    void resize(ConsoleSize size) throws IOException;

    /**
     * Sends a signal to the process this attachment is to, if it still runs: an exec'd process
     * ({@link RuntimeDriver#exec}), for the engine to end a health check that exceeded its timeout.
     * A process that ended already is left alone.
     *
     * @throws io.berth.api.InvalidArgumentException if the driver cannot signal it
     * @since 2.4
     */
    default void kill(int signal) throws IOException {
        throw new io.berth.api.InvalidArgumentException("this runtime cannot signal an exec'd process");
    }

    @Override
    void close() throws IOException;
}
