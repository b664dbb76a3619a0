package io.berth.containers.internal;

import io.berth.api.ConflictException;
import io.berth.api.NotFoundException;
import io.berth.api.UnavailableException;
import io.berth.api.container.Container;
import io.berth.api.network.PortMapping;
import io.berth.api.network.Sandbox;
import io.berth.api.container.ContainerDetails;
import io.berth.api.container.ContainerListOptions;
import io.berth.api.container.LogSink;
import io.berth.api.container.LogOptions;
import io.berth.api.content.Digest;
import io.berth.api.driver.DriverRegistry;
import io.berth.api.image.Image;
import io.berth.api.image.ImageStore;
import io.berth.api.runtime.RuntimeStats;
import io.berth.api.storage.Change;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * What can be asked about containers without changing them: the list (with docker's filters),
 * one container, {@code inspect}, {@code diff}, {@code top}'s pids, {@code stats}, {@code logs},
 * and which containers use an image.
 */
final class ContainerQueries {
    private final ContainerStore store;
    private final DriverRegistry drivers;
    private final ImageStore images;
    private final RootFilesystems rootfs;
    private final ContainerLifecycle lifecycle;

    ContainerQueries(ContainerStore store, DriverRegistry drivers, ImageStore images, RootFilesystems rootfs,
                     ContainerLifecycle lifecycle) {
        this.store = store;
        this.drivers = drivers;
        this.images = images;
        this.rootfs = rootfs;
        this.lifecycle = lifecycle;
    }

    List<Container> list(ContainerListOptions options) {
        ContainerFilters filters = ContainerFilters.of(options, new ContainerFilters.Lookups() {
            @Override
            public Container container(String idOrName) {
                return get(idOrName);
            }

            @Override
            public Set<String> imageAndDescendants(String nameOrId) {
                return ContainerQueries.this.imageAndDescendants(nameOrId);
            }

            @Override
            public String networkName(String nameOrId) {
                Networking n = lifecycle.networking();
                if (!n.available()) {
                    return nameOrId;
                }
                try {
                    return n.service().get(nameOrId).name();
                } catch (NotFoundException e) {
                    return nameOrId;
                }
            }
        });
        List<ContainerStore.Entry> entries = new ArrayList<>();
        for (ContainerStore.Entry e : store.all()) {
            if (!e.removed) {
                entries.add(e);
            }
        }
        List<Container> all = new ArrayList<>();
        for (ContainerStore.Entry e : entries) {
            all.add(container(e, false));
        }
        all.sort(Comparator.comparing(Container::created, Comparator.nullsLast(Comparator.reverseOrder()))
                .thenComparing(Container::id));
        List<Container> shown = filters.apply(all);
        if (!options.size()) {
            return shown;
        }
        List<Container> sized = new ArrayList<>();
        for (Container c : shown) {
            sized.add(c.toBuilder().sizeRw(sizeRw(drivers, store.find(c.id()).record)).build());
        }
        return sized;
    }

    /** The ids of an image and of the images built on it (commits of it and of those), or none if there is no such image. */
    private Set<String> imageAndDescendants(String nameOrId) {
        Image image;
        List<Image> all;
        try {
            image = images.get(nameOrId);
            all = images.list();
        } catch (NotFoundException e) {
            return Set.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, List<String>> children = new HashMap<>();
        for (Image i : all) {
            if (i.parent() != null) {
                children.computeIfAbsent(i.parent().toString(), k -> new ArrayList<>()).add(i.id().toString());
            }
        }
        return ContainerFilters.descendants(image.id().toString(), id -> children.getOrDefault(id, List.of()));
    }

    Container get(String idOrName) {
        return container(store.find(idOrName), false);
    }

    Container container(ContainerStore.Entry e, boolean size) {
        ContainerRecord r = e.record;
        return Container.builder().id(r.id()).name(r.name()).image(r.image()).imageId(r.imageId())
                .command(RuntimeSpecs.command(r)).created(Rfc3339.parse(r.created())).state(e.state.toApi())
                .runtime(r.host().runtime()).storage(r.storage()).labels(r.config().labels())
                .sizeRw(size ? sizeRw(drivers, r) : -1).ports(ports(e)).networks(networkNames(r))
                .mountPoints(lifecycle.volumes().mountPoints(r)).build();
    }

    /**
     * Its ports as docker's {@code ps} lists them: while it runs, the published ones, then the exposed
     * ones not published; none when it does not run.
     */
    private List<PortMapping> ports(ContainerStore.Entry e) {
        List<PortMapping> out = new ArrayList<>();
        if (!e.state.running()) {
            return out;
        }
        Sandbox sandbox = lifecycle.networking().sandbox(e.id());
        Set<String> published = new java.util.HashSet<>();
        if (sandbox != null) {
            for (PortMapping p : sandbox.ports()) {
                out.add(p);
                published.add(p.port());
            }
        }
        for (String exposed : orEmpty(e.record.config().exposedPorts())) {
            String key = exposed.contains("/") ? exposed : exposed + "/tcp";
            if (!published.contains(key)) {
                String[] f = key.split("/", 2);
                try {
                    out.add(new PortMapping(f[1], Integer.parseInt(f[0]), "", 0));
                } catch (NumberFormatException ignored) {
                    // A malformed image config: not listed.
                }
            }
        }
        return out;
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    /** The names of the networks a container is on: its connections, or its mode for host, none and container:. */
    static List<String> networkNames(ContainerRecord r) {
        if (!r.networks().isEmpty()) {
            return List.copyOf(r.networks().keySet());
        }
        String mode = r.host().networkMode();
        return List.of(mode.startsWith("container:") ? "container:" + mode.substring("container:".length()) : mode);
    }

    /** The bytes a container's writable layer holds, or -1 if that cannot be told now. */
    static long sizeRw(DriverRegistry drivers, ContainerRecord r) {
        try {
            return drivers.storage(r.storage()).usage(r.snapshot()).size();
        } catch (IOException | RuntimeException ex) {
            return -1;
        }
    }

    ContainerDetails inspect(String idOrName) {
        ContainerStore.Entry e = store.find(idOrName);
        ContainerRecord r = e.record;
        Map<String, String> graph;
        try {
            graph = new LinkedHashMap<>(drivers.storage(r.storage()).graphData(r.snapshot()));
            if (graph.containsKey("UpperDir")) {
                // Where the layers are mounted together while it runs, as docker's overlay2 shows.
                graph.put("MergedDir", rootfs.mountpoint(r).toString());
            }
        } catch (IOException | RuntimeException ex) {
            graph = Map.of();
        }
        boolean available;
        try {
            drivers.runtime(r.host().runtime());
            available = true;
        } catch (UnavailableException ex) {
            available = false;
        }
        return ContainerDetails.builder().container(container(e, false)).path(r.path()).args(r.args())
                .restartCount(e.state.restartCount()).config(r.config()).host(r.host()).graphData(graph)
                .logPath(store.logPath(e).toString()).hostsPath(e.dir.resolve("hosts").toString())
                .hostnamePath(e.dir.resolve("hostname").toString()).resolvConfPath(e.dir.resolve("resolv.conf").toString())
                .runtimeAvailable(available)
                .sandbox(e.state.running() ? lifecycle.networking().sandbox(e.id()) : null).networks(r.networks())
                .mountPoints(lifecycle.volumes().mountPoints(r)).idMappings(r.ids().uids(), r.ids().gids()).build();
    }

    List<Change> changes(String idOrName) throws IOException {
        ContainerRecord r = store.find(idOrName).record;
        return drivers.storage(r.storage()).changes(r.snapshot());
    }

    List<Integer> pids(String idOrName) throws IOException {
        ContainerStore.Entry e = store.find(idOrName);
        if (!e.state.running()) {
            throw new ConflictException("container " + e.id() + " is not running");
        }
        return lifecycle.runtimeOf(e).pids(e.id());
    }

    RuntimeStats stats(String idOrName) throws IOException {
        ContainerStore.Entry e = store.find(idOrName);
        if (!e.state.running()) {
            throw new ConflictException("container " + e.id() + " is not running");
        }
        return lifecycle.runtimeOf(e).stats(e.id());
    }

    void logs(String idOrName, LogOptions options, LogSink sink) throws IOException, InterruptedException {
        ContainerStore.Entry e = store.find(idOrName);
        CompletableFuture<Integer> exit;
        e.lock.lock();
        try {
            exit = e.state.running() ? e.exit : null;
        } finally {
            e.lock.unlock();
        }
        JsonLog.read(store.logPath(e), e.record.host().log().maxFiles(), options,
                millis -> exit != null && !ContainerLifecycle.waitFor(exit, millis), sink);
    }

    /**
     * The containers that use an image, as {@code rmi} names them: those made from it. As with
     * docker, the container an image was committed from does not hold it.
     */
    List<String> usersOf(Digest imageId) {
        List<String> users = new ArrayList<>();
        for (ContainerStore.Entry e : store.all()) {
            if (!e.removed && imageId.toString().equals(e.record.imageId())) {
                users.add((e.state.running() ? "running" : "stopped") + " container " + e.record.shortId());
            }
        }
        return users;
    }
}
