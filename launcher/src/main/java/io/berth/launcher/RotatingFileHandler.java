package io.berth.launcher;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Map;
import java.util.logging.ErrorManager;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The daemon's log file: always appended to, so a restart keeps what the previous run wrote (the
 * lines before a crash above all), and rotated by size. When a record would take the file past
 * {@link Rotation#maxSize()}, {@code berth.log} becomes {@code berth.log.1}, {@code .1} becomes
 * {@code .2} and so on, the oldest beyond {@link Rotation#keep()} is deleted, and a new file is
 * started. A file already at the size when the daemon starts is rotated before anything is
 * written. Each record is one {@code write(2)} to a file opened with {@code O_APPEND}, unbuffered,
 * so a killed daemon loses nothing it logged.
 *
 * <p>One daemon writes a log at a time: {@code <file>.lck} is locked while the handler is open (the
 * kernel releases the lock when the process dies), and a second daemon given the same
 * {@code --log-file} refuses to start.
 */
final class RotatingFileHandler extends Handler {
    /**
     * When the log is rotated.
     *
     * @param maxSize the size in bytes past which the file is rotated; 0 never rotates
     * @param keep how many rotated files are kept ({@code berth.log.1} the newest); at least 1
     */
    record Rotation(long maxSize, int keep) {
        /** 10 MB, 5 old files. */
        static final Rotation DEFAULT = new Rotation(10L * 1024 * 1024, 5);
        /** The keys of {@code conf/berth.engine.cfg}. */
        static final String SIZE_KEY = "logRotateSize";
        static final String KEEP_KEY = "logRotateKeep";
        private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmg]?)i?b?");

        Rotation {
            if (maxSize < 0) {
                throw new IllegalArgumentException("the log's rotation size cannot be negative: " + maxSize);
            }
            if (keep < 1) {
                throw new IllegalArgumentException("the log rotation must keep at least 1 file, not " + keep);
            }
        }

        /**
         * The rotation {@code conf/berth.engine.cfg} asks for: {@code logRotateSize} (bytes, or with
         * a unit k, m, g; 0 never rotates) and {@code logRotateKeep}; an empty or absent key is
         * the default.
         *
         * @throws IllegalArgumentException naming the key whose value is wrong
         */
        static Rotation of(Map<String, String> config) {
            String size = config.getOrDefault(SIZE_KEY, "").strip();
            String keep = config.getOrDefault(KEEP_KEY, "").strip();
            long maxSize = DEFAULT.maxSize;
            if (!size.isEmpty()) {
                Matcher m = SIZE.matcher(size.toLowerCase(Locale.ROOT));
                if (!m.matches()) {
                    throw new IllegalArgumentException(SIZE_KEY + " = " + size
                            + " in berth.engine.cfg is not a size (bytes, or a number with k, m or g)");
                }
                int shift = switch (m.group(2)) {
                    case "k" -> 10;
                    case "m" -> 20;
                    case "g" -> 30;
                    default -> 0;
                };
                try {
                    maxSize = Math.multiplyExact(Long.parseLong(m.group(1)), 1L << shift);
                } catch (ArithmeticException | NumberFormatException e) {
                    throw new IllegalArgumentException(SIZE_KEY + " = " + size + " in berth.engine.cfg is too large");
                }
            }
            int files = DEFAULT.keep;
            if (!keep.isEmpty()) {
                try {
                    files = Integer.parseInt(keep);
                } catch (NumberFormatException e) {
                    files = 0;
                }
                if (files < 1) {
                    throw new IllegalArgumentException(KEEP_KEY + " = " + keep
                            + " in berth.engine.cfg must be a number of files, at least 1");
                }
            }
            return new Rotation(maxSize, files);
        }
    }

    private final Path file;
    private final Rotation rotation;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Path lockFile;
    private FileChannel out;

    private RotatingFileHandler(Path file, Rotation rotation, FileChannel lockChannel, FileLock lock, Path lockFile) {
        this.file = file;
        this.rotation = rotation;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.lockFile = lockFile;
    }

    /**
     * Opens the log, creating it and its directory if needed, rotating it first if it is at its
     * size already.
     *
     * @throws IllegalStateException if another process writes this log
     */
    static RotatingFileHandler open(Path file, Rotation rotation) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path lockFile = file.resolveSibling(file.getFileName() + ".lck");
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            // Held by this very process, through another handler.
            lock = null;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new IllegalStateException("the log file " + file + " is in use by another Berth daemon; "
                    + "start this one with another --log-file");
        }
        RotatingFileHandler handler = new RotatingFileHandler(file, rotation, channel, lock, lockFile);
        try {
            if (rotation.maxSize() > 0 && Files.exists(file) && Files.size(file) >= rotation.maxSize()) {
                handler.rotate();
            }
            handler.out = append(file);
        } catch (IOException | RuntimeException e) {
            handler.releaseLock();
            throw e;
        }
        return handler;
    }

    private static FileChannel append(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    @Override
    public synchronized void publish(LogRecord record) {
        if (out == null || !isLoggable(record)) {
            return;
        }
        byte[] bytes;
        try {
            bytes = getFormatter().format(record).getBytes(StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            reportError(null, e, ErrorManager.FORMAT_FAILURE);
            return;
        }
        try {
            long size = out.size();
            if (rotation.maxSize() > 0 && size > 0 && size + bytes.length > rotation.maxSize()) {
                rotateOpenFile();
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
        } catch (IOException e) {
            reportError("cannot write the log " + file, e, ErrorManager.WRITE_FAILURE);
        }
    }

    /** Rotates the file being written; if that fails, writing goes on in the same file. */
    private void rotateOpenFile() {
        try {
            out.close();
            rotate();
        } catch (IOException e) {
            reportError("cannot rotate the log " + file, e, ErrorManager.GENERIC_FAILURE);
        }
        try {
            out = append(file);
        } catch (IOException e) {
            out = null;
            reportError("cannot open the log " + file, e, ErrorManager.OPEN_FAILURE);
        }
    }

    /** berth.log.N-1 to .N (the oldest beyond keep deleted), ..., berth.log to berth.log.1. */
    private void rotate() throws IOException {
        Files.deleteIfExists(numbered(rotation.keep()));
        for (int i = rotation.keep() - 1; i >= 1; i--) {
            Path from = numbered(i);
            if (Files.exists(from)) {
                Files.move(from, numbered(i + 1), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        }
        if (Files.exists(file)) {
            Files.move(file, numbered(1), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private Path numbered(int n) {
        return file.resolveSibling(file.getFileName() + "." + n);
    }

    @Override
    public void flush() {
        // Every record is written as it comes: nothing is buffered.
    }

    @Override
    public synchronized void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                reportError("cannot close the log " + file, e, ErrorManager.CLOSE_FAILURE);
            }
            out = null;
        }
        releaseLock();
    }

    private void releaseLock() {
        try {
            // Removed before the lock goes: a daemon that opens it later makes a new file and locks that.
            Files.deleteIfExists(lockFile);
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            reportError("cannot release the lock of the log " + file, e, ErrorManager.CLOSE_FAILURE);
        }
    }
}
