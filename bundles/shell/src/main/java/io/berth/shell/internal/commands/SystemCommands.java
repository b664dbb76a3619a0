package io.berth.shell.internal.commands;

import io.berth.api.driver.DriverInfo;
import io.berth.api.driver.DriverRegistry;
import io.berth.api.engine.Engine;
import io.berth.shell.internal.framework.Command;
import io.berth.shell.internal.framework.CommandContext;
import io.berth.shell.internal.framework.Commands;
import io.berth.shell.internal.output.Formats;
import io.berth.shell.internal.output.Table;
import io.berth.shell.internal.output.Units;
import io.berth.views.SystemView;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/** {@code version}, {@code info} and {@code drivers}: what this engine is and what it can use. */
@Component(service = Commands.class)
public class SystemCommands implements Commands {
    private static final Map<String, String> DRIVER_HEADERS = Map.of(
            "Type", "TYPE", "Name", "NAME", "State", "STATE", "Default", "DEFAULT", "Bundle", "BUNDLE",
            "Reason", "REASON");

    private final Engine engine;
    private final DriverRegistry drivers;
    private final BundleContext context;
    private volatile io.berth.api.image.ImageStore images;

    @Activate
    public SystemCommands(@Reference Engine engine, @Reference DriverRegistry drivers, BundleContext context) {
        this.engine = engine;
        this.drivers = drivers;
        this.context = context;
    }

    @Reference(cardinality = org.osgi.service.component.annotations.ReferenceCardinality.OPTIONAL,
            policy = org.osgi.service.component.annotations.ReferencePolicy.DYNAMIC,
            policyOption = org.osgi.service.component.annotations.ReferencePolicyOption.GREEDY)
    void bindImages(io.berth.api.image.ImageStore store) {
        images = store;
    }

    void unbindImages(io.berth.api.image.ImageStore store) {
        if (images == store) {
            images = null;
        }
    }

    @Reference(cardinality = org.osgi.service.component.annotations.ReferenceCardinality.OPTIONAL,
            policy = org.osgi.service.component.annotations.ReferencePolicy.DYNAMIC,
            policyOption = org.osgi.service.component.annotations.ReferencePolicyOption.GREEDY)
    private volatile io.berth.api.container.ContainerService containers;

    @Reference(cardinality = org.osgi.service.component.annotations.ReferenceCardinality.OPTIONAL,
            policy = org.osgi.service.component.annotations.ReferencePolicy.DYNAMIC,
            policyOption = org.osgi.service.component.annotations.ReferencePolicyOption.GREEDY)
    private volatile io.berth.api.event.EventService events;

    @Command(name = "events", maxArgs = 0, aliases = {"system events"})
    @Descriptor("Get real time events from the server")
    public int events(CommandContext ctx,
                      @Descriptor("Filter output based on conditions provided")
                      @Parameter(names = {"-f", "--filter"}, absentValue = "") List<String> filter,
                      @Descriptor("Format output using a custom template: 'json' or a Go template")
                      @Parameter(names = {"--format"}, absentValue = "") String format,
                      @Descriptor("Show all events created since timestamp")
                      @Parameter(names = {"--since"}, absentValue = "") String since,
                      @Descriptor("Stream events until this timestamp")
                      @Parameter(names = {"--until"}, absentValue = "") String until) throws InterruptedException {
        io.berth.api.event.EventService service = events;
        if (service == null) {
            throw new io.berth.api.UnavailableException("no event service: the events bundle is not running");
        }
        java.time.Instant now = java.time.Instant.now();
        Map<String, List<String>> filters = new java.util.LinkedHashMap<>();
        for (String f : filter) {
            int eq = f.indexOf('=');
            if (eq <= 0) {
                throw new io.berth.api.InvalidArgumentException("bad format of filter (expected name=value)");
            }
            filters.computeIfAbsent(f.substring(0, eq).toLowerCase(java.util.Locale.ROOT), k -> new java.util.ArrayList<>())
                    .add(f.substring(eq + 1));
        }
        io.berth.api.event.EventQuery query = new io.berth.api.event.EventQuery(
                since.isEmpty() ? null : TimeFlags.parse(since, now, "since"),
                until.isEmpty() ? null : TimeFlags.parse(until, now, "until"), filters);
        // {{json .}} is the message as JSON, as docker writes it; other templates see the Go struct's field names.
        boolean json = format.equals("json") || format.strip().equals("{{json .}}");
        io.berth.shell.internal.output.Template template = format.isEmpty() || json ? null
                : io.berth.shell.internal.output.Template.parse(format);
        java.time.ZoneId zone = java.time.ZoneId.systemDefault();
        PrintStream out = ctx.out();
        java.util.concurrent.atomic.AtomicReference<String> failed = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicReference<io.berth.api.event.EventService.Subscription> subscription =
                new java.util.concurrent.atomic.AtomicReference<>();
        io.berth.api.event.EventService.Subscription s = service.subscribe(query, e -> {
            String text;
            try {
                text = json ? io.berth.shell.internal.output.Json.line(io.berth.views.EventView.message(e))
                        : template != null ? template.execute(io.berth.shell.internal.output.Json.tree(
                        io.berth.views.EventView.fields(e))) : io.berth.views.EventView.line(e, zone);
            } catch (IllegalArgumentException bad) {
                failed.compareAndSet(null, bad.getMessage());
                io.berth.api.event.EventService.Subscription mine = subscription.get();
                if (mine != null) {
                    mine.close();
                }
                return;
            }
            synchronized (out) {
                out.println(text);
                out.flush();
            }
        });
        subscription.set(s);
        try {
            s.awaitEnd();
        } finally {
            s.close();
        }
        if (failed.get() != null) {
            ctx.err().println("Error: " + failed.get());
            return 1;
        }
        return 0;
    }

    @Command(name = "version", maxArgs = 0, aliases = {"system version"})
    @Descriptor("Show the Berth version information")
    public void version(CommandContext ctx,
                        @Descriptor("Format output: 'json' or a Go template")
                        @Parameter(names = {"-f", "--format"}, absentValue = "") String format) {
        Map<String, Object> v = SystemView.version(engine, context);
        if (!format.isEmpty()) {
            Formats.printObject(ctx.out(), format, v);
            return;
        }
        PrintStream out = ctx.out();
        out.println("Server: Berth Engine");
        out.println(" Engine:");
        out.println("  Version:          " + v.get("Version"));
        out.println("  Java version:     " + v.get("JavaVersion") + " (" + v.get("JavaVendor") + ")");
        out.println("  OSGi framework:   " + v.get("Framework"));
        out.println("  OS/Arch:          " + v.get("Os") + "/" + v.get("Arch"));
        out.println("  Kernel version:   " + v.get("KernelVersion"));
    }

    @Command(name = "info", maxArgs = 0, aliases = {"system info"})
    @Descriptor("Display system-wide information")
    public void info(CommandContext ctx,
                     @Descriptor("Format output: 'json' or a Go template")
                     @Parameter(names = {"-f", "--format"}, absentValue = "") String format) throws java.io.IOException {
        List<DriverInfo> all = drivers.drivers();
        Map<String, Object> info = SystemView.info(engine, drivers, containers, images, context);
        if (!format.isEmpty()) {
            Formats.printObject(ctx.out(), format, info);
            return;
        }
        PrintStream out = ctx.out();
        out.println("Server:");
        out.println(" Containers: " + info.get("Containers"));
        out.println("  Running: " + info.get("ContainersRunning"));
        out.println("  Paused: " + info.get("ContainersPaused"));
        out.println("  Stopped: " + info.get("ContainersStopped"));
        out.println(" Images: " + info.get("Images"));
        out.println(" Server Version: " + info.get("ServerVersion"));
        out.println(" Storage Driver: " + orNone(info.get("Driver")));
        out.println(" Plugins:");
        out.println("  Volume: " + String.join(" ", strings(((Map<?, ?>) info.get("Plugins")).get("Volume"))));
        out.println("  Network: " + String.join(" ", strings(((Map<?, ?>) info.get("Plugins")).get("Network"))));
        out.println(" Runtimes: " + String.join(" ", strings(info.get("Runtimes"))));
        out.println(" Default Runtime: " + orNone(info.get("DefaultRuntime")));
        out.println(" Init Binary: " + info.get("InitBinary"));
        out.println(" Drivers:");
        Table table = driverTable(all);
        java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
        table.print(new PrintStream(buffer, true, java.nio.charset.StandardCharsets.UTF_8));
        buffer.toString(java.nio.charset.StandardCharsets.UTF_8).lines().forEach(l -> out.println("  " + l));
        out.println(" Security Options:");
        for (String option : strings(info.get("SecurityOptions"))) {
            // name=seccomp,profile=builtin -> "  seccomp" then "   Profile: builtin", as docker prints it.
            for (String field : option.split(",")) {
                String[] kv = field.split("=", 2);
                if (kv[0].equals("name")) {
                    out.println("  " + kv[1]);
                } else if (kv.length == 2) {
                    out.println("   " + Character.toUpperCase(kv[0].charAt(0)) + kv[0].substring(1) + ": " + kv[1]);
                }
            }
        }
        out.println(" Kernel Version: " + info.get("KernelVersion"));
        out.println(" Operating System: " + info.get("OperatingSystem"));
        out.println(" OSType: " + info.get("OSType"));
        out.println(" Architecture: " + info.get("Architecture"));
        out.println(" CPUs: " + info.get("NCPU"));
        out.println(" Total Memory: " + Units.binarySize((Long) info.get("MemTotal")));
        out.println(" Name: " + info.get("Name"));
        out.println(" Berth Root Dir: " + info.get("BerthRootDir"));
        out.println(" Run Root Dir: " + info.get("RunRootDir"));
        out.println(" Registry Config Dir: " + info.get("RegistryConfigDir"));
        List<String> insecure = strings(info.get("InsecureRegistries"));
        if (!insecure.isEmpty()) {
            out.println(" Insecure Registries:");
            insecure.forEach(r -> out.println("  " + r));
        }
        out.println(" Bundles:");
        Table bundleTable = new Table("ID", "BUNDLE", "VERSION", "STATE");
        for (Object row : (List<?>) info.get("Bundles")) {
            Map<?, ?> b = (Map<?, ?>) row;
            bundleTable.row(String.valueOf(b.get("Id")), String.valueOf(b.get("SymbolicName")),
                    String.valueOf(b.get("Version")), String.valueOf(b.get("State")));
        }
        buffer.reset();
        bundleTable.print(new PrintStream(buffer, true, java.nio.charset.StandardCharsets.UTF_8));
        buffer.toString(java.nio.charset.StandardCharsets.UTF_8).lines().forEach(l -> out.println("  " + l));
    }

    @Command(name = "drivers", maxArgs = 0, aliases = {"driver ls", "driver list"})
    @Descriptor("List runtime, storage, network and volume drivers, their state and which is the default")
    public void drivers(CommandContext ctx,
                        @Descriptor("Only display driver names")
                        @Parameter(names = {"-q", "--quiet"}, absentValue = "false", presentValue = "true") boolean quiet,
                        @Descriptor("Format output: 'table', 'json' or a Go template")
                        @Parameter(names = {"--format"}, absentValue = "") String format) {
        List<DriverInfo> all = drivers.drivers();
        if (quiet) {
            all.forEach(d -> ctx.out().println(d.name()));
        } else if (Formats.isDefaultTable(format)) {
            driverTable(all).print(ctx.out());
        } else {
            Formats.printRows(ctx.out(), format, all.stream().map(SystemView::driver).toList(), DRIVER_HEADERS);
        }
    }

    private static Table driverTable(List<DriverInfo> all) {
        Table table = new Table("TYPE", "NAME", "STATE", "DEFAULT", "BUNDLE", "REASON");
        for (DriverInfo d : all) {
            table.row(d.type().label(), d.name(), d.state().label(), d.isDefault() ? "*" : "",
                    d.bundle() == null ? "" : d.bundle() + " " + d.bundleVersion(),
                    d.reason() == null ? "" : d.reason());
        }
        return table;
    }

    private static List<String> strings(Object list) {
        return ((List<?>) list).stream().map(String::valueOf).toList();
    }

    private static String orNone(Object s) {
        return s == null || s.toString().isEmpty() ? "(none)" : s.toString();
    }
}
