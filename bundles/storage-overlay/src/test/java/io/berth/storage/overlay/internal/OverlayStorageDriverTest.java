package io.berth.storage.overlay.internal;

import io.berth.api.storage.Mount;
import io.berth.api.storage.StorageDriver;
import io.berth.testkit.StorageDriverConformance;
import io.berth.testkit.LayerTars;
import io.berth.testing.Requirements;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OverlayStorageDriverTest extends StorageDriverConformance {
    @Override
    protected StorageDriver create(Path home) throws IOException {
        String problem = OverlaySupport.problem(home);
        Requirements.require(problem == null, "overlayfs does not work here: " + problem);
        return new OverlayStorageDriver(home, OverlaySupport.hasIndexOption());
    }

    @Test
    void overlayOnAFilesystemThatCannotHoldItIsUnavailableWithAReason() throws IOException {
        // overlayfs cannot use another overlayfs as its upper layer.
        driver.apply("base", null, new LayerTars().dir("d/").stream());
        driver.prepare("c", "base");
        Path merged = mount("c");
        String problem = OverlaySupport.problem(merged.resolve("d/home"));
        assertThat(problem).startsWith("overlayfs cannot be mounted on " + merged.resolve("d/home"));
    }

    @Test
    void layersApplyInAnyOrderAndMountOptionsStayShortForDeepChains() throws IOException {
        // The child first: overlay layers stand alone.
        driver.apply("child", "base", new LayerTars().file("b", "child").stream());
        driver.apply("base", null, new LayerTars().file("a", "base").file("b", "base").stream());
        String parent = "child";
        for (int i = 0; i < 40; i++) {
            driver.apply("l" + i, parent, new LayerTars().file("f" + i, "x").stream());
            parent = "l" + i;
        }
        List<Mount> mounts = driver.prepare("c", parent);
        assertThat(String.join(",", mounts.get(0).options()).length()).isLessThan(OverlayStorageDriver.MOUNT_DATA_MAX);
        Path rootfs = mount("c");
        assertThat(rootfs.resolve("a")).hasContent("base");
        assertThat(rootfs.resolve("b")).hasContent("child");
        assertThat(driver.graphData(parent)).containsKeys("LowerDir", "UpperDir", "WorkDir");
    }
}
