package io.berth.shell.internal.commands;

import io.berth.api.BerthException;
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
import io.berth.api.container.ExecRequest;
import io.berth.api.container.LogOptions;
import io.berth.api.event.EventQuery;
import io.berth.api.event.EventService;
import io.berth.api.image.Image;
import io.berth.api.image.ImageStore;
import io.berth.api.network.PortMapping;
import io.berth.api.runtime.ConsoleSize;
import io.berth.api.runtime.StartFailedException;
import io.berth.shell.internal.framework.Command;
import io.berth.shell.internal.framework.CommandContext;
import io.berth.shell.internal.framework.Commands;
import io.berth.shell.internal.framework.UsageException;
import io.berth.shell.internal.output.ContainerRows;
import io.berth.shell.internal.output.Formats;
import io.berth.shell.internal.output.Json;
import io.berth.shell.internal.output.Table;
import io.berth.shell.internal.output.Units;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The compose commands, as docker compose v2's: {@code compose up}, {@code down}, {@code ps},
 * {@code logs}... Compose's global flags ({@code -f}, {@code -p}, {@code --project-directory},
 * {@code --env-file}, {@code --profile}) go before or after the subcommand. Files, {@code .env} and
 * variables are the caller's: its working directory and environment. Progress and warnings go to
 * stderr as v2 prints them without a terminal ({@code  Container p-web-1  Started}); tables and logs
 * to stdout.
 */
@Component(service = Commands.class)
public class ComposeCommands implements Commands {
    private static final Map<String, String> PS_HEADERS = Map.ofEntries(Map.entry("Name", "NAME"), Map.entry("Image", "IMAGE"),
            Map.entry("Command", "COMMAND"), Map.entry("Service", "SERVICE"), Map.entry("RunningFor", "CREATED"),
            Map.entry("Status", "STATUS"), Map.entry("Ports", "PORTS"), Map.entry("ID", "CONTAINER ID"),
            Map.entry("State", "STATE"), Map.entry("Project", "PROJECT"), Map.entry("Health", "HEALTH"),
            Map.entry("ExitCode", "EXIT CODE"), Map.entry("Names", "NAMES"), Map.entry("Labels", "LABELS"));
    /** v2's log colours, in its order: cyan, yellow, green, magenta, blue, then their bright forms. */
    private static final String[] COLOURS = {"36", "33", "32", "35", "34", "36;1", "33;1", "32;1", "35;1", "34;1"};

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ComposeLoader loader;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ComposeService compose;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ContainerService containers;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ImageStore images;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile EventService events;

    /** The component, its services bound by DS. */
    public ComposeCommands() {
    }

    /** With the loader given (tests). */
    ComposeCommands(ComposeLoader loader) {
        this.loader = loader;
    }

    private ComposeLoader loader() {
        return available(loader, "compose");
    }

    private ComposeService compose() {
        return available(compose, "compose");
    }

    private ContainerService containers() {
        return available(containers, "containers");
    }

    private static <T> T available(T service, String what) {
        if (service == null) {
            throw new UnavailableException("compose is not available: the " + what + " bundle (io.berth." + what
                    + ") is not running");
        }
        return service;
    }

    // ------------------------------------------------------------------------------------------ project

    private ComposeProject load(CommandContext ctx, ComposeFlags p, boolean interpolate) {
        ComposeProject project = loader().load(new ComposeRequest(ctx.cwd(), ctx.environment(), nonEmpty(p.files()),
                blankToNull(p.projectDirectory), blankToNull(p.projectName), nonEmpty(p.profile), nonEmpty(p.envFile),
                interpolate));
        project.warnings().forEach(w -> warn(ctx, w));
        return project;
    }

    /**
     * The project's name for commands that act on what runs: read from its files when there are
     * some, else {@code -p} (or {@code COMPOSE_PROJECT_NAME}) alone, as v2 allows.
     */
    private Named named(CommandContext ctx, ComposeFlags p) {
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

    private record Named(String name, ComposeProject project) {
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

    private Named namedWithServices(CommandContext ctx, ComposeFlags p, List<String> services) throws IOException {
        Named n = named(ctx, p);
        n.requireServices(services, services.isEmpty() ? List.of() : compose().containers(n.name(), List.of(), true));
        return n;
    }

    private static ComposeService.Progress progress(CommandContext ctx, ComposeFlags p) {
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

    private static void warn(CommandContext ctx, String message) {
        synchronized (ctx.err()) {
            ctx.err().println("WARN[0000] " + message);
            ctx.err().flush();
        }
    }

    /** Runs a compose operation: its failures printed one per line, as v2 prints them, and status 1. */
    private static int failures(CommandContext ctx, Action action) throws IOException, InterruptedException {
        try {
            action.run();
            return 0;
        } catch (ComposeException e) {
            e.failures().forEach(ctx.err()::println);
            return 1;
        }
    }

    @FunctionalInterface
    private interface Action {
        void run() throws IOException, InterruptedException;
    }

    private static List<String> nonEmpty(List<String> values) {
        return values == null ? List.of() : values.stream().filter(v -> !v.isEmpty()).toList();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static Integer timeout(String value) {
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

    private static Map<String, Integer> scales(List<String> values) {
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

    // ------------------------------------------------------------------------------------------ config

    @Command(name = "compose config", usage = "[OPTIONS] [SERVICE...]", aliases = {"compose convert"})
    @Descriptor("Parse, resolve and render compose file in canonical format")
    public void config(CommandContext ctx, ProjectOptions p,
                       @Descriptor("Format the output. Values: [yaml | json]")
                       @Parameter(names = {"--format"}, absentValue = "yaml") String format,
                       @Descriptor("Only validate the configuration, don't print anything")
                       @Parameter(names = {"-q", "--quiet"}, absentValue = "false", presentValue = "true") boolean quiet,
                       @Descriptor("Print the service names, one per line")
                       @Parameter(names = {"--services"}, absentValue = "false", presentValue = "true") boolean services,
                       @Descriptor("Print the volume names, one per line")
                       @Parameter(names = {"--volumes"}, absentValue = "false", presentValue = "true") boolean volumes,
                       @Descriptor("Print the profile names, one per line")
                       @Parameter(names = {"--profiles"}, absentValue = "false", presentValue = "true") boolean profiles,
                       @Descriptor("Print the image names, one per line")
                       @Parameter(names = {"--images"}, absentValue = "false", presentValue = "true") boolean imageNames,
                       @Descriptor("Print the service config hash, one per line (\"*\" for all)")
                       @Parameter(names = {"--hash"}, absentValue = "") String hash,
                       @Descriptor("Don't interpolate environment variables")
                       @Parameter(names = {"--no-interpolate"}, absentValue = "false", presentValue = "true") boolean noInterpolate,
                       @Descriptor("Services to print (all when none)") List<String> only) {
        if (!format.equals("yaml") && !format.equals("json")) {
            throw UsageException.flag("unsupported format \"" + format + "\"");
        }
        ComposeProject project = load(ctx, p, !noInterpolate);
        for (String s : only) {
            if (!project.services().containsKey(s)) {
                throw new NotFoundException("no such service: " + s);
            }
        }
        if (quiet) {
            return;
        }
        if (services) {
            project.services().keySet().stream().filter(s -> only.isEmpty() || only.contains(s)).forEach(ctx.out()::println);
            return;
        }
        if (volumes) {
            project.volumes().keySet().forEach(ctx.out()::println);
            return;
        }
        if (profiles) {
            TreeSet<String> all = new TreeSet<>();
            project.services().values().forEach(s -> all.addAll(s.profiles()));
            all.forEach(ctx.out()::println);
            return;
        }
        if (imageNames) {
            project.services().values().forEach(s -> ctx.out().println(s.image() != null ? s.image()
                    : project.name() + "-" + s.name()));
            return;
        }
        if (!hash.isEmpty()) {
            for (ComposeProject.Service s : project.services().values()) {
                if (hash.equals("*") || List.of(hash.split(",")).contains(s.name())) {
                    ctx.out().println(s.name() + " " + compose().configHash(s));
                }
            }
            return;
        }
        ComposeProject shown = project;
        if (!only.isEmpty()) {
            Map<String, Object> model = new LinkedHashMap<>(project.model());
            Map<String, Object> chosen = new LinkedHashMap<>();
            @SuppressWarnings("unchecked")
            Map<String, Object> all = (Map<String, Object>) model.get("services");
            only.forEach(s -> chosen.put(s, all.get(s)));
            model.put("services", chosen);
            shown = new ComposeProject(project.name(), project.workingDirectory(), project.configFiles(), project.envFiles(),
                    project.services(), project.disabledServices(), project.networks(), project.volumes(),
                    project.secrets(), model, project.warnings());
        }
        String text = loader().render(shown, format);
        ctx.out().print(noInterpolate ? text.replace("$$", "$") : text);
        ctx.out().flush();
    }

    // ------------------------------------------------------------------------------------------ up, create, down

    @Command(name = "compose up", usage = "[OPTIONS] [SERVICE...]")
    @Descriptor("Create and start containers")
    public int up(CommandContext ctx, ProjectOptions p,
                  @Descriptor("Detached mode: Run containers in the background")
                  @Parameter(names = {"-d", "--detach"}, absentValue = "false", presentValue = "true") boolean detach,
                  @Descriptor("Scale SERVICE to NUM instances. Overrides the `scale` setting in the Compose file if present.")
                  @Parameter(names = {"--scale"}, absentValue = "") List<String> scale,
                  @Descriptor("Don't start linked services")
                  @Parameter(names = {"--no-deps"}, absentValue = "false", presentValue = "true") boolean noDeps,
                  @Descriptor("Recreate containers even if their configuration and image haven't changed")
                  @Parameter(names = {"--force-recreate"}, absentValue = "false", presentValue = "true") boolean forceRecreate,
                  @Descriptor("If containers already exist, don't recreate them")
                  @Parameter(names = {"--no-recreate"}, absentValue = "false", presentValue = "true") boolean noRecreate,
                  @Descriptor("Remove containers for services not defined in the Compose file")
                  @Parameter(names = {"--remove-orphans"}, absentValue = "false", presentValue = "true") boolean removeOrphans,
                  @Descriptor("Don't start the services after creating them")
                  @Parameter(names = {"--no-start"}, absentValue = "false", presentValue = "true") boolean noStart,
                  @Descriptor("Wait for services to be running|healthy. Implies detached mode.")
                  @Parameter(names = {"--wait"}, absentValue = "false", presentValue = "true") boolean await,
                  @Descriptor("Maximum duration in seconds to wait for the project to be running|healthy")
                  @Parameter(names = {"--wait-timeout"}, absentValue = "0") int waitTimeout,
                  @Descriptor("Pull image before running (\"always\"|\"missing\"|\"never\")")
                  @Parameter(names = {"--pull"}, absentValue = "missing") String pull,
                  @Descriptor("Use this timeout in seconds for container shutdown when attached or when containers are already running")
                  @Parameter(names = {"-t", "--timeout"}, absentValue = "") String timeout,
                  @Descriptor("Produce monochrome output")
                  @Parameter(names = {"--no-color"}, absentValue = "false", presentValue = "true") boolean noColor,
                  @Descriptor("Don't print prefix in logs")
                  @Parameter(names = {"--no-log-prefix"}, absentValue = "false", presentValue = "true") boolean noLogPrefix,
                  @Descriptor("Services to start (all when none)") List<String> services) throws IOException, InterruptedException {
        if (forceRecreate && noRecreate) {
            throw UsageException.flag("--force-recreate and --no-recreate are incompatible");
        }
        if (!List.of("always", "missing", "never", "build").contains(pull)) {
            throw UsageException.flag("invalid --pull option \"" + pull + "\"");
        }
        ComposeProject project = load(ctx, p, true);
        ComposeService.UpOptions options = new ComposeService.UpOptions(services, scales(scale), noDeps, forceRecreate,
                noRecreate, removeOrphans || isTrue(ctx.environment().get("COMPOSE_REMOVE_ORPHANS")), !noStart, await,
                waitTimeout > 0 ? Duration.ofSeconds(waitTimeout) : null, pull, timeout(timeout));
        int status = failures(ctx, () -> compose().up(project, options, progress(ctx, p)));
        if (status != 0 || detach || await || noStart) {
            return status;
        }
        return attached(ctx, p, project, services, noColor, noLogPrefix, timeout(timeout));
    }

    private static boolean isTrue(String v) {
        return v != null && (v.equals("1") || v.equalsIgnoreCase("true"));
    }

    /**
     * {@code up} without {@code -d}: the services' logs, prefixed, until every container has ended; on ^C
     * (the client's SIGINT) the project is stopped, as v2's "Gracefully stopping...".
     */
    private int attached(CommandContext ctx, ComposeFlags p, ComposeProject project, List<String> services,
                         boolean noColor, boolean noLogPrefix, Integer timeout) throws IOException, InterruptedException {
        List<Container> cs = compose().containers(project.name(), services, true).stream()
                .filter(c -> !"True".equals(c.labels().get(ComposeLabels.ONEOFF))).toList();
        ctx.out().println("Attaching to " + String.join(", ", cs.stream().map(c -> shortName(project.name(), c)).toList()));
        ctx.out().flush();
        try {
            follow(ctx, cs, colours(ctx, p, noColor), !noLogPrefix, false,
                    new LogOptions(true, 0, null, null), true);
        } catch (InterruptedException e) {
            Thread.interrupted();
            ctx.err().println("Gracefully stopping... (press Ctrl+C again to force)");
            compose().stop(project.name(), services, timeout, progress(ctx, p));
            return 130;
        }
        return 0;
    }

    @Command(name = "compose create", usage = "[OPTIONS] [SERVICE...]")
    @Descriptor("Creates containers for a service")
    public int create(CommandContext ctx, ProjectOptions p,
                      @Descriptor("Scale SERVICE to NUM instances. Overrides the `scale` setting in the Compose file if present.")
                      @Parameter(names = {"--scale"}, absentValue = "") List<String> scale,
                      @Descriptor("Recreate containers even if their configuration and image haven't changed")
                      @Parameter(names = {"--force-recreate"}, absentValue = "false", presentValue = "true") boolean forceRecreate,
                      @Descriptor("If containers already exist, don't recreate them")
                      @Parameter(names = {"--no-recreate"}, absentValue = "false", presentValue = "true") boolean noRecreate,
                      @Descriptor("Remove containers for services not defined in the Compose file")
                      @Parameter(names = {"--remove-orphans"}, absentValue = "false", presentValue = "true") boolean removeOrphans,
                      @Descriptor("Pull image before running (\"always\"|\"missing\"|\"never\")")
                      @Parameter(names = {"--pull"}, absentValue = "missing") String pull,
                      @Descriptor("Services to create (all when none)") List<String> services) throws IOException, InterruptedException {
        ComposeProject project = load(ctx, p, true);
        return failures(ctx, () -> compose().up(project, new ComposeService.UpOptions(services, scales(scale), false,
                forceRecreate, noRecreate, removeOrphans, false, false, null, pull, null), progress(ctx, p)));
    }

    @Command(name = "compose down", usage = "[OPTIONS] [SERVICES]")
    @Descriptor("Stop and remove containers, networks")
    public int down(CommandContext ctx, ProjectOptions p,
                    @Descriptor("Remove named volumes declared in the \"volumes\" section of the Compose file and anonymous volumes attached to containers")
                    @Parameter(names = {"-v", "--volumes"}, absentValue = "false", presentValue = "true") boolean volumes,
                    @Descriptor("Remove images used by services. \"local\" remove only images that don't have a custom tag (\"local\"|\"all\")")
                    @Parameter(names = {"--rmi"}, absentValue = "") String rmi,
                    @Descriptor("Remove containers for services not defined in the Compose file")
                    @Parameter(names = {"--remove-orphans"}, absentValue = "false", presentValue = "true") boolean removeOrphans,
                    @Descriptor("Specify a shutdown timeout in seconds")
                    @Parameter(names = {"-t", "--timeout"}, absentValue = "") String timeout) throws IOException, InterruptedException {
        if (!rmi.isEmpty() && !rmi.equals("local") && !rmi.equals("all")) {
            throw UsageException.flag("invalid value for --rmi: " + rmi);
        }
        Named n = named(ctx, p);
        return failures(ctx, () -> compose().down(n.name(), n.project(), new ComposeService.DownOptions(volumes,
                rmi.isEmpty() ? null : rmi, removeOrphans, timeout(timeout)), progress(ctx, p)));
    }

    // ------------------------------------------------------------------------------------------ ps, ls, images, top, port

    @Command(name = "compose ps", usage = "[OPTIONS] [SERVICE...]")
    @Descriptor("List containers")
    public void ps(CommandContext ctx, ProjectOptions p,
                   @Descriptor("Show all stopped containers (including those created by the run command)")
                   @Parameter(names = {"-a", "--all"}, absentValue = "false", presentValue = "true") boolean all,
                   @Descriptor("Only display IDs")
                   @Parameter(names = {"-q", "--quiet"}, absentValue = "false", presentValue = "true") boolean quiet,
                   @Descriptor("Display services")
                   @Parameter(names = {"--services"}, absentValue = "false", presentValue = "true") boolean servicesOnly,
                   @Descriptor("Format the output. Values: [table | json]")
                   @Parameter(names = {"--format"}, absentValue = "") String format,
                   @Descriptor("Filter services by status. Values: [paused | restarting | removing | running | dead | created | exited]")
                   @Parameter(names = {"--status"}, absentValue = "") List<String> status,
                   @Descriptor("Filter services by a property (supported filters: status)")
                   @Parameter(names = {"--filter"}, absentValue = "") List<String> filter,
                   @Descriptor("Don't truncate output")
                   @Parameter(names = {"--no-trunc"}, absentValue = "false", presentValue = "true") boolean noTrunc,
                   @Descriptor("Services to list (all when none)") List<String> services) throws IOException {
        Set<String> states = new LinkedHashSet<>(nonEmpty(status));
        for (String f : nonEmpty(filter)) {
            if (!f.startsWith("status=")) {
                throw new InvalidArgumentException("unsupported filter: " + f);
            }
            states.add(f.substring("status=".length()));
        }
        Named n = namedWithServices(ctx, p, services);
        List<Container> found = compose().containers(n.name(), services, all || !states.isEmpty()).stream()
                .filter(c -> states.isEmpty() || states.contains(c.state().status().label()))
                .filter(c -> all || !"True".equals(c.labels().get(ComposeLabels.ONEOFF))
                        || c.state().status() == io.berth.api.container.ContainerStatus.RUNNING).toList();
        if (quiet) {
            found.forEach(c -> ctx.out().println(c.id()));
            return;
        }
        if (servicesOnly) {
            new LinkedHashSet<>(found.stream().map(c -> c.labels().get(ComposeLabels.SERVICE)).toList()).forEach(ctx.out()::println);
            return;
        }
        Instant now = Instant.now();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Container c : found) {
            Map<String, Object> row = ContainerRows.row(c, noTrunc, -1, now);
            Map<String, Object> v2 = new LinkedHashMap<>();
            v2.put("Command", row.get("Command"));
            v2.put("CreatedAt", row.get("CreatedAt"));
            v2.put("ExitCode", c.state().exitCode());
            v2.put("Health", c.state().healthStatus() == io.berth.api.container.HealthStatus.NONE ? ""
                    : c.state().healthStatus().label());
            v2.put("ID", c.id());
            v2.put("Image", c.image());
            v2.put("Labels", row.get("Labels"));
            v2.put("LocalVolumes", row.get("LocalVolumes"));
            v2.put("Mounts", row.get("Mounts"));
            v2.put("Name", c.name());
            v2.put("Names", c.name());
            v2.put("Networks", row.get("Networks"));
            v2.put("Ports", row.get("Ports"));
            v2.put("Project", c.labels().get(ComposeLabels.PROJECT));
            List<Map<String, Object>> publishers = new ArrayList<>();
            for (PortMapping m : c.ports()) {
                Map<String, Object> pub = new LinkedHashMap<>();
                pub.put("URL", m.hostIp());
                pub.put("TargetPort", m.containerPort());
                pub.put("PublishedPort", m.hostPort());
                pub.put("Protocol", m.protocol());
                publishers.add(pub);
            }
            v2.put("Publishers", publishers);
            v2.put("RunningFor", row.get("RunningFor"));
            v2.put("Service", c.labels().get(ComposeLabels.SERVICE));
            v2.put("Size", row.get("Size"));
            v2.put("State", c.state().status().label());
            v2.put("Status", row.get("Status"));
            rows.add(v2);
        }
        if (!Formats.isDefaultTable(format)) {
            Formats.printRows(ctx.out(), format, rows, PS_HEADERS);
            return;
        }
        Table table = new Table("NAME", "IMAGE", "COMMAND", "SERVICE", "CREATED", "STATUS", "PORTS");
        for (Map<String, Object> r : rows) {
            table.row((String) r.get("Name"), (String) r.get("Image"), (String) r.get("Command"), (String) r.get("Service"),
                    (String) r.get("RunningFor"), (String) r.get("Status"), (String) r.get("Ports"));
        }
        table.print(ctx.out());
    }

    @Command(name = "compose ls", usage = "[OPTIONS]", maxArgs = 0)
    @Descriptor("List running compose projects")
    public void ls(CommandContext ctx,
                   @Descriptor("Show all stopped Compose projects")
                   @Parameter(names = {"-a", "--all"}, absentValue = "false", presentValue = "true") boolean all,
                   @Descriptor("Only display project names")
                   @Parameter(names = {"-q", "--quiet"}, absentValue = "false", presentValue = "true") boolean quiet,
                   @Descriptor("Format the output. Values: [table | json]")
                   @Parameter(names = {"--format"}, absentValue = "") String format,
                   @Descriptor("Filter output based on conditions provided (name=...)")
                   @Parameter(names = {"--filter"}, absentValue = "") List<String> filter) throws IOException {
        List<ComposeService.ProjectSummary> projects = new ArrayList<>(compose().projects(all));
        for (String f : nonEmpty(filter)) {
            if (!f.startsWith("name=")) {
                throw new InvalidArgumentException("invalid filter '" + f + "'");
            }
            projects.removeIf(s -> !s.name().contains(f.substring("name=".length())));
        }
        if (quiet) {
            projects.forEach(s -> ctx.out().println(s.name()));
            return;
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ComposeService.ProjectSummary s : projects) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("Name", s.name());
            row.put("Status", s.status());
            row.put("ConfigFiles", s.configFiles());
            rows.add(row);
        }
        if (format.equals("json")) {
            ctx.out().println(Json.line(rows));
            return;
        }
        if (!Formats.isDefaultTable(format)) {
            Formats.printRows(ctx.out(), format, rows, Map.of("Name", "NAME", "Status", "STATUS", "ConfigFiles", "CONFIG FILES"));
            return;
        }
        Table table = new Table("NAME", "STATUS", "CONFIG FILES");
        rows.forEach(r -> table.row((String) r.get("Name"), (String) r.get("Status"), (String) r.get("ConfigFiles")));
        table.print(ctx.out());
    }

    @Command(name = "compose images", usage = "[OPTIONS] [SERVICE...]")
    @Descriptor("List images used by the created containers")
    public void images(CommandContext ctx, ProjectOptions p,
                       @Descriptor("Only display IDs")
                       @Parameter(names = {"-q", "--quiet"}, absentValue = "false", presentValue = "true") boolean quiet,
                       @Descriptor("Format the output. Values: [table | json]")
                       @Parameter(names = {"--format"}, absentValue = "") String format,
                       @Descriptor("Services (all when none)") List<String> services) throws IOException {
        Named n = namedWithServices(ctx, p, services);
        List<Map<String, Object>> rows = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        for (Container c : compose().containers(n.name(), services, true)) {
            String id = c.imageId() == null ? "" : c.imageId();
            ids.add(id);
            String repository = c.image();
            String tag = "latest";
            int slash = repository.lastIndexOf('/');
            int colon = repository.lastIndexOf(':');
            if (colon > slash) {
                tag = repository.substring(colon + 1);
                repository = repository.substring(0, colon);
            }
            long size = 0;
            ImageStore is = images;
            if (is != null && !id.isEmpty()) {
                try {
                    Image image = is.get(id);
                    size = image.size();
                } catch (BerthException e) {
                    // Removed meanwhile: no size.
                }
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("ContainerName", c.name());
            row.put("Repository", repository);
            row.put("Tag", tag);
            row.put("ID", id.startsWith("sha256:") ? id.substring(7, 19) : id);
            row.put("Size", Units.humanSize(size));
            rows.add(row);
        }
        if (quiet) {
            ids.forEach(id -> ctx.out().println(id));
            return;
        }
        if (!Formats.isDefaultTable(format)) {
            Formats.printRows(ctx.out(), format, rows, Map.of("ContainerName", "CONTAINER", "Repository", "REPOSITORY",
                    "Tag", "TAG", "ID", "IMAGE ID", "Size", "SIZE"));
            return;
        }
        Table table = new Table("CONTAINER", "REPOSITORY", "TAG", "IMAGE ID", "SIZE");
        rows.forEach(r -> table.row((String) r.get("ContainerName"), (String) r.get("Repository"), (String) r.get("Tag"),
                (String) r.get("ID"), (String) r.get("Size")));
        table.print(ctx.out());
    }

    @Command(name = "compose top", usage = "[SERVICES...]")
    @Descriptor("Display the running processes")
    public void top(CommandContext ctx, ProjectOptions p,
                    @Descriptor("Services (all when none)") List<String> services) throws IOException, InterruptedException {
        Named n = namedWithServices(ctx, p, services);
        boolean first = true;
        for (Container c : compose().containers(n.name(), services, false)) {
            if (!first) {
                ctx.out().println();
            }
            first = false;
            ctx.out().println(c.name());
            ContainerCommands.printTop(ctx, containers(), c.id(), List.of());
        }
    }

    @Command(name = "compose port", usage = "[OPTIONS] SERVICE PRIVATE_PORT", minArgs = 2, maxArgs = 2)
    @Descriptor("Print the public port for a port binding")
    public int port(CommandContext ctx, ProjectOptions p,
                    @Descriptor("Index of the container if service has multiple replicas")
                    @Parameter(names = {"--index"}, absentValue = "1") int index,
                    @Descriptor("tcp or udp")
                    @Parameter(names = {"--protocol"}, absentValue = "tcp") String protocol,
                    @Descriptor("The service, then the port") List<String> args) throws IOException {
        Container c = indexed(ctx, p, args.get(0), index);
        int port;
        try {
            port = Integer.parseInt(args.get(1));
        } catch (NumberFormatException e) {
            throw new InvalidArgumentException("invalid port: " + args.get(1));
        }
        for (PortMapping m : c.ports()) {
            if (m.containerPort() == port && m.protocol().equals(protocol) && m.hostPort() > 0) {
                ctx.out().println((m.hostIp().isEmpty() ? "0.0.0.0" : m.hostIp()) + ":" + m.hostPort());
                return 0;
            }
        }
        throw new NotFoundException("no port " + port + "/" + protocol + " for container " + c.name());
    }

    /** A service's container by its number ({@code --index}), running. */
    private Container indexed(CommandContext ctx, ComposeFlags p, String service, int index) throws IOException {
        Named n = namedWithServices(ctx, p, List.of(service));
        for (Container c : compose().containers(n.name(), List.of(service), true)) {
            if (!"True".equals(c.labels().get(ComposeLabels.ONEOFF))
                    && String.valueOf(index).equals(c.labels().get(ComposeLabels.CONTAINER_NUMBER))) {
                if (c.state().status() != io.berth.api.container.ContainerStatus.RUNNING) {
                    throw new io.berth.api.ConflictException("service \"" + service + "\" is not running");
                }
                return c;
            }
        }
        throw new io.berth.api.ConflictException("service \"" + service + "\" is not running");
    }

    // ------------------------------------------------------------------------------------------ lifecycle

    @Command(name = "compose start", usage = "[SERVICE...]")
    @Descriptor("Start services")
    public int start(CommandContext ctx, ProjectOptions p,
                     @Descriptor("Services (all when none)") List<String> services) throws IOException, InterruptedException {
        Named n = namedWithServices(ctx, p, services);
        return failures(ctx, () -> compose().start(n.name(), services, progress(ctx, p)));
    }

    @Command(name = "compose stop", usage = "[OPTIONS] [SERVICE...]")
    @Descriptor("Stop services")
    public int stop(CommandContext ctx, ProjectOptions p,
                    @Descriptor("Specify a shutdown timeout in seconds")
                    @Parameter(names = {"-t", "--timeout"}, absentValue = "") String timeout,
                    @Descriptor("Services (all when none)") List<String> services) throws IOException, InterruptedException {
        Named n = namedWithServices(ctx, p, services);
        return failures(ctx, () -> compose().stop(n.name(), services, timeout(timeout), progress(ctx, p)));
    }

    @Command(name = "compose restart", usage = "[OPTIONS] [SERVICE...]")
    @Descriptor("Restart service containers")
    public int restart(CommandContext ctx, ProjectOptions p,
                       @Descriptor("Specify a shutdown timeout in seconds")
                       @Parameter(names = {"-t", "--timeout"}, absentValue = "") String timeout,
                       @Descriptor("Services (all when none)") List<String> services) throws IOException, InterruptedException {
        Named n = namedWithServices(ctx, p, services);
        return failures(ctx, () -> compose().restart(n.name(), services, timeout(timeout), progress(ctx, p)));
    }

    @Command(name = "compose kill", usage = "[OPTIONS] [SERVICE...]")
    @Descriptor("Force stop service containers")
    public int kill(CommandContext ctx, ProjectOptions p,
                    @Descriptor("SIGNAL to send to the container")
                    @Parameter(names = {"-s", "--signal"}, absentValue = "SIGKILL") String signal,
                    @Descriptor("Remove containers for services not defined in the Compose file")
                    @Parameter(names = {"--remove-orphans"}, absentValue = "false", presentValue = "true") boolean removeOrphans,
                    @Descriptor("Services (all when none)") List<String> services) throws IOException, InterruptedException {
        Named n = namedWithServices(ctx, p, services);
        return failures(ctx, () -> compose().kill(n.name(), services, signal, progress(ctx, p)));
    }

    @Command(name = "compose pause", usage = "[SERVICE...]")
    @Descriptor("Pause services")
    public int pause(CommandContext ctx, ProjectOptions p,
                     @Descriptor("Services (all when none)") List<String> services) throws IOException, InterruptedException {
        Named n = namedWithServices(ctx, p, services);
        return failures(ctx, () -> compose().pause(n.name(), services, true, progress(ctx, p)));
    }

    @Command(name = "compose unpause", usage = "[SERVICE...]")
    @Descriptor("Unpause services")
    public int unpause(CommandContext ctx, ProjectOptions p,
                       @Descriptor("Services (all when none)") List<String> services) throws IOException, InterruptedException {
        Named n = namedWithServices(ctx, p, services);
        return failures(ctx, () -> compose().pause(n.name(), services, false, progress(ctx, p)));
    }

    @Command(name = "compose rm", usage = "[OPTIONS] [SERVICE...]")
    @Descriptor("Removes stopped service containers")
    public int rm(CommandContext ctx, ProjectOptions.LongFile p,
                  @Descriptor("Don't ask to confirm removal")
                  @Parameter(names = {"-f", "--force"}, absentValue = "false", presentValue = "true") boolean force,
                  @Descriptor("Stop the containers, if required, before removing")
                  @Parameter(names = {"-s", "--stop"}, absentValue = "false", presentValue = "true") boolean stop,
                  @Descriptor("Remove any anonymous volumes attached to containers")
                  @Parameter(names = {"-v", "--volumes"}, absentValue = "false", presentValue = "true") boolean volumes,
                  @Descriptor("Services (all when none)") List<String> services) throws IOException, InterruptedException {
        Named n = namedWithServices(ctx, p, services);
        if (stop) {
            int status = failures(ctx, () -> compose().stop(n.name(), services, null, progress(ctx, p)));
            if (status != 0) {
                return status;
            }
        }
        List<String> stopped = compose().containers(n.name(), services, true).stream()
                .filter(c -> c.state().status() != io.berth.api.container.ContainerStatus.RUNNING
                        && c.state().status() != io.berth.api.container.ContainerStatus.PAUSED
                        && c.state().status() != io.berth.api.container.ContainerStatus.RESTARTING)
                .map(Container::name).toList();
        if (stopped.isEmpty()) {
            ctx.err().println("No stopped containers");
            return 0;
        }
        if (!force) {
            ctx.err().print("? Going to remove " + String.join(", ", stopped) + " [y/N] ");
            ctx.err().flush();
            StringBuilder answer = new StringBuilder();
            for (int b; (b = ctx.in().read()) >= 0 && b != '\n'; ) {
                answer.append((char) b);
            }
            if (!answer.toString().strip().toLowerCase(java.util.Locale.ROOT).startsWith("y")) {
                return 0;
            }
        }
        return failures(ctx, () -> compose().remove(n.name(), services, false, volumes, progress(ctx, p)));
    }

    @Command(name = "compose scale", usage = "[SERVICE=REPLICAS...]", minArgs = 1)
    @Descriptor("Scale services")
    public int scale(CommandContext ctx, ProjectOptions p,
                     @Descriptor("Don't start linked services")
                     @Parameter(names = {"--no-deps"}, absentValue = "false", presentValue = "true") boolean noDeps,
                     @Descriptor("SERVICE=REPLICAS, one or more") List<String> args) throws IOException, InterruptedException {
        ComposeProject project = load(ctx, p, true);
        Map<String, Integer> scale = scales(args);
        return failures(ctx, () -> compose().up(project, new ComposeService.UpOptions(List.copyOf(scale.keySet()), scale,
                noDeps, false, true, false, true, false, null, "missing", null), progress(ctx, p)));
    }

    // ------------------------------------------------------------------------------------------ logs, events

    @Command(name = "compose logs", usage = "[OPTIONS] [SERVICE...]")
    @Descriptor("View output from containers")
    public void logs(CommandContext ctx, ProjectOptions.LongFile p, LogFlags flags,
                     @Descriptor("Produce monochrome output")
                     @Parameter(names = {"--no-color"}, absentValue = "false", presentValue = "true") boolean noColor,
                     @Descriptor("Don't print prefix in logs")
                     @Parameter(names = {"--no-log-prefix"}, absentValue = "false", presentValue = "true") boolean noLogPrefix,
                     @Descriptor("Services (all when none)") List<String> services) throws IOException {
        Named n = namedWithServices(ctx, p, services);
        LogOptions options = flags.options();
        List<Container> cs = compose().containers(n.name(), services, true);
        try {
            follow(ctx, cs, colours(ctx, p, noColor), !noLogPrefix, flags.timestamps, options, flags.follow);
        } catch (InterruptedException e) {
            // ^C ends following.
        }
    }

    private static boolean colours(CommandContext ctx, ComposeFlags p, boolean noColor) {
        return !noColor && ("always".equals(p.ansi) || !"never".equals(p.ansi) && ctx.terminal().isOutputTerminal());
    }

    /** The name a container's log lines are prefixed with: {@code web-1}, as v2 shortens them. */
    private static String shortName(String project, Container c) {
        String prefix = project + "-";
        return c.name().startsWith(prefix) ? c.name().substring(prefix.length()) : c.name();
    }

    /**
     * The containers' logs, each line prefixed with its container's short name padded to the longest
     * ({@code web-1     | }), coloured on a terminal; one container after the other, or together
     * while they run with {@code together}.
     */
    private void follow(CommandContext ctx, List<Container> cs, boolean colour, boolean prefix, boolean timestamps,
                        LogOptions options, boolean together) throws IOException, InterruptedException {
        int width = 0;
        for (Container c : cs) {
            String project = c.labels().getOrDefault(ComposeLabels.PROJECT, "");
            width = Math.max(width, shortName(project, c).length());
        }
        List<PrefixedLog> sinks = new ArrayList<>();
        for (int i = 0; i < cs.size(); i++) {
            Container c = cs.get(i);
            String name = shortName(c.labels().getOrDefault(ComposeLabels.PROJECT, ""), c);
            String text = prefix ? String.format("%-" + width + "s | ", name) : "";
            if (colour && prefix) {
                text = "\033[" + COLOURS[i % COLOURS.length] + "m" + text + "\033[0m";
            }
            sinks.add(new PrefixedLog(ctx.out(), text, timestamps));
        }
        if (!together) {
            for (int i = 0; i < cs.size(); i++) {
                containers().logs(cs.get(i).id(), options, sinks.get(i));
                sinks.get(i).flush();
            }
            return;
        }
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < cs.size(); i++) {
            Container c = cs.get(i);
            PrefixedLog sink = sinks.get(i);
            Thread t = new Thread(() -> {
                try {
                    containers().logs(c.id(), options, sink);
                    sink.flush();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (IOException | BerthException e) {
                    // A container removed meanwhile ends its part.
                }
            }, "compose-logs-" + c.name());
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        try {
            for (Thread t : threads) {
                t.join();
            }
        } finally {
            threads.forEach(Thread::interrupt);
        }
    }

    /** A container's log lines, each after its prefix; whole lines only, written together. */
    private static final class PrefixedLog implements io.berth.api.container.LogSink {
        private final PrintStream out;
        private final byte[] prefix;
        private final boolean timestamps;
        private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();

        PrefixedLog(PrintStream out, String prefix, boolean timestamps) {
            this.out = out;
            this.prefix = prefix.getBytes(StandardCharsets.UTF_8);
            this.timestamps = timestamps;
        }

        @Override
        public void accept(io.berth.api.container.LogEntry e) {
            byte[] data = e.data();
            java.io.ByteArrayOutputStream lines = new java.io.ByteArrayOutputStream();
            int start = 0;
            for (int i = 0; i < data.length; i++) {
                if (data[i] == '\n') {
                    line(lines, e, data, start, i + 1);
                    start = i + 1;
                }
            }
            if (start < data.length) {
                // A partial line (no newline yet): kept for the next entry.
                if (pending.size() == 0) {
                    pending.writeBytes(header(e));
                }
                pending.write(data, start, data.length - start);
            }
            if (lines.size() > 0) {
                synchronized (out) {
                    out.write(lines.toByteArray(), 0, lines.size());
                    out.flush();
                }
            }
        }

        private void line(java.io.ByteArrayOutputStream lines, io.berth.api.container.LogEntry e, byte[] data, int from, int to) {
            if (pending.size() > 0) {
                lines.writeBytes(pending.toByteArray());
                pending.reset();
            } else {
                lines.writeBytes(header(e));
            }
            lines.write(data, from, to - from);
        }

        private byte[] header(io.berth.api.container.LogEntry e) {
            String ts = timestamps ? io.berth.views.Times.rfc3339Fixed(e.time()) + " " : "";
            byte[] t = ts.getBytes(StandardCharsets.UTF_8);
            byte[] h = new byte[prefix.length + t.length];
            System.arraycopy(prefix, 0, h, 0, prefix.length);
            System.arraycopy(t, 0, h, prefix.length, t.length);
            return h;
        }

        @Override
        public void flush() {
            if (pending.size() > 0) {
                synchronized (out) {
                    out.write(pending.toByteArray(), 0, pending.size());
                    out.write('\n');
                    out.flush();
                }
                pending.reset();
            }
        }
    }

    @Command(name = "compose events", usage = "[OPTIONS] [SERVICE...]")
    @Descriptor("Receive real time events from containers")
    public void events(CommandContext ctx, ProjectOptions p,
                       @Descriptor("Output events as a stream of json objects")
                       @Parameter(names = {"--json"}, absentValue = "false", presentValue = "true") boolean json,
                       @Descriptor("Services (all when none)") List<String> services) throws InterruptedException, IOException {
        Named n = namedWithServices(ctx, p, services);
        EventService service = available(events, "events");
        Map<String, List<String>> filters = new LinkedHashMap<>();
        filters.put("type", List.of("container"));
        filters.put("label", List.of(ComposeLabels.PROJECT + "=" + n.name()));
        PrintStream out = ctx.out();
        DateTimeFormatter time = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneId.systemDefault());
        try (EventService.Subscription s = service.subscribe(new EventQuery(Instant.now(), null, filters), e -> {
            String svc = e.attributes().get(ComposeLabels.SERVICE);
            if (!services.isEmpty() && !services.contains(svc)) {
                return;
            }
            Map<String, String> attributes = new java.util.TreeMap<>();
            e.attributes().forEach((k, v) -> {
                if (!k.startsWith(ComposeLabels.PREFIX)) {
                    attributes.put(k, v);
                }
            });
            String text;
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("action", e.action());
                m.put("attributes", attributes);
                m.put("id", e.actorId());
                m.put("service", svc);
                m.put("time", e.time().toString());
                m.put("type", "container");
                text = Json.line(m);
            } else {
                List<String> pairs = new ArrayList<>();
                attributes.forEach((k, v) -> pairs.add(k + "=" + v));
                text = time.format(e.time()) + " container " + e.action() + " " + e.actorId()
                        + " (" + String.join(", ", pairs) + ")";
            }
            synchronized (out) {
                out.println(text);
                out.flush();
            }
        })) {
            s.awaitEnd();
        }
    }

    // ------------------------------------------------------------------------------------------ exec, run

    @Command(name = "compose exec", usage = "[OPTIONS] SERVICE COMMAND [ARGS...]", minArgs = 2, interspersed = false)
    @Descriptor("Execute a command in a running container")
    public int exec(CommandContext ctx, ProjectOptions p,
                    @Descriptor("Detached mode: Run command in the background")
                    @Parameter(names = {"-d", "--detach"}, absentValue = "false", presentValue = "true") boolean detach,
                    @Descriptor("Disable pseudo-TTY allocation. By default `docker compose exec` allocates a TTY.")
                    @Parameter(names = {"-T", "--no-TTY"}, absentValue = "false", presentValue = "true") boolean noTty,
                    @Descriptor("Keep STDIN open even if not attached")
                    @Parameter(names = {"-i", "--interactive"}, absentValue = "true", presentValue = "true") boolean interactive,
                    @Descriptor("Index of the container if service has multiple replicas")
                    @Parameter(names = {"--index"}, absentValue = "1") int index,
                    @Descriptor("Set environment variables")
                    @Parameter(names = {"-e", "--env"}, absentValue = "") List<String> env,
                    @Descriptor("Run the command as this user")
                    @Parameter(names = {"-u", "--user"}, absentValue = "") String user,
                    @Descriptor("Path to workdir directory for this command")
                    @Parameter(names = {"-w", "--workdir"}, absentValue = "") String workdir,
                    @Descriptor("Give extended privileges to the process")
                    @Parameter(names = {"--privileged"}, absentValue = "false", presentValue = "true") boolean privileged,
                    @Descriptor("The service, then the command and its arguments") List<String> args) throws IOException {
        Container c = indexed(ctx, p, args.get(0), index);
        boolean tty = !noTty && ctx.terminal().isInputTerminal();
        io.berth.shell.internal.framework.Terminal term = ctx.terminal();
        ConsoleSize size = tty && term.width() > 0 && term.height() > 0 ? new ConsoleSize(term.height(), term.width()) : null;
        ExecRequest request = ExecRequest.builder(args.subList(1, args.size())).env(withCallerValues(ctx, nonEmpty(env)))
                .user(blankToNull(user)).workingDir(blankToNull(workdir)).tty(tty).stdin(interactive && !detach)
                .privileged(privileged).size(size).build();
        ContainerService.Attached a;
        try {
            a = containers().exec(c.id(), request);
        } catch (StartFailedException e) {
            ctx.out().println(e.getMessage());
            return 126;
        }
        if (detach) {
            a.io().close();
            return 0;
        }
        try {
            return new Interaction(ctx, a, interactive && !detach, Interaction.detachKeys(ContainerCommands.DEFAULT_DETACH_KEYS))
                    .run(() -> { });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    /** {@code -e NAME} takes NAME's value from the caller's environment, as docker does (left out when unset). */
    private static List<String> withCallerValues(CommandContext ctx, List<String> env) {
        List<String> out = new ArrayList<>();
        for (String e : env) {
            if (e.contains("=")) {
                out.add(e);
            } else if (ctx.environment().containsKey(e)) {
                out.add(e + "=" + ctx.environment().get(e));
            }
        }
        return out;
    }

    @Command(name = "compose run", usage = "[OPTIONS] SERVICE [COMMAND] [ARGS...]", minArgs = 1, interspersed = false)
    @Descriptor("Run a one-off command on a service")
    public int run(CommandContext ctx, ProjectOptions p,
                   @Descriptor("Run container in background and print container ID")
                   @Parameter(names = {"-d", "--detach"}, absentValue = "false", presentValue = "true") boolean detach,
                   @Descriptor("Automatically remove the container when it exits")
                   @Parameter(names = {"--rm"}, absentValue = "false", presentValue = "true") boolean remove,
                   @Descriptor("Set environment variables")
                   @Parameter(names = {"-e", "--env"}, absentValue = "") List<String> env,
                   @Descriptor("Add or override a label")
                   @Parameter(names = {"-l", "--label"}, absentValue = "") List<String> label,
                   @Descriptor("Override the entrypoint of the image")
                   @Parameter(names = {"--entrypoint"}, absentValue = "\0") String entrypoint,
                   @Descriptor("Assign a name to the container")
                   @Parameter(names = {"--name"}, absentValue = "") String name,
                   @Descriptor("Don't start linked services")
                   @Parameter(names = {"--no-deps"}, absentValue = "false", presentValue = "true") boolean noDeps,
                   @Descriptor("Disable pseudo-TTY allocation (default: auto-detected)")
                   @Parameter(names = {"-T", "--no-TTY"}, absentValue = "false", presentValue = "true") boolean noTty,
                   @Descriptor("Keep STDIN open even if not attached")
                   @Parameter(names = {"-i", "--interactive"}, absentValue = "true", presentValue = "true") boolean interactive,
                   @Descriptor("Run as specified username or uid")
                   @Parameter(names = {"-u", "--user"}, absentValue = "") String user,
                   @Descriptor("Working directory inside the container")
                   @Parameter(names = {"-w", "--workdir"}, absentValue = "") String workdir,
                   @Descriptor("Run command with all service's ports enabled and mapped to the host")
                   @Parameter(names = {"-P", "--service-ports"}, absentValue = "false", presentValue = "true") boolean servicePorts,
                   @Descriptor("The service, then the command and its arguments") List<String> args)
            throws IOException, InterruptedException {
        ComposeProject project = load(ctx, p, true);
        boolean tty = !noTty && !detach && ctx.terminal().isInputTerminal();
        Map<String, String> labels = new LinkedHashMap<>();
        for (String l : nonEmpty(label)) {
            int eq = l.indexOf('=');
            labels.put(eq < 0 ? l : l.substring(0, eq), eq < 0 ? "" : l.substring(eq + 1));
        }
        List<String> entry = entrypoint.equals("\0") ? null
                : entrypoint.isEmpty() ? List.of() : words(entrypoint);
        ComposeService.RunOptions options = new ComposeService.RunOptions(args.get(0),
                args.size() > 1 ? args.subList(1, args.size()) : null, entry, withCallerValues(ctx, nonEmpty(env)),
                blankToNull(name), blankToNull(user), blankToNull(workdir), servicePorts, noDeps, remove, tty,
                interactive && !detach, labels);
        Container[] made = new Container[1];
        int status = failures(ctx, () -> made[0] = compose().run(project, options, progress(ctx, p)));
        if (status != 0) {
            return status;
        }
        Container c = made[0];
        if (detach) {
            containers().start(c.id());
            ctx.out().println(c.name());
            return 0;
        }
        io.berth.shell.internal.framework.Terminal term = ctx.terminal();
        ConsoleSize size = term.width() > 0 && term.height() > 0 ? new ConsoleSize(term.height(), term.width()) : null;
        ContainerService.Attached a;
        try {
            a = containers().attach(c.id(), options.interactive(), size, true);
        } catch (StartFailedException e) {
            ctx.err().println("Error: " + e.getMessage());
            return e.exitCode() == 126 || e.exitCode() == 127 ? e.exitCode() : 125;
        }
        try {
            return new Interaction(ctx, a, options.interactive(), Interaction.detachKeys(ContainerCommands.DEFAULT_DETACH_KEYS))
                    .run(() -> containers().kill(c.id(), "INT"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    /** A command line split into words as a POSIX shell splits it: quotes and backslashes, no expansion. */
    static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder word = null;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quote == 0 && Character.isWhitespace(ch)) {
                if (word != null) {
                    out.add(word.toString());
                    word = null;
                }
                continue;
            }
            word = word == null ? new StringBuilder() : word;
            if (quote == 0 && (ch == '\'' || ch == '"')) {
                quote = ch;
            } else if (ch == quote) {
                quote = 0;
            } else if (ch == '\\' && quote != '\'' && i + 1 < line.length()) {
                word.append(line.charAt(++i));
            } else {
                word.append(ch);
            }
        }
        if (quote != 0) {
            throw new InvalidArgumentException("invalid command line string: unterminated quote in " + line);
        }
        if (word != null) {
            out.add(word.toString());
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------ pull, push

    @Command(name = "compose pull", usage = "[OPTIONS] [SERVICE...]")
    @Descriptor("Pull service images")
    public int pull(CommandContext ctx, ProjectOptions p,
                    @Descriptor("Pull what it can and ignores images with pull failures")
                    @Parameter(names = {"--ignore-pull-failures"}, absentValue = "false", presentValue = "true") boolean ignore,
                    @Descriptor("Pull without printing progress information")
                    @Parameter(names = {"-q", "--quiet"}, absentValue = "false", presentValue = "true") boolean quiet,
                    @Descriptor("Services (all when none)") List<String> services) throws IOException, InterruptedException {
        ComposeProject project = load(ctx, p, true);
        ComposeService.Progress progress = quiet ? ComposeService.Progress.NONE : progress(ctx, p);
        return failures(ctx, () -> compose().pull(project, services, ignore, progress));
    }

    @Command(name = "compose push", usage = "[OPTIONS] [SERVICE...]")
    @Descriptor("Push service images")
    public int push(CommandContext ctx, ProjectOptions p,
                    @Descriptor("Push what it can and ignores images with push failures")
                    @Parameter(names = {"--ignore-push-failures"}, absentValue = "false", presentValue = "true") boolean ignore,
                    @Descriptor("Push without printing progress information")
                    @Parameter(names = {"-q", "--quiet"}, absentValue = "false", presentValue = "true") boolean quiet,
                    @Descriptor("Services (all when none)") List<String> services) throws IOException, InterruptedException {
        ComposeProject project = load(ctx, p, true);
        ComposeService.Progress progress = quiet ? ComposeService.Progress.NONE : progress(ctx, p);
        return failures(ctx, () -> compose().push(project, services, ignore, progress));
    }
}
