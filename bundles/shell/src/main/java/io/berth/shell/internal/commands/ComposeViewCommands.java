package io.berth.shell.internal.commands;

import io.berth.api.BerthException;
import io.berth.api.InvalidArgumentException;
import io.berth.api.NotFoundException;
import io.berth.api.compose.ComposeLabels;
import io.berth.api.compose.ComposeService;
import io.berth.api.container.Container;
import io.berth.api.container.ContainerStatus;
import io.berth.api.container.HealthStatus;
import io.berth.api.container.LogOptions;
import io.berth.api.event.EventQuery;
import io.berth.api.event.EventService;
import io.berth.api.image.Image;
import io.berth.api.image.ImageStore;
import io.berth.api.network.PortMapping;
import io.berth.shell.internal.framework.Command;
import io.berth.shell.internal.framework.CommandContext;
import io.berth.shell.internal.framework.Commands;
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
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static io.berth.shell.internal.commands.ComposeSupport.nonEmpty;

/**
 * The compose commands that show a project, as docker compose v2's: {@code ps}, {@code ls},
 * {@code images}, {@code top}, {@code port}, {@code logs} and {@code events}; tables and logs on stdout.
 */
@Component(service = Commands.class)
public class ComposeViewCommands implements Commands {
    private static final Map<String, String> PS_HEADERS = Map.ofEntries(Map.entry("Name", "NAME"), Map.entry("Image", "IMAGE"),
            Map.entry("Command", "COMMAND"), Map.entry("Service", "SERVICE"), Map.entry("RunningFor", "CREATED"),
            Map.entry("Status", "STATUS"), Map.entry("Ports", "PORTS"), Map.entry("ID", "CONTAINER ID"),
            Map.entry("State", "STATE"), Map.entry("Project", "PROJECT"), Map.entry("Health", "HEALTH"),
            Map.entry("ExitCode", "EXIT CODE"), Map.entry("Names", "NAMES"), Map.entry("Labels", "LABELS"));

    @Reference
    private ComposeSupport support;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ImageStore images;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile EventService events;

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
        ComposeSupport.Named n = support.namedWithServices(ctx, p, services);
        List<Container> found = support.compose().containers(n.name(), services, all || !states.isEmpty()).stream()
                .filter(c -> states.isEmpty() || states.contains(c.state().status().label()))
                .filter(c -> all || !"True".equals(c.labels().get(ComposeLabels.ONEOFF))
                        || c.state().status() == ContainerStatus.RUNNING).toList();
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
            v2.put("Health", c.state().healthStatus() == HealthStatus.NONE ? ""
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
        List<ComposeService.ProjectSummary> projects = new ArrayList<>(support.compose().projects(all));
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
        ComposeSupport.Named n = support.namedWithServices(ctx, p, services);
        List<Map<String, Object>> rows = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        for (Container c : support.compose().containers(n.name(), services, true)) {
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
        ComposeSupport.Named n = support.namedWithServices(ctx, p, services);
        boolean first = true;
        for (Container c : support.compose().containers(n.name(), services, false)) {
            if (!first) {
                ctx.out().println();
            }
            first = false;
            ctx.out().println(c.name());
            ContainerCommands.printTop(ctx, support.containers(), c.id(), List.of());
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
        Container c = support.indexed(ctx, p, args.get(0), index);
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

    @Command(name = "compose logs", usage = "[OPTIONS] [SERVICE...]")
    @Descriptor("View output from containers")
    public void logs(CommandContext ctx, ProjectOptions.LongFile p, LogFlags flags,
                     @Descriptor("Produce monochrome output")
                     @Parameter(names = {"--no-color"}, absentValue = "false", presentValue = "true") boolean noColor,
                     @Descriptor("Don't print prefix in logs")
                     @Parameter(names = {"--no-log-prefix"}, absentValue = "false", presentValue = "true") boolean noLogPrefix,
                     @Descriptor("Services (all when none)") List<String> services) throws IOException {
        ComposeSupport.Named n = support.namedWithServices(ctx, p, services);
        LogOptions options = flags.options();
        List<Container> cs = support.compose().containers(n.name(), services, true);
        try {
            ComposeLogs.follow(ctx, support.containers(), cs, ComposeLogs.colours(ctx, p, noColor), !noLogPrefix, flags.timestamps, options,
                    flags.follow ? ComposeLogs.Mode.TOGETHER : ComposeLogs.Mode.ONE_AFTER_ANOTHER);
        } catch (InterruptedException e) {
            // ^C ends following.
        }
    }

    @Command(name = "compose events", usage = "[OPTIONS] [SERVICE...]")
    @Descriptor("Receive real time events from containers")
    public void events(CommandContext ctx, ProjectOptions p,
                       @Descriptor("Output events as a stream of json objects")
                       @Parameter(names = {"--json"}, absentValue = "false", presentValue = "true") boolean json,
                       @Descriptor("Services (all when none)") List<String> services) throws InterruptedException, IOException {
        ComposeSupport.Named n = support.namedWithServices(ctx, p, services);
        EventService service = ComposeSupport.available(events, "events");
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
            Map<String, String> attributes = new TreeMap<>();
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
}
