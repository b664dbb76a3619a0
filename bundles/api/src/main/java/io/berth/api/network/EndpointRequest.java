package io.berth.api.network;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What the engine asks a {@link NetworkDriver} to connect: a container's network namespace to a
 * network, with the addresses the engine has allocated (for a driver that does not assign its own)
 * and the host ports it has reserved.
 *
 * @param containerId the container's id
 * @param containerName its name, without a slash
 * @param netns its network namespace (a bind-mounted nsfs file)
 * @param ifName the interface to make in it ({@code eth0}, {@code eth1}, …)
 * @param macAddress the MAC address to give it, or {@code null} for the driver's choice
 * @param ipv4 the IPv4 address with the prefix length, or {@code null} (no IPv4, or the driver assigns)
 * @param gateway the IPv4 gateway for its default route, or {@code null} for none (an internal network)
 * @param ipv6 the IPv6 address with the prefix length, or {@code null}
 * @param gateway6 the IPv6 gateway, or {@code null}
 * @param ports the ports to publish through it (host ports already reserved by the engine)
 */
public record EndpointRequest(String containerId, String containerName, Path netns, String ifName, String macAddress,
                              String ipv4, String gateway, String ipv6, String gateway6, List<PortMapping> ports) {
    public EndpointRequest {
        Objects.requireNonNull(containerId, "containerId");
        Objects.requireNonNull(netns, "netns");
        Objects.requireNonNull(ifName, "ifName");
        ports = ports == null ? List.of() : List.copyOf(ports);
    }
}
