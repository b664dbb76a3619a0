package io.berth.networks.internal;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The host's IPv4 routes ({@code /proc/net/route}): a new network's subnet must not overlap one. */
final class HostRoutes {
    private HostRoutes() {
    }

    /** The destinations of the host's routes, the default route left out. */
    static List<Cidr> ipv4() {
        List<Cidr> out = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc/net/route"));
        } catch (IOException e) {
            return out;
        }
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 8) {
                continue;
            }
            long dest = Long.parseLong(f[1], 16);
            long mask = Long.parseLong(f[7], 16);
            if (mask == 0) {
                continue;
            }
            // Little-endian hex of a network-order address.
            long d = Long.reverseBytes(dest) >>> 32;
            int length = Long.bitCount(mask);
            out.add(new Cidr(BigInteger.valueOf(d), 32, length).network());
        }
        return out;
    }
}
