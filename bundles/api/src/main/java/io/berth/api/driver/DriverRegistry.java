package io.berth.api.driver;

import io.berth.api.UnavailableException;
import io.berth.api.network.NetworkDriver;
import io.berth.api.runtime.RuntimeDriver;
import io.berth.api.storage.StorageDriver;
import io.berth.api.volume.VolumeDriver;
import org.osgi.annotation.versioning.ProviderType;

import java.util.List;

/**
 * The engine's one selection point for drivers.
 *
 * <p>It follows every driver service as it comes and goes. A driver is chosen by, in order: the
 * name the caller gives; the default configured for its type (ConfigAdmin PID
 * {@code berth.engine}, {@code defaultRuntime} and {@code defaultStorage}); the highest service
 * ranking (ties: the lowest service id). Callers must not keep the returned driver: they look it
 * up for each operation and store only its name, so a driver replaced or removed while the
 * engine runs is never called after it left.
 */
@ProviderType
public interface DriverRegistry {
    /**
     * Every driver known, available or not, ordered by type, then name.
     */
    List<DriverInfo> drivers();

    /**
     * Selects a runtime driver.
     *
     * @param name the driver's name, or {@code null} for the default
     * @throws UnavailableException if there is no such driver, or none at all; the message names
     *         the drivers that are available
     */
    RuntimeDriver runtime(String name);

    /**
     * Selects a storage driver.
     *
     * @param name the driver's name, or {@code null} for the default
     * @throws UnavailableException if there is no such driver, or none at all; the message names
     *         the drivers that are available
     */
    StorageDriver storage(String name);

    /**
     * Selects a network driver.
     *
     * @param name the driver's name, or {@code null} for the default ({@code bridge} when there is one)
     * @throws UnavailableException if there is no such driver, or none at all; the message names
     *         the drivers that are available
     * @since 1.1
     */
    NetworkDriver network(String name);

    /**
     * Selects a volume driver.
     *
     * @param name the driver's name, or {@code null} for the default ({@code local})
     * @throws UnavailableException if there is no such driver; the message names those available
     * @since 1.2
     */
    VolumeDriver volume(String name);

    /**
     * The name the default driver of a type has now, or {@code null} if there is none.
     */
    String defaultName(DriverType type);
}
