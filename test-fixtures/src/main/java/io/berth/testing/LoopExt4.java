package io.berth.testing;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An ext4 made for a test: a sparse image in the test's directory, mounted through a loop device
 * ({@code mount -o loop}, whose device goes with the unmount). With a journal ({@code mkfs.ext4}'s
 * defaults, as a host's {@code /var/lib} usually is) a test counts the journal commits a piece of
 * code forces: the kernel counts them in {@code /proc/fs/jbd2/DEVICE-INODE/info}, and the journal
 * also commits by itself every 5 s, which a count allows for ({@link #ownCommitsWithin}). Without
 * one ({@code -O ^has_journal}), nothing orders its metadata. The device's written sectors
 * ({@code /sys/block/DEVICE/stat}) tell what reached it. Needs root and e2fsprogs (a test without
 * them is skipped, or fails under {@link Requirements#strict}); {@link #close} unmounts it.
 */
public final class LoopExt4 implements AutoCloseable {
    private static final Pattern TRANSACTIONS = Pattern.compile("^(\\d+) transactions");

    private final Path root;
    private final String device;
    /** The journal's statistics, or {@code null} without a journal. */
    private final Path info;

    private LoopExt4(Path root, String device, Path info) {
        this.root = root;
        this.device = device;
        this.info = info;
    }

    /** Makes a 256 MiB ext4 with a journal in {@code dir} (its image and mount point) and mounts it. */
    public static LoopExt4 journaled(Path dir) throws IOException, InterruptedException {
        return mount(dir, true);
    }

    /** Makes a 256 MiB ext4 without a journal in {@code dir} (its image and mount point) and mounts it. */
    public static LoopExt4 withoutJournal(Path dir) throws IOException, InterruptedException {
        return mount(dir, false);
    }

    private static LoopExt4 mount(Path dir, boolean journal) throws IOException, InterruptedException {
        Requirements.require(Requirements.isRoot(), "a loop-mounted ext4 needs root");
        Requirements.requireTool("mkfs.ext4", "e2fsprogs");
        Path image = dir.resolve("ext4.img");
        Path root = Files.createDirectories(dir.resolve("ext4"));
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(256L << 20);
        }
        if (journal) {
            run("mkfs.ext4", "-q", "-F", image.toString());
        } else {
            run("mkfs.ext4", "-q", "-F", "-O", "^has_journal", image.toString());
        }
        run("mount", "-o", "loop", image.toString(), root.toString());
        try {
            String device = Path.of(run("findmnt", "-n", "-o", "SOURCE", root.toString()).trim()).getFileName().toString();
            if (!journal) {
                return new LoopExt4(root, device, null);
            }
            List<Path> journals = new ArrayList<>();
            try (DirectoryStream<Path> d = Files.newDirectoryStream(Path.of("/proc/fs/jbd2"), device + "-*")) {
                d.forEach(journals::add);
            }
            if (journals.size() != 1) {
                throw new IOException("the journal of " + device + ": " + journals.size() + " in /proc/fs/jbd2");
            }
            return new LoopExt4(root, device, journals.get(0).resolve("info"));
        } catch (IOException | InterruptedException | RuntimeException e) {
            try {
                unmount(root);
            } catch (IOException | InterruptedException | RuntimeException also) {
                e.addSuppressed(also);
            }
            throw e;
        }
    }

    /** The mounted filesystem's root. */
    public Path root() {
        return root;
    }

    /** How many commits the journal has made since the mount. */
    public long commits() throws IOException {
        if (info == null) {
            throw new IllegalStateException(root + " has no journal");
        }
        Matcher m = TRANSACTIONS.matcher(Files.readString(info));
        if (!m.find()) {
            throw new IOException(info + " does not start with its count of transactions");
        }
        return Long.parseLong(m.group(1));
    }

    /** At most how many commits the journal makes by itself (one every 5 s, and one under way) in {@code nanos}. */
    public static long ownCommitsWithin(long nanos) {
        return 1 + TimeUnit.NANOSECONDS.toSeconds(nanos) / 5 + 1;
    }

    /** How many 512-byte sectors the loop device has written since it was set up. */
    public long writtenSectors() throws IOException {
        String[] fields = Files.readString(Path.of("/sys/block/" + device + "/stat")).trim().split("\\s+");
        return Long.parseLong(fields[6]);
    }

    /** Unmounts it; lazily if it is busy, so that nothing deletes files through a mount left behind. */
    @Override
    public void close() throws IOException, InterruptedException {
        unmount(root);
    }

    private static void unmount(Path root) throws IOException, InterruptedException {
        try {
            run("umount", root.toString());
        } catch (IOException e) {
            run("umount", "-l", root.toString());
            throw e;
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        return Commands.run(List.of(command), null, 60);
    }
}
