package io.berth.api.volume;

import org.osgi.annotation.versioning.ConsumerType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Keeps volumes' data. Registered as an OSGi service with the property
 * {@value io.berth.api.driver.BerthVolume#NAME} (the driver's name, which volumes record); it may
 * come and go while the engine runs. The engine keeps the volumes' records and who uses them; a
 * driver keeps their data and mounts it when asked, counting its users.
 */
@ConsumerType
public interface VolumeDriver {
    /**
     * Makes a volume's storage.
     *
     * @param name the volume's name (checked by the engine)
     * @param options the driver's options; one it does not take is an
     *        {@link io.berth.api.InvalidArgumentException} naming it
     * @return where its data will be on the host once mounted
     */
    Path create(String name, Map<String, String> options) throws IOException;

    /** Removes a volume's storage and data; called when no container uses it. Idempotent. */
    void remove(String name, Map<String, String> options) throws IOException;

    /**
     * Makes the volume's data available for a user (a container starting): mounted on its first
     * use when its options say so.
     *
     * @param user who uses it (a container's id); the same user twice counts once
     * @return the host directory to bind into the container
     */
    Path mount(String name, Map<String, String> options, String user) throws IOException;

    /** A user is done with it: unmounted when the last one is. Idempotent. */
    void unmount(String name, Map<String, String> options, String user) throws IOException;

    /** The bytes the volume's data takes, or -1 when the driver cannot tell. */
    default long size(String name, Map<String, String> options) throws IOException {
        return -1;
    }
}
