package io.berth.shell.internal.commands;

import io.berth.api.BerthException;
import io.berth.api.Filters;
import io.berth.api.NotFoundException;
import io.berth.api.UnavailableException;
import io.berth.api.container.ContainerService;
import io.berth.api.network.EndpointSettings;
import io.berth.api.network.Network;
import io.berth.api.network.NetworkService;
import io.berth.shell.internal.framework.Command;
import io.berth.shell.internal.framework.CommandContext;
import io.berth.shell.internal.framework.Commands;
import io.berth.shell.internal.framework.UsageException;
import io.berth.shell.internal.output.Formats;
import io.berth.shell.internal.output.Table;
import io.berth.shell.internal.output.Units;
import io.berth.views.NetworkView;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The network commands: {@code network create}, {@code ls}, {@code inspect}, {@code rm},
 * {@code connect}, {@code disconnect}, {@code prune}. Output, errors and exit statuses as docker
 * 20.10's. They stay while networking is absent (it is optional: containers run without it) and
 * then say so.
 */
@Component(service = Commands.class)
public class NetworkCommands implements Commands {
    private static final Map<String, String> HEADERS = Map.of("ID", "NETWORK ID", "Name", "NAME", "Driver", "DRIVER",
            "Scope", "SCOPE", "IPv6", "IPV6", "Internal", "INTERNAL", "Labels", "LABELS", "CreatedAt", "CREATED AT");

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile NetworkService networks;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ContainerService containers;

    /** The component, its services bound by DS. */
    public NetworkCommands() {
    }

    /** With the services given (tests). */
    NetworkCommands(NetworkService networks, ContainerService containers) {
        this.networks = networks;
        this.containers = containers;
    }

    private NetworkService networks() {
        NetworkService n = networks;
        if (n == null) {
            throw new UnavailableException("networking is not available: no network service is running "
                    + "(bundle io.berth.networks)");
        }
        return n;
    }

    private ContainerService containers() {
        ContainerService c = containers;
        if (c == null) {
            throw new UnavailableException("the container service is not available");
        }
        return c;
    }

    // ---------------------------------------------------------------- create

    @Command(name = "network create", usage = "[OPTIONS] NETWORK", minArgs = 1, maxArgs = 1)
    @Descriptor("Create a network")
    public void create(CommandContext ctx,
                       @Descriptor("Driver to manage the Network")
                       @Parameter(names = {"-d", "--driver"}, absentValue = "bridge") String driver,
                       @Descriptor("Subnet in CIDR format that represents a network segment")
                       @Parameter(names = {"--subnet"}, absentValue = "") List<String> subnet,
                       @Descriptor("Allocate container ip from a sub-range")
                       @Parameter(names = {"--ip-range"}, absentValue = "") List<String> ipRange,
                       @Descriptor("IPv4 or IPv6 Gateway for the master subnet")
                       @Parameter(names = {"--gateway"}, absentValue = "") List<String> gateway,
                       @Descriptor("Restrict external access to the network")
                       @Parameter(names = {"--internal"}, absentValue = "false", presentValue = "true") boolean internal,
                       @Descriptor("Enable IPv6 networking")
                       @Parameter(names = {"--ipv6"}, absentValue = "false", presentValue = "true") boolean ipv6,
                       @Descriptor("Enable manual container attachment")
                       @Parameter(names = {"--attachable"}, absentValue = "false", presentValue = "true") boolean attachable,
                       @Descriptor("Set metadata on a network")
                       @Parameter(names = {"--label"}, absentValue = "") List<String> label,
                       @Descriptor("Set driver specific options")
                       @Parameter(names = {"-o", "--opt"}, absentValue = "") List<String> opt,
                       @Descriptor("The network's name") String name) throws IOException {
        ctx.out().println(networks().create(request(name, driver, subnet, ipRange, gateway, internal, ipv6, attachable,
                label, opt)).id());
    }

    /** The network {@code network create}'s options ask for, after docker's CLI's checks. */
    static Network request(String name, String driver, List<String> subnet, List<String> ipRange, List<String> gateway,
                           boolean internal, boolean ipv6, boolean attachable, List<String> label, List<String> opt) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (String l : label) {
            String error = labelError(l);
            if (error != null) {
                throw UsageException.flag("invalid argument \"" + l + "\" for \"--label\" flag: " + error);
            }
            put(labels, l);
        }
        Map<String, String> options = new LinkedHashMap<>();
        opt.forEach(o -> put(options, o));
        return Network.builder().name(name).driver(driver.isEmpty() ? "bridge" : driver).internal(internal)
                .enableIpv6(ipv6).attachable(attachable).labels(labels).options(options)
                .ipam(IpamConfigs.consolidate(slice(subnet), slice(ipRange), slice(gateway))).build();
    }

    /** docker's {@code opts.ValidateLabel}: {@code null} if the label is valid. */
    static String labelError(String label) {
        String key = label.split("=", 2)[0].replaceAll("^[ \t]+", "");
        if (key.isEmpty()) {
            return "invalid label '" + label + "': empty name";
        }
        if (key.indexOf(' ') >= 0 || key.indexOf('\t') >= 0) {
            return "label '" + key + "' contains whitespaces";
        }
        return null;
    }

    /** docker's {@code ConvertKVStringsToMap}: {@code k=v}, or {@code k} with an empty value. */
    private static void put(Map<String, String> map, String kv) {
        int eq = kv.indexOf('=');
        map.put(eq < 0 ? kv : kv.substring(0, eq), eq < 0 ? "" : kv.substring(eq + 1));
    }

    /** A string-slice flag's values: each occurrence may hold several, separated by commas. */
    private static List<String> slice(List<String> values) {
        List<String> out = new ArrayList<>();
        for (String v : values) {
            if (!v.isEmpty()) {
                out.addAll(List.of(v.split(",", -1)));
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- ls

    @Command(name = "network ls", usage = "[OPTIONS]", maxArgs = 0, aliases = {"network list"})
    @Descriptor("List networks")
    public void list(CommandContext ctx,
                     @Descriptor("Provide filter values (e.g. 'driver=bridge')")
                     @Parameter(names = {"-f", "--filter"}, absentValue = "") List<String> filter,
                     @Descriptor("Pretty-print networks using a Go template")
                     @Parameter(names = {"--format"}, absentValue = "") String format,
                     @Descriptor("Do not truncate the output")
                     @Parameter(names = {"--no-trunc"}, absentValue = "false", presentValue = "true") boolean noTrunc,
                     @Descriptor("Only display network IDs")
                     @Parameter(names = {"-q", "--quiet"}, absentValue = "false", presentValue = "true") boolean quiet) {
        List<Network> list = new ArrayList<>(networks().list(Filters.parse(filter)));
        list.sort((a, b) -> naturalCompare(a.name(), b.name()));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Network n : list) {
            rows.add(row(n, noTrunc));
        }
        if (quiet && Formats.isDefaultTable(format)) {
            rows.forEach(r -> ctx.out().println(r.get("ID")));
            return;
        }
        if (!Formats.isDefaultTable(format)) {
            Formats.printRows(ctx.out(), format, rows, HEADERS);
            return;
        }
        Table table = new Table("NETWORK ID", "NAME", "DRIVER", "SCOPE");
        for (Map<String, Object> r : rows) {
            table.row((String) r.get("ID"), (String) r.get("Name"), (String) r.get("Driver"), (String) r.get("Scope"));
        }
        table.print(ctx.out());
    }

    /** A row of {@code network ls}, keyed by the fields of docker's {@code --format}. */
    static Map<String, Object> row(Network n, boolean noTrunc) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("CreatedAt", n.created() == null ? "" : Units.goTimeNanos(n.created()));
        m.put("Driver", n.driver());
        m.put("ID", noTrunc ? n.id() : n.shortId());
        m.put("IPv6", Boolean.toString(n.enableIpv6()));
        m.put("Internal", Boolean.toString(n.internal()));
        List<String> labels = new ArrayList<>();
        new TreeMap<>(n.labels()).forEach((k, v) -> labels.add(k + "=" + v));
        m.put("Labels", String.join(",", labels));
        m.put("Name", n.name());
        m.put("Scope", NetworkView.SCOPE);
        return m;
    }

    /**
     * The order docker's CLI lists networks in ({@code sortorder.NaturalLess}): runs of digits by
     * their value, everything else byte by byte.
     */
    static int naturalCompare(String a, String b) {
        byte[] s1 = a.getBytes(StandardCharsets.UTF_8);
        byte[] s2 = b.getBytes(StandardCharsets.UTF_8);
        int i1 = 0;
        int i2 = 0;
        while (i1 < s1.length && i2 < s2.length) {
            boolean d1 = isDigit(s1[i1]);
            boolean d2 = isDigit(s2[i2]);
            if (d1 != d2) {
                return d1 ? -1 : 1;
            }
            if (!d1) {
                if (s1[i1] != s2[i2]) {
                    return Integer.compare(s1[i1] & 0xff, s2[i2] & 0xff);
                }
                i1++;
                i2++;
                continue;
            }
            while (i1 < s1.length && s1[i1] == '0') {
                i1++;
            }
            while (i2 < s2.length && s2[i2] == '0') {
                i2++;
            }
            int nonZero1 = i1;
            int nonZero2 = i2;
            while (i1 < s1.length && isDigit(s1[i1])) {
                i1++;
            }
            while (i2 < s2.length && isDigit(s2[i2])) {
                i2++;
            }
            if (i1 - nonZero1 != i2 - nonZero2) {
                return Integer.compare(i1 - nonZero1, i2 - nonZero2);
            }
            int c = java.util.Arrays.compare(s1, nonZero1, i1, s2, nonZero2, i2);
            if (c != 0) {
                return c;
            }
            if (nonZero1 != nonZero2) {
                return Integer.compare(nonZero1, nonZero2);
            }
        }
        return Integer.compare(s1.length, s2.length);
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    // ---------------------------------------------------------------- inspect

    @Command(name = "network inspect", usage = "[OPTIONS] NETWORK [NETWORK...]", minArgs = 1)
    @Descriptor("Display detailed information on one or more networks")
    public int inspect(CommandContext ctx,
                       @Descriptor("Format the output using the given Go template")
                       @Parameter(names = {"-f", "--format"}, absentValue = "") String format,
                       @Descriptor("Networks to inspect") List<String> names) {
        NetworkService service = networks();
        List<Object> found = new ArrayList<>();
        int status = 0;
        for (String name : names) {
            try {
                found.add(inspectObject(service, containers, name));
            } catch (BerthException e) {
                ctx.err().println("Error: " + e.getMessage());
                status = 1;
            }
        }
        return ContainerCommands.printInspected(ctx, format, found) | status;
    }

    /**
     * {@code network inspect}'s object of a network.
     *
     * @param containers for the names of the containers connected, or {@code null}
     * @throws NotFoundException if there is no such network
     */
    static Map<String, Object> inspectObject(NetworkService networks, ContainerService containers, String name) {
        return NetworkView.inspect(networks, containers, name);
    }

    // ---------------------------------------------------------------- rm

    @Command(name = "network rm", usage = "NETWORK [NETWORK...]", minArgs = 1, aliases = {"network remove"})
    @Descriptor("Remove one or more networks")
    public int remove(CommandContext ctx, @Descriptor("Networks to remove") List<String> names) {
        NetworkService service = networks();
        int status = 0;
        for (String name : names) {
            try {
                service.remove(name);
                ctx.out().println(name);
            } catch (BerthException e) {
                ctx.err().println("Error: " + e.getMessage());
                status = 1;
            } catch (IOException e) {
                ctx.err().println("Error: " + name + ": " + e.getMessage());
                status = 1;
            }
        }
        return status;
    }

    // ---------------------------------------------------------------- connect, disconnect

    @Command(name = "network connect", usage = "[OPTIONS] NETWORK CONTAINER", minArgs = 2, maxArgs = 2)
    @Descriptor("Connect a container to a network")
    public void connect(CommandContext ctx,
                        @Descriptor("Add network-scoped alias for the container")
                        @Parameter(names = {"--alias"}, absentValue = "") List<String> alias,
                        @Descriptor("IPv4 address (e.g., 172.30.100.104)")
                        @Parameter(names = {"--ip"}, absentValue = "") String ip,
                        @Descriptor("IPv6 address (e.g., 2001:db8::33)")
                        @Parameter(names = {"--ip6"}, absentValue = "") String ip6,
                        @Descriptor("The network") String network,
                        @Descriptor("The container") String container) throws IOException {
        networks();
        containers().connect(container, network, new EndpointSettings(slice(alias), ip.isEmpty() ? null : ip,
                ip6.isEmpty() ? null : ip6, null));
    }

    @Command(name = "network disconnect", usage = "[OPTIONS] NETWORK CONTAINER", minArgs = 2, maxArgs = 2)
    @Descriptor("Disconnect a container from a network")
    public void disconnect(CommandContext ctx,
                           @Descriptor("Force the container to disconnect from a network")
                           @Parameter(names = {"-f", "--force"}, absentValue = "false", presentValue = "true") boolean force,
                           @Descriptor("The network") String network,
                           @Descriptor("The container") String container) throws IOException {
        networks();
        containers().disconnect(container, network, force);
    }

    // ---------------------------------------------------------------- prune

    @Command(name = "network prune", usage = "[OPTIONS]", maxArgs = 0)
    @Descriptor("Remove all unused networks")
    public void prune(CommandContext ctx,
                      @Descriptor("Do not prompt for confirmation")
                      @Parameter(names = {"-f", "--force"}, absentValue = "false", presentValue = "true") boolean force,
                      @Descriptor("Provide filter values (e.g. 'until=<timestamp>')")
                      @Parameter(names = {"--filter"}, absentValue = "") List<String> filter) throws IOException {
        NetworkService service = networks();
        Filters filters = Filters.parse(filter);
        if (!force && !ImageCommands.confirm(ctx,
                "WARNING! This will remove all custom networks not used by at least one container.")) {
            return;
        }
        List<Network> pruned = service.prune(filters);
        if (!pruned.isEmpty()) {
            // As docker's CLI: the list, then the blank line of its Println.
            ctx.out().println("Deleted Networks:");
            pruned.forEach(n -> ctx.out().println(n.name()));
            ctx.out().println();
        }
    }
}
