package io.berth.posix;

import io.berth.testing.LoopExt4;
import io.berth.testing.Requirements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class FilesystemsTest {
    @Test
    void anExt4OrdersItsMetadataOnlyWithAJournal(@TempDir Path tmp) throws Exception {
        try (LoopExt4 ext4 = LoopExt4.journaled(Files.createDirectory(tmp.resolve("with")))) {
            assertThat(Filesystems.ordersMetadata(Files.createDirectory(ext4.root().resolve("d")))).isTrue();
        }
        try (LoopExt4 ext4 = LoopExt4.withoutJournal(Files.createDirectory(tmp.resolve("without")))) {
            assertThat(Filesystems.ordersMetadata(ext4.root())).isFalse();
        }
    }

    @Test
    void aTmpfsHasNothingToOrder(@TempDir Path tmp) throws Exception {
        Requirements.require(Requirements.isRoot(), "mounting a tmpfs needs root");
        Path mnt = Files.createDirectory(tmp.resolve("tmpfs"));
        Native.mount("tmpfs", mnt, "tmpfs", 0, "size=1m");
        try {
            assertThat(Filesystems.ordersMetadata(mnt)).isTrue();
        } finally {
            Mounts.unmount(mnt);
        }
    }

    @Test
    void procIsNotKnownToOrderAnything() {
        assertThat(Filesystems.ordersMetadata(Path.of("/proc"))).isFalse();
    }

    @Test
    void aMissingDirectoryIsTakenAsNotOrdered(@TempDir Path tmp) {
        assertThat(Filesystems.ordersMetadata(tmp.resolve("missing"))).isFalse();
    }
}
