package io.berth.dockerapi.internal;

import io.berth.api.UnavailableException;
import io.berth.api.container.ContainerService;
import io.berth.api.driver.DriverRegistry;
import io.berth.api.engine.Engine;
import io.berth.api.event.EventService;
import io.berth.api.image.ImageStore;
import io.berth.api.network.NetworkService;
import io.berth.api.registry.Registry;
import io.berth.api.volume.VolumeService;
import org.osgi.framework.BundleContext;

import java.util.function.Supplier;

/**
 * The engine's services as the API finds them at each request: a bundle that has stopped makes its
 * endpoints answer 503 naming it, as the shell's commands say it, instead of failing the server.
 */
record Services(Engine engine, BundleContext context, Supplier<ContainerService> containerService,
                Supplier<ImageStore> imageStore, Supplier<Registry> registryService,
                Supplier<NetworkService> networkService, Supplier<VolumeService> volumeService,
                Supplier<EventService> eventService, Supplier<DriverRegistry> driverRegistry) {

    ContainerService containers() {
        return available(containerService.get(), "containers");
    }

    ImageStore images() {
        return available(imageStore.get(), "image-store");
    }

    Registry registry() {
        return available(registryService.get(), "registry");
    }

    NetworkService networks() {
        return available(networkService.get(), "networks");
    }

    VolumeService volumes() {
        return available(volumeService.get(), "volumes");
    }

    EventService events() {
        return available(eventService.get(), "events");
    }

    DriverRegistry drivers() {
        return available(driverRegistry.get(), "drivers");
    }

    private static <T> T available(T service, String bundle) {
        if (service == null) {
            throw new UnavailableException("the " + bundle + " bundle (io.berth." + bundle + ") is not running");
        }
        return service;
    }
}
