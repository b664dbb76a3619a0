package io.berth.api.driver;

import io.berth.api.network.NetworkDriver;
import io.berth.api.runtime.RuntimeDriver;
import io.berth.api.storage.StorageDriver;
import io.berth.api.volume.VolumeDriver;

/**
 * The kinds of driver Berth selects by name. Each driver is an OSGi service of the type's
 * interface, named by the type's service property.
 */
public enum DriverType {
    /** Runs containers; service property {@value BerthRuntime#NAME}. */
    RUNTIME("runtime", RuntimeDriver.class, BerthRuntime.NAME),
    /** Provides container filesystems; service property {@value BerthStorage#NAME}. */
    STORAGE("storage", StorageDriver.class, BerthStorage.NAME),
    /** Makes networks and connects containers to them; service property {@value BerthNetwork#NAME}. */
    NETWORK("network", NetworkDriver.class, BerthNetwork.NAME),
    /** Keeps volumes' data; service property {@value BerthVolume#NAME}. */
    VOLUME("volume", VolumeDriver.class, BerthVolume.NAME);

    private final String label;
    private final Class<?> serviceType;
    private final String property;

    DriverType(String label, Class<?> serviceType, String property) {
        this.label = label;
        this.serviceType = serviceType;
        this.property = property;
    }

    /** The lowercase word users see: {@code runtime}, {@code storage}, {@code network}, {@code volume}. */
    public String label() {
        return label;
    }

    /** The service interface drivers of this type are registered under. */
    public Class<?> serviceType() {
        return serviceType;
    }

    /** The service property whose value is the driver's name. */
    public String property() {
        return property;
    }
}
