package io.berth.shell.internal.commands;

import io.berth.api.ConflictException;
import io.berth.api.InvalidArgumentException;
import io.berth.api.NotFoundException;
import io.berth.api.UnavailableException;
import io.berth.api.compose.ComposeException;
import io.berth.api.compose.ComposeLabels;
import io.berth.api.compose.ComposeLoader;
import io.berth.api.compose.ComposeProject;
import io.berth.api.compose.ComposeRequest;
import io.berth.api.compose.ComposeService;
import io.berth.api.container.Container;
import io.berth.api.container.ContainerService;
import io.berth.api.container.ContainerStatus;
import io.berth.shell.internal.framework.CommandContext;
import io.berth.shell.internal.framework.UsageException;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import java.io.IOException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the compose command groups share: the services they call, a project read from the caller's
 * directory and flags (or named by {@code -p} alone), v2's progress and warnings on stderr, and the
 * failures of an operation printed as v2 prints them. One component that the three groups share,
 * holding the services for them.
 */
@Component(service = ComposeSupport.class)
public class ComposeSupport {
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ComposeLoader loader;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ComposeService compose;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ContainerService containers;

    ComposeLoader loader() {
        return available(loader, "compose");
    }

    ComposeService compose() {
        return available(compose, "compose");
    }

    ContainerService containers() {
        return available(containers, "containers");
    }

    static <T> T available(T service, String what) {
        if (service == null) {
            throw new UnavailableException("compose is not available: the " + what + " bundle (io.berth." + what
                    + ") is not running");
        }
        return service;
    }

    ComposeProject load(CommandContext ctx, ComposeFlags p, boolean interpolate) {
        List<String> files = nonEmpty(p.files());
        String stdin = files.contains(ComposeRequest.STDIN) ? standardInput(ctx) : null;
        ComposeProject project = loader().load(new ComposeRequest(ctx.cwd(), ctx.environment(), files,
                blankToNull(p.projectDirectory), blankToNull(p.projectName), nonEmpty(p.profile), nonEmpty(p.envFile),
                interpolate, stdin));
        project.warnings().forEach(w -> warn(ctx, w));
        return project;
    }

    /** {@code -f -}: the caller's standard input to its end, as the compose file (at most {@link #STDIN_LIMIT} bytes). */
    private static String standardInput(CommandContext ctx) {
        try {
            byte[] read = ctx.in().readNBytes(STDIN_LIMIT + 1);
            if (read.length > STDIN_LIMIT) {
                throw new InvalidArgumentException("-f -: the compose file on standard input is over "
                        + STDIN_LIMIT / (1024 * 1024) + " MiB");
            }
            return new String(read, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("-f -: cannot read standard input", e);
        }
    }

    static final int STDIN_LIMIT = 16 * 1024 * 1024;

    /**
     * The project's name for commands that act on what runs: read from its files when there are
     * some, else {@code -p} (or {@code COMPOSE_PROJECT_NAME}) alone, as v2 allows.
     */
    Named named(CommandContext ctx, ComposeFlags p) {
        try {
            ComposeProject project = load(ctx, p, true);
            return new Named(project.name(), project);
        } catch (NotFoundException e) {
            String name = blankToNull(p.projectName);
            if (name == null) {
                name = blankToNull(ctx.environment().get("COMPOSE_PROJECT_NAME"));
            }
            if (name == null || !p.files().isEmpty()) {
                throw e;
            }
            return new Named(name, null);
        }
    }

    record Named(String name, ComposeProject project) {
        void requireServices(List<String> services, List<Container> found) {
            for (String s : services) {
                boolean known = project != null ? project.services().containsKey(s)
                        : found.stream().anyMatch(c -> s.equals(c.labels().get(ComposeLabels.SERVICE)));
                if (!known) {
                    throw new NotFoundException("no such service: " + s);
                }
            }
        }
    }

    Named namedWithServices(CommandContext ctx, ComposeFlags p, List<String> services) throws IOException {
        Named n = named(ctx, p);
        n.requireServices(services, services.isEmpty() ? List.of() : compose().containers(n.name(), List.of(), true));
        return n;
    }

    static ComposeService.Progress progress(CommandContext ctx, ComposeFlags p) {
        PrintStream err = ctx.err();
        boolean quiet = "quiet".equals(p.progress);
        return new ComposeService.Progress() {
            @Override
            public void event(String resource, String name, String status) {
                if (!quiet) {
                    synchronized (err) {
                        err.println(" " + (resource.isEmpty() ? name + " " : resource + " " + name + "  ") + status);
                        err.flush();
                    }
                }
            }

            @Override
            public void warning(String message) {
                warn(ctx, message);
            }
        };
    }

    static void warn(CommandContext ctx, String message) {
        synchronized (ctx.err()) {
            ctx.err().println("WARN[0000] " + message);
            ctx.err().flush();
        }
    }

    /** Runs a compose operation: its failures printed one per line, as v2 prints them, and status 1. */
    static int failures(CommandContext ctx, Action action) throws IOException, InterruptedException {
        try {
            action.run();
            return 0;
        } catch (ComposeException e) {
            e.failures().forEach(ctx.err()::println);
            return 1;
        }
    }

    @FunctionalInterface
    interface Action {
        void run() throws IOException, InterruptedException;
    }

    static List<String> nonEmpty(List<String> values) {
        return values == null ? List.of() : values.stream().filter(v -> !v.isEmpty()).toList();
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    static Integer timeout(String value) {
        if (value.isEmpty()) {
            return null;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw UsageException.flag("invalid argument \"" + value + "\" for \"-t, --timeout\" flag: strconv.ParseInt: "
                    + "parsing \"" + value + "\": invalid syntax");
        }
    }

    static Map<String, Integer> scales(List<String> values) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String v : values) {
            int eq = v.indexOf('=');
            try {
                if (eq <= 0) {
                    throw new NumberFormatException();
                }
                out.put(v.substring(0, eq), Integer.parseInt(v.substring(eq + 1)));
            } catch (NumberFormatException e) {
                throw new InvalidArgumentException("invalid scale value \"" + v + "\": expected SERVICE=NUMBER");
            }
        }
        return out;
    }

    /** A service's container by its number ({@code --index}), running. */
    Container indexed(CommandContext ctx, ComposeFlags p, String service, int index) throws IOException {
        Named n = namedWithServices(ctx, p, List.of(service));
        for (Container c : compose().containers(n.name(), List.of(service), true)) {
            if (!"True".equals(c.labels().get(ComposeLabels.ONEOFF))
                    && String.valueOf(index).equals(c.labels().get(ComposeLabels.CONTAINER_NUMBER))) {
                if (c.state().status() != ContainerStatus.RUNNING) {
                    throw new ConflictException("service \"" + service + "\" is not running");
                }
                return c;
            }
        }
        throw new ConflictException("service \"" + service + "\" is not running");
    }

    /** What a command does to a project's services: its name, the service and v2's progress given. */
    @FunctionalInterface
    interface ProjectAction {
        void run(String project, ComposeService compose, ComposeService.Progress progress)
                throws IOException, InterruptedException;
    }

    /** Runs an action on the project's services (all when none named); status 1 with its failures. */
    int onServices(CommandContext ctx, ComposeFlags p, List<String> services, ProjectAction action)
            throws IOException, InterruptedException {
        Named n = namedWithServices(ctx, p, services);
        return failures(ctx, () -> action.run(n.name(), compose(), progress(ctx, p)));
    }
}
