package io.berth.drivers.internal;

import io.berth.api.driver.DriverInfo;
import io.berth.api.driver.DriverRegistry;
import io.berth.api.driver.DriverType;
import io.berth.api.driver.UnavailableDriver;
import io.berth.api.engine.Engine;
import io.berth.api.engine.EngineSettings;
import io.berth.api.network.NetworkDriver;
import io.berth.api.runtime.RuntimeDriver;
import io.berth.api.storage.StorageDriver;
import io.berth.api.volume.VolumeDriver;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import java.util.List;

/**
 * Follows every driver service as it comes and goes (dynamic, greedy, multiple references) and
 * publishes the engine's {@link DriverRegistry}. A driver that leaves is simply no longer
 * selectable; nothing holding its name is torn down.
 */
@Component(service = DriverRegistry.class)
public class DriverRegistryComponent implements DriverRegistry {
    private static final System.Logger LOG = System.getLogger(DriverRegistryComponent.class.getName());

    private final DriverTable table;

    @Activate
    public DriverRegistryComponent(@Reference Engine engine) {
        this.table = new DriverTable(type -> {
            EngineSettings s = engine.settings();
            return switch (type) {
                case RUNTIME -> s.defaultRuntime();
                case STORAGE -> s.defaultStorage();
                // docker's: a network made without --driver is a bridge network.
                case NETWORK -> "bridge";
                // docker's: a volume made without --driver is a local volume.
                case VOLUME -> "local";
            };
        });
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(berth.runtime=*)")
    void bindRuntime(ServiceReference<RuntimeDriver> ref, RuntimeDriver driver) {
        add(DriverType.RUNTIME, ref, driver);
    }

    void unbindRuntime(ServiceReference<RuntimeDriver> ref) {
        remove(DriverType.RUNTIME, ref);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(berth.storage=*)")
    void bindStorage(ServiceReference<StorageDriver> ref, StorageDriver driver) {
        add(DriverType.STORAGE, ref, driver);
    }

    void unbindStorage(ServiceReference<StorageDriver> ref) {
        remove(DriverType.STORAGE, ref);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(berth.network=*)")
    void bindNetwork(ServiceReference<NetworkDriver> ref, NetworkDriver driver) {
        add(DriverType.NETWORK, ref, driver);
    }

    void unbindNetwork(ServiceReference<NetworkDriver> ref) {
        remove(DriverType.NETWORK, ref);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(berth.volume=*)")
    void bindVolume(ServiceReference<VolumeDriver> ref, VolumeDriver driver) {
        add(DriverType.VOLUME, ref, driver);
    }

    void unbindVolume(ServiceReference<VolumeDriver> ref) {
        remove(DriverType.VOLUME, ref);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindUnavailable(ServiceReference<UnavailableDriver> ref, UnavailableDriver driver) {
        table.addUnavailable(new DriverTable.Unavailable(driver.type(), driver.name(), serviceId(ref),
                ref.getBundle().getSymbolicName(), ref.getBundle().getVersion().toString(), driver.reason()));
        LOG.log(System.Logger.Level.INFO, driver.type().label() + " driver '" + driver.name()
                + "' is unavailable: " + driver.reason());
    }

    void unbindUnavailable(ServiceReference<UnavailableDriver> ref) {
        table.removeUnavailable(serviceId(ref));
    }

    @Override
    public List<DriverInfo> drivers() {
        return table.drivers();
    }

    @Override
    public RuntimeDriver runtime(String name) {
        return table.select(DriverType.RUNTIME, name, RuntimeDriver.class);
    }

    @Override
    public StorageDriver storage(String name) {
        return table.select(DriverType.STORAGE, name, StorageDriver.class);
    }

    @Override
    public NetworkDriver network(String name) {
        return table.select(DriverType.NETWORK, name, NetworkDriver.class);
    }

    @Override
    public VolumeDriver volume(String name) {
        return table.select(DriverType.VOLUME, name, VolumeDriver.class);
    }

    @Override
    public String defaultName(DriverType type) {
        return table.defaultName(type);
    }

    private void add(DriverType type, ServiceReference<?> ref, Object driver) {
        Object name = ref.getProperty(type.property());
        if (!(name instanceof String s) || s.isBlank()) {
            LOG.log(System.Logger.Level.WARNING, "ignoring a " + type.label() + " driver from "
                    + ref.getBundle().getSymbolicName() + ": its " + type.property() + " property is not a name");
            return;
        }
        Object ranking = ref.getProperty(Constants.SERVICE_RANKING);
        table.add(new DriverTable.Entry(type, s, serviceId(ref), ranking instanceof Integer i ? i : 0,
                ref.getBundle().getSymbolicName(), ref.getBundle().getVersion().toString(), driver));
        LOG.log(System.Logger.Level.INFO, type.label() + " driver '" + s + "' added by "
                + ref.getBundle().getSymbolicName());
    }

    private void remove(DriverType type, ServiceReference<?> ref) {
        table.remove(type, serviceId(ref));
        LOG.log(System.Logger.Level.INFO, type.label() + " driver '" + ref.getProperty(type.property())
                + "' removed");
    }

    private static long serviceId(ServiceReference<?> ref) {
        return (Long) ref.getProperty(Constants.SERVICE_ID);
    }
}
