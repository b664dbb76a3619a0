package io.berth.api.driver;

/** Where a driver stands, as {@code berth drivers} shows it. */
public enum DriverState {
    /** Registered and usable. */
    AVAILABLE,
    /** Its bundle is present but the driver cannot work on this host; see the reason. */
    UNAVAILABLE,
    /** Containers or images refer to it by name but no such driver is installed. */
    MISSING;

    /** The lowercase word users see. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
