package io.berth.networks.internal;

import io.berth.api.network.Endpoint;
import io.berth.api.network.EndpointSettings;
import io.berth.api.network.PortMapping;
import io.berth.api.network.SandboxRequest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Containers' networks on disk, under the run root ({@code <run root>/networks/<container id>.json}):
 * what was asked, the namespace, and each connection as its driver returned it, so that an engine
 * started again (after a crash, too) knows every address, port and rule in use and can undo what a
 * setup interrupted half-way made. They live under the run root because network namespaces do:
 * after a reboot neither is left.
 */
final class SandboxStore {
    /** Where a setup is. */
    enum Phase { ADDING, UP }

    /**
     * One container's network.
     *
     * @param request what the container asked for
     * @param netns the namespace it owns, or {@code null} (host, or another container's)
     * @param joined the container whose namespace it shares ({@code container:ID}), or {@code null}
     * @param endpoints its connections by network name: what is being made ({@code ADDING}) is
     *        recorded before its driver is called, with the addresses and ports reserved for it
     * @param pending connections being made: network name to the request's addresses (for the crash case)
     * @param hosts its hosts file
     * @param resolvConf its resolv.conf
     * @param phase where its setup is
     */
    record SandboxFile(SandboxRequest request, Path netns, String joined, Map<String, Endpoint> endpoints,
                       Map<String, Endpoint> pending, String hosts, String resolvConf, Phase phase) {
        SandboxFile {
            endpoints = endpoints == null ? Map.of() : new LinkedHashMap<>(endpoints);
            pending = pending == null ? Map.of() : new LinkedHashMap<>(pending);
        }

        String containerId() {
            return request.containerId();
        }

        SandboxFile withEndpoint(String network, Endpoint e) {
            Map<String, Endpoint> m = new LinkedHashMap<>(endpoints);
            m.put(network, e);
            Map<String, Endpoint> p = new LinkedHashMap<>(pending);
            p.remove(network);
            return new SandboxFile(request, netns, joined, m, p, hosts, resolvConf, phase);
        }

        SandboxFile withPending(String network, Endpoint e) {
            Map<String, Endpoint> p = new LinkedHashMap<>(pending);
            if (e == null) {
                p.remove(network);
            } else {
                p.put(network, e);
            }
            return new SandboxFile(request, netns, joined, endpoints, p, hosts, resolvConf, phase);
        }

        SandboxFile without(String network) {
            Map<String, Endpoint> m = new LinkedHashMap<>(endpoints);
            m.remove(network);
            return new SandboxFile(request, netns, joined, m, pending, hosts, resolvConf, phase);
        }

        SandboxFile withFiles(String newHosts, String newResolvConf) {
            return new SandboxFile(request, netns, joined, endpoints, pending, newHosts, newResolvConf, phase);
        }

        SandboxFile up() {
            return new SandboxFile(request, netns, joined, endpoints, pending, hosts, resolvConf, Phase.UP);
        }

        SandboxFile withRequest(SandboxRequest r) {
            return new SandboxFile(r, netns, joined, endpoints, pending, hosts, resolvConf, phase);
        }

        /** What it asks on a network, by the network's name. */
        EndpointSettings settings(String network) {
            EndpointSettings s = request.networks().get(network);
            return s == null ? EndpointSettings.DEFAULT : s;
        }

        List<PortMapping> ports() {
            List<PortMapping> all = new ArrayList<>();
            endpoints.values().forEach(e -> all.addAll(e.ports()));
            pending.values().forEach(e -> all.addAll(e.ports()));
            return all;
        }
    }

    private final Path dir;

    SandboxStore(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
    }

    List<SandboxFile> load() throws IOException {
        List<SandboxFile> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")).toList()) {
                try {
                    all.add(NetworkStore.JSON.readValue(f.toFile(), SandboxFile.class));
                } catch (IOException e) {
                    System.getLogger(SandboxStore.class.getName()).log(System.Logger.Level.WARNING,
                            "ignoring the network record " + f + ": " + e.getMessage());
                }
            }
        }
        return all;
    }

    void save(SandboxFile s) throws IOException {
        // Atomic, not synced: a process crash leaves the old or the new record; a reboot clears the run root
        // and the namespaces together.
        NetworkStore.write(dir, s.containerId() + ".json", NetworkStore.JSON.writeValueAsBytes(s), false);
    }

    void delete(String containerId) throws IOException {
        Files.deleteIfExists(dir.resolve(containerId + ".json"));
    }
}
