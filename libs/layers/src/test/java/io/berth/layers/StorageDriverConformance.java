package io.berth.layers;

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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link StorageDriver} must do, run for real (root, mounts). A driver's test extends
 * this and makes the driver.
 */
public abstract class StorageDriverConformance {
    @TempDir
    protected Path tmp;
    protected StorageDriver driver;
    private final List<Path> mounted = new ArrayList<>();

    /** Makes the driver under test, keeping its data in {@code home}. */
    protected abstract StorageDriver create(Path home) throws IOException;

    @BeforeEach
    void setUpDriver() throws IOException {
        Requirements.require(Requirements.isRoot(), "storage drivers mount and set owners: needs root");
        Requirements.require(BusyboxImage.available(), "busybox is not installed (apt-get install busybox-static)");
        driver = create(tmp.resolve("home"));
    }

    @AfterEach
    void unmountAll() throws IOException {
        for (Path p : mounted) {
            Mounts.unmount(p);
        }
    }

    protected Path mount(String key) throws IOException {
        Path target = Files.createDirectories(tmp.resolve("mnt-" + mounted.size()));
        Mounts.mount(driver.mounts(key), target);
        mounted.add(target);
        return target;
    }

    protected void unmount(Path target) throws IOException {
        Mounts.unmount(target);
        mounted.remove(target);
    }

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
        List<String> names = new ArrayList<>();
        io.berth.layers.tar.TarReader reader = new io.berth.layers.tar.TarReader(new ByteArrayInputStream(diff.toByteArray()));
        for (io.berth.layers.tar.TarHeader h; (h = reader.next()) != null; ) {
            names.add(h.name);
        }
        assertThat(names).contains("etc/created", "etc/passwd", "etc/.wh.berth-fixture", "var/new/link", "bin/.wh.ls")
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
        Path home = tmp.resolve("home");
        byte[] hostile = new Tars().file("ok", "fine").file("../escape", "x").bytes();
        assertThatThrownBy(() -> driver.apply("bad", null, new ByteArrayInputStream(hostile)))
                .isInstanceOf(InvalidArgumentException.class);
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
        try (var leftovers = Files.list(home.resolve("tmp"))) {
            assertThat(leftovers).isEmpty();
        }
        // And after a restart (a new driver on the same directory) the store is as it was.
        driver.apply("good", null, new ByteArrayInputStream(good));
        StorageDriver again = create(home);
        assertThat(again.stat("good").kind()).isEqualTo(SnapshotKind.COMMITTED);
    }

    @Test
    void deepChainsMount() throws IOException {
        String parent = unpackBusybox();
        for (int i = 0; i < 35; i++) {
            String key = "deep-" + i;
            driver.apply(key, parent, new Tars().dir("layers/").file("layers/" + i, Integer.toString(i)).stream());
            parent = key;
        }
        driver.prepare("c1", parent);
        Path rootfs = mount("c1");
        try (var files = Files.list(rootfs.resolve("layers"))) {
            assertThat(files).hasSize(35);
        }
        assertThat(rootfs.resolve("layers/34")).hasContent("34");
    }
}
