package io.berth.volumes.internal;

import io.berth.api.ConflictException;
import io.berth.api.InvalidArgumentException;
import io.berth.testing.Requirements;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The local driver on real directories and real mounts (tmpfs, bind: root). */
class LocalVolumeDriverTest {
    private static final Map<String, String> TMPFS_1M = Map.of("type", "tmpfs", "device", "tmpfs", "o", "size=1m");

    @TempDir
    Path dir;

    @AfterEach
    void nothingLeftMounted() throws IOException {
        if (Requirements.isRoot()) {
            assertThat(MountsLeft.cleanUp(dir)).as("mounts left under the test's directory").isEmpty();
        }
    }

    private LocalVolumeDriver driver() throws IOException {
        return new LocalVolumeDriver(dir.resolve("volumes"));
    }

    private static void requireRoot() {
        Requirements.require(Requirements.isRoot(), "mounting volumes needs root");
    }

    @Test
    void plainVolumeIsADirectoryRemovedWithItsData() throws IOException {
        LocalVolumeDriver d = driver();
        Path data = d.create("plain", Map.of());
        assertThat(data).isEqualTo(d.root().resolve("plain/_data")).isDirectory();
        assertThat(d.root().resolve("plain/opts.json")).hasContent("{}");
        assertThat(d.mount("plain", Map.of(), "c1")).isEqualTo(data);
        assertThat(MountTable.isMountPoint(data)).isFalse();
        Files.writeString(data.resolve("f"), "hello");
        assertThat(d.size("plain", Map.of())).isEqualTo(5);
        assertThatThrownBy(() -> d.remove("plain", Map.of())).isInstanceOf(ConflictException.class)
                .hasMessage("volume plain has active mounts");
        d.unmount("plain", Map.of(), "c1");
        d.remove("plain", Map.of());
        assertThat(d.root().resolve("plain")).doesNotExist();
        assertThat(d.root()).isEmptyDirectory();
        // Idempotent.
        d.remove("plain", Map.of());
        d.unmount("plain", Map.of(), "c1");
    }

    @Test
    void creationIsAtomicAndLeftoversAreDeleted() throws IOException {
        LocalVolumeDriver d = driver();
        d.create("kept", Map.of("type", "tmpfs", "device", "tmpfs"));
        assertThat(d.root().resolve("kept/opts.json")).hasContent("{\"device\":\"tmpfs\",\"type\":\"tmpfs\"}");
        // What a crash leaves: a volume half made, one half deleted; and a volume whose name looks alike.
        Files.createDirectories(d.root().resolve(".half.tmp-0123/_data"));
        Files.createDirectories(d.root().resolve(".gone.rm-4567/_data/x"));
        d.create("a.tmp-1", Map.of());
        LocalVolumeDriver again = driver();
        try (var entries = Files.list(again.root())) {
            assertThat(entries.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("kept", "a.tmp-1");
        }
        // Made again (the engine had no record of it): the data stays, the options are the new ones.
        Files.writeString(again.root().resolve("kept/_data/f"), "x");
        assertThat(again.create("kept", Map.of())).isDirectory();
        assertThat(again.root().resolve("kept/_data/f")).exists();
        assertThat(again.root().resolve("kept/opts.json")).hasContent("{}");
    }

    @Test
    void unknownOptionIsRefusedAndNothingIsMade() throws IOException {
        LocalVolumeDriver d = driver();
        assertThatThrownBy(() -> d.create("bad", Map.of("type", "tmpfs", "device", "tmpfs", "colour", "red")))
                .isInstanceOf(InvalidArgumentException.class).hasMessage("invalid option key: \"colour\"");
        assertThat(d.root()).isEmptyDirectory();
        assertThatThrownBy(() -> d.create("../escape", Map.of())).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> d.create(".hidden", Map.of())).isInstanceOf(InvalidArgumentException.class);
    }

    @Test
    void tmpfsIsMountedOnFirstUseSharedAndUnmountedAfterTheLast() throws IOException {
        requireRoot();
        LocalVolumeDriver d = driver();
        Path data = d.create("fast", TMPFS_1M);
        assertThat(MountTable.isMountPoint(data)).isFalse();

        assertThat(d.mount("fast", TMPFS_1M, "c1")).isEqualTo(data);
        assertThat(MountTable.count(data)).isEqualTo(1);
        assertThat(fsType(data)).isEqualTo("tmpfs");
        Files.writeString(data.resolve("shared"), "from c1");
        d.mount("fast", TMPFS_1M, "c2");
        d.mount("fast", TMPFS_1M, "c1");
        assertThat(MountTable.count(data)).isEqualTo(1);
        assertThat(d.users("fast")).containsExactlyInAnyOrder("c1", "c2");
        assertThat(data.resolve("shared")).hasContent("from c1");

        // size=1m is the filesystem's: 2 MiB do not fit.
        assertThatThrownBy(() -> write(data.resolve("big"), 2 << 20)).isInstanceOf(IOException.class)
                .hasMessageContaining("No space left on device");
        assertThatThrownBy(() -> d.remove("fast", TMPFS_1M)).isInstanceOf(ConflictException.class);

        d.unmount("fast", TMPFS_1M, "c1");
        assertThat(MountTable.count(data)).isEqualTo(1);
        d.unmount("fast", TMPFS_1M, "c1");
        assertThat(MountTable.count(data)).isEqualTo(1);
        d.unmount("fast", TMPFS_1M, "c2");
        assertThat(MountTable.isMountPoint(data)).isFalse();
        assertThat(data).isEmptyDirectory();

        d.remove("fast", TMPFS_1M);
        assertThat(data.getParent()).doesNotExist();
    }

    @Test
    void bindMountsAHostDirectoryAndRemovalLeavesItsFiles() throws IOException {
        requireRoot();
        Path host = Files.createDirectories(dir.resolve("host"));
        Files.writeString(host.resolve("existing"), "host file");
        Map<String, String> opts = Map.of("type", "none", "o", "bind", "device", host.toString());
        LocalVolumeDriver d = driver();
        Path data = d.create("hostdir", opts);
        d.mount("hostdir", opts, "c1");
        assertThat(data.resolve("existing")).hasContent("host file");
        Files.writeString(data.resolve("written"), "through the volume");
        assertThat(host.resolve("written")).hasContent("through the volume");
        d.unmount("hostdir", opts, "c1");
        assertThat(data).isEmptyDirectory();

        // Left mounted by an earlier run of the engine, with no user now: unmounted, never deleted through.
        d.mount("hostdir", opts, "c1");
        LocalVolumeDriver restarted = driver();
        restarted.remove("hostdir", opts);
        assertThat(data.getParent()).doesNotExist();
        assertThat(host.resolve("existing")).hasContent("host file");
        assertThat(host.resolve("written")).exists();
    }

    @Test
    void readOnlyBindIsRemountedReadOnly() throws IOException {
        requireRoot();
        Path host = Files.createDirectories(dir.resolve("host"));
        Map<String, String> opts = Map.of("type", "none", "o", "bind,ro", "device", host.toString());
        LocalVolumeDriver d = driver();
        Path data = d.create("ro", opts);
        d.mount("ro", opts, "c1");
        try {
            assertThatThrownBy(() -> Files.writeString(data.resolve("x"), "x")).isInstanceOf(FileSystemException.class)
                    .hasMessageContaining("Read-only file system");
        } finally {
            d.unmount("ro", opts, "c1");
        }
        assertThat(MountTable.isMountPoint(data)).isFalse();
    }

    @Test
    void aMountFailureLeavesNothingMountedAndSaysWhy() throws IOException {
        requireRoot();
        Map<String, String> opts = Map.of("type", "none", "o", "bind", "device", dir.resolve("missing").toString());
        LocalVolumeDriver d = driver();
        Path data = d.create("broken", opts);
        assertThatThrownBy(() -> d.mount("broken", opts, "c1")).isInstanceOf(IOException.class)
                .hasMessageStartingWith("failed to mount local volume broken: ")
                .hasMessageContaining("No such file or directory");
        assertThat(MountTable.isMountPoint(data)).isFalse();
        assertThat(d.users("broken")).isEmpty();
        d.remove("broken", opts);
    }

    @Test
    void aNewDriverFindsTheMountOfTheEarlierOneAndDoesNotStack() throws IOException {
        requireRoot();
        LocalVolumeDriver before = driver();
        Path data = before.create("kept", TMPFS_1M);
        before.mount("kept", TMPFS_1M, "c1");
        Files.writeString(data.resolve("state"), "written before the restart");

        // The engine starts again; the container service mounts the running container's volumes again.
        LocalVolumeDriver after = driver();
        assertThat(after.mount("kept", TMPFS_1M, "c1")).isEqualTo(data);
        assertThat(MountTable.count(data)).isEqualTo(1);
        assertThat(data.resolve("state")).hasContent("written before the restart");
        after.unmount("kept", TMPFS_1M, "c1");
        assertThat(MountTable.isMountPoint(data)).isFalse();

        // A container that ended while the engine was down: unmounting it, unknown, ends the stale mount.
        before.mount("kept", TMPFS_1M, "c2");
        LocalVolumeDriver third = driver();
        third.unmount("kept", TMPFS_1M, "c2");
        assertThat(MountTable.isMountPoint(data)).isFalse();
    }

    @Test
    void sizeCountsFilesOnceAndDoesNotFollowLinks() throws IOException {
        LocalVolumeDriver d = driver();
        Path data = d.create("sized", Map.of());
        write(data.resolve("a"), 1000);
        Files.createDirectories(data.resolve("sub"));
        write(data.resolve("sub/b"), 24);
        Files.createLink(data.resolve("sub/hard"), data.resolve("a"));
        Path outside = write(dir.resolve("outside"), 100_000);
        Files.createSymbolicLink(data.resolve("link"), outside);
        long link = outside.toString().length();
        assertThat(d.size("sized", Map.of())).isEqualTo(1000 + 24 + link);
        assertThat(d.size("missing", Map.of())).isEqualTo(-1);
    }

    private static Path write(Path file, int bytes) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            byte[] chunk = new byte[64 * 1024];
            for (int left = bytes; left > 0; left -= chunk.length) {
                out.write(chunk, 0, Math.min(left, chunk.length));
            }
        }
        return file;
    }

    /** The filesystem type mounted at a path, from mountinfo (after the {@code -} separator). */
    private static String fsType(Path mountPoint) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ");
            if (f.length > 4 && MountTable.unescape(f[4]).equals(mountPoint.toString())) {
                int sep = java.util.Arrays.asList(f).indexOf("-");
                return f[sep + 1];
            }
        }
        return null;
    }
}
