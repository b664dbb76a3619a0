package io.berth.shell.internal.commands;

import io.berth.api.InvalidArgumentException;
import io.berth.api.network.IpamConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code network create}'s {@code --subnet}, {@code --ip-range} and {@code --gateway}, grouped per
 * subnet as docker 20.10's CLI groups them ({@code consolidateIpam}), with its checks and words:
 * subnets must not overlap, every range and gateway must lie in one of them, one of each per
 * subnet.
 */
final class IpamConfigs {
    private IpamConfigs() {
    }

    /**
     * The address ranges of a new network, one per subnet in the order given.
     *
     * @throws InvalidArgumentException in docker's CLI's words
     */
    static List<IpamConfig> consolidate(List<String> subnets, List<String> ranges, List<String> gateways) {
        if (subnets.size() < ranges.size() || subnets.size() < gateways.size()) {
            throw new InvalidArgumentException("every ip-range or gateway must have a corresponding subnet");
        }
        Map<String, String[]> data = new LinkedHashMap<>();
        for (String s : subnets) {
            for (String k : data.keySet()) {
                if (matches(s, k) || matches(k, s)) {
                    throw new InvalidArgumentException("multiple overlapping subnet configuration is not supported");
                }
            }
            // subnet, gateway, range
            data.put(s, new String[]{s, null, null});
        }
        for (String r : ranges) {
            boolean match = false;
            for (String s : subnets) {
                if (!matches(s, r)) {
                    continue;
                }
                String[] d = data.get(s);
                if (d[2] != null) {
                    throw new InvalidArgumentException("cannot configure multiple ranges (" + r + ", " + d[2]
                            + ") on the same subnet (" + s + ")");
                }
                d[2] = r;
                match = true;
            }
            if (!match) {
                throw new InvalidArgumentException("no matching subnet for range " + r);
            }
        }
        for (String g : gateways) {
            boolean match = false;
            for (String s : subnets) {
                if (!matches(s, g)) {
                    continue;
                }
                String[] d = data.get(s);
                if (d[1] != null) {
                    throw new InvalidArgumentException("cannot configure multiple gateways (" + g + ", " + d[1]
                            + ") for the same subnet (" + s + ")");
                }
                d[1] = g;
                match = true;
            }
            if (!match) {
                throw new InvalidArgumentException("no matching subnet for gateway " + g);
            }
        }
        List<IpamConfig> configs = new ArrayList<>();
        for (String[] d : data.values()) {
            configs.add(new IpamConfig(d[0], d[1], d[2]));
        }
        return configs;
    }

    /** docker's {@code subnetMatches}: whether an address, or a CIDR's address, lies in the subnet. */
    private static boolean matches(String subnet, String data) {
        IpAddresses.Cidr s;
        try {
            s = IpAddresses.parseCidr(subnet);
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException("invalid subnet: " + e.getMessage());
        }
        byte[] ip;
        if (data.contains("/")) {
            try {
                ip = IpAddresses.parseCidr(data).ip();
            } catch (IllegalArgumentException e) {
                throw new InvalidArgumentException(e.getMessage());
            }
        } else {
            ip = IpAddresses.parse(data);
        }
        return s.contains(ip);
    }
}
