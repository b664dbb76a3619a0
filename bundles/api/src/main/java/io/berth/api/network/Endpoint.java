package io.berth.api.network;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A container's connection to one network as it is set up.
 *
 * @param networkId the network's id
 * @param containerId the container's id
 * @param netns the network namespace the interface is in
 * @param ifName the interface's name in the container ({@code eth0})
 * @param hostIfName the host end of its link (a veth), or {@code null} when it has none
 * @param macAddress its MAC address, or {@code null}
 * @param ipv4 its IPv4 address with the prefix length ({@code 10.80.0.2/20}), or {@code null}
 * @param gateway the IPv4 gateway, or {@code null}
 * @param ipv6 its IPv6 address with the prefix length, or {@code null}
 * @param gateway6 the IPv6 gateway, or {@code null}
 * @param ports the ports published through it
 * @param driverState what the driver needs to undo it (for a CNI driver: the cached result), kept by the engine
 */
public record Endpoint(String networkId, String containerId, Path netns, String ifName, String hostIfName,
                       String macAddress, String ipv4, String gateway, String ipv6, String gateway6,
                       List<PortMapping> ports, Map<String, String> driverState) {
    public Endpoint {
        Objects.requireNonNull(networkId, "networkId");
        Objects.requireNonNull(containerId, "containerId");
        Objects.requireNonNull(ifName, "ifName");
        ports = ports == null ? List.of() : List.copyOf(ports);
        driverState = driverState == null ? Map.of() : Map.copyOf(driverState);
    }

    /** Its IPv4 address without the prefix length, or {@code null}. */
    public String ipv4Address() {
        return ipv4 == null ? null : ipv4.substring(0, ipv4.indexOf('/') < 0 ? ipv4.length() : ipv4.indexOf('/'));
    }

    /** Its IPv6 address without the prefix length, or {@code null}. */
    public String ipv6Address() {
        return ipv6 == null ? null : ipv6.substring(0, ipv6.indexOf('/') < 0 ? ipv6.length() : ipv6.indexOf('/'));
    }
}
