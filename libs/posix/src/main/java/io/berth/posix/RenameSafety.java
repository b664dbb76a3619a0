package io.berth.posix;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Makes files safe to rename into place on one filesystem: after a crash, a rename that reached
 * the disk has the file's data with it, never an empty file. Where the filesystem orders its
 * metadata ({@link Filesystems#ordersMetadata}: ext4 with a journal, XFS) the data written out
 * ({@link Native#writeOut}) is enough and no journal commit is forced; elsewhere it is synced
 * ({@code fdatasync}). Neither makes the rename itself durable: a sync of the directory after it
 * does, and where the filesystem orders its metadata that one sync also commits the data.
 */
public final class RenameSafety {
    private final Path directory;
    /** Found at the first {@link #prepare}, off whatever start made this; {@code null} until then. */
    private volatile Boolean ordered;

    /** For files renamed within {@code directory}'s filesystem. */
    public RenameSafety(Path directory) {
        this.directory = directory;
    }

    /** Before {@code file}'s rename: its data written out, or synced where that is not enough. */
    public void prepare(Path file) throws IOException {
        Boolean o = ordered;
        if (o == null) {
            ordered = o = Filesystems.ordersMetadata(directory);
        }
        if (o) {
            Native.writeOut(file);
        } else {
            try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
                c.force(false);
            }
        }
    }
}
