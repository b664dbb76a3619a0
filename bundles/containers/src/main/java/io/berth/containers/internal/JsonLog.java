package io.berth.containers.internal;

import io.berth.api.container.LogEntry;
import io.berth.api.container.LogOptions;
import io.berth.api.container.LogSink;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Reads a container's json-file log as docker writes it ({@code {"log":"...","stream":"stdout","time":"..."}}
 * per line), with its rotated files ({@code -json.log.1} is the newest of those), and follows it.
 */
final class JsonLog {
    private static final int POLL_MILLIS = 20;

    private JsonLog() {
    }

    /** Waits up to a few milliseconds for more output; returns whether the container still runs. */
    interface Waiter {
        boolean await(long millis) throws InterruptedException;
    }

    /**
     * Sends the entries {@code options} select to {@code sink}, in order.
     *
     * @param maxFiles how many files the log rotates through
     * @param running while following: waits a little and tells whether more may come
     */
    static void read(Path log, int maxFiles, LogOptions options, Waiter running, LogSink sink)
            throws IOException, InterruptedException {
        List<Path> files = new ArrayList<>();
        for (int i = maxFiles - 1; i >= 1; i--) {
            Path rotated = log.resolveSibling(log.getFileName() + "." + i);
            if (Files.exists(rotated)) {
                files.add(rotated);
            }
        }
        Deque<LogEntry> tail = options.tail() >= 0 ? new ArrayDeque<>() : null;
        LogSink selected = new LogSink() {
            @Override
            public void accept(LogEntry e) throws IOException {
                if (options.since() != null && e.time().isBefore(options.since())) {
                    return;
                }
                if (options.until() != null && !e.time().isBefore(options.until())) {
                    return;
                }
                if (tail != null) {
                    if (options.tail() == 0) {
                        return;
                    }
                    tail.addLast(e);
                    if (tail.size() > options.tail()) {
                        tail.removeFirst();
                    }
                } else {
                    sink.accept(e);
                }
            }

            @Override
            public void flush() throws IOException {
                if (tail == null) {
                    sink.flush();
                }
            }
        };
        for (Path f : files) {
            try (InputStream in = Files.newInputStream(f)) {
                new Reader(in).drain(selected);
            } catch (NoSuchFileException e) {
                // Rotated away while we read the others.
            }
        }
        InputStream current;
        Object key;
        try {
            current = Files.newInputStream(log);
            key = fileKey(log);
        } catch (NoSuchFileException e) {
            current = InputStream.nullInputStream();
            key = null;
        }
        try {
            Reader reader = new Reader(current);
            reader.drain(selected);
            if (tail != null) {
                for (LogEntry e : tail) {
                    sink.accept(e);
                }
            }
            sink.flush();
            if (!options.follow()) {
                return;
            }
            LogSink live = new LogSink() {
                @Override
                public void accept(LogEntry e) throws IOException {
                    if (options.until() == null || e.time().isBefore(options.until())) {
                        sink.accept(e);
                    }
                }

                @Override
                public void flush() throws IOException {
                    sink.flush();
                }
            };
            tail(log, current, reader, key, running, live, () -> options.until() != null && Instant.now().isAfter(options.until()));
        } finally {
            current.close();
        }
    }

    /**
     * Reads what is written to a log from {@code reader} (on {@code current}) on, across
     * rotations, until {@code running} says the writer is done or {@code stop} says enough. A
     * rotated file is closed once read (the caller's too: closing it again is harmless); streams
     * opened here are closed here.
     */
    private static void tail(Path log, InputStream current, Reader reader, Object key, Waiter running,
                             LogSink sink, java.util.function.BooleanSupplier stop)
            throws IOException, InterruptedException {
        InputStream opened = null;
        try {
            while (true) {
                boolean more = running.await(POLL_MILLIS);
                reader.drain(sink);
                Object now = fileKey(log);
                if (now != null && !now.equals(key)) {
                    // Rotated: what was written to the old file is read; the new one is read from its start.
                    (opened != null ? opened : current).close();
                    opened = Files.newInputStream(log);
                    key = now;
                    reader = new Reader(opened);
                    reader.drain(sink);
                }
                if (!more) {
                    reader.drain(sink);
                    return;
                }
                if (stop.getAsBoolean()) {
                    return;
                }
            }
        } finally {
            if (opened != null) {
                opened.close();
            }
        }
    }

    /** Where a log ends now: its file and size, to follow it from there. */
    record Position(Object fileKey, long offset) {
        static Position of(Path log) throws IOException {
            try {
                BasicFileAttributes a = Files.readAttributes(log, BasicFileAttributes.class);
                return new Position(a.fileKey(), a.size());
            } catch (NoSuchFileException e) {
                return new Position(null, 0);
            }
        }
    }

    /** A log file opened ahead of reading it, with the file it was then. */
    record Opened(InputStream in, Object fileKey) {
        /** Opens the log, or returns {@code null} if there is none (yet). */
        static Opened of(Path log) throws IOException {
            Object key = JsonLog.fileKey(log);
            if (key == null) {
                return null;
            }
            try {
                return new Opened(Files.newInputStream(log), key);
            } catch (NoSuchFileException e) {
                return null;
            }
        }
    }

    /**
     * Sends what is written to a log after {@code from} to {@code sink} until {@code running} says
     * the writer is done, following rotations.
     *
     * @param opened the log opened already, or {@code null} to open it here
     */
    static void follow(Path log, Position from, Opened opened, Waiter running, LogSink sink)
            throws IOException, InterruptedException {
        InputStream current = null;
        Object key = null;
        if (opened != null && (from.fileKey() == null || from.fileKey().equals(opened.fileKey()))) {
            current = opened.in();
            key = opened.fileKey();
        } else if (opened != null) {
            // Rotated between the two looks: read as if nothing had been opened.
            opened.in().close();
        }
        try {
            if (current != null && key.equals(from.fileKey())) {
                current.skipNBytes(from.offset());
            }
            while (current == null) {
                Object now = fileKey(log);
                Path rotated = log.resolveSibling(log.getFileName() + ".1");
                if (from.fileKey() != null && !from.fileKey().equals(now) && from.fileKey().equals(fileKey(rotated))) {
                    // Rotated since: the rest of the old file first.
                    try (InputStream old = Files.newInputStream(rotated)) {
                        old.skipNBytes(from.offset());
                        new Reader(old).drain(sink);
                    } catch (NoSuchFileException | java.io.EOFException e) {
                        // Rotated further away.
                    }
                    from = new Position(null, 0);
                }
                if (now != null) {
                    try {
                        current = Files.newInputStream(log);
                        key = now;
                        if (now.equals(from.fileKey())) {
                            current.skipNBytes(from.offset());
                        }
                        break;
                    } catch (NoSuchFileException e) {
                        // Being rotated: look again.
                    }
                }
                if (!running.await(POLL_MILLIS) && fileKey(log) == null) {
                    return;
                }
            }
            tail(log, current, new Reader(current), key, running, sink, () -> false);
        } finally {
            if (current != null) {
                current.close();
            }
        }
    }

    private static Object fileKey(Path p) throws IOException {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class).fileKey();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /**
     * Reads complete lines as they appear; a partial last line waits for the rest. The sink is
     * flushed after each read of the file.
     */
    static final class Reader {
        private final InputStream in;
        private byte[] buffer = new byte[65536];
        /** Bytes of a line not complete yet, at the start of the buffer. */
        private int kept;
        private final LineParser parser = new LineParser();

        Reader(InputStream in) {
            this.in = in;
        }

        void drain(LogSink sink) throws IOException {
            int n;
            while ((n = in.read(buffer, kept, buffer.length - kept)) > 0) {
                int end = kept + n;
                int start = 0;
                for (int i = kept; i < end; i++) {
                    if (buffer[i] == '\n') {
                        LogEntry e = parser.parse(buffer, start, i);
                        if (e != null) {
                            sink.accept(e);
                        }
                        start = i + 1;
                    }
                }
                kept = end - start;
                if (start > 0) {
                    System.arraycopy(buffer, start, buffer, 0, kept);
                } else if (kept == buffer.length) {
                    // A line longer than the buffer: a bigger one (a log line is at most ~100 KB).
                    buffer = java.util.Arrays.copyOf(buffer, buffer.length * 2);
                }
                sink.flush();
            }
        }
    }

    /** Parses one line; {@code null} if it is not a log entry. */
    static LogEntry parse(byte[] line) {
        return new LineParser().parse(line, 0, line.length);
    }

    /**
     * Parses the lines the shim writes (see libs/shim log.c) and docker's: a JSON object with the
     * string members {@code log}, {@code stream} and {@code time} (others skipped). The text is
     * unescaped to bytes: escapes as UTF-8, and a lone low surrogate {@code \\udc80} to
     * {@code \\udcff} as the byte it stands for (how the shim keeps bytes that are not UTF-8).
     */
    static final class LineParser {
        private byte[] out = new byte[256];
        private int outLength;
        private int pos;

        LogEntry parse(byte[] b, int from, int to) {
            pos = from;
            String stream = null;
            Instant time = null;
            byte[] text = null;
            skipSpace(b, to);
            if (pos >= to || b[pos] != '{') {
                return null;
            }
            pos++;
            while (true) {
                skipSpace(b, to);
                if (pos >= to) {
                    return null;
                }
                if (b[pos] == '}') {
                    break;
                }
                if (b[pos] == ',') {
                    pos++;
                    continue;
                }
                if (!string(b, to)) {
                    return null;
                }
                int key = keyOf();
                skipSpace(b, to);
                if (pos >= to || b[pos] != ':') {
                    return null;
                }
                pos++;
                skipSpace(b, to);
                if (pos >= to || b[pos] != '"') {
                    skipValue(b, to);
                    continue;
                }
                if (!string(b, to)) {
                    return null;
                }
                switch (key) {
                    case 1 -> text = java.util.Arrays.copyOf(out, outLength);
                    case 2 -> stream = outLength == 6 && out[3] == 'o' ? "stdout" : outLength == 6 && out[3] == 'e'
                            ? "stderr" : new String(out, 0, outLength, StandardCharsets.UTF_8);
                    case 3 -> time = Rfc3339.parse(out, 0, outLength);
                    default -> { }
                }
            }
            if (text == null || stream == null || time == null) {
                return null;
            }
            return new LogEntry(stream, time, text);
        }

        /** 1 for "log", 2 "stream", 3 "time", 0 another key (the key is in {@code out}). */
        private int keyOf() {
            if (outLength == 3 && out[0] == 'l' && out[1] == 'o' && out[2] == 'g') {
                return 1;
            }
            if (outLength == 6 && out[0] == 's' && out[1] == 't' && out[2] == 'r' && out[3] == 'e' && out[4] == 'a'
                    && out[5] == 'm') {
                return 2;
            }
            if (outLength == 4 && out[0] == 't' && out[1] == 'i' && out[2] == 'm' && out[3] == 'e') {
                return 3;
            }
            return 0;
        }

        private void skipSpace(byte[] b, int to) {
            while (pos < to && (b[pos] == ' ' || b[pos] == '\t' || b[pos] == '\r')) {
                pos++;
            }
        }

        /** A value that is not a string (docker's "attrs" object): skipped to its end. */
        private void skipValue(byte[] b, int to) {
            int depth = 0;
            while (pos < to) {
                byte c = b[pos];
                if (c == '"') {
                    if (!string(b, to)) {
                        pos = to;
                    }
                    continue;
                }
                if (c == '{' || c == '[') {
                    depth++;
                } else if (c == '}' || c == ']') {
                    if (depth == 0) {
                        return;
                    }
                    depth--;
                } else if (c == ',' && depth == 0) {
                    return;
                }
                pos++;
            }
        }

        private void put(int v) {
            if (outLength == out.length) {
                out = java.util.Arrays.copyOf(out, out.length * 2);
            }
            out[outLength++] = (byte) v;
        }

        /** Puts a code point as UTF-8. */
        private void putCodePoint(int cp) {
            if (cp < 0x80) {
                put(cp);
            } else if (cp < 0x800) {
                put(0xc0 | cp >> 6);
                put(0x80 | cp & 0x3f);
            } else if (cp < 0x10000) {
                put(0xe0 | cp >> 12);
                put(0x80 | cp >> 6 & 0x3f);
                put(0x80 | cp & 0x3f);
            } else {
                put(0xf0 | cp >> 18);
                put(0x80 | cp >> 12 & 0x3f);
                put(0x80 | cp >> 6 & 0x3f);
                put(0x80 | cp & 0x3f);
            }
        }

        /** The JSON string at {@code pos}, unescaped to bytes in {@code out}; false if malformed. */
        private boolean string(byte[] b, int to) {
            outLength = 0;
            if (pos >= to || b[pos] != '"') {
                return false;
            }
            int i = pos + 1;
            while (i < to) {
                byte c = b[i];
                if (c == '"') {
                    pos = i + 1;
                    return true;
                }
                if (c != '\\') {
                    // Runs of plain bytes are copied at once.
                    int run = i;
                    while (run < to && b[run] != '"' && b[run] != '\\') {
                        run++;
                    }
                    int n = run - i;
                    if (outLength + n > out.length) {
                        out = java.util.Arrays.copyOf(out, Math.max(out.length * 2, outLength + n));
                    }
                    System.arraycopy(b, i, out, outLength, n);
                    outLength += n;
                    i = run;
                    continue;
                }
                if (i + 1 >= to) {
                    return false;
                }
                byte e = b[i + 1];
                i += 2;
                switch (e) {
                    case 'n' -> put('\n');
                    case 'r' -> put('\r');
                    case 't' -> put('\t');
                    case 'b' -> put('\b');
                    case 'f' -> put('\f');
                    case 'u' -> {
                        int cp = hex4(b, i, to);
                        if (cp < 0) {
                            return false;
                        }
                        i += 4;
                        if (Character.isHighSurrogate((char) cp)) {
                            int low = i + 6 <= to && b[i] == '\\' && b[i + 1] == 'u' ? hex4(b, i + 2, to) : -1;
                            if (low >= 0 && Character.isLowSurrogate((char) low)) {
                                putCodePoint(Character.toCodePoint((char) cp, (char) low));
                                i += 6;
                            } else {
                                putCodePoint(0xfffd);
                            }
                        } else if (cp >= 0xdc80 && cp <= 0xdcff) {
                            // A byte that was not UTF-8, kept by the shim.
                            put(cp - 0xdc00);
                        } else if (Character.isLowSurrogate((char) cp)) {
                            putCodePoint(0xfffd);
                        } else {
                            putCodePoint(cp);
                        }
                    }
                    default -> put(e);
                }
            }
            return false;
        }

        private static int hex4(byte[] b, int i, int to) {
            if (i + 4 > to) {
                return -1;
            }
            int v = 0;
            for (int k = 0; k < 4; k++) {
                int d = Character.digit(b[i + k], 16);
                if (d < 0) {
                    return -1;
                }
                v = v << 4 | d;
            }
            return v;
        }
    }
}
