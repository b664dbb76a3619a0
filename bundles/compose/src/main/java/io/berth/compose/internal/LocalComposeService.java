package io.berth.compose.internal;

import io.berth.api.BerthException;
import io.berth.api.ConflictException;
import io.berth.api.Filters;
import io.berth.api.InvalidArgumentException;
import io.berth.api.NotFoundException;
import io.berth.api.ProgressListener;
import io.berth.api.UnavailableException;
import io.berth.api.compose.ComposeException;
import io.berth.api.compose.ComposeLabels;
import io.berth.api.compose.ComposeProject;
import io.berth.api.compose.ComposeProject.Service;
import io.berth.api.compose.ComposeService;
import io.berth.api.container.Container;
import io.berth.api.container.ContainerListOptions;
import io.berth.api.container.ContainerService;
import io.berth.api.container.ContainerStatus;
import io.berth.api.container.CreateRequest;
import io.berth.api.container.HealthStatus;
import io.berth.api.container.MountPoint;
import io.berth.api.container.RestartPolicy;
import io.berth.api.engine.Engine;
import io.berth.api.image.ImageReference;
import io.berth.api.image.ImageStore;
import io.berth.api.network.EndpointSettings;
import io.berth.api.network.IpamConfig;
import io.berth.api.network.Network;
import io.berth.api.network.NetworkService;
import io.berth.api.registry.Registry;
import io.berth.api.volume.VolumeService;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import static io.berth.api.compose.ComposeLabels.CONFIG_HASH;
import static io.berth.api.compose.ComposeLabels.CONTAINER_NUMBER;
import static io.berth.api.compose.ComposeLabels.DEPENDS_ON;
import static io.berth.api.compose.ComposeLabels.ONEOFF;
import static io.berth.api.compose.ComposeLabels.PROJECT;
import static io.berth.api.compose.ComposeLabels.SERVICE;

/**
 * The compose service: projects run by the engine's own services (containers, networks, volumes,
 * images, registry), as docker compose v2 runs them against a daemon. Operations on one project are
 * serialized; services of a project are worked on in parallel along their dependency graph.
 */
@Component(service = ComposeService.class)
public class LocalComposeService implements ComposeService {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ContainerService containers;
    private final NetworkService networks;
    private final VolumeService volumes;
    private final ImageStore images;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile Registry registry;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile Engine engine;
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    private final ExecutorService executor;

    @Activate
    public LocalComposeService(@Reference ContainerService containers, @Reference NetworkService networks,
                               @Reference VolumeService volumes, @Reference ImageStore images) {
        this.containers = containers;
        this.networks = networks;
        this.volumes = volumes;
        this.images = images;
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "berth-compose-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Deactivate
    void deactivate() {
        executor.shutdownNow();
    }

    // ------------------------------------------------------------------------------------------ up

    @Override
    public void up(ComposeProject project, UpOptions o, Progress progress) throws IOException, InterruptedException {
        for (String s : o.services()) {
            service(project, s);
        }
        for (String s : o.scale().keySet()) {
            service(project, s);
        }
        Set<String> selected = selection(project, o.services(), o.noDeps());
        Map<String, String> imageOf = new HashMap<>();
        for (String name : selected) {
            Service s = project.services().get(name);
            int replicas = o.scale().getOrDefault(name, s.replicas() == null ? 1 : s.replicas());
            if (s.containerName() != null && replicas > 1) {
                throw new InvalidArgumentException("services." + name + ": can't set container_name and " + name
                        + " as container name must be unique: invalid compose project");
            }
            imageOf.put(name, image(project, s, progress));
            for (String path : ServiceRequests.ignored(s)) {
                progress.warning(path + " is not supported by Berth and is ignored");
            }
        }
        locked(project.name(), () -> {
            List<String> failures = Collections.synchronizedList(new ArrayList<>());
            pullMissing(project, selected, imageOf, o.pull(), progress, failures);
            if (!failures.isEmpty()) {
                throw new ComposeException(failures);
            }
            orphans(project, o.removeOrphans(), progress);
            ensureNetworks(project, selected, progress);
            ensureVolumes(project, selected, progress);
            Map<String, Throwable> failed = Graph.walk(order(project, selected), dependencies(project), svc -> {
                awaitDependencies(project, svc, selected, progress);
                converge(project, project.services().get(svc), imageOf.get(svc), o, progress);
            }, executor);
            failed.values().forEach(t -> failures.add(message(t)));
            if (failures.isEmpty() && o.start() && o.waitHealthy()) {
                awaitRunning(project, selected, o.waitTimeout(), progress, failures);
            }
            if (!failures.isEmpty()) {
                throw new ComposeException(failures);
            }
        });
    }

    /** The services asked for and, unless {@code noDeps}, what they depend on; all when none asked. */
    private static Set<String> selection(ComposeProject project, List<String> services, boolean noDeps) {
        if (services.isEmpty()) {
            return new LinkedHashSet<>(project.services().keySet());
        }
        Set<String> out = new LinkedHashSet<>();
        ArrayList<String> todo = new ArrayList<>(services);
        while (!todo.isEmpty()) {
            String s = todo.remove(0);
            if (out.add(s) && !noDeps) {
                Service svc = project.services().get(s);
                if (svc != null) {
                    todo.addAll(dependencies(project).getOrDefault(s, Set.of()));
                }
            }
        }
        return out;
    }

    /** The project's services in file order, those of {@code selected}. */
    private static List<String> order(ComposeProject project, Set<String> selected) {
        return project.services().keySet().stream().filter(selected::contains).toList();
    }

    /** What each service waits for: its {@code depends_on}, and the service whose network it shares. */
    private static Map<String, Set<String>> dependencies(ComposeProject project) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        project.services().forEach((name, s) -> {
            Set<String> deps = new LinkedHashSet<>(s.dependsOn().keySet());
            if (s.networkMode() != null && s.networkMode().startsWith("service:")) {
                deps.add(s.networkMode().substring("service:".length()));
            }
            deps.retainAll(project.services().keySet());
            out.put(name, deps);
        });
        return out;
    }

    private static Service service(ComposeProject project, String name) {
        Service s = project.services().get(name);
        if (s == null) {
            throw new NotFoundException("no such service: " + name);
        }
        return s;
    }

    /**
     * The image a service runs. Berth does not build: a service with only a {@code build} runs the image
     * compose would have built ({@code <project>-<service>}) when it is here.
     */
    private String image(ComposeProject project, Service s, Progress progress) throws IOException {
        if (s.image() != null) {
            if (s.build() != null) {
                progress.warning("services." + s.name() + ".build: Berth does not build images; the service runs "
                        + s.image() + " as it is");
            }
            return s.image();
        }
        String built = project.name() + "-" + s.name();
        if (s.build() != null) {
            try {
                images.get(built);
                return built;
            } catch (NotFoundException e) {
                throw new InvalidArgumentException("service \"" + s.name() + "\" has a build section and no image: Berth "
                        + "does not build images; build it elsewhere and load it as " + built + ", or give the service an image");
            }
        }
        throw new InvalidArgumentException("service \"" + s.name() + "\" has neither an image nor a build context specified: "
                + "invalid compose project");
    }

    private void pullMissing(ComposeProject project, Set<String> selected, Map<String, String> imageOf, String policy,
                             Progress progress, List<String> failures) throws InterruptedException {
        Map<String, String> wanted = new LinkedHashMap<>();
        for (String svc : order(project, selected)) {
            Service s = project.services().get(svc);
            String p = s.definition().get("pull_policy") instanceof String sp ? sp : policy;
            String image = imageOf.get(svc);
            boolean pull = switch (p) {
                case "always" -> s.image() != null;
                case "never", "build" -> false;
                default -> !present(image);
            };
            if (pull) {
                wanted.putIfAbsent(image, svc);
            }
        }
        List<CompletableFuture<Void>> pulls = new ArrayList<>();
        wanted.forEach((image, svc) -> pulls.add(CompletableFuture.runAsync(() -> {
            try {
                pull(image, svc, progress);
            } catch (Exception e) {
                failures.add(message(e));
            }
        }, executor)));
        failures.addAll(joinAll(pulls));
    }

    private boolean present(String image) {
        try {
            images.get(image);
            return true;
        } catch (NotFoundException | IOException e) {
            return false;
        }
    }

    private void pull(String image, String service, Progress progress) throws IOException, InterruptedException {
        Registry r = registry;
        if (r == null) {
            throw new UnavailableException("no registry client is available to pull " + image);
        }
        ImageReference ref = ImageReference.parse(image);
        progress.event("", service, "Pulling");
        r.pull(ref.digest() != null ? ref : ref.withDefaultTag(), ProgressListener.NONE);
        progress.event("", service, "Pulled");
    }

    /** Containers of the project whose service is gone: a warning, or removed with {@code --remove-orphans}. */
    private void orphans(ComposeProject project, boolean remove, Progress progress) throws IOException, InterruptedException {
        List<Container> orphans = new ArrayList<>();
        for (Container c : containers(project.name(), List.of(), true)) {
            String svc = c.labels().get(SERVICE);
            if (!project.services().containsKey(svc) && !project.disabledServices().contains(svc)) {
                orphans.add(c);
            }
        }
        if (orphans.isEmpty()) {
            return;
        }
        if (remove) {
            for (Container c : orphans) {
                stopAndRemove(c, null, false, progress);
            }
        } else {
            progress.warning("Found orphan containers (" + String.join(", ", orphans.stream().map(Container::name).toList())
                    + ") for this project. If you removed or renamed this service in your compose file, you can run this "
                    + "command with the --remove-orphans flag to clean it up.");
        }
    }

    private void ensureNetworks(ComposeProject project, Set<String> selected, Progress progress) throws IOException {
        Set<String> used = new LinkedHashSet<>();
        for (String svc : order(project, selected)) {
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
            labels.put(ComposeLabels.VERSION, version());
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

    private void ensureVolumes(ComposeProject project, Set<String> selected, Progress progress) throws IOException {
        Set<String> used = new LinkedHashSet<>();
        for (String svc : order(project, selected)) {
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
            labels.put(ComposeLabels.VERSION, version());
            labels.put(ComposeLabels.VOLUME, key);
            progress.event("Volume", "\"" + v.name() + "\"", "Creating");
            volumes.create(v.name(), v.driver(), v.driverOpts(), labels);
            progress.event("Volume", "\"" + v.name() + "\"", "Created");
        }
    }

    /** Waits for what a service's {@code depends_on} conditions ask of the services it depends on. */
    private void awaitDependencies(ComposeProject project, String svc, Set<String> selected, Progress progress)
            throws IOException, InterruptedException {
        for (Map.Entry<String, ComposeProject.Dependency> e : project.services().get(svc).dependsOn().entrySet()) {
            if (!selected.contains(e.getKey())) {
                continue;
            }
            String failure = awaitCondition(project.name(), e.getKey(), e.getValue().condition(), progress);
            if (failure != null) {
                if (e.getValue().required()) {
                    throw new InvalidArgumentException(failure);
                }
                progress.warning("optional dependency \"" + e.getKey() + "\" failed: " + failure);
            }
        }
    }

    /** Waits for a dependency's condition: {@code null} when it is met, else why not. */
    private String awaitCondition(String project, String dependency, String condition, Progress progress)
            throws IOException, InterruptedException {
        List<Container> cs = containers(project, List.of(dependency), true).stream()
                .filter(c -> "False".equals(c.labels().get(ONEOFF))).toList();
        switch (condition) {
            case "service_healthy" -> {
                for (Container c : cs) {
                    progress.event("Container", c.name(), "Waiting");
                    HealthStatus h = containers.awaitHealth(c.id(), null);
                    Container now = containers.get(c.id());
                    if (h == HealthStatus.HEALTHY) {
                        progress.event("Container", c.name(), "Healthy");
                    } else if (h == HealthStatus.UNHEALTHY) {
                        progress.event("Container", c.name(), "Error");
                        return "dependency failed to start: container " + c.name() + " is unhealthy";
                    } else if (now.state().status() != ContainerStatus.RUNNING) {
                        progress.event("Container", c.name(), "Error");
                        return "dependency failed to start: container " + c.name() + " exited ("
                                + now.state().exitCode() + ")";
                    } else {
                        return "dependency failed to start: container " + c.name() + " has no healthcheck configured";
                    }
                }
            }
            case "service_completed_successfully" -> {
                for (Container c : cs) {
                    progress.event("Container", c.name(), "Waiting");
                    int code = containers.await(c.id());
                    if (code != 0) {
                        progress.event("Container", c.name(), "Error");
                        return "service \"" + dependency + "\" didn't complete successfully: exit " + code;
                    }
                    progress.event("Container", c.name(), "Exited");
                }
            }
            default -> {
                // service_started: it was started before this service's turn came.
            }
        }
        return null;
    }

    /**
     * Brings a service's containers to what the project says: removes those above its scale (the
     * highest numbers first), recreates those whose configuration or image changed, makes those
     * missing, and starts those not running.
     */
    private void converge(ComposeProject project, Service s, String image, UpOptions o, Progress progress)
            throws IOException, InterruptedException {
        int expected = o.scale().getOrDefault(s.name(), s.replicas() == null ? 1 : s.replicas());
        String hash = ConfigHash.of(s);
        String imageId = imageId(image);
        List<Container> existing = new ArrayList<>(serviceContainers(project.name(), s.name()));
        while (existing.size() > expected) {
            Container c = existing.remove(existing.size() - 1);
            stopAndRemove(c, o.timeoutSeconds(), false, progress);
        }
        List<Container> toStart = new ArrayList<>();
        Set<Integer> used = new HashSet<>();
        for (Container c : existing) {
            int number = number(c);
            used.add(number);
            boolean changed = !hash.equals(c.labels().get(CONFIG_HASH))
                    || imageId != null && !imageId.equals(c.imageId());
            if (o.forceRecreate() || changed && !o.noRecreate()) {
                toStart.add(recreate(project, s, image, imageId, hash, c, number, o.timeoutSeconds(), progress));
            } else if (c.state().status() == ContainerStatus.RUNNING || c.state().status() == ContainerStatus.RESTARTING) {
                progress.event("Container", c.name(), "Running");
            } else if (c.state().status() != ContainerStatus.PAUSED) {
                toStart.add(c);
            }
        }
        int next = 1;
        for (int have = existing.size(); have < expected; have++) {
            while (used.contains(next)) {
                next++;
            }
            used.add(next);
            String name = s.containerName() != null ? s.containerName() : project.name() + "-" + s.name() + "-" + next;
            progress.event("Container", name, "Creating");
            toStart.add(create(project, s, image, imageId, hash, name, name, next, Map.of(), progress));
            progress.event("Container", name, "Created");
        }
        if (o.start()) {
            startAll(toStart, progress);
        }
    }

    private void startAll(List<Container> toStart, Progress progress) throws InterruptedException {
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (Container c : toStart) {
            starts.add(CompletableFuture.runAsync(() -> {
                progress.event("Container", c.name(), "Starting");
                try {
                    containers.start(c.id());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                progress.event("Container", c.name(), "Started");
            }, executor));
        }
        List<String> failures = joinAll(starts);
        if (!failures.isEmpty()) {
            throw new StartFailed(failures);
        }
    }

    /** Some containers of a service did not start. */
    private static final class StartFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StartFailed(List<String> failures) {
            super(String.join("\n", failures), null, false, false);
        }
    }

    private String imageId(String image) {
        try {
            return images.get(image).id().toString();
        } catch (NotFoundException | IOException e) {
            return null;
        }
    }

    /**
     * Recreates a container as v2 does: the new one made under a temporary name
     * ({@code <old id12>_<name>}), the old one stopped and removed, the new one renamed. The old one's
     * anonymous volumes go to the new one.
     */
    private Container recreate(ComposeProject project, Service s, String image, String imageId, String hash, Container old,
                               int number, Integer timeout, Progress progress) throws IOException, InterruptedException {
        progress.event("Container", old.name(), "Recreate");
        Set<String> named = new HashSet<>();
        project.volumes().values().forEach(v -> named.add(v.name()));
        Map<String, String> anonymous = new LinkedHashMap<>();
        for (MountPoint m : containers.get(old.id()).mountPoints()) {
            if ("volume".equals(m.type()) && m.name() != null && !named.contains(m.name())) {
                anonymous.put(m.destination(), m.name());
            }
        }
        String name = old.name();
        Container made = create(project, s, image, imageId, hash, old.id().substring(0, 12) + "_" + name, name, number,
                anonymous, progress);
        try {
            containers.stop(old.id(), timeout);
            containers.remove(old.id(), true, false);
            containers.rename(made.id(), name);
        } catch (IOException | BerthException e) {
            containers.remove(made.id(), true, false);
            throw e;
        }
        progress.event("Container", name, "Recreated");
        return containers.get(made.id());
    }

    /** Makes one of a service's containers and connects it to the service's other networks. */
    private Container create(ComposeProject project, Service s, String image, String imageId, String hash, String name,
                             String finalName, int number, Map<String, String> anonymous, Progress progress)
            throws IOException {
        Map<String, String> labels = labels(project, s, hash, imageId);
        labels.put(CONTAINER_NUMBER, Integer.toString(number));
        labels.put(ONEOFF, "False");
        return make(project, s, image, name, finalName, labels, anonymous, true, request -> request);
    }

    private Container make(ComposeProject project, Service s, String image, String name, String aliasName,
                           Map<String, String> labels, Map<String, String> anonymous, boolean publish,
                           java.util.function.UnaryOperator<CreateRequest> adjust) throws IOException {
        List<String> keys = networkKeys(s);
        String mode;
        EndpointSettings primary = null;
        if (s.networkMode() != null) {
            mode = networkMode(project.name(), s.networkMode());
        } else if (keys.isEmpty()) {
            mode = "none";
        } else {
            mode = project.networks().get(keys.get(0)).name();
            primary = ServiceRequests.endpoint(s, aliasName, keys.get(0));
        }
        CreateRequest request = adjust.apply(ServiceRequests.request(project, s, image, name, labels, mode, primary,
                anonymous, publish));
        Container c = containers.create(request);
        try {
            for (String key : keys.subList(Math.min(1, keys.size()), keys.size())) {
                containers.connect(c.id(), project.networks().get(key).name(), ServiceRequests.endpoint(s, aliasName, key));
            }
        } catch (IOException | BerthException e) {
            try {
                containers.remove(c.id(), true, true);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            throw e;
        }
        return c;
    }

    /** The service's networks, the one of its mode first: by priority, then by name, as compose-go orders them. */
    private static List<String> networkKeys(Service s) {
        if (s.networkMode() != null) {
            return List.of();
        }
        Map<?, ?> defs = s.definition().get("networks") instanceof Map<?, ?> m ? m : Map.of();
        List<String> keys = new ArrayList<>(s.networks().keySet());
        keys.sort(Comparator.<String>comparingInt(k -> -priority(defs.get(k))).thenComparing(Comparator.naturalOrder()));
        return keys;
    }

    private static int priority(Object def) {
        return def instanceof Map<?, ?> m && m.get("priority") instanceof Number n ? n.intValue() : 0;
    }

    private String networkMode(String project, String mode) throws IOException {
        if (mode.startsWith("service:")) {
            String svc = mode.substring("service:".length());
            for (Container c : serviceContainers(project, svc)) {
                return "container:" + c.id();
            }
            throw new NotFoundException("service \"" + svc + "\" has no container to share its network namespace with");
        }
        return mode;
    }

    private Map<String, String> labels(ComposeProject project, Service s, String hash, String imageId) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(PROJECT, project.name());
        labels.put(SERVICE, s.name());
        labels.put(CONFIG_HASH, hash);
        labels.put(ComposeLabels.WORKING_DIR, project.workingDirectory().toString());
        labels.put(ComposeLabels.CONFIG_FILES, String.join(",", project.configFiles().stream().map(Object::toString).toList()));
        if (!project.envFiles().isEmpty()) {
            labels.put(ComposeLabels.ENVIRONMENT_FILE, String.join(",", project.envFiles().stream().map(Object::toString).toList()));
        }
        labels.put(ComposeLabels.VERSION, version());
        List<String> deps = new ArrayList<>();
        s.dependsOn().forEach((k, d) -> deps.add(k + ":" + d.condition() + ":" + d.restart()));
        labels.put(DEPENDS_ON, String.join(",", deps));
        if (imageId != null) {
            labels.put(ComposeLabels.IMAGE, imageId);
        }
        return labels;
    }

    private String version() {
        Engine e = engine;
        return e == null ? "unknown" : e.version();
    }

    private void awaitRunning(ComposeProject project, Set<String> selected, Duration timeout, Progress progress,
                              List<String> failures) throws IOException, InterruptedException {
        Instant deadline = timeout == null ? null : Instant.now().plus(timeout);
        for (String svc : order(project, selected)) {
            for (Container c : serviceContainers(project.name(), svc)) {
                Duration left = deadline == null ? null : Duration.between(Instant.now(), deadline);
                if (left != null && left.isNegative()) {
                    failures.add("timeout waiting for containers of project \"" + project.name() + "\" to be healthy");
                    return;
                }
                progress.event("Container", c.name(), "Waiting");
                HealthStatus h = containers.awaitHealth(c.id(), left);
                Container now = containers.get(c.id());
                if (h == HealthStatus.UNHEALTHY) {
                    failures.add("container " + c.name() + " is unhealthy");
                } else if (now.state().status() != ContainerStatus.RUNNING) {
                    failures.add("container " + c.name() + " exited (" + now.state().exitCode() + ")");
                } else if (h == HealthStatus.STARTING) {
                    failures.add("timeout waiting for containers of project \"" + project.name() + "\" to be healthy");
                    return;
                } else {
                    progress.event("Container", c.name(), h == HealthStatus.HEALTHY ? "Healthy" : "Running");
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------ lifecycle

    @Override
    public void start(String project, List<String> services, Progress progress) throws IOException, InterruptedException {
        locked(project, () -> {
            List<Container> all = containers(project, services, true).stream()
                    .filter(c -> "False".equals(c.labels().get(ONEOFF))).toList();
            Map<String, List<Container>> bySvc = byService(all);
            Map<String, Set<String>> deps = labelDependencies(all);
            List<String> failures = new ArrayList<>();
            Map<String, Throwable> failed = Graph.walk(bySvc.keySet(), deps, svc -> {
                for (String dep : deps.getOrDefault(svc, Set.of())) {
                    if (bySvc.containsKey(dep)) {
                        String failure = awaitCondition(project, dep, condition(bySvc.get(svc).get(0), dep), progress);
                        if (failure != null) {
                            throw new InvalidArgumentException(failure);
                        }
                    }
                }
                startAll(bySvc.get(svc).stream().filter(c -> c.state().status() != ContainerStatus.RUNNING
                        && c.state().status() != ContainerStatus.PAUSED).toList(), progress);
            }, executor);
            failed.values().forEach(t -> failures.add(message(t)));
            if (!failures.isEmpty()) {
                throw new ComposeException(failures);
            }
        });
    }

    @Override
    public void stop(String project, List<String> services, Integer timeoutSeconds, Progress progress)
            throws IOException, InterruptedException {
        locked(project, () -> {
            List<Container> running = containers(project, services, false);
            reverse(running, c -> {
                progress.event("Container", c.name(), "Stopping");
                containers.stop(c.id(), timeoutSeconds);
                progress.event("Container", c.name(), "Stopped");
            });
        });
    }

    @Override
    public void restart(String project, List<String> services, Integer timeoutSeconds, Progress progress)
            throws IOException, InterruptedException {
        locked(project, () -> each(containers(project, services, true), c -> {
            progress.event("Container", c.name(), "Restarting");
            containers.restart(c.id(), timeoutSeconds);
            progress.event("Container", c.name(), "Started");
        }));
    }

    @Override
    public void kill(String project, List<String> services, String signal, Progress progress)
            throws IOException, InterruptedException {
        locked(project, () -> each(containers(project, services, false).stream()
                .filter(c -> c.state().status() != ContainerStatus.PAUSED).toList(), c -> {
            progress.event("Container", c.name(), "Killing");
            containers.kill(c.id(), signal);
            progress.event("Container", c.name(), "Killed");
        }));
    }

    @Override
    public void pause(String project, List<String> services, boolean pause, Progress progress)
            throws IOException, InterruptedException {
        ContainerStatus from = pause ? ContainerStatus.RUNNING : ContainerStatus.PAUSED;
        locked(project, () -> each(containers(project, services, true).stream()
                .filter(c -> c.state().status() == from).toList(), c -> {
            progress.event("Container", c.name(), pause ? "Pausing" : "Unpausing");
            if (pause) {
                containers.pause(c.id());
            } else {
                containers.unpause(c.id());
            }
            progress.event("Container", c.name(), pause ? "Paused" : "Unpaused");
        }));
    }

    @Override
    public List<String> remove(String project, List<String> services, boolean stop, boolean volumes, Progress progress)
            throws IOException, InterruptedException {
        List<String> removed = Collections.synchronizedList(new ArrayList<>());
        locked(project, () -> {
            if (stop) {
                stop(project, services, null, progress);
            }
            each(containers(project, services, true).stream().filter(c -> c.state().status() != ContainerStatus.RUNNING
                    && c.state().status() != ContainerStatus.PAUSED && c.state().status() != ContainerStatus.RESTARTING)
                    .toList(), c -> {
                progress.event("Container", c.name(), "Removing");
                containers.remove(c.id(), false, volumes);
                progress.event("Container", c.name(), "Removed");
                removed.add(c.name());
            });
        });
        return List.copyOf(removed);
    }

    @Override
    public void down(String project, ComposeProject model, DownOptions options, Progress progress)
            throws IOException, InterruptedException {
        locked(project, () -> {
            List<Container> all = new ArrayList<>(containers(project, List.of(), true));
            if (model != null) {
                List<Container> orphans = all.stream().filter(c -> !model.services().containsKey(c.labels().get(SERVICE))
                        && !model.disabledServices().contains(c.labels().get(SERVICE))).toList();
                if (!orphans.isEmpty() && !options.removeOrphans()) {
                    progress.warning("Found orphan containers (" + String.join(", ", orphans.stream().map(Container::name)
                            .toList()) + ") for this project. If you removed or renamed this service in your compose file, "
                            + "you can run this command with the --remove-orphans flag to clean it up.");
                    all.removeAll(orphans);
                }
            }
            Set<String> usedImages = new LinkedHashSet<>();
            all.forEach(c -> usedImages.add(c.image()));
            reverse(all, c -> stopAndRemove(c, options.timeoutSeconds(), options.volumes(), progress));
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
            if (options.volumes()) {
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
            if (options.removeImages() != null) {
                removeImages(project, model, options.removeImages(), usedImages, progress);
            }
        });
    }

    private void removeImages(String project, ComposeProject model, String which, Set<String> used, Progress progress)
            throws IOException {
        Set<String> remove = new LinkedHashSet<>();
        if (model != null) {
            for (Service s : model.services().values()) {
                if (s.image() == null) {
                    remove.add(project + "-" + s.name());
                } else if (which.equals("all")) {
                    remove.add(s.image());
                }
            }
        }
        if (which.equals("all")) {
            remove.addAll(used);
        }
        for (String image : remove) {
            if (!present(image)) {
                continue;
            }
            progress.event("Image", image, "Removing");
            try {
                images.remove(image, false, false);
                progress.event("Image", image, "Removed");
            } catch (ConflictException e) {
                progress.warning(e.getMessage());
            }
        }
    }

    private void stopAndRemove(Container c, Integer timeout, boolean volumes, Progress progress)
            throws IOException, InterruptedException {
        if (c.state().status() == ContainerStatus.RUNNING || c.state().status() == ContainerStatus.PAUSED
                || c.state().status() == ContainerStatus.RESTARTING) {
            progress.event("Container", c.name(), "Stopping");
            containers.stop(c.id(), timeout);
            progress.event("Container", c.name(), "Stopped");
        }
        progress.event("Container", c.name(), "Removing");
        try {
            containers.remove(c.id(), true, volumes);
        } catch (NotFoundException e) {
            // Removed meanwhile (auto-removal): as asked.
        }
        progress.event("Container", c.name(), "Removed");
    }

    // ------------------------------------------------------------------------------------------ run, pull, push

    @Override
    public Container run(ComposeProject project, RunOptions o, Progress progress) throws IOException, InterruptedException {
        Service s = service(project, o.service());
        String image = image(project, s, progress);
        Container[] made = new Container[1];
        locked(project.name(), () -> {
            Set<String> deps = new LinkedHashSet<>(selection(project, List.of(s.name()), false));
            deps.remove(s.name());
            if (!o.noDeps() && !deps.isEmpty()) {
                up(project, new UpOptions(List.copyOf(deps), Map.of(), false, false, false, false, true, false, null,
                        "missing", null), progress);
                awaitDependencies(project, s.name(), deps, progress);
            }
            List<String> failures = new ArrayList<>();
            pullMissing(project, Set.of(s.name()), Map.of(s.name(), image), "missing", progress, failures);
            if (!failures.isEmpty()) {
                throw new ComposeException(failures);
            }
            ensureNetworks(project, Set.of(s.name()), progress);
            ensureVolumes(project, Set.of(s.name()), progress);
            byte[] slug = new byte[32];
            RANDOM.nextBytes(slug);
            String hex = HexFormat.of().formatHex(slug);
            String name = o.name() != null ? o.name() : project.name() + "-" + s.name() + "-run-" + hex.substring(0, 12);
            String imageId = imageId(image);
            Map<String, String> labels = labels(project, s, ConfigHash.of(s), imageId);
            labels.put(ONEOFF, "True");
            labels.put(ComposeLabels.SLUG, hex);
            labels.putAll(o.labels());
            made[0] = make(project, s, image, name, name, labels, Map.of(), o.servicePorts(), request -> {
                List<String> env = new ArrayList<>(request.env());
                env.addAll(o.environment());
                CreateRequest.Builder b = request.toBuilder().env(env).tty(o.tty()).openStdin(o.interactive())
                        .stdinOnce(o.interactive()).detached(false)
                        .host(request.host().toBuilder().autoRemove(o.autoRemove()).restartPolicy(RestartPolicy.NO).build());
                if (o.command() != null) {
                    b.command(o.command());
                }
                if (o.entrypoint() != null) {
                    b.entrypoint(o.entrypoint());
                }
                if (o.user() != null) {
                    b.user(o.user());
                }
                if (o.workingDir() != null) {
                    b.workingDir(o.workingDir());
                }
                return b.build();
            });
        });
        return made[0];
    }

    @Override
    public void pull(ComposeProject project, List<String> services, boolean ignoreFailures, Progress progress)
            throws IOException, InterruptedException {
        transfer(project, services, ignoreFailures, progress, true);
    }

    @Override
    public void push(ComposeProject project, List<String> services, boolean ignoreFailures, Progress progress)
            throws IOException, InterruptedException {
        transfer(project, services, ignoreFailures, progress, false);
    }

    private void transfer(ComposeProject project, List<String> services, boolean ignoreFailures, Progress progress,
                          boolean pull) throws InterruptedException {
        services.forEach(s -> service(project, s));
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Void>> work = new ArrayList<>();
        for (String svc : order(project, services.isEmpty() ? project.services().keySet() : new HashSet<>(services))) {
            Service s = project.services().get(svc);
            if (s.image() == null) {
                progress.event("", svc, pull ? "Skipped - No image to be pulled" : "Skipped - No image to be pushed");
                continue;
            }
            work.add(CompletableFuture.runAsync(() -> {
                try {
                    if (pull) {
                        pull(s.image(), svc, progress);
                    } else {
                        Registry r = registry;
                        if (r == null) {
                            throw new UnavailableException("no registry client is available to push " + s.image());
                        }
                        progress.event("", svc, "Pushing");
                        r.push(ImageReference.parse(s.image()).withDefaultTag(), ProgressListener.NONE);
                        progress.event("", svc, "Pushed");
                    }
                } catch (Exception e) {
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                    }
                    if (ignoreFailures) {
                        progress.event("", svc, "Error");
                        progress.warning(message(e));
                    } else {
                        failures.add(message(e));
                    }
                }
            }, executor));
        }
        failures.addAll(joinAll(work));
        if (!failures.isEmpty()) {
            throw new ComposeException(failures);
        }
    }

    // ------------------------------------------------------------------------------------------ queries

    @Override
    public List<Container> containers(String project, List<String> services, boolean all) throws IOException {
        List<Container> found = new ArrayList<>();
        for (Container c : containers.list(ContainerListOptions.builder().all(all)
                .filters(Filters.of(Map.of("label", List.of(PROJECT + "=" + project)))).build())) {
            if (services.isEmpty() || services.contains(c.labels().get(SERVICE))) {
                found.add(c);
            }
        }
        found.sort(Comparator.comparing((Container c) -> "True".equals(c.labels().get(ONEOFF)))
                .thenComparing(c -> String.valueOf(c.labels().get(SERVICE))).thenComparingInt(LocalComposeService::number)
                .thenComparing(Container::name));
        return found;
    }

    /** A service's own containers (no one-off ones), by number. */
    private List<Container> serviceContainers(String project, String service) throws IOException {
        return containers(project, List.of(service), true).stream().filter(c -> !"True".equals(c.labels().get(ONEOFF)))
                .toList();
    }

    private static int number(Container c) {
        try {
            return Integer.parseInt(c.labels().getOrDefault(CONTAINER_NUMBER, "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public List<ProjectSummary> projects(boolean all) throws IOException {
        Map<String, Map<String, Integer>> states = new TreeMap<>();
        Map<String, String> files = new HashMap<>();
        for (Container c : containers.list(ContainerListOptions.builder().all(true)
                .filters(Filters.of(Map.of("label", List.of(PROJECT)))).build())) {
            String p = c.labels().get(PROJECT);
            states.computeIfAbsent(p, k -> new TreeMap<>()).merge(c.state().status().label(), 1, Integer::sum);
            files.putIfAbsent(p, c.labels().getOrDefault(ComposeLabels.CONFIG_FILES, ""));
        }
        List<ProjectSummary> out = new ArrayList<>();
        states.forEach((p, counts) -> {
            if (all || counts.containsKey("running")) {
                List<String> parts = new ArrayList<>();
                counts.forEach((state, n) -> parts.add(state + "(" + n + ")"));
                out.add(new ProjectSummary(p, String.join(", ", parts), files.get(p)));
            }
        });
        return out;
    }

    @Override
    public String configHash(Service service) {
        return ConfigHash.of(service);
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static Map<String, List<Container>> byService(List<Container> cs) {
        Map<String, List<Container>> out = new LinkedHashMap<>();
        cs.forEach(c -> out.computeIfAbsent(c.labels().get(SERVICE), k -> new ArrayList<>()).add(c));
        return out;
    }

    /** The dependencies containers' {@code depends_on} labels name, by service. */
    private static Map<String, Set<String>> labelDependencies(Collection<Container> cs) {
        Map<String, Set<String>> out = new HashMap<>();
        for (Container c : cs) {
            Set<String> deps = out.computeIfAbsent(c.labels().get(SERVICE), k -> new LinkedHashSet<>());
            String label = c.labels().getOrDefault(DEPENDS_ON, "");
            for (String d : label.split(",")) {
                if (!d.isBlank()) {
                    deps.add(d.split(":")[0]);
                }
            }
        }
        return out;
    }

    private static String condition(Container c, String dependency) {
        for (String d : c.labels().getOrDefault(DEPENDS_ON, "").split(",")) {
            String[] parts = d.split(":");
            if (parts[0].equals(dependency) && parts.length > 1) {
                return parts[1];
            }
        }
        return "service_started";
    }

    @FunctionalInterface
    private interface ContainerTask {
        void run(Container c) throws Exception;
    }

    /** Runs a task on the containers service by service, dependents first; the containers of a service together. */
    private void reverse(List<Container> cs, ContainerTask task) throws InterruptedException {
        Map<String, List<Container>> bySvc = byService(cs);
        Map<String, List<String>> before = Graph.reversed(labelDependencies(cs));
        List<String> failures = new ArrayList<>();
        Graph.walk(bySvc.keySet(), before, svc -> each(bySvc.get(svc), task), executor)
                .values().forEach(t -> failures.add(message(t)));
        if (!failures.isEmpty()) {
            throw new ComposeException(failures);
        }
    }

    /** Runs a task on each container, together; the failures after all have ended. */
    private void each(List<Container> cs, ContainerTask task) throws InterruptedException {
        List<CompletableFuture<Void>> work = new ArrayList<>();
        for (Container c : cs) {
            work.add(CompletableFuture.runAsync(() -> {
                try {
                    task.run(c);
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            }, executor));
        }
        List<String> failures = joinAll(work);
        if (!failures.isEmpty()) {
            throw new ComposeException(failures);
        }
    }

    /** Waits for every piece of work to end; the failures' messages, in the work's order. */
    private static List<String> joinAll(List<CompletableFuture<Void>> work) throws InterruptedException {
        List<String> failures = new ArrayList<>();
        for (CompletableFuture<Void> f : work) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                failures.add(message(e.getCause()));
            }
        }
        return failures;
    }

    @FunctionalInterface
    private interface Locked {
        void run() throws IOException, InterruptedException;
    }

    private void locked(String project, Locked work) throws IOException, InterruptedException {
        ReentrantLock lock = locks.computeIfAbsent(project, k -> new ReentrantLock());
        lock.lockInterruptibly();
        try {
            work.run();
        } finally {
            lock.unlock();
        }
    }

    /** A failure's message for the user: its own, or what it is when it has none. */
    static String message(Throwable t) {
        while ((t instanceof java.util.concurrent.CompletionException || t instanceof java.io.UncheckedIOException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof ComposeException c) {
            return String.join("\n", c.failures());
        }
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }
}
