package io.berth.volumes.internal;

import io.berth.api.Filters;
import io.berth.api.driver.DriverRegistry;
import io.berth.api.engine.Engine;
import io.berth.api.volume.Volume;
import io.berth.api.volume.VolumeService;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Publishes the engine's {@link VolumeService}. Drivers are looked up in the driver registry for
 * each operation, so one that leaves and returns is simply used again.
 */
@Component(service = VolumeService.class)
public class VolumeServiceComponent implements VolumeService {
    private final LocalVolumeService service;

    @Activate
    public VolumeServiceComponent(@Reference Engine engine, @Reference DriverRegistry drivers) throws IOException {
        service = new LocalVolumeService(drivers, engine.settings().root());
    }

    @Override
    public Volume create(String name, String driver, Map<String, String> options, Map<String, String> labels)
            throws IOException {
        return service.create(name, driver, options, labels);
    }

    @Override
    public List<Volume> list(Filters filters) {
        return service.list(filters);
    }

    @Override
    public Volume get(String name) {
        return service.get(name);
    }

    @Override
    public void remove(String name, boolean force) throws IOException {
        service.remove(name, force);
    }

    @Override
    public Pruned prune(Filters filters, boolean all) throws IOException {
        return service.prune(filters, all);
    }

    @Override
    public Set<String> users(String name) {
        return service.users(name);
    }

    @Override
    public void use(String name, String containerId) {
        service.use(name, containerId);
    }

    @Override
    public void release(String name, String containerId) {
        service.release(name, containerId);
    }

    @Override
    public long size(String name) {
        return service.size(name);
    }

    @Override
    public Mounted mount(String name, String containerId) throws IOException {
        return service.mount(name, containerId);
    }

    @Override
    public void filled(String name) throws IOException {
        service.filled(name);
    }

    @Override
    public void unmount(String name, String containerId) throws IOException {
        service.unmount(name, containerId);
    }
}
