package io.berth.containers.internal;

import io.berth.api.InvalidArgumentException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;

/** {@code --cpuset-cpus} lists ({@code 0-3,6}) checked against the CPUs this host has online. */
final class CpuSets {
    private static final Path ONLINE = Path.of("/sys/devices/system/cpu/online");

    private CpuSets() {
    }

    static BitSet parse(String list) {
        BitSet set = new BitSet();
        if (!list.strip().matches("\\d+(-\\d+)?(,\\d+(-\\d+)?)*")) {
            throw new InvalidArgumentException("Invalid value " + list + " for cpuset cpus");
        }
        for (String part : list.strip().split(",")) {
            int dash = part.indexOf('-');
            int from = Integer.parseInt(dash < 0 ? part : part.substring(0, dash));
            int to = dash < 0 ? from : Integer.parseInt(part.substring(dash + 1));
            if (to < from || to > 4095) {
                throw new InvalidArgumentException("Invalid value " + list + " for cpuset cpus");
            }
            set.set(from, to + 1);
        }
        return set;
    }

    /** Throws docker's error if the list names CPUs that are not online. */
    static void check(String list) {
        BitSet wanted = parse(list);
        String online;
        try {
            online = Files.readString(ONLINE).strip();
        } catch (IOException e) {
            return;
        }
        BitSet available = parse(online);
        BitSet missing = (BitSet) wanted.clone();
        missing.andNot(available);
        if (!missing.isEmpty()) {
            throw new InvalidArgumentException("Requested CPUs are not available - requested " + list + ", available: " + online);
        }
    }
}
