package io.berth.volumes.internal;

import io.berth.api.driver.BerthVolume;
import io.berth.api.engine.Engine;
import io.berth.api.volume.VolumeDriver;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Publishes the {@code local} volume driver, which keeps volumes under
 * {@code <engine root>/volumes}. It needs nothing of the host beyond directories (and mount(2)
 * for volumes with options), so it always registers.
 */
@Component(service = VolumeDriver.class)
@BerthVolume(LocalVolumeDriver.NAME)
public class LocalVolumeDriverComponent implements VolumeDriver {
    private final LocalVolumeDriver driver;

    @Activate
    public LocalVolumeDriverComponent(@Reference Engine engine) throws IOException {
        driver = new LocalVolumeDriver(engine.settings().root().resolve("volumes"));
    }

    @Override
    public Path create(String name, Map<String, String> options) throws IOException {
        return driver.create(name, options);
    }

    @Override
    public void remove(String name, Map<String, String> options) throws IOException {
        driver.remove(name, options);
    }

    @Override
    public Path mount(String name, Map<String, String> options, String user) throws IOException {
        return driver.mount(name, options, user);
    }

    @Override
    public void unmount(String name, Map<String, String> options, String user) throws IOException {
        driver.unmount(name, options, user);
    }

    @Override
    public long size(String name, Map<String, String> options) throws IOException {
        return driver.size(name, options);
    }
}
