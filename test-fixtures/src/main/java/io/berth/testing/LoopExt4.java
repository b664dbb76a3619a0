package io.berth.testing;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
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
 * also commits by itself every 5 s, which a count allows for. Without one
 * ({@code -O ^has_journal}), nothing orders its metadata. Needs root and e2fsprogs; {@link #close}
 * unmounts it.
 */
public final class LoopExt4 implements AutoCloseable {
    private static final Pattern TRANSACTIONS = Pattern.compile("^(\\d+) transactions");

    private final Path root;
    /** The journal's statistics, or {@code null} without a journal. */
    private final Path info;

    private LoopExt4(Path root, Path info) {
        this.root = root;
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
        if (!journal) {
            return new LoopExt4(root, null);
        }
        try {
            String device = Path.of(run("findmnt", "-n", "-o", "SOURCE", root.toString()).trim()).getFileName().toString();
            List<Path> journals = new ArrayList<>();
            try (DirectoryStream<Path> d = Files.newDirectoryStream(Path.of("/proc/fs/jbd2"), device + "-*")) {
                d.forEach(journals::add);
            }
            if (journals.size() != 1) {
                throw new IOException("the journal of " + device + ": " + journals.size() + " in /proc/fs/jbd2");
            }
            return new LoopExt4(root, journals.get(0).resolve("info"));
        } catch (IOException | RuntimeException e) {
            run("umount", root.toString());
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

    @Override
    public void close() throws IOException, InterruptedException {
        run("umount", root.toString());
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + ": no end in 60 s");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + ": exit " + p.exitValue() + ": " + out.trim());
        }
        return out;
    }
}
