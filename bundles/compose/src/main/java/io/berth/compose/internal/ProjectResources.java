package io.berth.compose.internal;

import io.berth.api.ConflictException;
import io.berth.api.Filters;
import io.berth.api.InvalidArgumentException;
import io.berth.api.NotFoundException;
import io.berth.api.compose.ComposeLabels;
import io.berth.api.compose.ComposeProject;
import io.berth.api.compose.ComposeProject.Service;
import io.berth.api.compose.ComposeService.Progress;
import io.berth.api.network.IpamConfig;
import io.berth.api.network.Network;
import io.berth.api.network.NetworkService;
import io.berth.api.volume.VolumeService;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import static io.berth.api.compose.ComposeLabels.CONFIG_HASH;
import static io.berth.api.compose.ComposeLabels.PROJECT;

/**
 * A project's networks and volumes: made with compose's labels when its services need them ({@code up}),
 * external ones checked, removed by their labels ({@code down}).
 */
final class ProjectResources {
    private final NetworkService networks;
    private final VolumeService volumes;
    private final Supplier<String> version;

    /** @param version what {@code com.docker.compose.version} says: the engine's version */
    ProjectResources(NetworkService networks, VolumeService volumes, Supplier<String> version) {
        this.networks = networks;
        this.volumes = volumes;
        this.version = version;
    }

    /**
     * Makes the networks the selected services use that are not there, labelled as compose labels them;
     * checks that external ones are there.
     */
    void ensureNetworks(ComposeProject project, Set<String> selected, Progress progress) throws IOException {
        Set<String> used = new LinkedHashSet<>();
        for (String svc : LocalComposeService.order(project, selected)) {
            Service s = project.services().get(svc);
            if (s.networkMode() == null) {
                used.addAll(s.networks().keySet());
            }
        }
        for (String key : used) {
            ComposeProject.Network n = project.networks().get(key);
            if (n == null) {
                throw new InvalidArgumentException("service refers to undefined network " + key + ": invalid compose project");
            }
            Network existing = findNetwork(n.name());
            if (n.external()) {
                if (existing == null) {
                    throw new NotFoundException("network " + n.name() + " declared as external, but could not be found");
                }
                continue;
            }
            if (existing != null) {
                if (!project.name().equals(existing.labels().get(PROJECT))) {
                    progress.warning("a network with name " + n.name() + " exists but was not created for project \""
                            + project.name() + "\".\nSet `external: true` to use an existing network");
                }
                continue;
            }
            Map<String, String> labels = new LinkedHashMap<>(n.labels());
            labels.put(ComposeLabels.NETWORK, key);
            labels.put(PROJECT, project.name());
            labels.put(ComposeLabels.VERSION, version.get());
            labels.put(CONFIG_HASH, ConfigHash.ofValue(project.model().getOrDefault("networks", Map.of()) instanceof Map<?, ?> m
                    ? String.valueOf(m.get(key)) : key));
            List<IpamConfig> ipam = new ArrayList<>();
            if (n.ipam().get("config") instanceof List<?> configs) {
                for (Object c : configs) {
                    if (c instanceof Map<?, ?> m) {
                        ipam.add(new IpamConfig(str(m.get("subnet")), str(m.get("gateway")), str(m.get("ip_range"))));
                    }
                }
            }
            progress.event("Network", n.name(), "Creating");
            try {
                networks.create(Network.builder().name(n.name()).driver(n.driver() == null ? "bridge" : n.driver())
                        .internal(n.internal()).attachable(n.attachable()).enableIpv6(n.enableIpv6()).labels(labels)
                        .options(n.driverOpts()).ipam(ipam).build());
            } catch (ConflictException e) {
                // Made meanwhile by another up of the same name: used as it is.
            }
            progress.event("Network", n.name(), "Created");
        }
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }

    private Network findNetwork(String name) {
        try {
            Network n = networks.get(name);
            return n.name().equals(name) ? n : null;
        } catch (NotFoundException e) {
            return null;
        }
    }

    /** Makes the named volumes the selected services use, as {@link #ensureNetworks} the networks. */
    void ensureVolumes(ComposeProject project, Set<String> selected, Progress progress) throws IOException {
        Set<String> used = new LinkedHashSet<>();
        for (String svc : LocalComposeService.order(project, selected)) {
            for (ComposeProject.Mount m : project.services().get(svc).volumes()) {
                if (m.type().equals("volume") && m.source() != null && !m.source().isEmpty()) {
                    used.add(m.source());
                }
            }
        }
        for (String key : used) {
            ComposeProject.Volume v = project.volumes().get(key);
            if (v == null) {
                throw new InvalidArgumentException("service refers to undefined volume " + key + ": invalid compose project");
            }
            io.berth.api.volume.Volume existing;
            try {
                existing = volumes.get(v.name());
            } catch (NotFoundException e) {
                existing = null;
            }
            if (v.external()) {
                if (existing == null) {
                    throw new NotFoundException("external volume \"" + v.name() + "\" not found");
                }
                continue;
            }
            if (existing != null) {
                if (!project.name().equals(existing.labels().get(PROJECT))) {
                    progress.warning("volume \"" + v.name() + "\" already exists but was not created by Docker Compose. "
                            + "Use `external: true` to use an existing volume");
                }
                continue;
            }
            Map<String, String> labels = new LinkedHashMap<>(v.labels());
            labels.put(PROJECT, project.name());
            labels.put(ComposeLabels.VERSION, version.get());
            labels.put(ComposeLabels.VOLUME, key);
            progress.event("Volume", "\"" + v.name() + "\"", "Creating");
            volumes.create(v.name(), v.driver(), v.driverOpts(), labels);
            progress.event("Volume", "\"" + v.name() + "\"", "Created");
        }
    }

    /** Removes the project's networks (by their labels), external ones of the model left alone. */
    void removeNetworks(String project, ComposeProject model, Progress progress) throws IOException {
        for (Network n : networks.list(Filters.of(Map.of("label", List.of(PROJECT + "=" + project))))) {
            if (model != null && model.networks().values().stream().anyMatch(m -> m.external() && m.name().equals(n.name()))) {
                continue;
            }
            progress.event("Network", n.name(), "Removing");
            try {
                networks.remove(n.id());
                progress.event("Network", n.name(), "Removed");
            } catch (ConflictException e) {
                progress.event("Network", n.name(), "Resource is still in use");
            }
        }
    }

    /** Removes the project's volumes (by their labels). */
    void removeVolumes(String project, Progress progress) throws IOException {
        for (io.berth.api.volume.Volume v : volumes.list(Filters.of(Map.of("label", List.of(PROJECT + "=" + project))))) {
            progress.event("Volume", v.name(), "Removing");
            try {
                volumes.remove(v.name(), false);
                progress.event("Volume", v.name(), "Removed");
            } catch (ConflictException e) {
                progress.event("Volume", v.name(), "Resource is still in use");
            }
        }
    }
}
