package io.berth.containers.internal;

import io.berth.api.Filters;
import io.berth.api.InvalidArgumentException;
import io.berth.api.container.Container;
import io.berth.api.container.ContainerListOptions;
import io.berth.api.container.ContainerStatus;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * Docker's {@code ps} filters, as its daemon applies them ({@code daemon/list.go}), over a list of
 * containers newest first: which keys are taken and what their values must be, the regular
 * expressions of {@code id} and {@code name}, {@code before} and {@code since} by a container's
 * place in that order, {@code ancestor} through the images built on an image, and the limit.
 */
final class ContainerFilters {
    /** The keys {@code ps} takes. */
    static final Set<String> KEYS = Set.of("id", "name", "label", "status", "exited", "ancestor", "before", "since",
            "health", "network", "publish", "expose", "volume");
    private static final Set<String> HEALTH = Set.of("starting", "healthy", "unhealthy", "none");

    /** What the filters need to know beyond the containers listed. */
    interface Lookups {
        /**
         * A container by name or id.
         *
         * @throws io.berth.api.NotFoundException {@code No such container: NAME}
         */
        Container container(String idOrName);

        /** The ids of an image and of every image built on it, or an empty set if there is no such image. */
        Set<String> imageAndDescendants(String nameOrId);

        /** A network's name, given its name or id; the value itself if there is no such network. */
        default String networkName(String nameOrId) {
            return nameOrId;
        }
    }

    private final ContainerListOptions options;
    private final Predicate<Container> predicate;
    private final Instant before;
    private final Instant since;

    private ContainerFilters(ContainerListOptions options, Predicate<Container> predicate, Instant before, Instant since) {
        this.options = options;
        this.predicate = predicate;
        this.before = before;
        this.since = since;
    }

    /**
     * Checks the options and resolves what they name.
     *
     * @throws InvalidArgumentException for an unknown key or a bad value, in docker's words
     * @throws io.berth.api.NotFoundException for a {@code before} or {@code since} container that does not exist
     */
    static ContainerFilters of(ContainerListOptions options, Lookups lookups) {
        Filters f = options.filters().requireKnown(KEYS);
        for (String s : f.get("status")) {
            if (Arrays.stream(ContainerStatus.values()).noneMatch(v -> v.label().equals(s))) {
                throw new InvalidArgumentException("Invalid filter 'status=" + s + "'"); // docker's words
            }
        }
        for (String h : f.get("health")) {
            if (!HEALTH.contains(h)) {
                throw new InvalidArgumentException("Unrecognised filter value for health: " + h);
            }
        }
        List<Integer> exited = new ArrayList<>();
        for (String x : f.get("exited")) {
            try {
                exited.add(Integer.parseInt(x.strip()));
            } catch (NumberFormatException e) {
                throw new InvalidArgumentException("strconv.Atoi: parsing \"" + x + "\": invalid syntax");
            }
        }
        Instant before = f.has("before") ? lookups.container(f.get("before").get(0)).created() : null;
        Instant since = f.has("since") ? lookups.container(f.get("since").get(0)).created() : null;
        Set<String> ancestors = f.has("ancestor")
                ? f.get("ancestor").stream().flatMap(a -> lookups.imageAndDescendants(a).stream()).collect(Collectors.toSet())
                : null;
        Set<String> networks = f.get("network").stream().map(lookups::networkName).collect(Collectors.toSet());
        List<String> published = f.get("publish").stream().map(ContainerFilters::portKey).toList();
        List<String> exposed = f.get("expose").stream().map(ContainerFilters::portKey).toList();
        List<Pattern> ids = patterns(f.get("id"));
        List<Pattern> names = patterns(f.get("name"));
        Predicate<Container> p = c -> (ids.isEmpty() || ids.stream().anyMatch(x -> x.matcher(c.id()).find()))
                && (names.isEmpty() || names.stream().anyMatch(x -> x.matcher(c.name()).find() || x.matcher("/" + c.name()).find()))
                && f.labelsMatch(c.labels())
                && (!f.has("status") || f.get("status").contains(c.state().status().label()))
                && (exited.isEmpty() || c.state().status() == ContainerStatus.EXITED && exited.contains(c.state().exitCode()))
                && (ancestors == null || ancestors.contains(c.imageId()))
                && (!f.has("health") || f.get("health").contains(health(c)))
                && (networks.isEmpty() || c.networks().stream().anyMatch(networks::contains))
                && (published.isEmpty() || c.ports().stream().anyMatch(x -> x.hostPort() != 0 && published.contains(x.port())))
                && (exposed.isEmpty() || c.ports().stream().anyMatch(x -> exposed.contains(x.port())))
                && (!f.has("volume") || c.mountPoints().stream().anyMatch(m -> f.get("volume").contains(m.name())
                        || f.get("volume").contains(m.destination())));
        return new ContainerFilters(options, p, before, since);
    }

    /** Whether containers that are not running are listed: with {@code all}, a limit, or a status or exit filter. */
    boolean includesStopped() {
        Filters f = options.filters();
        return options.all() || options.limit() > 0 || f.has("status") || f.has("exited");
    }

    /** The containers, newest first, that pass: at most the limit. */
    List<Container> apply(List<Container> newestFirst) {
        List<Container> shown = new ArrayList<>();
        for (Container c : newestFirst) {
            if (options.limit() > 0 && shown.size() >= options.limit()) {
                break;
            }
            if (!includesStopped() && !running(c)) {
                continue;
            }
            if (before != null && !c.created().isBefore(before) || since != null && !c.created().isAfter(since)) {
                continue;
            }
            if (predicate.test(c)) {
                shown.add(c);
            }
        }
        return shown;
    }

    private static boolean running(Container c) {
        ContainerStatus s = c.state().status();
        return s == ContainerStatus.RUNNING || s == ContainerStatus.PAUSED || s == ContainerStatus.RESTARTING;
    }

    /** A container's health as docker's filter sees it: {@code none} without a health check (or never started with one). */
    private static String health(Container c) {
        return c.state().healthStatus().label();
    }

    /** Docker's regular expressions; one that does not compile matches nothing, as in its daemon. */
    /** A port filter's value as {@code 80/tcp}. */
    private static String portKey(String value) {
        String v = value.contains("/") ? value : value + "/tcp";
        if (!v.matches("\\d{1,5}/(tcp|udp|sctp)")) {
            throw new InvalidArgumentException("invalid port format: " + value);
        }
        return v;
    }

    private static List<Pattern> patterns(List<String> values) {
        List<Pattern> out = new ArrayList<>();
        for (String v : values) {
            try {
                out.add(Pattern.compile(v));
            } catch (PatternSyntaxException e) {
                out.add(Pattern.compile("(?!)"));
            }
        }
        return out;
    }

    /** The ids of images to match as ancestors, with a function giving an image's children. */
    static Set<String> descendants(String id, Function<String, List<String>> children) {
        Set<String> out = new java.util.LinkedHashSet<>();
        List<String> todo = new ArrayList<>(List.of(id));
        while (!todo.isEmpty()) {
            String next = todo.remove(todo.size() - 1);
            if (out.add(next)) {
                todo.addAll(children.apply(next));
            }
        }
        return out;
    }
}
