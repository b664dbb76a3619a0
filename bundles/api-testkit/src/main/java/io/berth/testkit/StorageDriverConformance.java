package io.berth.testkit;

import io.berth.api.ConflictException;
import io.berth.api.InvalidArgumentException;
import io.berth.api.NotFoundException;
import io.berth.api.storage.Snapshot;
import io.berth.api.storage.SnapshotKind;
import io.berth.api.storage.StorageDriver;
import io.berth.testing.BusyboxImage;
import io.berth.testing.Requirements;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link StorageDriver} must do, run for real: layers applied from tars (whiteouts,
 * hard links, owners), writable snapshots that see their parents and keep their own writes, views,
 * diffs that recreate a container's tree on its image, commits, the snapshot tree with its errors,
 * a failed apply that leaves nothing, deep chains. Mounts are made with the host's
 * {@code mount(8)}, so the suite needs root.
 *
 * <p>A driver's test extends this class and makes the driver on a directory of its own:
 * <pre>{@code
 * class MyStorageDriverTest extends StorageDriverConformance {
 *     protected StorageDriver create(Path home) throws IOException {
 *         return new MyStorageDriver(home);
 *     }
 * }
 * }</pre>
 * Nothing is assumed about what the driver keeps in {@code home}: the suite only compares it
 * before and after a failed operation.
 */
public abstract class StorageDriverConformance {
    /** A directory the test may use; the driver's home is in it. */
    @TempDir
    protected Path tmp;
    /** The driver under test. */
    protected StorageDriver driver;
    private Path home;
    private final List<Path> mounted = new ArrayList<>();

    /**
     * Makes the driver under test, keeping its data in {@code home}. Called again on the same
     * directory to check that a new instance (a restarted engine) finds what the first made.
     */
    protected abstract StorageDriver create(Path home) throws IOException;

    @BeforeEach
    void setUpDriver() throws IOException {
        Requirements.require(Requirements.isRoot(), "storage drivers mount and set owners: needs root");
        Requirements.require(BusyboxImage.available(), "busybox is not installed (apt-get install busybox-static)");
        home = tmp.resolve("home");
        driver = create(home);
    }

    /** Unmounts what the test mounted; closes the driver if it is {@link AutoCloseable} (work in the background). */
    @AfterEach
    void unmountAll() throws Exception {
        for (Path p : List.copyOf(mounted)) {
            unmount(p);
        }
        if (driver instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    /** Mounts a snapshot's mounts on a new directory, unmounted after the test. */
    protected Path mount(String key) throws IOException {
        Path target = Files.createDirectories(tmp.resolve("mnt-" + mounted.size()));
        HostMounts.mount(driver.mounts(key), target);
        mounted.add(target);
        return target;
    }

    /** Unmounts what {@link #mount} mounted. */
    protected void unmount(Path target) throws IOException {
        HostMounts.unmount(target);
        mounted.remove(target);
    }

    /** Applies the busybox image's two layers as {@code layer-0} and {@code layer-1}; returns the top's key. */
    protected String unpackBusybox() throws IOException {
        BusyboxImage image = BusyboxImage.build();
        String parent = null;
        for (int i = 0; i < image.layers().size(); i++) {
            String key = "layer-" + i;
            driver.apply(key, parent, new ByteArrayInputStream(image.layers().get(i)));
            parent = key;
        }
        return parent;
    }

    @Test
    void aContainerSeesTheImageWithWhiteoutsApplied() throws IOException {
        String top = unpackBusybox();
        driver.prepare("c1", top);
        Path rootfs = mount("c1");
        assertThat(rootfs.resolve("bin/busybox")).isRegularFile();
        assertThat(Files.isSameFile(rootfs.resolve("bin/sh"), rootfs.resolve("bin/busybox"))).isTrue();
        assertThat(rootfs.resolve(BusyboxImage.ADDED_FILE)).exists();
        assertThat(rootfs.resolve(BusyboxImage.LONG_NAME)).exists();
        assertThat(rootfs.resolve(BusyboxImage.DELETED_FILE)).doesNotExist();
        assertThat(Files.getAttribute(rootfs.resolve("home/user"), "unix:uid")).isEqualTo(1000);
    }

    @Test
    void whatAContainerWritesStaysInItsSnapshot() throws IOException {
        String top = unpackBusybox();
        driver.prepare("c1", top);
        driver.prepare("c2", top);
        Path one = mount("c1");
        Path two = mount("c2");
        Files.writeString(one.resolve("etc/created"), "new");
        Files.delete(one.resolve(BusyboxImage.ADDED_FILE));
        assertThat(two.resolve("etc/created")).doesNotExist();
        assertThat(two.resolve(BusyboxImage.ADDED_FILE)).exists();
        driver.view("v", top);
        Path view = mount("v");
        assertThat(view.resolve(BusyboxImage.ADDED_FILE)).exists();
        assertThatThrownBy(() -> Files.writeString(view.resolve("etc/x"), "x")).isInstanceOf(IOException.class);
    }

    @Test
    void theDiffOfAContainerRecreatesItsTreeOnTheImage() throws IOException {
        String top = unpackBusybox();
        driver.prepare("c1", top);
        Path rootfs = mount("c1");
        Files.writeString(rootfs.resolve("etc/created"), "new");
        Files.delete(rootfs.resolve(BusyboxImage.ADDED_FILE));
        Files.writeString(rootfs.resolve("etc/passwd"), "changed\n");
        Files.createDirectories(rootfs.resolve("var/new/deep"));
        Files.createSymbolicLink(rootfs.resolve("var/new/link"), Path.of("deep"));
        Files.delete(rootfs.resolve("bin/ls"));
        unmount(rootfs);

        ByteArrayOutputStream diff = new ByteArrayOutputStream();
        driver.diff("c1", diff);
        assertThat(LayerTars.names(diff.toByteArray()))
                .contains("etc/created", "etc/passwd", "etc/.wh.berth-fixture", "var/new/link", "bin/.wh.ls")
                .doesNotContain("bin/busybox", "etc/group");
        assertThat(driver.changes("c1")).extracting(Object::toString).contains("C /etc", "A /etc/created", "C /etc/passwd",
                "D /etc/berth-fixture", "A /var/new", "A /var/new/deep", "A /var/new/link", "C /bin", "D /bin/ls")
                .doesNotContain("C /bin/busybox", "A /etc/group", "C /etc/group");

        driver.apply("committed", top, new ByteArrayInputStream(diff.toByteArray()));
        driver.view("check", "committed");
        Path check = mount("check");
        assertThat(check.resolve("etc/created")).hasContent("new");
        assertThat(check.resolve("etc/passwd")).hasContent("changed");
        assertThat(check.resolve(BusyboxImage.ADDED_FILE)).doesNotExist();
        assertThat(check.resolve("bin/ls")).doesNotExist();
        assertThat(check.resolve("bin/busybox")).exists();
        assertThat(Files.readSymbolicLink(check.resolve("var/new/link"))).isEqualTo(Path.of("deep"));
    }

    @Test
    void aReplacedDirectoryAndNamesOfAnyBytesDiffAndCommitExactly() throws IOException {
        String top = unpackBusybox();
        driver.prepare("c1", top);
        Path rootfs = mount("c1");
        // rm -rf /home && mkdir /home, as a container does it; names that are not UTF-8.
        try (var all = Files.walk(rootfs.resolve("home"))) {
            for (Path p : (Iterable<Path>) all.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
        Files.createDirectories(rootfs.resolve("home/fresh"));
        Path tmp = rootfs.resolve("tmp");
        for (int c = 1; c < 256; c++) {
            if (c != '/') {
                Files.writeString(byteName(tmp, c), Integer.toString(c));
            }
        }
        unmount(rootfs);

        // A change's path holds a byte that is not UTF-8 as U+DC00 + the byte (Berth's names).
        assertThat(driver.changes("c1")).extracting(Object::toString).contains("C /home", "D /home/user", "A /home/fresh",
                "A /tmp/n\udcff", "A /tmp/n\udcfe", "A /tmp/na", "A /tmp/n\udce9");
        ByteArrayOutputStream diff = new ByteArrayOutputStream();
        driver.diff("c1", diff);
        driver.apply("committed", top, new ByteArrayInputStream(diff.toByteArray()));
        driver.view("check", "committed");
        Path check = mount("check");
        assertThat(check.resolve("home/fresh")).isDirectory();
        assertThat(check.resolve("home/user")).doesNotExist();
        Path checkTmp = check.resolve("tmp");
        try (var listed = Files.list(checkTmp)) {
            assertThat(listed.count()).isEqualTo(254);
        }
        for (int c = 1; c < 256; c++) {
            if (c != '/') {
                assertThat(Files.readString(byteName(checkTmp, c))).isEqualTo(Integer.toString(c));
            }
        }
    }

    @Test
    void hardLinksAContainerMadeSurviveDiffAndCommit() throws IOException {
        String top = unpackBusybox();
        driver.prepare("c1", top);
        Path rootfs = mount("c1");
        // A new name for a file of the image, which itself does not change, and a new linked pair.
        Files.createLink(rootfs.resolve("root/group"), rootfs.resolve("etc/group"));
        Files.writeString(rootfs.resolve("root/new"), "new");
        Files.createDirectories(rootfs.resolve("var/deep/er"));
        Files.createLink(rootfs.resolve("var/deep/er/new-link"), rootfs.resolve("root/new"));
        String group = Files.readString(rootfs.resolve("etc/group"));
        unmount(rootfs);

        assertThat(driver.changes("c1")).extracting(Object::toString).contains("A /root/group", "A /root/new",
                "A /var/deep/er/new-link");
        ByteArrayOutputStream diff = new ByteArrayOutputStream();
        driver.diff("c1", diff);
        driver.apply("committed", top, new ByteArrayInputStream(diff.toByteArray()));
        driver.prepare("c2", "committed");
        Path check = mount("c2");
        assertThat(Files.isSameFile(check.resolve("root/group"), check.resolve("etc/group"))).isTrue();
        assertThat(check.resolve("etc/group")).hasContent(group.strip());
        assertThat(Files.isSameFile(check.resolve("root/new"), check.resolve("var/deep/er/new-link"))).isTrue();
        assertThat(Files.getAttribute(check.resolve("root/new"), "unix:nlink")).isEqualTo(2);
        driver.view("v", "committed");
        assertThat(mount("v").resolve("etc/group")).hasContent(group.strip());
    }

    /** {@code dir}'s entry named "n" and the byte {@code c}, whatever the byte (through the path's URI). */
    private static Path byteName(Path dir, int c) {
        return Path.of(java.net.URI.create("file://" + dir.toAbsolutePath().toUri().getRawPath().replaceAll("/$", "")
                + "/n%" + String.format("%02x", c)));
    }

    @Test
    void craftedLayersGiveTheSameTreeOnEveryDriver() throws IOException {
        driver.apply("base", null, new LayerTars().dir("d/").file("d/old", "o").file("f", "lower").dir("keep/")
                .file("keep/k", "k").stream());
        // A whiteout and the same name made again in one layer: a new, empty directory; a whiteout
        // of a file its own layer has does not remove it; a hard link whose header sets the inode.
        driver.apply("top", "base", new LayerTars().file(".wh.d", "").dir("d/").file("d/new", "n").file("g", "mine")
                .file(".wh.g", "").file("h", "shared").hardlink("h2", "h", 0600, 4321, 1_600_000_000L)
                .symlink("keep/link", "../f").stream());
        driver.view("v", "top");
        Path v = mount("v");
        assertThat(tree(v)).isEqualTo(String.join("\n",
                "d dir 755",
                "d/new file 644 n uid=0",
                "f file 644 lower uid=0",
                "g file 644 mine uid=0",
                "h file 600 shared uid=4321 links=2 mtime=1600000000",
                "h2 file 600 shared uid=4321 links=2 mtime=1600000000",
                "keep dir 755",
                "keep/k file 644 k uid=0",
                "keep/link link ../f"));
    }

    @Test
    void aLayerNamingAPathTwiceIsRefusedAndLeavesNothing() throws IOException {
        driver.apply("base", null, new LayerTars().file("f", "1").stream());
        assertThatThrownBy(() -> driver.apply("dup", "base", new LayerTars().file("x", "1").file("./x", "2").stream()))
                .isInstanceOf(io.berth.api.InvalidArgumentException.class).hasMessageContaining("duplicates of file paths not supported");
        assertThatThrownBy(() -> driver.stat("dup")).isInstanceOf(io.berth.api.NotFoundException.class);
    }

    /**
     * A tree as lines: path, type, mode, content and owner or target, and for files with several
     * names in the tree (a hard link group, whatever the driver shares underneath) the group's
     * size and time.
     */
    private static String tree(Path root) throws IOException {
        List<Path> paths;
        try (var all = Files.walk(root)) {
            paths = all.sorted().filter(p -> !p.equals(root)).toList();
        }
        java.util.Map<Object, Integer> names = new java.util.HashMap<>();
        for (Path p : paths) {
            if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                names.merge(Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class,
                        java.nio.file.LinkOption.NOFOLLOW_LINKS).fileKey(), 1, Integer::sum);
            }
        }
        List<String> lines = new java.util.ArrayList<>();
        for (Path p : paths) {
            String rel = root.relativize(p).toString();
            java.util.Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,lastModifiedTime",
                    java.nio.file.LinkOption.NOFOLLOW_LINKS);
            String perm = Integer.toOctalString((Integer) a.get("mode") & 07777);
            if (Files.isSymbolicLink(p)) {
                lines.add(rel + " link " + Files.readSymbolicLink(p));
            } else if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                lines.add(rel + " dir " + perm);
            } else {
                String line = rel + " file " + perm + " " + Files.readString(p) + " uid=" + a.get("uid");
                int group = names.get(Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class,
                        java.nio.file.LinkOption.NOFOLLOW_LINKS).fileKey());
                if (group > 1) {
                    line += " links=" + group + " mtime="
                            + ((java.nio.file.attribute.FileTime) a.get("lastModifiedTime")).toMillis() / 1000;
                }
                lines.add(line);
            }
        }
        return String.join("\n", lines);
    }

    @Test
    void commitTurnsAContainerIntoALayer() throws IOException {
        String top = unpackBusybox();
        driver.prepare("c1", top);
        Path rootfs = mount("c1");
        Files.writeString(rootfs.resolve("root/note"), "kept");
        unmount(rootfs);
        Snapshot layer = driver.commit("layer-2", "c1");
        assertThat(layer.kind()).isEqualTo(SnapshotKind.COMMITTED);
        assertThat(layer.parent()).isEqualTo(top);
        assertThatThrownBy(() -> driver.stat("c1")).isInstanceOf(NotFoundException.class);
        driver.prepare("c2", "layer-2");
        assertThat(mount("c2").resolve("root/note")).hasContent("kept");
    }

    @Test
    void snapshotsFormATreeWithConflictsAndMissingParentsReported() throws IOException {
        String top = unpackBusybox();
        driver.prepare("c1", top);
        assertThatThrownBy(() -> driver.prepare("c1", top)).isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> driver.prepare("c3", "nope")).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> driver.prepare("c4", "c1")).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> driver.remove(top)).isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> driver.apply(top, null, new ByteArrayInputStream(new byte[1024])))
                .isInstanceOf(ConflictException.class);
        List<String> order = new ArrayList<>();
        driver.walk(s -> order.add(s.key()));
        assertThat(order).containsExactly("layer-0", "layer-1", "c1");
        assertThat(driver.usage("layer-0").size()).isGreaterThan(1_000_000);
        driver.remove("c1");
        driver.remove(top);
        driver.remove("layer-0");
        order.clear();
        driver.walk(s -> order.add(s.key()));
        assertThat(order).isEmpty();
    }

    @Test
    void aFailedApplyLeavesNothing() throws IOException {
        List<String> before = files(home);
        byte[] hostile = new LayerTars().file("ok", "fine").file("../escape", "x").bytes();
        assertThatThrownBy(() -> driver.apply("bad", null, new ByteArrayInputStream(hostile)))
                .isInstanceOf(InvalidArgumentException.class);
        assertThat(tmp.resolve("escape")).doesNotExist();
        // A stream that fails at its end (a digest that did not match) rejects the layer too.
        byte[] good = BusyboxImage.build().layers().get(0);
        InputStream failingAtEnd = new FilterInputStream(new ByteArrayInputStream(good)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n < 0) {
                    throw new IOException("digest mismatch");
                }
                return n;
            }
        };
        assertThatThrownBy(() -> driver.apply("unverified", null, failingAtEnd)).hasMessageContaining("digest mismatch");
        assertThatThrownBy(() -> driver.stat("bad")).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> driver.stat("unverified")).isInstanceOf(NotFoundException.class);
        assertThat(files(home)).as("what the driver keeps, after two failed applies").isEqualTo(before);
        // And after a restart (a new driver on the same directory) the store is as it was.
        driver.apply("good", null, new ByteArrayInputStream(good));
        StorageDriver again = create(home);
        assertThat(again.stat("good").kind()).isEqualTo(SnapshotKind.COMMITTED);
        assertThatThrownBy(() -> again.stat("bad")).isInstanceOf(NotFoundException.class);
    }

    @Test
    void deepChainsMount() throws IOException {
        String parent = unpackBusybox();
        for (int i = 0; i < 35; i++) {
            String key = "deep-" + i;
            driver.apply(key, parent, new LayerTars().dir("layers/").file("layers/" + i, Integer.toString(i)).stream());
            parent = key;
        }
        driver.prepare("c1", parent);
        Path rootfs = mount("c1");
        try (Stream<Path> files = Files.list(rootfs.resolve("layers"))) {
            assertThat(files).hasSize(35);
        }
        assertThat(rootfs.resolve("layers/34")).hasContent("34");
    }

    /** Every path under a directory, relative and sorted; empty if it does not exist. */
    private static List<String> files(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> all = Files.walk(dir)) {
            return all.map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }
}
