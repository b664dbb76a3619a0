package io.berth.containers.internal;

import io.berth.api.container.LogEntry;
import io.berth.api.container.LogOptions;

import java.io.ByteArrayOutputStream;
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
import java.util.function.Consumer;

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
    static void read(Path log, int maxFiles, LogOptions options, Waiter running, Consumer<LogEntry> sink)
            throws IOException, InterruptedException {
        List<Path> files = new ArrayList<>();
        for (int i = maxFiles - 1; i >= 1; i--) {
            Path rotated = log.resolveSibling(log.getFileName() + "." + i);
            if (Files.exists(rotated)) {
                files.add(rotated);
            }
        }
        Deque<LogEntry> tail = options.tail() >= 0 ? new ArrayDeque<>() : null;
        Consumer<LogEntry> selected = e -> {
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
                tail.forEach(sink);
            }
            if (!options.follow()) {
                return;
            }
            Consumer<LogEntry> live = e -> {
                if (options.until() == null || e.time().isBefore(options.until())) {
                    sink.accept(e);
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
                             Consumer<LogEntry> sink, java.util.function.BooleanSupplier stop)
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
    static void follow(Path log, Position from, Opened opened, Waiter running, Consumer<LogEntry> sink)
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

    /** Reads complete lines as they appear; a partial last line waits for the rest. */
    static final class Reader {
        private final InputStream in;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        private final byte[] buffer = new byte[65536];

        Reader(InputStream in) {
            this.in = in;
        }

        void drain(Consumer<LogEntry> sink) throws IOException {
            int n;
            while ((n = in.read(buffer)) > 0) {
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        pending.write(buffer, start, i - start);
                        LogEntry e = parse(pending.toByteArray());
                        pending.reset();
                        if (e != null) {
                            sink.accept(e);
                        }
                        start = i + 1;
                    }
                }
                pending.write(buffer, start, n - start);
            }
        }
    }

    /**
     * Parses one line; {@code null} if it is not a log entry. The text is decoded as UTF-8 after
     * unescaping, invalid bytes (the shim logs what the container wrote) replaced.
     */
    static LogEntry parse(byte[] line) {
        String stream = null;
        String time = null;
        byte[] text = null;
        int[] pos = {0};
        skipSpace(line, pos);
        if (pos[0] >= line.length || line[pos[0]] != '{') {
            return null;
        }
        pos[0]++;
        while (true) {
            skipSpace(line, pos);
            if (pos[0] >= line.length) {
                return null;
            }
            if (line[pos[0]] == '}') {
                break;
            }
            if (line[pos[0]] == ',') {
                pos[0]++;
                continue;
            }
            byte[] key = string(line, pos);
            skipSpace(line, pos);
            if (key == null || pos[0] >= line.length || line[pos[0]] != ':') {
                return null;
            }
            pos[0]++;
            skipSpace(line, pos);
            if (pos[0] >= line.length || line[pos[0]] != '"') {
                // A value that is not a string (docker's "attrs" object): skip to its end.
                int depth = 0;
                while (pos[0] < line.length) {
                    byte b = line[pos[0]];
                    if (b == '"') {
                        string(line, pos);
                        continue;
                    }
                    if (b == '{' || b == '[') {
                        depth++;
                    } else if (b == '}' || b == ']') {
                        if (depth == 0) {
                            break;
                        }
                        depth--;
                    } else if (b == ',' && depth == 0) {
                        break;
                    }
                    pos[0]++;
                }
                continue;
            }
            byte[] value = string(line, pos);
            if (value == null) {
                return null;
            }
            switch (new String(key, StandardCharsets.UTF_8)) {
                case "log" -> text = value;
                case "stream" -> stream = new String(value, StandardCharsets.UTF_8);
                case "time" -> time = new String(value, StandardCharsets.UTF_8);
                default -> { }
            }
        }
        if (text == null || stream == null || time == null) {
            return null;
        }
        try {
            return new LogEntry(stream, Instant.parse(time), new String(text, StandardCharsets.UTF_8));
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    private static void skipSpace(byte[] b, int[] pos) {
        while (pos[0] < b.length && (b[pos[0]] == ' ' || b[pos[0]] == '\t' || b[pos[0]] == '\r')) {
            pos[0]++;
        }
    }

    /** A JSON string at {@code pos}, unescaped to bytes (escapes as UTF-8). */
    private static byte[] string(byte[] b, int[] pos) {
        if (pos[0] >= b.length || b[pos[0]] != '"') {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = pos[0] + 1;
        while (i < b.length) {
            byte c = b[i];
            if (c == '"') {
                pos[0] = i + 1;
                return out.toByteArray();
            }
            if (c != '\\') {
                out.write(c);
                i++;
                continue;
            }
            if (i + 1 >= b.length) {
                return null;
            }
            byte e = b[i + 1];
            i += 2;
            switch (e) {
                case 'n' -> out.write('\n');
                case 'r' -> out.write('\r');
                case 't' -> out.write('\t');
                case 'b' -> out.write('\b');
                case 'f' -> out.write('\f');
                case 'u' -> {
                    if (i + 4 > b.length) {
                        return null;
                    }
                    int cp;
                    try {
                        cp = Integer.parseInt(new String(b, i, 4, StandardCharsets.US_ASCII), 16);
                    } catch (NumberFormatException x) {
                        return null;
                    }
                    i += 4;
                    if (Character.isHighSurrogate((char) cp) && i + 6 <= b.length && b[i] == '\\' && b[i + 1] == 'u') {
                        try {
                            int low = Integer.parseInt(new String(b, i + 2, 4, StandardCharsets.US_ASCII), 16);
                            if (Character.isLowSurrogate((char) low)) {
                                cp = Character.toCodePoint((char) cp, (char) low);
                                i += 6;
                            }
                        } catch (NumberFormatException x) {
                            return null;
                        }
                    }
                    out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
                }
                default -> out.write(e);
            }
        }
        return null;
    }
}
