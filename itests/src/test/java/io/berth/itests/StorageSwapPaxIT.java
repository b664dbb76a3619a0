package io.berth.itests;

import io.berth.api.ProgressListener;
import io.berth.api.driver.DriverRegistry;
import io.berth.api.driver.DriverType;
import io.berth.api.image.ImageDetails;
import io.berth.api.image.ImageStore;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

import javax.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

/**
 * Storage drivers swapped while the engine runs: with the overlay bundle stopped, images stay
 * listed and new unpacks go to vfs; started again, overlay is the default and finds its layers.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class StorageSwapPaxIT {
    @Inject
    private BundleContext context;

    @Inject
    private ImageStore images;

    @Inject
    private DriverRegistry drivers;

    @Configuration
    public Option[] config() throws IOException {
        return PlatformPaxIT.distributionWithBusybox();
    }

    @Test
    public void imagesOutliveTheirStorageDriversBundle() throws Exception {
        PlatformPaxIT.requireRoot();
        try (InputStream in = Files.newInputStream(Path.of(System.getProperty("berth.test.busybox")))) {
            images.load(in, ProgressListener.NONE);
        }
        assertEquals("overlay", images.inspect("busybox").storageDriver());
        Bundle overlay = bundle("io.berth.storage-overlay");
        overlay.stop();
        try {
            Conditions.await("vfs as the default", Duration.ofSeconds(10),
                    () -> "vfs".equals(drivers.defaultName(DriverType.STORAGE)));
            assertEquals(1, images.list().size());
            ImageDetails notUnpacked = images.inspect("busybox");
            assertEquals(null, notUnpacked.storageDriver());
            String top = images.unpack("busybox", null, ProgressListener.NONE);
            assertEquals(top, drivers.storage("vfs").stat(top).key());
            assertEquals("vfs", images.inspect("busybox").storageDriver());
        } finally {
            overlay.start();
        }
        Conditions.await("overlay as the default again", Duration.ofSeconds(10),
                () -> "overlay".equals(drivers.defaultName(DriverType.STORAGE)));
        ImageDetails again = images.inspect("busybox");
        assertEquals("overlay", again.storageDriver());
        assertTrue(again.graphData().containsKey("UpperDir"));
        images.remove("busybox", true, false);
        assertEquals(0, images.list().size());
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + symbolicName);
    }
}
