package io.berth.shell.internal.commands;

import io.berth.api.BerthException;
import io.berth.api.Filters;
import io.berth.api.InvalidArgumentException;
import io.berth.api.NotFoundException;
import io.berth.api.UnavailableException;
import io.berth.api.volume.Volume;
import io.berth.api.volume.VolumeService;
import io.berth.shell.internal.framework.Command;
import io.berth.shell.internal.framework.CommandContext;
import io.berth.shell.internal.framework.Commands;
import io.berth.shell.internal.framework.UsageException;
import io.berth.shell.internal.output.Formats;
import io.berth.shell.internal.output.Table;
import io.berth.shell.internal.output.Template;
import io.berth.shell.internal.output.Units;
import io.berth.views.VolumeView;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The volume commands: {@code volume create}, {@code ls}, {@code inspect}, {@code rm},
 * {@code prune}. Output, errors and exit statuses as docker 20.10's ({@code prune --all} as
 * docker 23's, which added it). They stay while the volume service is absent and then say so.
 */
@Component(service = Commands.class)
public class VolumeCommands implements Commands {
    /** Column titles of {@code volume ls --format 'table …'}, docker's. */
    static final Map<String, String> HEADERS = Map.of("Name", "VOLUME NAME", "Driver", "DRIVER", "Scope", "SCOPE",
            "Mountpoint", "MOUNTPOINT", "Labels", "LABELS", "Links", "LINKS", "Size", "SIZE");

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile VolumeService volumes;

    /** The component, its service bound by DS. */
    public VolumeCommands() {
    }

    /** With the service given (tests). */
    VolumeCommands(VolumeService volumes) {
        this.volumes = volumes;
    }

    private VolumeService volumes() {
        VolumeService v = volumes;
        if (v == null) {
            throw new UnavailableException("volumes are not available: no volume service is running "
                    + "(bundle io.berth.volumes)");
        }
        return v;
    }

    // ---------------------------------------------------------------- create

    @Command(name = "volume create", usage = "[OPTIONS] [VOLUME]", maxArgs = 1)
    @Descriptor("Create a volume")
    public void create(CommandContext ctx,
                       @Descriptor("Specify volume driver name")
                       @Parameter(names = {"-d", "--driver"}, absentValue = "local") String driver,
                       @Descriptor("Set metadata for a volume")
                       @Parameter(names = {"--label"}, absentValue = "") List<String> label,
                       @Descriptor("Set driver specific options")
                       @Parameter(names = {"-o", "--opt"}, absentValue = "") List<String> opt,
                       @Descriptor("Specify volume name")
                       @Parameter(names = {"--name"}, absentValue = "") String nameOption,
                       @Descriptor("The volume's name (default: a random one)") String name) throws IOException {
        String volumeName = nameOption;
        if (name != null) {
            if (!nameOption.isEmpty()) {
                throw new InvalidArgumentException(
                        "conflicting options: either specify --name or provide positional arg, not both");
            }
            volumeName = name;
        }
        Map<String, String> labels = new LinkedHashMap<>();
        for (String l : label) {
            String error = NetworkCommands.labelError(l);
            if (error != null) {
                throw UsageException.flag("invalid argument \"" + l + "\" for \"--label\" flag: " + error);
            }
            put(labels, l);
        }
        Map<String, String> options = new LinkedHashMap<>();
        opt.forEach(o -> put(options, o));
        Volume v = volumes().create(volumeName.isEmpty() ? null : volumeName, driver.isEmpty() ? null : driver, options,
                labels);
        ctx.out().println(v.name());
    }

    /** docker's {@code ConvertKVStringsToMap}: {@code k=v}, or {@code k} with an empty value. */
    private static void put(Map<String, String> map, String kv) {
        int eq = kv.indexOf('=');
        map.put(eq < 0 ? kv : kv.substring(0, eq), eq < 0 ? "" : kv.substring(eq + 1));
    }

    // ---------------------------------------------------------------- ls

    @Command(name = "volume ls", usage = "[OPTIONS]", maxArgs = 0, aliases = {"volume list"})
    @Descriptor("List volumes")
    public void list(CommandContext ctx,
                     @Descriptor("Provide filter values (e.g. 'dangling=true')")
                     @Parameter(names = {"-f", "--filter"}, absentValue = "") List<String> filter,
                     @Descriptor("Pretty-print volumes using a Go template")
                     @Parameter(names = {"--format"}, absentValue = "") String format,
                     @Descriptor("Only display volume names")
                     @Parameter(names = {"-q", "--quiet"}, absentValue = "false", presentValue = "true") boolean quiet) {
        List<Volume> list = new ArrayList<>(volumes().list(Filters.parse(filter)));
        list.sort((a, b) -> NetworkCommands.naturalCompare(a.name(), b.name()));
        if (quiet && Formats.isDefaultTable(format)) {
            list.forEach(v -> ctx.out().println(v.name()));
            return;
        }
        if (!Formats.isDefaultTable(format)) {
            List<Map<String, Object>> rows = new ArrayList<>();
            // As docker's volume ls: no usage data, so Links and Size are N/A.
            list.forEach(v -> rows.add(row(v, null, null)));
            Formats.printRows(ctx.out(), format, rows, HEADERS);
            return;
        }
        Table table = new Table("DRIVER", "VOLUME NAME");
        list.forEach(v -> table.row(v.driver(), v.name()));
        table.print(ctx.out());
    }

    /**
     * A row of {@code volume ls --format} (and of {@code system df -v}): docker's fields, and its
     * {@code .Label "KEY"}.
     */
    static Map<String, Object> row(Volume v, Integer links, Long size) {
        // docker's units.HumanSize: four significant digits.
        Map<String, Object> row = VolumeView.row(v, links, size == null ? null : Units.humanSize(size, 4));
        row.put(Template.method("Label"), new TreeMap<>(v.labels()));
        return row;
    }

    // ---------------------------------------------------------------- inspect

    @Command(name = "volume inspect", usage = "[OPTIONS] VOLUME [VOLUME...]", minArgs = 1)
    @Descriptor("Display detailed information on one or more volumes")
    public int inspect(CommandContext ctx,
                       @Descriptor("Format the output using the given Go template")
                       @Parameter(names = {"-f", "--format"}, absentValue = "") String format,
                       @Descriptor("Volumes to inspect") List<String> names) {
        VolumeService service = volumes();
        List<Object> found = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (String name : names) {
            try {
                found.add(VolumeView.inspect(service.get(name)));
            } catch (NotFoundException e) {
                errors.add("No such volume: " + name);
            } catch (BerthException e) {
                errors.add(e.getMessage());
            }
        }
        // As docker's: what was found, then what was not.
        int printed = ContainerCommands.printInspected(ctx, format, found);
        errors.forEach(e -> ctx.err().println("Error: " + e));
        return errors.isEmpty() ? printed : 1;
    }

    // ---------------------------------------------------------------- rm

    @Command(name = "volume rm", usage = "[OPTIONS] VOLUME [VOLUME...]", minArgs = 1, aliases = {"volume remove"})
    @Descriptor("Remove one or more volumes")
    public int remove(CommandContext ctx,
                      @Descriptor("Force the removal of one or more volumes")
                      @Parameter(names = {"-f", "--force"}, absentValue = "false", presentValue = "true") boolean force,
                      @Descriptor("Volumes to remove") List<String> names) {
        VolumeService service = volumes();
        List<String> errors = new ArrayList<>();
        for (String name : names) {
            try {
                service.remove(name, force);
                ctx.out().println(name);
            } catch (NotFoundException e) {
                // docker 20.10's words for it (inspect says "No such volume").
                errors.add("get " + name + ": no such volume");
            } catch (BerthException e) {
                errors.add(e.getMessage());
            } catch (IOException e) {
                errors.add("remove " + name + ": " + e.getMessage());
            }
        }
        // As docker's CLI: the names removed, then every error.
        errors.forEach(e -> ctx.err().println("Error: " + e));
        return errors.isEmpty() ? 0 : 1;
    }

    // ---------------------------------------------------------------- prune

    @Command(name = "volume prune", usage = "[OPTIONS]", maxArgs = 0)
    @Descriptor("Remove all unused local volumes")
    public void prune(CommandContext ctx,
                      @Descriptor("Remove all unused volumes, not just anonymous ones")
                      @Parameter(names = {"-a", "--all"}, absentValue = "false", presentValue = "true") boolean all,
                      @Descriptor("Do not prompt for confirmation")
                      @Parameter(names = {"-f", "--force"}, absentValue = "false", presentValue = "true") boolean force,
                      @Descriptor("Provide filter values (e.g. 'label=<label>')")
                      @Parameter(names = {"--filter"}, absentValue = "") List<String> filter) throws IOException {
        VolumeService service = volumes();
        Filters filters = Filters.parse(filter);
        boolean everything = all;
        if (filters.has("all")) {
            if (all) {
                throw new InvalidArgumentException("conflicting options: cannot specify both --all and --filter all=1");
            }
            // docker 23's daemon: one value, a Go boolean.
            List<String> values = filters.get("all");
            if (values.size() > 1) {
                throw new InvalidArgumentException("invalid filter 'all=[" + String.join(" ", values) + "]'");
            }
            try {
                everything = io.berth.views.VolumeMounts.goBool(values.get(0));
            } catch (IllegalArgumentException e) {
                throw new InvalidArgumentException("invalid filter 'all': strconv.ParseBool: parsing "
                        + PortSpecs.goQuote(values.get(0)) + ": invalid syntax");
            }
            Map<String, List<String>> rest = new LinkedHashMap<>(filters.asMap());
            rest.remove("all");
            filters = Filters.of(rest);
        }
        long reclaimed = 0;
        if (force || ImageCommands.confirm(ctx, everything
                ? "WARNING! This will remove all local volumes not used by at least one container."
                : "WARNING! This will remove anonymous local volumes not used by at least one container.")) {
            VolumeService.Pruned pruned = service.prune(filters, everything);
            if (!pruned.names().isEmpty()) {
                // As docker's CLI: the list, then the blank line of its Println.
                ctx.out().println("Deleted Volumes:");
                pruned.names().forEach(ctx.out()::println);
                ctx.out().println();
                reclaimed = pruned.reclaimed();
            }
        }
        // Also when the user said no, as docker's CLI; in its units.HumanSize, four significant digits.
        ctx.out().println("Total reclaimed space: " + Units.humanSize(reclaimed, 4));
    }
}
