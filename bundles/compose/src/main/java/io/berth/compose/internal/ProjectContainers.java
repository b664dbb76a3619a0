package io.berth.compose.internal;

import io.berth.api.Filters;
import io.berth.api.compose.ComposeLabels;
import io.berth.api.compose.ComposeService;
import io.berth.api.container.Container;
import io.berth.api.container.ContainerListOptions;
import io.berth.api.container.ContainerService;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static io.berth.api.compose.ComposeLabels.CONTAINER_NUMBER;
import static io.berth.api.compose.ComposeLabels.DEPENDS_ON;
import static io.berth.api.compose.ComposeLabels.ONEOFF;
import static io.berth.api.compose.ComposeLabels.PROJECT;
import static io.berth.api.compose.ComposeLabels.SERVICE;

/**
 * A project's containers, found by their {@code com.docker.compose.*} labels (never by their names, so
 * docker compose's and Berth's alike), and what their labels say: service, number, dependencies.
 */
final class ProjectContainers {
    private final ContainerService containers;

    ProjectContainers(ContainerService containers) {
        this.containers = containers;
    }

    /**
     * The project's containers of those services (all when empty): service containers by service and number,
     * then one-off ones.
     *
     * @param all stopped containers too
     */
    List<Container> containers(String project, List<String> services, boolean all) throws IOException {
        List<Container> found = new ArrayList<>();
        for (Container c : containers.list(ContainerListOptions.builder().all(all)
                .filters(Filters.of(Map.of("label", List.of(PROJECT + "=" + project)))).build())) {
            if (services.isEmpty() || services.contains(c.labels().get(SERVICE))) {
                found.add(c);
            }
        }
        found.sort(Comparator.comparing((Container c) -> "True".equals(c.labels().get(ONEOFF)))
                .thenComparing(c -> String.valueOf(c.labels().get(SERVICE))).thenComparingInt(ProjectContainers::number)
                .thenComparing(Container::name));
        return found;
    }

    /** A service's own containers (no one-off ones), by number. */
    List<Container> serviceContainers(String project, String service) throws IOException {
        return containers(project, List.of(service), true).stream().filter(c -> !"True".equals(c.labels().get(ONEOFF)))
                .toList();
    }

    static int number(Container c) {
        try {
            return Integer.parseInt(c.labels().getOrDefault(CONTAINER_NUMBER, "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The projects that have containers, by name; with {@code all} those with none running too. */
    List<ComposeService.ProjectSummary> projects(boolean all) throws IOException {
        Map<String, Map<String, Integer>> states = new TreeMap<>();
        Map<String, String> files = new HashMap<>();
        for (Container c : containers.list(ContainerListOptions.builder().all(true)
                .filters(Filters.of(Map.of("label", List.of(PROJECT)))).build())) {
            String p = c.labels().get(PROJECT);
            states.computeIfAbsent(p, k -> new TreeMap<>()).merge(c.state().status().label(), 1, Integer::sum);
            files.putIfAbsent(p, c.labels().getOrDefault(ComposeLabels.CONFIG_FILES, ""));
        }
        List<ComposeService.ProjectSummary> out = new ArrayList<>();
        states.forEach((p, counts) -> {
            if (all || counts.containsKey("running")) {
                List<String> parts = new ArrayList<>();
                counts.forEach((state, n) -> parts.add(state + "(" + n + ")"));
                out.add(new ComposeService.ProjectSummary(p, String.join(", ", parts), files.get(p)));
            }
        });
        return out;
    }

    /** Containers by their service, in their order. */
    static Map<String, List<Container>> byService(List<Container> cs) {
        Map<String, List<Container>> out = new LinkedHashMap<>();
        cs.forEach(c -> out.computeIfAbsent(c.labels().get(SERVICE), k -> new ArrayList<>()).add(c));
        return out;
    }

    /** The dependencies containers' {@code depends_on} labels name, by service. */
    static Map<String, Set<String>> labelDependencies(Collection<Container> cs) {
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

    /** The condition a container's {@code depends_on} label names for a dependency ({@code service_started} if none). */
    static String condition(Container c, String dependency) {
        for (String d : c.labels().getOrDefault(DEPENDS_ON, "").split(",")) {
            String[] parts = d.split(":");
            if (parts[0].equals(dependency) && parts.length > 1) {
                return parts[1];
            }
        }
        return "service_started";
    }
}
