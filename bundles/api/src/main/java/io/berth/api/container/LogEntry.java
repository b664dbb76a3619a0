package io.berth.api.container;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * One line (or part of a long line) of a container's output, as the container wrote it: bytes,
 * which need not be text.
 */
public final class LogEntry {
    private final String stream;
    private final Instant time;
    private final byte[] data;

    /**
     * @param stream {@code stdout} or {@code stderr}
     * @param time when the container wrote it
     * @param data the bytes, with the newline if the line had one (kept, not copied)
     */
    public LogEntry(String stream, Instant time, byte[] data) {
        this.stream = Objects.requireNonNull(stream, "stream");
        this.time = Objects.requireNonNull(time, "time");
        this.data = Objects.requireNonNull(data, "data");
    }

    /** {@code stdout} or {@code stderr}. */
    public String stream() {
        return stream;
    }

    /** Whether it was written to stderr. */
    public boolean stderr() {
        return stream.equals("stderr");
    }

    /** When the container wrote it. */
    public Instant time() {
        return time;
    }

    /** How many bytes it has. */
    public int length() {
        return data.length;
    }

    /** A copy of its bytes. */
    public byte[] data() {
        return data.clone();
    }

    /** Writes its bytes to {@code out}. */
    public void writeTo(OutputStream out) throws IOException {
        out.write(data);
    }

    /** Its bytes read as UTF-8 text, what is not UTF-8 replaced by U+FFFD. */
    public String text() {
        return new String(data, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogEntry e && stream.equals(e.stream) && time.equals(e.time) && Arrays.equals(data, e.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(stream, time, Arrays.hashCode(data));
    }

    @Override
    public String toString() {
        return "LogEntry[stream=" + stream + ", time=" + time + ", text=" + text() + "]";
    }
}
