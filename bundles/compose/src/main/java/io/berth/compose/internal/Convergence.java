package io.berth.compose.internal;

import io.berth.api.BerthException;
import io.berth.api.InvalidArgumentException;
import io.berth.api.NotFoundException;
import io.berth.api.compose.ComposeLabels;
import io.berth.api.compose.ComposeProject;
import io.berth.api.compose.ComposeProject.Service;
import io.berth.api.compose.ComposeService;
import io.berth.api.compose.ComposeService.Progress;
import io.berth.api.container.Container;
import io.berth.api.container.ContainerService;
import io.berth.api.container.ContainerStatus;
import io.berth.api.container.CreateRequest;
import io.berth.api.container.HealthStatus;
import io.berth.api.container.MountPoint;
import io.berth.api.network.EndpointSettings;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import static io.berth.api.compose.ComposeLabels.CONFIG_HASH;
import static io.berth.api.compose.ComposeLabels.CONTAINER_NUMBER;
import static io.berth.api.compose.ComposeLabels.DEPENDS_ON;
import static io.berth.api.compose.ComposeLabels.ONEOFF;
import static io.berth.api.compose.ComposeLabels.PROJECT;
import static io.berth.api.compose.ComposeLabels.SERVICE;

/**
 * A service's containers brought to what its project says, as v2's convergence: made, recreated
 * when their configuration or image changed, scaled, started; and the waits of {@code depends_on}
 * and {@code --wait}.
 */
final class Convergence {
    private final ContainerService containers;
    private final ProjectContainers listed;
    private final ProjectImages images;
    private final Parallel parallel;
    private final Supplier<String> version;

    Convergence(ContainerService containers, ProjectContainers listed, ProjectImages images, Parallel parallel,
                Supplier<String> version) {
        this.containers = containers;
        this.listed = listed;
        this.images = images;
        this.parallel = parallel;
        this.version = version;
    }

    /** Waits for what a service's {@code depends_on} conditions ask of the services it depends on. */
    void awaitDependencies(ComposeProject project, String svc, Set<String> selected, Progress progress)
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
    String awaitCondition(String project, String dependency, String condition, Progress progress)
            throws IOException, InterruptedException {
        List<Container> cs = listed.serviceContainers(project, dependency);
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
    void converge(ComposeProject project, Service s, String image, ComposeService.UpOptions o, Progress progress)
            throws IOException, InterruptedException {
        int expected = o.scale().getOrDefault(s.name(), s.replicas() == null ? 1 : s.replicas());
        String hash = ConfigHash.of(s);
        String imageId = images.imageId(image);
        List<Container> existing = new ArrayList<>(listed.serviceContainers(project.name(), s.name()));
        while (existing.size() > expected) {
            Container c = existing.remove(existing.size() - 1);
            stopAndRemove(c, o.timeoutSeconds(), false, progress);
        }
        List<Container> toStart = new ArrayList<>();
        Set<Integer> used = new HashSet<>();
        for (Container c : existing) {
            int number = ProjectContainers.number(c);
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

    /** Starts the containers together. */
    void startAll(List<Container> toStart, Progress progress) throws InterruptedException {
        parallel.each(toStart, c -> {
            progress.event("Container", c.name(), "Starting");
            containers.start(c.id());
            progress.event("Container", c.name(), "Started");
        });
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

    Container make(ComposeProject project, Service s, String image, String name, String aliasName,
                           Map<String, String> labels, Map<String, String> anonymous, boolean publish,
                           UnaryOperator<CreateRequest> adjust) throws IOException {
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
            for (Container c : listed.serviceContainers(project, svc)) {
                return "container:" + c.id();
            }
            throw new NotFoundException("service \"" + svc + "\" has no container to share its network namespace with");
        }
        return mode;
    }

    Map<String, String> labels(ComposeProject project, Service s, String hash, String imageId) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(PROJECT, project.name());
        labels.put(SERVICE, s.name());
        labels.put(CONFIG_HASH, hash);
        labels.put(ComposeLabels.WORKING_DIR, project.workingDirectory().toString());
        labels.put(ComposeLabels.CONFIG_FILES, String.join(",", project.configFiles().stream().map(Object::toString).toList()));
        if (!project.envFiles().isEmpty()) {
            labels.put(ComposeLabels.ENVIRONMENT_FILE, String.join(",", project.envFiles().stream().map(Object::toString).toList()));
        }
        labels.put(ComposeLabels.VERSION, version.get());
        List<String> deps = new ArrayList<>();
        s.dependsOn().forEach((k, d) -> deps.add(k + ":" + d.condition() + ":" + d.restart()));
        labels.put(DEPENDS_ON, String.join(",", deps));
        if (imageId != null) {
            labels.put(ComposeLabels.IMAGE, imageId);
        }
        return labels;
    }

    void awaitRunning(ComposeProject project, Set<String> selected, Duration timeout, Progress progress,
                              List<String> failures) throws IOException, InterruptedException {
        Instant deadline = timeout == null ? null : Instant.now().plus(timeout);
        for (String svc : LocalComposeService.order(project, selected)) {
            for (Container c : listed.serviceContainers(project.name(), svc)) {
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

    void stopAndRemove(Container c, Integer timeout, boolean volumes, Progress progress)
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
}
