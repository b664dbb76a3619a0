package io.berth.shim;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The shim is copied out once per version, under its digest, which is the build's and the copy's own. */
class ShimInstallTest {
    @TempDir
    Path dir;

    @Test
    void theShimIsInstalledOncePerVersionUnderItsDigest() throws Exception {
        Path shim = ShimRuntimeDriver.installShim(dir);
        assertThat(shim.getFileName()).hasToString("berth-shim");
        assertThat(Files.isExecutable(shim)).isTrue();
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(shim)));
        assertThat(shim.getParent()).isEqualTo(dir.resolve("berth-shim-" + digest.substring(0, 12)));

        Object inode = Files.getAttribute(shim, "unix:ino");
        assertThat(ShimRuntimeDriver.installShim(dir)).isEqualTo(shim);
        assertThat(Files.getAttribute(shim, "unix:ino")).isEqualTo(inode);
        try (Stream<Path> files = Files.list(shim.getParent())) {
            assertThat(files).containsExactly(shim);
        }
    }
}
