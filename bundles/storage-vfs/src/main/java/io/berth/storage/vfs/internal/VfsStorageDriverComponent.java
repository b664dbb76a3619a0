package io.berth.storage.vfs.internal;

import io.berth.api.driver.BerthStorage;
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

import java.io.IOException;
import java.util.Hashtable;

/**
 * Publishes the vfs driver. It works on any filesystem, so it always registers; it ranks below
 * overlay, so overlay is the default where it works.
 */
// Registered by hand, not by DS: said in the manifest, for resolvers that check services (Karaf).
@org.osgi.annotation.bundle.Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=io.berth.api.storage.StorageDriver")
@Component(immediate = true, service = {}, configurationPid = VfsStorageDriverComponent.PID)
@Designate(ocd = VfsStorageDriverComponent.Config.class)
public class VfsStorageDriverComponent {
    static final String PID = "berth.storage.vfs";
    static final String NAME = "vfs";

    @ObjectClassDefinition(name = "Berth vfs storage driver")
    @interface Config {
        @AttributeDefinition(description = "Service ranking: the highest ranked storage driver is the default "
                + "when none is configured")
        int service_ranking() default 10;

        @AttributeDefinition(description = "Whether layers may contain device nodes")
        boolean allowDevices() default true;
    }

    private final ServiceRegistration<StorageDriver> registration;
    private final VfsStorageDriver driver;

    @Activate
    public VfsStorageDriverComponent(@Reference Engine engine, BundleContext context, Config config) throws IOException {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(BerthStorage.NAME, NAME);
        properties.put(Constants.SERVICE_RANKING, config.service_ranking());
        driver = new VfsStorageDriver(engine.settings().root().resolve("storage").resolve(NAME), config.allowDevices());
        registration = context.registerService(StorageDriver.class, driver, properties);
    }

    @Deactivate
    void deactivate() throws IOException {
        registration.unregister();
        // Removed snapshots' files are deleted in the background: finish before the bundle goes.
        driver.close();
    }
}
