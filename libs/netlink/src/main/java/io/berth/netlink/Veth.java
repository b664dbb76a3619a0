package io.berth.netlink;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A veth pair joining a container's network namespace to a bridge, as {@link NetHelper#vethAdd}
 * makes it: {@code hostName} on the host, a port of {@code bridge}; {@code ifName} inside the
 * namespace pinned at {@code netns}, with its addresses and default routes.
 *
 * @param netns the namespace file (see {@link NetHelper#netnsAdd})
 * @param hostName the host end's name, at most 15 bytes, unique on the host
 * @param bridge the bridge the host end joins
 * @param ifName the container's interface name, at most 15 bytes ({@code eth0})
 * @param mac the container interface's MAC ({@code 02:42:0a:59:00:02}), or {@code null} for a random one
 * @param addresses the container interface's addresses with their prefix ({@code 10.89.0.2/24},
 *     {@code fd00::2/64}); IPv6 ones are usable at once (no duplicate address detection)
 * @param gateway the IPv4 default route's gateway, or {@code null} for none
 * @param gateway6 the IPv6 default route's gateway, or {@code null} for none
 * @param mtu both ends' mtu, or 0 for the kernel's default
 * @param hairpin whether the bridge port is in hairpin mode (a container reaching itself through
 *     the host, as through a published port)
 */
public record Veth(Path netns, String hostName, String bridge, String ifName, String mac, List<String> addresses,
                   String gateway, String gateway6, int mtu, boolean hairpin) {
    public Veth {
        Objects.requireNonNull(netns, "netns");
        Objects.requireNonNull(hostName, "hostName");
        Objects.requireNonNull(bridge, "bridge");
        Objects.requireNonNull(ifName, "ifName");
        addresses = addresses == null ? List.of() : List.copyOf(addresses);
        if (mtu < 0) {
            throw new IllegalArgumentException("mtu " + mtu + " is negative");
        }
    }
}
