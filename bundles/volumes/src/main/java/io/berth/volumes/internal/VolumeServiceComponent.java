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

    @org.osgi.service.component.annotations.Reference(
            cardinality = org.osgi.service.component.annotations.ReferenceCardinality.OPTIONAL,
            policy = org.osgi.service.component.annotations.ReferencePolicy.DYNAMIC,
            policyOption = org.osgi.service.component.annotations.ReferencePolicyOption.GREEDY)
    private volatile io.berth.api.event.EventService events;

    /** docker's volume events: the volume's name for its id, its {@code driver}. */
    private void publish(String name, String driver, String action) {
        io.berth.api.event.EventService s = events;
        if (s != null) {
            s.publish(io.berth.api.event.Event.of(io.berth.api.event.Event.VOLUME, action, name, Map.of("driver", driver)));
        }
    }

    @Override
    public Volume create(String name, String driver, Map<String, String> options, Map<String, String> labels)
            throws IOException {
        Volume v = service.create(name, driver, options, labels);
        publish(v.name(), v.driver(), "create");
        return v;
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
        Volume v;
        try {
            v = service.get(name);
        } catch (io.berth.api.NotFoundException missing) {
            v = null;
        }
        service.remove(name, force);
        if (v != null) {
            publish(v.name(), v.driver(), "destroy");
        }
    }

    @Override
    public Pruned prune(Filters filters, boolean all) throws IOException {
        Pruned p = service.prune(filters, all);
        p.names().forEach(n -> publish(n, "local", "destroy"));
        return p;
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
