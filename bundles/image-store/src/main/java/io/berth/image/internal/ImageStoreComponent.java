package io.berth.image.internal;

import io.berth.api.content.ContentStore;
import io.berth.api.driver.DriverRegistry;
import io.berth.api.engine.Engine;
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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Publishes the image store and its content store, kept under {@code <root>/content}. It follows
 * the driver registry and the image users as they come and go; without a driver registry images
 * can still be listed, loaded and saved, only not unpacked.
 */
// Registered by hand, not by DS: said in the manifest, for resolvers that check services (Karaf).
@org.osgi.annotation.bundle.Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=io.berth.api.image.ImageStore")
@org.osgi.annotation.bundle.Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=io.berth.api.content.ContentStore")
@Component(immediate = true, service = {})
public class ImageStoreComponent {
    private final LocalImageStore store;
    private final ServiceRegistration<?> imageRegistration;
    private final ServiceRegistration<?> contentRegistration;
    private volatile DriverRegistry drivers;
    private final List<ImageUsers> users = new CopyOnWriteArrayList<>();

    @Activate
    public ImageStoreComponent(@Reference Engine engine, BundleContext context) throws IOException {
        FileContentStore content = new FileContentStore(engine.settings().root().resolve("content"));
        this.store = new LocalImageStore(content, () -> drivers, () -> List.copyOf(users));
        store.events(() -> events);
        this.contentRegistration = context.registerService(ContentStore.class, content, null);
        this.imageRegistration = context.registerService(ImageStore.class, store, null);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindDrivers(DriverRegistry registry) {
        drivers = registry;
    }

    void unbindDrivers(DriverRegistry registry) {
        if (drivers == registry) {
            drivers = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile io.berth.api.event.EventService events;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindUsers(ImageUsers u) {
        users.add(u);
    }

    void unbindUsers(ImageUsers u) {
        users.remove(u);
    }

    @Deactivate
    void deactivate() {
        imageRegistration.unregister();
        contentRegistration.unregister();
        store.close();
    }
}
