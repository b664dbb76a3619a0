package io.berth.compose.internal;

import io.berth.api.InvalidArgumentException;
import io.berth.api.NotFoundException;
import io.berth.api.compose.ComposeException;
import io.berth.api.compose.ComposeLabels;
import io.berth.api.compose.ComposeProject;
import io.berth.api.compose.ComposeProject.Service;
import io.berth.api.compose.ComposeService;
import io.berth.api.container.Container;
import io.berth.api.container.ContainerService;
import io.berth.api.container.ContainerStatus;
import io.berth.api.container.CreateRequest;
import io.berth.api.container.RestartPolicy;
import io.berth.api.engine.Engine;
import io.berth.api.image.ImageStore;
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
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import static io.berth.api.compose.ComposeLabels.ONEOFF;
import static io.berth.api.compose.ComposeLabels.SERVICE;

/**
 * The compose service: projects run by the engine's own services (containers, networks, volumes,
 * images, registry), as docker compose v2 runs them against a daemon. Operations on one project are
 * serialized; services of a project are worked on in parallel along their dependency graph. The
 * parts: {@link ProjectContainers} (found by labels), {@link ProjectResources} (networks, volumes),
 * {@link ProjectImages}, {@link Convergence} (a service's containers made, recreated, started, waited for).
 */
@Component(service = ComposeService.class)
public class LocalComposeService implements ComposeService {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ContainerService containers;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile Registry registry;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile Engine engine;
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    private final Parallel parallel = new Parallel();
    private final ProjectContainers listed;
    private final ProjectResources resources;
    private final ProjectImages images;
    private final Convergence convergence;

    @Activate
    public LocalComposeService(@Reference ContainerService containers, @Reference NetworkService networks,
                               @Reference VolumeService volumes, @Reference ImageStore images) {
        this.containers = containers;
        this.listed = new ProjectContainers(containers);
        this.resources = new ProjectResources(networks, volumes, this::version);
        this.images = new ProjectImages(images, () -> registry, parallel);
        this.convergence = new Convergence(containers, listed, this.images, parallel, this::version);
    }

    @Deactivate
    void deactivate() {
        parallel.shutdown();
    }

    private String version() {
        Engine e = engine;
        return e == null ? "unknown" : e.version();
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
            imageOf.put(name, images.image(project, s, progress));
            for (String path : ServiceRequests.ignored(s)) {
                progress.warning(path + " is not supported by Berth and is ignored");
            }
        }
        locked(project.name(), () -> {
            images.pullMissing(project, selected, imageOf, o.pull(), progress);
            orphans(project, o.removeOrphans(), progress);
            resources.ensureNetworks(project, selected, progress);
            resources.ensureVolumes(project, selected, progress);
            List<String> failures = parallel.walk(order(project, selected), dependencies(project), svc -> {
                convergence.awaitDependencies(project, svc, selected, progress);
                convergence.converge(project, project.services().get(svc), imageOf.get(svc), o, progress);
            });
            if (failures.isEmpty() && o.start() && o.waitHealthy()) {
                convergence.awaitRunning(project, selected, o.waitTimeout(), progress, failures);
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
        Map<String, Set<String>> dependencies = dependencies(project);
        Set<String> out = new LinkedHashSet<>();
        List<String> todo = new ArrayList<>(services);
        while (!todo.isEmpty()) {
            String s = todo.remove(0);
            if (out.add(s) && !noDeps) {
                todo.addAll(dependencies.getOrDefault(s, Set.of()));
            }
        }
        return out;
    }

    /** The project's services in file order, those of {@code selected}. */
    static List<String> order(ComposeProject project, Collection<String> selected) {
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

    /** Containers of the project whose service is gone: a warning, or removed with {@code --remove-orphans}. */
    private void orphans(ComposeProject project, boolean remove, Progress progress) throws IOException, InterruptedException {
        List<Container> orphans = orphans(project, listed.containers(project.name(), List.of(), true));
        if (orphans.isEmpty()) {
            return;
        }
        if (remove) {
            for (Container c : orphans) {
                convergence.stopAndRemove(c, null, false, progress);
            }
        } else {
            warnOrphans(orphans, progress);
        }
    }

    private static List<Container> orphans(ComposeProject project, List<Container> cs) {
        return cs.stream().filter(c -> !project.services().containsKey(c.labels().get(SERVICE))
                && !project.disabledServices().contains(c.labels().get(SERVICE))).toList();
    }

    private static void warnOrphans(List<Container> orphans, Progress progress) {
        progress.warning("Found orphan containers (" + String.join(", ", orphans.stream().map(Container::name).toList())
                + ") for this project. If you removed or renamed this service in your compose file, you can run this "
                + "command with the --remove-orphans flag to clean it up.");
    }

    // ------------------------------------------------------------------------------------------ lifecycle

    @Override
    public void start(String project, List<String> services, Progress progress) throws IOException, InterruptedException {
        locked(project, () -> {
            List<Container> all = listed.containers(project, services, true).stream()
                    .filter(c -> "False".equals(c.labels().get(ONEOFF))).toList();
            Map<String, List<Container>> bySvc = ProjectContainers.byService(all);
            Map<String, Set<String>> deps = ProjectContainers.labelDependencies(all);
            List<String> failures = parallel.walk(bySvc.keySet(), deps, svc -> {
                for (String dep : deps.getOrDefault(svc, Set.of())) {
                    if (bySvc.containsKey(dep)) {
                        String failure = convergence.awaitCondition(project, dep,
                                ProjectContainers.condition(bySvc.get(svc).get(0), dep), progress);
                        if (failure != null) {
                            throw new InvalidArgumentException(failure);
                        }
                    }
                }
                convergence.startAll(bySvc.get(svc).stream().filter(c -> c.state().status() != ContainerStatus.RUNNING
                        && c.state().status() != ContainerStatus.PAUSED).toList(), progress);
            });
            if (!failures.isEmpty()) {
                throw new ComposeException(failures);
            }
        });
    }

    @Override
    public void stop(String project, List<String> services, Integer timeoutSeconds, Progress progress)
            throws IOException, InterruptedException {
        locked(project, () -> reverse(listed.containers(project, services, false),
                step(progress, "Stopping", "Stopped", c -> containers.stop(c.id(), timeoutSeconds))));
    }

    @Override
    public void restart(String project, List<String> services, Integer timeoutSeconds, Progress progress)
            throws IOException, InterruptedException {
        locked(project, () -> parallel.each(listed.containers(project, services, true),
                step(progress, "Restarting", "Started", c -> containers.restart(c.id(), timeoutSeconds))));
    }

    @Override
    public void kill(String project, List<String> services, String signal, Progress progress)
            throws IOException, InterruptedException {
        locked(project, () -> parallel.each(listed.containers(project, services, false).stream()
                        .filter(c -> c.state().status() != ContainerStatus.PAUSED).toList(),
                step(progress, "Killing", "Killed", c -> containers.kill(c.id(), signal))));
    }

    @Override
    public void pause(String project, List<String> services, boolean pause, Progress progress)
            throws IOException, InterruptedException {
        locked(project, () -> parallel.each(withStatus(listed.containers(project, services, true),
                pause ? ContainerStatus.RUNNING : ContainerStatus.PAUSED), pause
                ? step(progress, "Pausing", "Paused", c -> containers.pause(c.id()))
                : step(progress, "Unpausing", "Unpaused", c -> containers.unpause(c.id()))));
    }

    @Override
    public List<String> remove(String project, List<String> services, boolean stop, boolean volumes, Progress progress)
            throws IOException, InterruptedException {
        List<String> removed = Collections.synchronizedList(new ArrayList<>());
        locked(project, () -> {
            if (stop) {
                stop(project, services, null, progress);
            }
            List<Container> stopped = listed.containers(project, services, true).stream()
                    .filter(c -> c.state().status() != ContainerStatus.RUNNING && c.state().status() != ContainerStatus.PAUSED
                            && c.state().status() != ContainerStatus.RESTARTING).toList();
            parallel.each(stopped, step(progress, "Removing", "Removed", c -> {
                containers.remove(c.id(), false, volumes);
                removed.add(c.name());
            }));
        });
        return List.copyOf(removed);
    }

    @Override
    public void down(String project, ComposeProject model, DownOptions options, Progress progress)
            throws IOException, InterruptedException {
        locked(project, () -> {
            List<Container> all = new ArrayList<>(listed.containers(project, List.of(), true));
            if (model != null) {
                List<Container> orphans = orphans(model, all);
                if (!orphans.isEmpty() && !options.removeOrphans()) {
                    warnOrphans(orphans, progress);
                    all.removeAll(orphans);
                }
            }
            Set<String> usedImages = new LinkedHashSet<>();
            all.forEach(c -> usedImages.add(c.image()));
            reverse(all, c -> convergence.stopAndRemove(c, options.timeoutSeconds(), options.volumes(), progress));
            resources.removeNetworks(project, model, progress);
            if (options.volumes()) {
                resources.removeVolumes(project, progress);
            }
            if (options.removeImages() != null) {
                images.removeImages(project, model, options.removeImages(), usedImages, progress);
            }
        });
    }

    // ------------------------------------------------------------------------------------------ run, pull, push

    @Override
    public Container run(ComposeProject project, RunOptions o, Progress progress) throws IOException, InterruptedException {
        Service s = service(project, o.service());
        String image = images.image(project, s, progress);
        Container[] made = new Container[1];
        locked(project.name(), () -> {
            Set<String> deps = new LinkedHashSet<>(selection(project, List.of(s.name()), false));
            deps.remove(s.name());
            if (!o.noDeps() && !deps.isEmpty()) {
                up(project, new UpOptions(List.copyOf(deps), Map.of(), false, false, false, false, true, false, null,
                        "missing", null), progress);
                convergence.awaitDependencies(project, s.name(), deps, progress);
            }
            images.pullMissing(project, Set.of(s.name()), Map.of(s.name(), image), "missing", progress);
            resources.ensureNetworks(project, Set.of(s.name()), progress);
            resources.ensureVolumes(project, Set.of(s.name()), progress);
            byte[] slug = new byte[32];
            RANDOM.nextBytes(slug);
            String hex = HexFormat.of().formatHex(slug);
            String name = o.name() != null ? o.name() : project.name() + "-" + s.name() + "-run-" + hex.substring(0, 12);
            Map<String, String> labels = convergence.labels(project, s, ConfigHash.of(s), images.imageId(image));
            labels.put(ONEOFF, "True");
            labels.put(ComposeLabels.SLUG, hex);
            labels.putAll(o.labels());
            made[0] = convergence.make(project, s, image, name, name, labels, Map.of(), o.servicePorts(),
                    request -> oneOff(request, o));
        });
        return made[0];
    }

    /** A service's container request as {@code run}'s options change it. */
    private static CreateRequest oneOff(CreateRequest request, RunOptions o) {
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
    }

    @Override
    public void pull(ComposeProject project, List<String> services, boolean ignoreFailures, Progress progress)
            throws InterruptedException {
        services.forEach(s -> service(project, s));
        images.transfer(project, services, ignoreFailures, progress, true);
    }

    @Override
    public void push(ComposeProject project, List<String> services, boolean ignoreFailures, Progress progress)
            throws InterruptedException {
        services.forEach(s -> service(project, s));
        images.transfer(project, services, ignoreFailures, progress, false);
    }

    // ------------------------------------------------------------------------------------------ queries

    @Override
    public List<Container> containers(String project, List<String> services, boolean all) throws IOException {
        return listed.containers(project, services, all);
    }

    @Override
    public List<ProjectSummary> projects(boolean all) throws IOException {
        return listed.projects(all);
    }

    @Override
    public String configHash(Service service) {
        return ConfigHash.of(service);
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static List<Container> withStatus(List<Container> cs, ContainerStatus status) {
        return cs.stream().filter(c -> c.state().status() == status).toList();
    }

    /** An action on a container told as v2 tells it: {@code before} then, once it is done, {@code after}. */
    private static Parallel.Task<Container> step(Progress progress, String before, String after, Parallel.Task<Container> action) {
        return c -> {
            progress.event("Container", c.name(), before);
            action.run(c);
            progress.event("Container", c.name(), after);
        };
    }

    /** Runs a task on the containers service by service, dependents first; the containers of a service together. */
    private void reverse(List<Container> cs, Parallel.Task<Container> task) throws InterruptedException {
        Map<String, List<Container>> bySvc = ProjectContainers.byService(cs);
        List<String> failures = parallel.walk(bySvc.keySet(), Graph.reversed(ProjectContainers.labelDependencies(cs)),
                svc -> parallel.each(bySvc.get(svc), task));
        if (!failures.isEmpty()) {
            throw new ComposeException(failures);
        }
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
}
