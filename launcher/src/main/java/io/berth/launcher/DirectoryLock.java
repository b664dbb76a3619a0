package io.berth.launcher;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a directory, held by one daemon at a time: an fcntl lock on
 * {@code <dir>/berth.lock}, which also records the holder's pid for the message a second daemon
 * prints. The kernel releases it when the process dies, kill -9 included, so there is nothing
 * stale to clean up.
 */
final class DirectoryLock implements AutoCloseable {
    static final String FILE_NAME = "berth.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock.
     *
     * @param what what the directory is, for the message ({@code engine root})
     * @throws IllegalStateException if another process holds it; the message names the directory
     *         and the holder's pid
     */
    static DirectoryLock acquire(Path directory, String what) throws IOException {
        Path file = directory.resolve(FILE_NAME);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            ByteBuffer buffer = ByteBuffer.allocate(32);
            channel.read(buffer, 0);
            channel.close();
            String holder = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).strip();
            throw new IllegalStateException("the " + what + " " + directory + " is in use by another Berth daemon"
                    + (holder.isEmpty() ? "" : " (pid " + holder + ")")
                    + "; stop it, or start this one with another " + (what.equals("engine root") ? "--root" : "--run-root"));
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        channel.force(false);
        return new DirectoryLock(channel, lock);
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
