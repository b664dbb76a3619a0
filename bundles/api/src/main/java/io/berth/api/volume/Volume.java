package io.berth.api.volume;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A volume, as docker's volume resource.
 *
 * @param name its name (64 hex digits for an anonymous one)
 * @param driver the volume driver's name ({@code local})
 * @param mountpoint where its data is on the host (for {@code local}: {@code <root>/volumes/NAME/_data})
 * @param created when it was made
 * @param labels its labels
 * @param options the driver's options ({@code -o})
 * @param anonymous whether the engine made it for a container ({@code -v /path}, an image's {@code VOLUME})
 */
public record Volume(String name, String driver, String mountpoint, Instant created, Map<String, String> labels,
                     Map<String, String> options, boolean anonymous) {
    public Volume {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(driver, "driver");
        labels = labels == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        options = options == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }
}
