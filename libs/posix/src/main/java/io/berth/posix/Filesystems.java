package io.berth.posix;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What a filesystem keeps across a crash. */
public final class Filesystems {
    /** ext2, ext3 and ext4 (one magic number): ordered with a journal. */
    private static final long EXT = 0xEF53L;
    /** XFS: its log orders its metadata always, a file's size logged before its pages leave writeback. */
    private static final long XFS = 0x58465342L;
    /** tmpfs and ramfs: their content does not outlive the host, nothing to order. */
    private static final long TMPFS = 0x01021994L;
    private static final long RAMFS = 0x858458f6L;
    private static final Path JOURNALS = Path.of("/proc/fs/jbd2");

    private Filesystems() {
    }

    /**
     * Whether the filesystem that holds {@code directory} commits its metadata in order, so that
     * a rename found on the disk after a crash means that every change made before it is there
     * too: the creation of the file renamed and its size, and the blocks of data written out
     * before it ({@link Native#writeOut}). Such a filesystem does not need a file synced before
     * its rename to never show it empty; one without (ext2, an ext4 made without a journal) may
     * write a directory's new entry before the file's inode.
     *
     * <p>Known, by {@code statfs(2)}'s type: ext3 and ext4 with a journal (the kernel lists the
     * journal of their device in {@code /proc/fs/jbd2}; jbd2 commits transactions in order, each
     * after a cache flush that makes the data written before it durable), XFS; tmpfs and ramfs,
     * whose content a crash takes whole. Any other filesystem (btrfs, whose extents may be
     * recorded in a later transaction than a rename, and ZFS, whose intent log may replay a
     * rename without another file's data, among them), ext2 and an ext4 without a journal, one
     * whose journal cannot be found (an external one) and one this cannot look at is taken as
     * not: its files are synced before they are renamed, which is right anywhere. Mounted with
     * {@code nobarrier}, no filesystem keeps either promise.
     */
    public static boolean ordersMetadata(Path directory) {
        try {
            return ordered(directory);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static boolean ordered(Path directory) throws IOException {
        long type = Native.filesystemType(directory);
        if (type == XFS || type == TMPFS || type == RAMFS) {
            return true;
        }
        if (type != EXT) {
            return false;
        }
        long dev = ((Number) Files.getAttribute(directory, "unix:dev")).longValue();
        String device = deviceName(Native.major(dev), Native.minor(dev));
        if (device == null || !Files.isDirectory(JOURNALS)) {
            return false;
        }
        try (DirectoryStream<Path> journals = Files.newDirectoryStream(JOURNALS, device.replace('/', '!') + "-*")) {
            return journals.iterator().hasNext();
        }
    }

    /** The kernel's name of a block device ({@code vda}, {@code loop3}, {@code dm-0}), or {@code null}. */
    private static String deviceName(long major, long minor) throws IOException {
        Path uevent = Path.of("/sys/dev/block/" + major + ":" + minor + "/uevent");
        if (!Files.isReadable(uevent)) {
            return null;
        }
        List<String> lines = Files.readAllLines(uevent);
        for (String line : lines) {
            if (line.startsWith("DEVNAME=")) {
                return line.substring("DEVNAME=".length());
            }
        }
        return null;
    }
}
