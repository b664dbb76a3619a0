package io.berth.containers.internal;

import io.berth.api.container.ContainerService;
import io.berth.api.driver.BerthRuntime;
import io.berth.api.driver.DriverRegistry;
import io.berth.api.engine.Engine;
import io.berth.api.network.NetworkService;
import io.berth.api.volume.VolumeService;
import io.berth.api.image.ImageStore;
import io.berth.api.image.ImageUsers;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Publishes the container service (and tells the image store which images containers use). It
 * follows the runtime drivers: when one appears, the containers made with it are reconciled with
 * what it runs before anyone sees them; when one leaves, its containers keep running unwatched
 * until it returns.
 */
// Registered by hand, not by DS: said in the manifest, for resolvers that check services (Karaf).
@org.osgi.annotation.bundle.Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=io.berth.api.container.ContainerService")
@org.osgi.annotation.bundle.Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=io.berth.api.image.ImageUsers")
@Component(immediate = true, service = {})
public class ContainerServiceComponent {
    private final LocalContainerService service;
    private ServiceRegistration<?> registration;
    private final ExecutorService background = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "berth-reconcile");
        t.setDaemon(true);
        return t;
    });

    @Activate
    public ContainerServiceComponent(@Reference Engine engine, @Reference ImageStore images, @Reference DriverRegistry drivers,
                                     @Reference NetworkService networks, @Reference VolumeService volumes) throws IOException {
        service = new LocalContainerService(engine.settings().root().resolve("containers"),
                engine.settings().runRoot().resolve("containers"), images, drivers, Path.of("/etc/resolv.conf"), networks, volumes,
                () -> engine.settings().usernsRemap(), () -> engine.settings().initPath());
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile io.berth.api.event.EventService events;

    /** After the runtimes present were bound (and their containers reconciled): the service is ready. */
    @Activate
    void activate(BundleContext context) {
        service.events(() -> events);
        background.execute(service::collectOrphans);
        registration = context.registerService(new String[]{ContainerService.class.getName(), ImageUsers.class.getName()},
                service, null);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindRuntime(io.berth.api.runtime.RuntimeDriver driver, Map<String, Object> properties) {
        Object name = properties.get(BerthRuntime.NAME);
        if (name != null) {
            service.reconcile(name.toString(), driver);
            service.startByPolicies(name.toString());
        }
    }

    void unbindRuntime(io.berth.api.runtime.RuntimeDriver driver, Map<String, Object> properties) {
        Object name = properties.get(BerthRuntime.NAME);
        if (name != null) {
            service.forget(name.toString());
        }
    }

    @Deactivate
    void deactivate() {
        if (registration != null) {
            registration.unregister();
        }
        background.shutdownNow();
        service.close();
    }
}
