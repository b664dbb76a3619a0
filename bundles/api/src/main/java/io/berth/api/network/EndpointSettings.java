package io.berth.api.network;

import java.util.List;

/**
 * What a container asks for on one network ({@code --network-alias}, {@code --ip},
 * {@code --ip6}, {@code --mac-address}; docker's {@code EndpointSettings} of a create request or
 * a connect).
 *
 * @param aliases names other containers on the network find it by, besides its name and short id
 * @param ipv4Address the IPv4 address it gets, or {@code null} for the next free one
 * @param ipv6Address the IPv6 address, or {@code null}
 * @param macAddress its interface's MAC address, or {@code null} for one made from its address
 */
public record EndpointSettings(List<String> aliases, String ipv4Address, String ipv6Address, String macAddress) {
    /** Nothing asked for. */
    public static final EndpointSettings DEFAULT = new EndpointSettings(List.of(), null, null, null);

    public EndpointSettings {
        aliases = aliases == null ? List.of() : List.copyOf(aliases);
    }
}
