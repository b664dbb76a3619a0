package io.berth.api.network;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A container's network as set up for its run: its namespace, its connections and the files it
 * sees.
 *
 * @param containerId the container's id
 * @param mode {@code none}, {@code host}, {@code container:ID}, or a network's name
 * @param netns the network namespace its processes join, or {@code null} for the host's
 * @param endpoints its connections, by network name, in the order made
 * @param hosts its {@code /etc/hosts}
 * @param resolvConf its {@code /etc/resolv.conf}
 */
public record Sandbox(String containerId, String mode, Path netns, Map<String, Endpoint> endpoints, String hosts,
                      String resolvConf) {
    public Sandbox {
        Objects.requireNonNull(containerId, "containerId");
        Objects.requireNonNull(mode, "mode");
        endpoints = endpoints == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(endpoints));
    }

    /** Every port published, over all its connections. */
    public List<PortMapping> ports() {
        return endpoints.values().stream().flatMap(e -> e.ports().stream()).toList();
    }
}
