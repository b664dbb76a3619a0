package io.berth.storage.overlay.internal;

import io.berth.api.driver.BerthStorage;
import io.berth.api.driver.DriverType;
import io.berth.api.driver.UnavailableDriver;
import io.berth.api.engine.Engine;
import io.berth.api.storage.StorageDriver;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import java.nio.file.Path;
import java.util.Hashtable;

/**
 * Publishes the overlay driver when overlayfs works on this host, else says why (once, as an
 * {@link UnavailableDriver}). Registered by hand because whether there is a driver at all is
 * decided here.
 */
// Registered by hand, not by DS: said in the manifest, for resolvers that check services (Karaf).
@org.osgi.annotation.bundle.Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=io.berth.api.storage.StorageDriver")
@Component(immediate = true, service = {}, configurationPid = OverlayStorageDriverComponent.PID)
@Designate(ocd = OverlayStorageDriverComponent.Config.class)
public class OverlayStorageDriverComponent {
    static final String PID = "berth.storage.overlay";
    static final String NAME = "overlay";

    @ObjectClassDefinition(name = "Berth overlay storage driver")
    @interface Config {
        @AttributeDefinition(description = "Service ranking: the highest ranked storage driver is the default "
                + "when none is configured")
        int service_ranking() default 20;
    }

    private static final System.Logger LOG = System.getLogger(OverlayStorageDriverComponent.class.getName());

    private final ServiceRegistration<?> registration;

    @Activate
    public OverlayStorageDriverComponent(@Reference Engine engine, BundleContext context, Config config) throws Exception {
        Path home = engine.settings().root().resolve("storage").resolve(NAME);
        String problem = OverlaySupport.problem(home);
        if (problem != null) {
            LOG.log(System.Logger.Level.WARNING, "storage driver overlay is unavailable: " + problem);
            registration = context.registerService(UnavailableDriver.class,
                    new UnavailableDriver(DriverType.STORAGE, NAME, problem), null);
            return;
        }
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(BerthStorage.NAME, NAME);
        properties.put(Constants.SERVICE_RANKING, config.service_ranking());
        registration = context.registerService(StorageDriver.class,
                new OverlayStorageDriver(home, OverlaySupport.hasIndexOption()), properties);
    }

    @Deactivate
    void deactivate() {
        registration.unregister();
    }
}
