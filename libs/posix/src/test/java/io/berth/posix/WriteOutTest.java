package io.berth.posix;

import io.berth.testing.LoopExt4;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WriteOutTest {
    /**
     * A file's data reaches its device when it is written out, before any sync, and no journal
     * commit is forced: on an ext4 made for the test, 1 MiB written (held in the page cache, its
     * blocks not even allocated yet) is 2,048 sectors more written by the loop device after
     * {@link Native#writeOut}, and its content is unchanged.
     */
    @Test
    void aFilesDataReachesTheDeviceWithoutACommit(@TempDir Path tmp) throws Exception {
        try (LoopExt4 ext4 = LoopExt4.journaled(tmp)) {
            byte[] data = new byte[1 << 20];
            java.util.Arrays.fill(data, (byte) 'x');
            Path f = Files.write(ext4.root().resolve("f"), data);
            long sectors = ext4.writtenSectors();
            long commits = ext4.commits();
            long t0 = System.nanoTime();
            Native.writeOut(f);
            long own = LoopExt4.ownCommitsWithin(System.nanoTime() - t0);
            assertThat(ext4.writtenSectors() - sectors).as("sectors written").isGreaterThanOrEqualTo(2048);
            assertThat(ext4.commits() - commits).as("journal commits").isLessThanOrEqualTo(own - 1);
            assertThat(Files.readAllBytes(f)).isEqualTo(data);
        }
    }

    @Test
    void aMissingFileNamesTheCallAndThePath(@TempDir Path tmp) {
        assertThatThrownBy(() -> Native.writeOut(tmp.resolve("missing")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("open(")
                .hasMessageContaining("missing")
                .hasMessageContaining("No such file or directory");
    }
}
