package io.berth.api.container;

import org.osgi.annotation.versioning.ConsumerType;

import java.io.IOException;

/**
 * Where {@link ContainerService#logs} sends a container's log: each entry in order, and a flush
 * whenever the entries read so far are all given (the log is read to its current end, or a batch
 * of it is), so that a sink may buffer its writes and still never hold back what it was given.
 */
@ConsumerType
@FunctionalInterface
public interface LogSink {
    /** Takes the next entry. */
    void accept(LogEntry entry) throws IOException;

    /** What was given so far may be written out now: more is to come later, or nothing. */
    default void flush() throws IOException {
    }
}
