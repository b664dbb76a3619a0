package io.berth.api.driver;

import java.util.Objects;

/**
 * Published as a service, under this class, by a driver bundle whose driver cannot work on this
 * host (overlayfs missing from the kernel, cgroups not writable, a runtime binary absent). The
 * driver itself is then not registered; {@code berth drivers} shows it as unavailable with the
 * reason, so the user learns why instead of finding it silently absent.
 *
 * @param type the driver's type
 * @param name the name the driver would have had
 * @param reason one line saying what is missing, for users
 */
public record UnavailableDriver(DriverType type, String name, String reason) {
    public UnavailableDriver {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(reason, "reason");
    }
}
