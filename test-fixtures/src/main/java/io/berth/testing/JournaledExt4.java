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
 * An ext4 with a journal, made for a test, to count the journal commits a piece of code forces: a
 * sparse image in the test's directory made with {@code mkfs.ext4}'s defaults, mounted through a
 * loop device ({@code mount -o loop}, whose device goes with the unmount). The journal counts its
 * commits in {@code /proc/fs/jbd2/DEVICE-INODE/info}; it also commits by itself every 5 s, which a
 * count allows for. Needs root and e2fsprogs; {@link #close} unmounts it.
 */
public final class JournaledExt4 implements AutoCloseable {
    private static final Pattern TRANSACTIONS = Pattern.compile("^(\\d+) transactions");

    private final Path root;
    private final Path info;

    private JournaledExt4(Path root, Path info) {
        this.root = root;
        this.info = info;
    }

    /** Makes a 256 MiB ext4 in {@code dir} (its image and mount point) and mounts it. */
    public static JournaledExt4 mount(Path dir) throws IOException, InterruptedException {
        Path image = dir.resolve("ext4.img");
        Path root = Files.createDirectories(dir.resolve("ext4"));
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(256L << 20);
        }
        run("mkfs.ext4", "-q", "-F", image.toString());
        run("mount", "-o", "loop", image.toString(), root.toString());
        try {
            String device = Path.of(run("findmnt", "-n", "-o", "SOURCE", root.toString()).trim()).getFileName().toString();
            List<Path> journals = new ArrayList<>();
            try (DirectoryStream<Path> d = Files.newDirectoryStream(Path.of("/proc/fs/jbd2"), device + "-*")) {
                d.forEach(journals::add);
            }
            if (journals.size() != 1) {
                throw new IOException("the journal of " + device + ": " + journals.size() + " in /proc/fs/jbd2");
            }
            return new JournaledExt4(root, journals.get(0).resolve("info"));
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
