package io.berth.api.driver;

import java.util.Objects;

/**
 * One driver as the engine sees it.
 *
 * @param type the driver's type
 * @param name its name, the value of the type's service property
 * @param state whether it can be used
 * @param isDefault whether it is the one used when no name is given
 * @param bundle the symbolic name of the bundle that provides it, or {@code null} if missing
 * @param bundleVersion that bundle's version, or {@code null} if missing
 * @param ranking the service ranking, which orders drivers when no default is configured
 * @param reason why it is unavailable or missing; {@code null} when available
 */
public record DriverInfo(DriverType type, String name, DriverState state, boolean isDefault,
                         String bundle, String bundleVersion, int ranking, String reason) {
    public DriverInfo {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
    }
}
