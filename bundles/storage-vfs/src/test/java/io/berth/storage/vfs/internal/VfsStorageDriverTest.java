package io.berth.storage.vfs.internal;

import io.berth.api.storage.StorageDriver;
import io.berth.layers.tar.TarHeader;
import io.berth.layers.tar.TarWriter;
import io.berth.testkit.LayerTars;
import io.berth.testkit.StorageDriverConformance;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The conformance suite, and what the vfs driver's sharing of inodes between layers must never
 * show: a container or a later layer changing a file of a layer below.
 */
class VfsStorageDriverTest extends StorageDriverConformance {
    @Override
    protected StorageDriver create(Path home) throws IOException {
        return new VfsStorageDriver(home, true);
    }

    @Test
    void aContainerChangingAFileInPlaceLeavesTheLayersAsTheyWere() throws IOException {
        driver.apply("base", null, new LayerTars().dir("etc/").file("etc/config", "original").stream());
        driver.apply("top", "base", new LayerTars().file("other", "x").stream());
        driver.prepare("c1", "top");
        Path rootfs = mount("c1");
        Path config = rootfs.resolve("etc/config");
        Files.writeString(config, "changed");
        Files.setAttribute(config, "unix:mode", 0600);
        Files.setAttribute(config, "unix:uid", 1234);
        Files.setLastModifiedTime(config, FileTime.from(Instant.parse("2001-02-03T04:05:06Z")));

        for (String layer : new String[]{"base", "top"}) {
            driver.view("view-" + layer, layer);
            Path seen = mount("view-" + layer).resolve("etc/config");
            assertThat(seen).as(layer).hasContent("original");
            assertThat(Files.getAttribute(seen, "unix:mode")).isEqualTo(0100644);
            assertThat(Files.getAttribute(seen, "unix:uid")).isEqualTo(0);
        }
        driver.prepare("c2", "top");
        assertThat(mount("c2").resolve("etc/config")).hasContent("original");
        // What a layer shares with its parent counts for the parent only.
        assertThat(driver.usage("base").size()).isEqualTo("original".length());
        assertThat(driver.usage("top").size()).isEqualTo("x".length());
    }

    @Test
    void aHardLinkEntryToALowerFileChangesOnlyItsOwnLayer() throws IOException {
        driver.apply("base", null, new LayerTars().dir("etc/").file("etc/config", "original").stream());
        // A layer linking to the lower file with other metadata: docker sets it on the shared inode.
        ByteArrayOutputStream layer = new ByteArrayOutputStream();
        TarWriter tar = new TarWriter(layer);
        TarHeader link = new TarHeader("etc/alias", TarHeader.HARDLINK);
        link.linkName = "etc/config";
        link.mode = 0600;
        link.uid = 42;
        link.mtimeSeconds = 1_000_000_000L;
        tar.putEntry(link);
        tar.finish();
        driver.apply("top", "base", new ByteArrayInputStream(layer.toByteArray()));

        driver.view("view-top", "top");
        Path top = mount("view-top");
        assertThat(Files.isSameFile(top.resolve("etc/alias"), top.resolve("etc/config"))).isTrue();
        assertThat(Files.getAttribute(top.resolve("etc/config"), "unix:mode")).isEqualTo(0100600);
        assertThat(Files.getAttribute(top.resolve("etc/config"), "unix:uid")).isEqualTo(42);
        assertThat(top.resolve("etc/config")).hasContent("original");
        driver.view("view-base", "base");
        Path base = mount("view-base");
        assertThat(Files.getAttribute(base.resolve("etc/config"), "unix:mode")).isEqualTo(0100644);
        assertThat(Files.getAttribute(base.resolve("etc/config"), "unix:uid")).isEqualTo(0);
        assertThat(Files.isSameFile(base.resolve("etc/config"), top.resolve("etc/config"))).isFalse();
        assertThat(new String(Files.readAllBytes(base.resolve("etc/config")), StandardCharsets.UTF_8)).isEqualTo("original");
    }
}
