package io.berth.shell.internal.commands;

import io.berth.api.driver.DriverInfo;
import io.berth.api.driver.DriverRegistry;
import io.berth.api.driver.DriverState;
import io.berth.api.driver.DriverType;
import io.berth.api.content.Platform;
import io.berth.api.engine.Engine;
import io.berth.api.engine.EngineSettings;
import io.berth.shell.internal.command.Command;
import io.berth.shell.internal.command.CommandContext;
import io.berth.shell.internal.command.Commands;
import io.berth.shell.internal.output.Formats;
import io.berth.shell.internal.output.Table;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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

    @Command(name = "version", maxArgs = 0, aliases = {"system version"})
    @Descriptor("Show the Berth version information")
    public void version(CommandContext ctx,
                        @Descriptor("Format output: 'json' or a Go template")
                        @Parameter(names = {"-f", "--format"}, absentValue = "") String format) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("Version", engine.version());
        v.put("JavaVersion", System.getProperty("java.version"));
        v.put("JavaVendor", System.getProperty("java.vendor"));
        Bundle framework = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION);
        v.put("Framework", framework.getSymbolicName() + " " + framework.getVersion());
        Platform host = Platform.host();
        v.put("Os", host.os());
        v.put("Arch", host.architecture());
        v.put("KernelVersion", System.getProperty("os.version"));
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
        out.println("  OS/Arch:          " + host.os() + "/" + host.architecture());
        out.println("  Kernel version:   " + v.get("KernelVersion"));
    }

    @Command(name = "info", maxArgs = 0, aliases = {"system info"})
    @Descriptor("Display system-wide information")
    public void info(CommandContext ctx,
                     @Descriptor("Format output: 'json' or a Go template")
                     @Parameter(names = {"-f", "--format"}, absentValue = "") String format) throws java.io.IOException {
        EngineSettings settings = engine.settings();
        List<DriverInfo> all = drivers.drivers();
        Map<String, Object> info = new LinkedHashMap<>();
        io.berth.api.image.ImageStore store = images;
        int[] counts = new int[3];
        io.berth.api.container.ContainerService cs = containers;
        if (cs != null) {
            for (io.berth.api.container.Container c : cs.list(true, false)) {
                switch (c.state().status()) {
                    case RUNNING -> counts[0]++;
                    case PAUSED -> counts[1]++;
                    default -> counts[2]++;
                }
            }
        }
        info.put("Containers", counts[0] + counts[1] + counts[2]);
        info.put("ContainersRunning", counts[0]);
        info.put("ContainersPaused", counts[1]);
        info.put("ContainersStopped", counts[2]);
        info.put("Images", store == null ? 0 : store.list().size());
        info.put("ServerVersion", engine.version());
        info.put("Driver", nullToEmpty(drivers.defaultName(DriverType.STORAGE)));
        info.put("Runtimes", all.stream().filter(d -> d.type() == DriverType.RUNTIME && d.state() == DriverState.AVAILABLE)
                .map(DriverInfo::name).toList());
        info.put("DefaultRuntime", nullToEmpty(drivers.defaultName(DriverType.RUNTIME)));
        info.put("Drivers", all.stream().map(SystemCommands::driverRow).toList());
        info.put("KernelVersion", System.getProperty("os.version"));
        info.put("OperatingSystem", HostFacts.operatingSystem());
        info.put("OSType", Platform.host().os());
        info.put("Architecture", HostFacts.machineArchitecture());
        info.put("NCPU", Runtime.getRuntime().availableProcessors());
        info.put("MemTotal", HostFacts.totalMemory());
        info.put("Name", HostFacts.hostname());
        info.put("BerthRootDir", settings.root().toString());
        info.put("RunRootDir", settings.runRoot().toString());
        info.put("InsecureRegistries", settings.insecureRegistries());
        info.put("RegistryConfigDir", settings.registryConfig().toString());
        List<Map<String, Object>> bundles = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("Id", b.getBundleId());
            row.put("SymbolicName", b.getSymbolicName());
            row.put("Version", b.getVersion().toString());
            row.put("State", bundleState(b.getState()));
            bundles.add(row);
        }
        info.put("Bundles", bundles);
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
        out.println(" Runtimes: " + String.join(" ", drivers(all, DriverType.RUNTIME)));
        out.println(" Default Runtime: " + orNone(info.get("DefaultRuntime")));
        out.println(" Drivers:");
        Table table = driverTable(all);
        java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
        table.print(new PrintStream(buffer, true, java.nio.charset.StandardCharsets.UTF_8));
        buffer.toString(java.nio.charset.StandardCharsets.UTF_8).lines().forEach(l -> out.println("  " + l));
        out.println(" Kernel Version: " + info.get("KernelVersion"));
        out.println(" Operating System: " + info.get("OperatingSystem"));
        out.println(" OSType: " + info.get("OSType"));
        out.println(" Architecture: " + info.get("Architecture"));
        out.println(" CPUs: " + info.get("NCPU"));
        out.println(" Total Memory: " + HostFacts.binarySize((Long) info.get("MemTotal")));
        out.println(" Name: " + info.get("Name"));
        out.println(" Berth Root Dir: " + info.get("BerthRootDir"));
        out.println(" Run Root Dir: " + info.get("RunRootDir"));
        out.println(" Registry Config Dir: " + info.get("RegistryConfigDir"));
        if (!settings.insecureRegistries().isEmpty()) {
            out.println(" Insecure Registries:");
            settings.insecureRegistries().forEach(r -> out.println("  " + r));
        }
        out.println(" Bundles:");
        Table bundleTable = new Table("ID", "BUNDLE", "VERSION", "STATE");
        for (Map<String, Object> b : bundles) {
            bundleTable.row(String.valueOf(b.get("Id")), String.valueOf(b.get("SymbolicName")),
                    String.valueOf(b.get("Version")), String.valueOf(b.get("State")));
        }
        buffer.reset();
        bundleTable.print(new PrintStream(buffer, true, java.nio.charset.StandardCharsets.UTF_8));
        buffer.toString(java.nio.charset.StandardCharsets.UTF_8).lines().forEach(l -> out.println("  " + l));
    }

    @Command(name = "drivers", maxArgs = 0, aliases = {"driver ls", "driver list"})
    @Descriptor("List runtime and storage drivers, their state and which is the default")
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
            Formats.printRows(ctx.out(), format, all.stream().map(SystemCommands::driverRow).toList(), DRIVER_HEADERS);
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

    private static Map<String, Object> driverRow(DriverInfo d) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("Type", d.type().label());
        row.put("Name", d.name());
        row.put("State", d.state().label());
        row.put("Default", d.isDefault());
        row.put("Bundle", d.bundle() == null ? "" : d.bundle());
        row.put("BundleVersion", d.bundleVersion() == null ? "" : d.bundleVersion());
        row.put("Ranking", d.ranking());
        row.put("Reason", d.reason() == null ? "" : d.reason());
        return row;
    }

    private static List<String> drivers(List<DriverInfo> all, DriverType type) {
        return all.stream().filter(d -> d.type() == type && d.state() == DriverState.AVAILABLE)
                .map(DriverInfo::name).toList();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String orNone(Object s) {
        return s == null || s.toString().isEmpty() ? "(none)" : s.toString();
    }

    private static String bundleState(int state) {
        return switch (state) {
            case Bundle.ACTIVE -> "active";
            case Bundle.RESOLVED -> "resolved";
            case Bundle.INSTALLED -> "installed";
            case Bundle.STARTING -> "starting";
            case Bundle.STOPPING -> "stopping";
            default -> "uninstalled";
        };
    }
}
