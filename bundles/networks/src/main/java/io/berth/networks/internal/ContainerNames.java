package io.berth.networks.internal;

import io.berth.api.network.Endpoint;
import io.berth.api.network.SandboxRequest;
import io.berth.dns.NameTable;
import io.berth.networks.internal.SandboxStore.SandboxFile;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The names the embedded DNS server answers, from the running containers' networks as they are
 * now: a container's name, aliases and short id, only to containers on a user network it is on
 * (the default {@code bridge} has no names, as docker's). Read without a lock: the view is a
 * concurrent map's values.
 */
final class ContainerNames implements NameTable {
    private final Collection<SandboxFile> sandboxes;

    ContainerNames(Collection<SandboxFile> sandboxes) {
        this.sandboxes = sandboxes;
    }

    @Override
    public List<InetAddress> lookup(InetAddress client, String name) {
        SandboxFile asking = byAddress(client);
        if (asking == null) {
            return null;
        }
        List<InetAddress> found = new ArrayList<>();
        boolean known = false;
        for (Map.Entry<String, Endpoint> mine : asking.endpoints().entrySet()) {
            if (mine.getKey().equals("bridge")) {
                continue;
            }
            String networkId = mine.getValue().networkId();
            for (SandboxFile other : sandboxes) {
                for (Map.Entry<String, Endpoint> theirs : other.endpoints().entrySet()) {
                    Endpoint e = theirs.getValue();
                    if (!e.networkId().equals(networkId) || !answers(other, theirs.getKey(), name)) {
                        continue;
                    }
                    known = true;
                    addAddress(found, e.ipv4Address());
                    addAddress(found, e.ipv6Address());
                }
            }
        }
        return known ? found : null;
    }

    private static void addAddress(List<InetAddress> found, String address) {
        if (address != null) {
            try {
                InetAddress a = InetAddress.getByName(address);
                if (!found.contains(a)) {
                    found.add(a);
                }
            } catch (IOException e) {
                // Records hold literals.
            }
        }
    }

    /** Whether a container answers to a name on a network: its name, its aliases there, its short id. */
    private static boolean answers(SandboxFile f, String network, String name) {
        SandboxRequest r = f.request();
        if (r.containerName() != null && r.containerName().equalsIgnoreCase(name)) {
            return true;
        }
        if (f.containerId().startsWith(name) && name.length() == 12) {
            return true;
        }
        for (String alias : f.settings(network).aliases()) {
            if (alias.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String reverse(InetAddress client, InetAddress address) {
        SandboxFile asking = byAddress(client);
        if (asking == null) {
            return null;
        }
        Set<String> mine = new HashSet<>();
        asking.endpoints().forEach((name, e) -> {
            if (!name.equals("bridge")) {
                mine.add(e.networkId());
            }
        });
        for (SandboxFile other : sandboxes) {
            for (Map.Entry<String, Endpoint> e : other.endpoints().entrySet()) {
                if (mine.contains(e.getValue().networkId()) && (address.getHostAddress().equals(e.getValue().ipv4Address())
                        || sameV6(address, e.getValue().ipv6Address()))) {
                    return other.request().containerName() + "." + e.getKey();
                }
            }
        }
        return null;
    }

    private static boolean sameV6(InetAddress a, String v6) {
        try {
            return v6 != null && a.equals(InetAddress.getByName(v6));
        } catch (IOException e) {
            return false;
        }
    }

    /** The container that has an address (on any of its networks), or {@code null}. */
    private SandboxFile byAddress(InetAddress client) {
        String text = client.getHostAddress();
        for (SandboxFile f : sandboxes) {
            for (Endpoint e : f.endpoints().values()) {
                if (text.equals(e.ipv4Address()) || sameV6(client, e.ipv6Address())) {
                    return f;
                }
            }
        }
        return null;
    }

}
