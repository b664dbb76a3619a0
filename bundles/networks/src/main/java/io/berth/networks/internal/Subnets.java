package io.berth.networks.internal;

import io.berth.api.ConflictException;
import io.berth.api.InvalidArgumentException;
import io.berth.api.network.IpamConfig;
import io.berth.api.network.Network;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** A new network's address ranges: those asked for, checked as docker's daemon checks them, or a free one of the pool. */
final class Subnets {
    private Subnets() {
    }

    /** A new network's ranges: the ones asked for, checked; or a free subnet of the pool. */
    static List<IpamConfig> ranges(Network request, Collection<Network> networks, NetworkSettings settings) {
        List<IpamConfig> out = new ArrayList<>();
        List<Cidr> taken = new ArrayList<>();
        for (Network n : networks) {
            for (IpamConfig c : n.ipam()) {
                taken.add(Cidr.parse(c.subnet()));
            }
        }
        boolean v4 = false;
        for (IpamConfig c : request.ipam()) {
            Cidr subnet = Cidr.parse(c.subnet());
            if (!subnet.equals(subnet.network())) {
                // docker takes 10.1.2.3/16 as 10.1.0.0/16.
                subnet = subnet.network();
            }
            for (Cidr t : taken) {
                if (t.overlaps(subnet)) {
                    throw new ConflictException("Pool overlaps with other one on this address space");
                }
            }
            if (subnet.size().compareTo(BigInteger.valueOf(4)) < 0) {
                throw new InvalidArgumentException("invalid subnet " + c.subnet() + ": it has no room for containers");
            }
            String gateway;
            if (c.gateway() != null && !c.gateway().isEmpty()) {
                Cidr g = Cidr.address(c.gateway());
                if (!subnet.contains(g.base()) || g.bits() != subnet.bits()) {
                    throw new InvalidArgumentException("no matching subnet for gateway " + c.gateway());
                }
                gateway = subnet.text(g.base());
            } else {
                gateway = subnet.text(subnet.at(1));
            }
            String range = null;
            if (c.ipRange() != null && !c.ipRange().isEmpty()) {
                Cidr r = Cidr.parse(c.ipRange()).network();
                if (!subnet.contains(r)) {
                    throw new InvalidArgumentException("no matching subnet for range " + c.ipRange());
                }
                range = r.toString();
            }
            if (subnet.ipv6() && !request.enableIpv6()) {
                throw new InvalidArgumentException("IPv6 subnet " + c.subnet() + " given without --ipv6");
            }
            v4 |= !subnet.ipv6();
            taken.add(subnet);
            out.add(new IpamConfig(subnet.toString(), gateway, range, c.gateway() == null || c.gateway().isEmpty()));
        }
        if (!v4) {
            Cidr subnet = freeSubnet(taken, settings);
            out.add(0, new IpamConfig(subnet.toString(), subnet.text(subnet.at(1)), null));
        }
        if (request.enableIpv6() && out.stream().noneMatch(c -> Cidr.parse(c.subnet()).ipv6())) {
            throw new InvalidArgumentException("could not find an available, non-overlapping IPv6 address pool among "
                    + "the defaults to assign to the network: give one with --subnet");
        }
        return out;
    }

    /** The first subnet of the pool that overlaps neither a network nor a route of the host. */
    private static Cidr freeSubnet(List<Cidr> taken, NetworkSettings settings) {
        Cidr pool = Cidr.parse(settings.addressPool()).network();
        int size = settings.addressPoolSize();
        List<Cidr> host = new ArrayList<>(taken);
        host.addAll(HostRoutes.ipv4());
        BigInteger step = BigInteger.ONE.shiftLeft(32 - size);
        for (BigInteger a = pool.first(); pool.contains(a); a = a.add(step)) {
            Cidr candidate = new Cidr(a, 32, size);
            if (host.stream().noneMatch(candidate::overlaps)) {
                return candidate;
            }
        }
        throw new ConflictException("could not find an available, non-overlapping IPv4 address pool among the defaults "
                + "to assign to the network");
    }
}
