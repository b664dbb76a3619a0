package io.berth.networks.internal;

import io.berth.api.ConflictException;
import io.berth.api.Filters;
import io.berth.api.InvalidArgumentException;
import io.berth.api.NotFoundException;
import io.berth.api.UnavailableException;
import io.berth.api.driver.DriverRegistry;
import io.berth.api.network.Endpoint;
import io.berth.api.network.EndpointRequest;
import io.berth.api.network.EndpointSettings;
import io.berth.api.network.IpamConfig;
import io.berth.api.network.Network;
import io.berth.api.network.NetworkDriver;
import io.berth.api.network.NetworkService;
import io.berth.api.network.PortBinding;
import io.berth.api.network.PortMapping;
import io.berth.api.network.Sandbox;
import io.berth.api.network.SandboxRequest;
import io.berth.dns.DnsServer;
import io.berth.dns.ResolvConf;
import io.berth.netlink.NetHelper;
import io.berth.networks.internal.SandboxStore.Phase;
import io.berth.networks.internal.SandboxStore.SandboxFile;

import java.io.Closeable;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The engine's networks and containers' connections to them. Networks are kept on disk
 * ({@link NetworkStore}); each running container's network is recorded before any driver is
 * called ({@link SandboxStore}), so an engine started again knows every address, port and
 * namespace in use, and undoes a setup that a crash interrupted. Addresses of networks whose
 * driver does not assign its own are allocated here, from what the records hold (no separate lease
 * table to drift); host ports are held by {@link PortReservations}; names are answered by the
 * embedded DNS server on each user network's gateway, from the same records.
 *
 * <p>Changes are serialized by one lock (they are short: a helper run and, for published ports, a
 * firewall update); DNS lookups read without it.
 */
final class LocalNetworkService implements NetworkService, Closeable {
    private static final System.Logger LOG = System.getLogger(LocalNetworkService.class.getName());
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");
    private static final Set<String> LIST_FILTERS = Set.of("driver", "id", "label", "name", "scope", "type", "dangling");
    private static final Set<String> PRUNE_FILTERS = Set.of("until", "label", "label!");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final DriverRegistry drivers;
    private final NetHelper net;
    private final Path netnsDir;
    private final NetworkStore store;
    private final SandboxStore sandboxStore;
    private volatile NetworkSettings settings;
    private final PortReservations ports = new PortReservations();
    private final ContainerNames names;
    private final DnsServer dns;
    private final Path hostResolvConf;
    private final Path hostHosts;
    private final Object lock = new Object();
    /** Networks by id; guarded by {@link #lock}. */
    private final Map<String, Network> networks = new LinkedHashMap<>();
    /** Running containers' networks by container id; changed under {@link #lock}, read by DNS lookups. */
    private final Map<String, SandboxFile> sandboxes = new ConcurrentHashMap<>();
    /** Containers that ended while others still share their namespace; guarded by {@link #lock}. */
    private final Map<String, SandboxFile> lingering = new LinkedHashMap<>();

    LocalNetworkService(DriverRegistry drivers, NetHelper net, Path root, Path runRoot, NetworkSettings settings,
                        Path hostResolvConf, Path hostHosts) throws IOException {
        this.drivers = drivers;
        this.net = net;
        this.settings = settings;
        this.netnsDir = runRoot.resolve("netns");
        this.store = new NetworkStore(root.resolve("networks"));
        this.sandboxStore = new SandboxStore(runRoot.resolve("networks"));
        this.hostResolvConf = hostResolvConf;
        this.hostHosts = hostHosts;
        Files.createDirectories(netnsDir);
        this.names = new ContainerNames(sandboxes.values());
        this.dns = new DnsServer(names, ResolvConf.read(hostResolvConf).upstreams());
    }

    // ------------------------------------------------------------------ start and stop

    /** New settings: the pool applies to networks made from now on. */
    void settings(NetworkSettings newSettings) {
        settings = newSettings;
    }

    /**
     * Loads the networks (making the predefined ones), takes back the containers' networks that
     * were up, undoes those a crash left half made, and has each driver restore what it needs.
     */
    void start() throws IOException {
        synchronized (lock) {
            for (Network n : store.load()) {
                networks.put(n.id(), n);
            }
            predefine();
            Set<Path> owned = new HashSet<>();
            for (SandboxFile f : sandboxStore.load()) {
                if (f.phase() != Phase.UP) {
                    LOG.log(System.Logger.Level.INFO, "undoing the network setup of container "
                            + f.containerId().substring(0, 12) + " that was interrupted");
                    release(f);
                    continue;
                }
                for (Map.Entry<String, Endpoint> p : f.pending().entrySet()) {
                    disconnectQuietly(p.getKey(), p.getValue());
                }
                f = new SandboxFile(f.request(), f.netns(), f.joined(), f.endpoints(), Map.of(), f.hosts(),
                        f.resolvConf(), Phase.UP);
                for (PortMapping p : f.ports()) {
                    try {
                        ports.reserve(p.protocol(), p.hostIp(), p.hostPort(), 0, 0);
                    } catch (RuntimeException e) {
                        LOG.log(System.Logger.Level.WARNING, "port " + p.hostIp() + ":" + p.hostPort() + " of container "
                                + f.containerId().substring(0, 12) + " cannot be held again: " + e.getMessage());
                    }
                }
                sandboxes.put(f.containerId(), f);
                if (f.netns() != null) {
                    owned.add(f.netns());
                }
            }
            sweepNamespaces(owned);
            for (Network n : networks.values()) {
                restore(n, null);
            }
        }
    }

    /** A driver came back (or came for the first time): its networks' host side is made to match again. */
    void driverArrived(String name, NetworkDriver driver) {
        synchronized (lock) {
            for (Network n : networks.values()) {
                if (n.driver().equals(name)) {
                    restore(n, driver);
                }
            }
        }
    }

    private void restore(Network n, NetworkDriver driver) {
        List<Endpoint> on = endpointsOf(n);
        if (on.isEmpty() || !hasDriver(n)) {
            return;
        }
        try {
            (driver != null ? driver : drivers.network(n.driver())).restore(n, on);
            bindDns(n, on.get(0));
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot restore network " + n.name() + ": " + e.getMessage());
        }
    }

    private static boolean hasDriver(Network n) {
        return !n.driver().equals("host") && !n.driver().equals("null");
    }

    /** Namespaces in the run root no container owns: left by a crash between their making and their record. */
    private void sweepNamespaces(Set<Path> owned) throws IOException {
        try (Stream<Path> files = Files.list(netnsDir)) {
            for (Path f : files.toList()) {
                if (!owned.contains(f)) {
                    try {
                        net.netnsDelete(f);
                    } catch (IOException e) {
                        LOG.log(System.Logger.Level.WARNING, "cannot remove the stray network namespace " + f + ": "
                                + e.getMessage());
                    }
                }
            }
        }
    }

    /** docker's three networks: {@code bridge} (its subnet from the settings), {@code host} and {@code none}. */
    private void predefine() throws IOException {
        if (byName("bridge") == null) {
            Cidr subnet = Cidr.parse(settings.bridgeSubnet()).network();
            Map<String, String> options = new LinkedHashMap<>();
            options.put("com.docker.network.bridge.default_bridge", "true");
            options.put("com.docker.network.bridge.enable_icc", "true");
            options.put("com.docker.network.bridge.enable_ip_masquerade", "true");
            options.put("com.docker.network.bridge.host_binding_ipv4", "0.0.0.0");
            options.put("com.docker.network.bridge.name", settings.bridgeName());
            options.put("com.docker.network.driver.mtu", "1500");
            add(Network.builder().id(newId()).name("bridge").driver("bridge").created(Instant.now()).options(options)
                    .ipam(List.of(new IpamConfig(subnet.toString(), subnet.text(subnet.at(1)), null))).build());
        }
        if (byName("host") == null) {
            add(Network.builder().id(newId()).name("host").driver("host").created(Instant.now()).build());
        }
        if (byName("none") == null) {
            add(Network.builder().id(newId()).name("none").driver("null").created(Instant.now()).build());
        }
    }

    private void add(Network n) throws IOException {
        store.save(n);
        networks.put(n.id(), n);
    }

    /** Stops serving names and holding ports; containers keep their network (the next engine takes it back). */
    @Override
    public void close() {
        dns.close();
        ports.close();
    }

    // ------------------------------------------------------------------ networks

    @Override
    public Network create(Network request) throws IOException {
        String name = request.name();
        if (name.isEmpty() || !NAME.matcher(name).matches()) {
            throw new InvalidArgumentException("invalid network name \"" + name + "\": it must match " + NAME.pattern());
        }
        String driverName = request.driver() == null || request.driver().isEmpty() ? "bridge" : request.driver();
        if (driverName.equals("host") || driverName.equals("null")) {
            throw new ConflictException("only one instance of \"" + driverName + "\" network is allowed");
        }
        synchronized (lock) {
            if (byName(name) != null) {
                throw new ConflictException("network with name " + name + " already exists");
            }
            NetworkDriver driver;
            try {
                driver = drivers.network(driverName);
            } catch (UnavailableException e) {
                throw new NotFoundException("plugin \"" + driverName + "\" not found");
            }
            String id = newId();
            List<IpamConfig> ipam = driver.assignsAddresses() ? request.ipam() : Subnets.ranges(request, networks.values(), settings);
            Network n = request.toBuilder().id(id).driver(driverName).created(Instant.now()).ipam(ipam).build();
            Network made = driver.create(n);
            try {
                add(made);
            } catch (IOException | RuntimeException e) {
                try {
                    driver.remove(made);
                } catch (IOException | RuntimeException again) {
                    e.addSuppressed(again);
                }
                throw e;
            }
            return made;
        }
    }

    @Override
    public List<Network> list(Filters filters) {
        filters.requireKnown(LIST_FILTERS);
        synchronized (lock) {
            return networks.values().stream().filter(n -> matches(n, filters))
                    .sorted(Comparator.comparing(Network::name)).toList();
        }
    }

    private boolean matches(Network n, Filters f) {
        if (!anyOf(f, "driver", v -> v.equals(n.driver()))
                || !anyOf(f, "id", v -> n.id().startsWith(v))
                || !anyOf(f, "name", v -> n.name().contains(v))
                || !anyOf(f, "scope", v -> v.equals("local"))
                || !anyOf(f, "label", v -> label(n.labels(), v))) {
            return false;
        }
        for (String t : f.get("type")) {
            boolean builtin = PREDEFINED.contains(n.name());
            if (t.equals("builtin") != builtin && !(t.equals("custom") && !builtin)) {
                return false;
            }
            if (!t.equals("builtin") && !t.equals("custom")) {
                throw new InvalidArgumentException("invalid filter: 'type'='" + t + "'");
            }
        }
        for (String d : f.get("dangling")) {
            boolean want = switch (d.toLowerCase(Locale.ROOT)) {
                case "true", "1" -> true;
                case "false", "0" -> false;
                default -> throw new InvalidArgumentException("invalid filter 'dangling=" + d + "'");
            };
            boolean dangling = !PREDEFINED.contains(n.name()) && endpointsOf(n).isEmpty();
            if (want != dangling) {
                return false;
            }
        }
        return true;
    }

    /** Whether a filter key is absent or one of its values matches. */
    private static boolean anyOf(Filters f, String key, java.util.function.Predicate<String> test) {
        List<String> values = f.get(key);
        return values.isEmpty() || values.stream().anyMatch(test);
    }

    private static boolean label(Map<String, String> labels, String filter) {
        int eq = filter.indexOf('=');
        if (eq < 0) {
            return labels.containsKey(filter);
        }
        return filter.substring(eq + 1).equals(labels.get(filter.substring(0, eq)));
    }

    @Override
    public Network get(String idOrName) {
        synchronized (lock) {
            return find(idOrName);
        }
    }

    /** By full name, full id, or unique id prefix. */
    private Network find(String idOrName) {
        Network n = byName(idOrName);
        if (n != null) {
            return n;
        }
        n = networks.get(idOrName);
        if (n != null) {
            return n;
        }
        List<Network> prefixed = idOrName.isEmpty() ? List.of()
                : networks.values().stream().filter(x -> x.id().startsWith(idOrName)).toList();
        if (prefixed.size() == 1) {
            return prefixed.get(0);
        }
        if (prefixed.size() > 1) {
            throw new NotFoundException("network " + idOrName + " is ambiguous (" + prefixed.size() + " matches found on id)");
        }
        throw new NotFoundException("network " + idOrName + " not found");
    }

    private Network byName(String name) {
        for (Network n : networks.values()) {
            if (n.name().equals(name)) {
                return n;
            }
        }
        return null;
    }

    @Override
    public List<Endpoint> endpoints(String idOrName) {
        synchronized (lock) {
            return endpointsOf(find(idOrName));
        }
    }

    private List<Endpoint> endpointsOf(Network n) {
        List<Endpoint> out = new ArrayList<>();
        for (SandboxFile f : sandboxes.values()) {
            for (Endpoint e : f.endpoints().values()) {
                if (e.networkId().equals(n.id())) {
                    out.add(e);
                }
            }
        }
        for (SandboxFile f : lingering.values()) {
            for (Endpoint e : f.endpoints().values()) {
                if (e.networkId().equals(n.id())) {
                    out.add(e);
                }
            }
        }
        return out;
    }

    @Override
    public void remove(String idOrName) throws IOException {
        synchronized (lock) {
            Network n = find(idOrName);
            if (PREDEFINED.contains(n.name())) {
                throw new ConflictException(n.name() + " is a pre-defined network and cannot be removed");
            }
            if (!endpointsOf(n).isEmpty()) {
                throw new ConflictException("error while removing network: network " + n.name() + " id " + n.id()
                        + " has active endpoints");
            }
            removeLocked(n);
        }
    }

    private void removeLocked(Network n) throws IOException {
        NetworkDriver driver;
        try {
            driver = drivers.network(n.driver());
        } catch (UnavailableException e) {
            throw new UnavailableException("cannot remove network " + n.name() + ": its driver " + n.driver()
                    + " is missing (" + e.getMessage() + ")");
        }
        unbindDns(n);
        driver.remove(n);
        store.delete(n);
        networks.remove(n.id());
    }

    @Override
    public List<Network> prune(Filters filters) throws IOException {
        filters.requireKnown(PRUNE_FILTERS);
        List<Network> removed = new ArrayList<>();
        synchronized (lock) {
            for (Network n : List.copyOf(networks.values())) {
                if (PREDEFINED.contains(n.name()) || !endpointsOf(n).isEmpty() || !prunable(n, filters)) {
                    continue;
                }
                try {
                    removeLocked(n);
                    removed.add(n);
                } catch (IOException | RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "cannot prune network " + n.name() + ": " + e.getMessage());
                }
            }
        }
        return removed;
    }

    private static boolean prunable(Network n, Filters f) {
        for (String until : f.get("until")) {
            Instant limit = Until.parse(until);
            if (n.created() != null && !n.created().isBefore(limit)) {
                return false;
            }
        }
        if (!anyOf(f, "label", v -> label(n.labels(), v))) {
            return false;
        }
        for (String v : f.get("label!")) {
            if (label(n.labels(), v)) {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ containers' networks

    @Override
    public Sandbox setUp(SandboxRequest request) throws IOException {
        synchronized (lock) {
            String id = request.containerId();
            SandboxFile stale = sandboxes.remove(id);
            if (stale != null) {
                release(stale);
            }
            String mode = request.mode();
            SandboxFile f;
            if (mode.equals("host")) {
                f = new SandboxFile(request, null, null, Map.of(), Map.of(), ResolverFiles.hostHosts(hostHosts),
                        String.join("\n", hostResolvLines()) + "\n", Phase.UP);
                sandboxStore.save(f);
            } else if (mode.startsWith("container:")) {
                String target = mode.substring("container:".length());
                SandboxFile owner = sandboxes.get(target);
                if (owner == null) {
                    throw new ConflictException("cannot join network of a non running container: " + target);
                }
                f = new SandboxFile(request, null, target, Map.of(), Map.of(), owner.hosts(), owner.resolvConf(), Phase.UP);
                sandboxStore.save(f);
            } else {
                f = setUpOwn(request);
            }
            sandboxes.put(id, f);
            return sandbox(f);
        }
    }

    /**
     * A container with a namespace of its own: {@code none} (the runtime makes the namespace, with
     * only its loopback, as it starts the container: nothing to make here), or connected to its
     * networks (the namespace made here, pinned by a bind mount, and connected before the start).
     */
    private SandboxFile setUpOwn(SandboxRequest request) throws IOException {
        if (request.mode().equals("none")) {
            SandboxFile f = files(new SandboxFile(request, null, null, Map.of(), Map.of(), null, null, Phase.UP));
            sandboxStore.save(f);
            return f;
        }
        List<Network> on = new ArrayList<>();
        {
            // The networks it is connected to (network connect and disconnect change them); its mode's alone
            // for a container that names none.
            List<String> names = request.networks().isEmpty() ? List.of(request.mode())
                    : List.copyOf(request.networks().keySet());
            for (String name : names) {
                Network n = find(name);
                if (!hasDriver(n)) {
                    throw new InvalidArgumentException("network " + n.name() + " cannot be used as a container's network");
                }
                if (!on.contains(n)) {
                    on.add(n);
                }
            }
        }
        Path netns = netnsDir.resolve(request.containerId());
        SandboxFile f = new SandboxFile(request, netns, null, Map.of(), Map.of(), null, null, Phase.ADDING);
        sandboxStore.save(f);
        try {
            net.netnsAdd(netns);
            for (int i = 0; i < on.size(); i++) {
                f = connectOne(f, on.get(i), "eth" + i, i == 0);
            }
            f = files(f).up();
            sandboxStore.save(f);
            return f;
        } catch (IOException | RuntimeException e) {
            try {
                release(f);
            } catch (IOException | RuntimeException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
    }

    /** The hosts and resolv.conf of a container from its first connection. */
    private SandboxFile files(SandboxFile f) throws IOException {
        SandboxRequest r = f.request();
        List<String> extra = new ArrayList<>();
        Endpoint first = f.endpoints().values().stream().findFirst().orElse(null);
        for (String h : r.extraHosts()) {
            int colon = h.lastIndexOf(':');
            String address = h.substring(colon + 1);
            if (address.equals("host-gateway")) {
                address = first != null && first.gateway() != null ? first.gateway()
                        : Cidr.parse(settings.bridgeSubnet()).network().text(Cidr.parse(settings.bridgeSubnet()).at(1));
            }
            extra.add(h.substring(0, colon) + ":" + address);
        }
        String hosts = ResolverFiles.hosts(r.hostname(), r.domainname(), extra, first == null ? null : first.ipv4Address());
        List<String> hostLines = hostResolvLines();
        String resolv;
        Network firstNetwork = first == null ? null : networks.get(first.networkId());
        if (firstNetwork != null && !firstNetwork.name().equals("bridge") && first.gateway() != null
                && r.dns().isEmpty() && dnsServes(first.gateway())) {
            resolv = ResolverFiles.embedded(first.gateway(), hostLines, r.dnsSearch(), r.dnsOptions());
        } else {
            resolv = ResolverFiles.resolvConf(hostLines, r.dns(), r.dnsSearch(), r.dnsOptions());
        }
        return f.withFiles(hosts, resolv);
    }

    private List<String> hostResolvLines() throws IOException {
        try {
            return Files.readAllLines(hostResolvConf);
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }

    /**
     * Connects a container to one network: its address (and ports, for its first network) reserved and
     * recorded first, then the driver called; on failure the reservation is given back.
     */
    private SandboxFile connectOne(SandboxFile f, Network n, String ifName, boolean publish) throws IOException {
        NetworkDriver driver = drivers.network(n.driver());
        SandboxRequest r = f.request();
        EndpointSettings s = f.settings(n.name());
        if (n.name().equals("bridge")) {
            if (s.ipv4Address() != null || s.ipv6Address() != null) {
                throw new InvalidArgumentException("user specified IP address is supported on user defined networks only");
            }
            if (!s.aliases().isEmpty()) {
                throw new InvalidArgumentException("network-scoped alias is supported only for containers in user defined "
                        + "networks");
            }
        }
        String ipv4 = null;
        String gateway = null;
        String ipv6 = null;
        String gateway6 = null;
        if (!driver.assignsAddresses()) {
            for (IpamConfig c : n.ipam()) {
                Cidr subnet = Cidr.parse(c.subnet());
                String asked = subnet.ipv6() ? s.ipv6Address() : s.ipv4Address();
                if (subnet.ipv6() ? ipv6 != null : ipv4 != null) {
                    continue;
                }
                String address = allocate(n, c, subnet, asked) + "/" + subnet.length();
                if (subnet.ipv6()) {
                    ipv6 = address;
                    gateway6 = n.internal() ? null : c.gateway();
                } else {
                    ipv4 = address;
                    gateway = n.internal() ? null : c.gateway();
                }
            }
            if (s.ipv4Address() != null && ipv4 == null) {
                throw new InvalidArgumentException("Invalid address " + s.ipv4Address()
                        + ": It does not belong to any of this network's subnets");
            }
        }
        String mac = s.macAddress() != null ? s.macAddress() : ipv4 != null ? macOf(ipv4) : null;
        List<PortMapping> published = publish ? reservePorts(r) : List.of();
        Endpoint pending = new Endpoint(n.id(), r.containerId(), f.netns(), ifName, null, mac, ipv4,
                n.internal() ? null : gateway, ipv6, gateway6, published, Map.of());
        f = f.withPending(n.name(), pending);
        try {
            sandboxStore.save(f);
            // The default route goes through the first network only (as docker's); the others' gateways are
            // shown, not routed to.
            boolean defaultRoute = f.endpoints().isEmpty();
            Endpoint made = driver.connect(n, new EndpointRequest(r.containerId(), r.containerName(), f.netns(), ifName, mac,
                    ipv4, defaultRoute ? gateway : null, ipv6, defaultRoute ? gateway6 : null, published));
            if (!defaultRoute) {
                made = new Endpoint(made.networkId(), made.containerId(), made.netns(), made.ifName(), made.hostIfName(),
                        made.macAddress(), made.ipv4(), made.gateway() != null ? made.gateway() : gateway, made.ipv6(),
                        made.gateway6() != null ? made.gateway6() : gateway6, made.ports(), made.driverState());
            }
            f = f.withEndpoint(n.name(), made);
            sandboxStore.save(f);
            bindDns(n, made);
            return f;
        } catch (IOException | RuntimeException e) {
            ports.release(keys(published));
            f = f.withPending(n.name(), null);
            try {
                sandboxStore.save(f);
            } catch (IOException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
    }

    /** docker's MAC address of a container: 02:42 and its IPv4 address. */
    static String macOf(String ipv4) {
        byte[] a = Cidr.literal(ipv4.substring(0, ipv4.indexOf('/')), ipv4);
        return String.format("02:42:%02x:%02x:%02x:%02x", a[0] & 0xff, a[1] & 0xff, a[2] & 0xff, a[3] & 0xff);
    }

    /** An address of a range: the one asked for if free, else the first free one (the gateway never). */
    private String allocate(Network n, IpamConfig c, Cidr subnet, String asked) {
        Set<BigInteger> used = new HashSet<>();
        for (SandboxFile f : allSandboxes()) {
            Stream.concat(f.endpoints().values().stream(), f.pending().values().stream())
                    .filter(e -> e.networkId().equals(n.id()))
                    .forEach(e -> {
                        String a = subnet.ipv6() ? e.ipv6Address() : e.ipv4Address();
                        if (a != null) {
                            used.add(Cidr.address(a).base());
                        }
                    });
        }
        used.add(Cidr.address(c.gateway()).base());
        if (asked != null) {
            Cidr a = Cidr.address(asked);
            if (a.bits() != subnet.bits() || !subnet.contains(a.base())) {
                throw new InvalidArgumentException("Invalid address " + asked
                        + ": It does not belong to any of this network's subnets");
            }
            if (used.contains(a.base())) {
                throw new ConflictException("Address already in use");
            }
            return subnet.text(a.base());
        }
        // The first free one, as docker's allocator gives them on a local network: an address released is taken
        // again at once (the MAC address follows the IPv4 address, so neighbours' caches stay right).
        Cidr range = c.ipRange() == null ? subnet : Cidr.parse(c.ipRange());
        BigInteger last = subnet.ipv6() ? range.last() : range.last().subtract(BigInteger.ONE);
        BigInteger from = range.first().equals(subnet.first()) ? range.first().add(BigInteger.ONE) : range.first();
        for (BigInteger a = from; a.compareTo(last) <= 0; a = a.add(BigInteger.ONE)) {
            if (!used.contains(a)) {
                return subnet.text(a);
            }
        }
        throw new ConflictException("no available IPv" + (subnet.ipv6() ? "6" : "4") + " addresses on this network's "
                + "address pools: " + n.name() + " (" + n.id() + ")");
    }

    private List<SandboxFile> allSandboxes() {
        List<SandboxFile> all = new ArrayList<>(sandboxes.values());
        all.addAll(lingering.values());
        return all;
    }

    /** The host ports of {@code -p} and {@code -P}, held; on failure none is. */
    private List<PortMapping> reservePorts(SandboxRequest r) {
        List<PortMapping> out = new ArrayList<>();
        try {
            Map<String, List<PortBinding>> bindings = new LinkedHashMap<>(r.portBindings());
            if (r.publishAll()) {
                for (String p : r.exposedPorts()) {
                    bindings.putIfAbsent(p, List.of(new PortBinding("", "")));
                }
            }
            for (Map.Entry<String, List<PortBinding>> b : bindings.entrySet()) {
                String[] port = b.getKey().split("/", 2);
                String protocol = port.length > 1 ? port[1].toLowerCase(Locale.ROOT) : "tcp";
                int containerPort = parsePort(port[0], b.getKey());
                List<PortBinding> to = b.getValue().isEmpty() ? List.of(new PortBinding("", "")) : b.getValue();
                for (PortBinding pb : to) {
                    String hostIp = pb.hostIp().isEmpty() ? "0.0.0.0" : pb.hostIp();
                    int low = 0;
                    int high = 0;
                    int exact = 0;
                    if (!pb.hostPort().isEmpty()) {
                        int dash = pb.hostPort().indexOf('-');
                        if (dash > 0) {
                            low = parsePort(pb.hostPort().substring(0, dash), pb.hostPort());
                            high = parsePort(pb.hostPort().substring(dash + 1), pb.hostPort());
                        } else {
                            exact = parsePort(pb.hostPort(), pb.hostPort());
                        }
                    }
                    int held = ports.reserve(protocol, hostIp, exact, low, high);
                    out.add(new PortMapping(protocol, containerPort, hostIp, held));
                }
            }
            return out;
        } catch (RuntimeException e) {
            ports.release(keys(out));
            throw e;
        }
    }

    private static int parsePort(String s, String spec) {
        try {
            int p = Integer.parseInt(s);
            if (p >= 0 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new InvalidArgumentException("invalid port specification: \"" + spec + "\"");
    }

    private static List<PortReservations.Key> keys(List<PortMapping> mappings) {
        return mappings.stream().map(p -> new PortReservations.Key(p.protocol(), p.hostIp(), p.hostPort())).toList();
    }

    @Override
    public Sandbox sandbox(String containerId) {
        SandboxFile f = sandboxes.get(containerId);
        return f == null ? null : sandbox(f);
    }

    private Sandbox sandbox(SandboxFile f) {
        Path netns = f.netns();
        Map<String, io.berth.api.network.Endpoint> endpoints = f.endpoints();
        if (f.joined() != null) {
            SandboxFile owner = sandboxes.get(f.joined());
            if (owner == null) {
                owner = lingering.get(f.joined());
            }
            netns = owner == null ? null : owner.netns();
        }
        return new Sandbox(f.containerId(), f.request().mode(), netns, endpoints, f.hosts(), f.resolvConf());
    }

    @Override
    public Set<String> sandboxes() {
        return Set.copyOf(sandboxes.keySet());
    }

    @Override
    public void tearDown(String containerId) throws IOException {
        synchronized (lock) {
            SandboxFile f = sandboxes.remove(containerId);
            if (f == null) {
                sandboxStore.delete(containerId);
                return;
            }
            boolean joined = sandboxes.values().stream().anyMatch(s -> containerId.equals(s.joined()));
            if (joined) {
                // Others run in its namespace: its interfaces stay until the last of them ends.
                lingering.put(containerId, f);
                return;
            }
            release(f);
        }
    }

    /** Undoes a container's network: connections (last first), ports, namespace, record. */
    private void release(SandboxFile f) throws IOException {
        List<Map.Entry<String, Endpoint>> all = new ArrayList<>(f.endpoints().entrySet());
        all.addAll(f.pending().entrySet());
        Collections.reverse(all);
        IOException failed = null;
        for (Map.Entry<String, Endpoint> e : all) {
            try {
                disconnect(e.getKey(), e.getValue());
            } catch (IOException ex) {
                failed = ex;
            }
            ports.release(keys(e.getValue().ports()));
        }
        if (f.netns() != null && f.joined() == null) {
            net.netnsDelete(f.netns());
        }
        sandboxStore.delete(f.containerId());
        if (f.joined() != null) {
            SandboxFile owner = lingering.get(f.joined());
            if (owner != null && sandboxes.values().stream().noneMatch(s -> f.joined().equals(s.joined()))) {
                lingering.remove(f.joined());
                release(owner);
            }
        }
        if (failed != null) {
            throw failed;
        }
    }

    private void disconnect(String networkName, Endpoint e) throws IOException {
        Network n = networks.get(e.networkId());
        if (n == null) {
            LOG.log(System.Logger.Level.WARNING, "network " + networkName + " of container "
                    + e.containerId().substring(0, 12) + " is gone; its connection is dropped");
            return;
        }
        try {
            drivers.network(n.driver()).disconnect(n, e);
        } catch (UnavailableException missing) {
            LOG.log(System.Logger.Level.WARNING, "network driver " + n.driver() + " is missing: the connection of container "
                    + e.containerId().substring(0, 12) + " to " + n.name() + " stays until it returns");
        }
    }

    private void disconnectQuietly(String networkName, Endpoint e) {
        try {
            disconnect(networkName, e);
        } catch (IOException | RuntimeException ex) {
            LOG.log(System.Logger.Level.WARNING, "cannot disconnect container " + e.containerId().substring(0, 12)
                    + " from " + networkName + ": " + ex.getMessage());
        }
    }

    @Override
    public Endpoint connect(String containerId, String containerName, String network, EndpointSettings settings)
            throws IOException {
        synchronized (lock) {
            SandboxFile f = sandboxes.get(containerId);
            if (f == null) {
                throw new ConflictException("container " + containerId.substring(0, 12) + " is not running");
            }
            Network n = find(network);
            if (f.request().mode().equals("none") || n.name().equals("none")) {
                throw new ConflictException("container cannot be connected to multiple networks with one of the networks "
                        + "in private (none) mode");
            }
            if (f.netns() == null || f.joined() != null || !hasDriver(n)) {
                throw new ConflictException("container sharing network namespace with another container or host cannot be "
                        + "connected to any other network");
            }
            if (f.endpoints().containsKey(n.name())) {
                throw new ConflictException("endpoint with name " + containerName + " already exists in network " + n.name());
            }
            Map<String, EndpointSettings> asked = new LinkedHashMap<>(f.request().networks());
            asked.put(n.name(), settings == null ? EndpointSettings.DEFAULT : settings);
            SandboxRequest r = f.request();
            f = f.withRequest(new SandboxRequest(r.containerId(), r.containerName(), r.hostname(), r.domainname(), r.mode(),
                    asked, r.portBindings(), r.publishAll(), r.exposedPorts(), r.dns(), r.dnsSearch(), r.dnsOptions(),
                    r.extraHosts()));
            int index = 0;
            while (true) {
                String candidate = "eth" + index;
                if (f.endpoints().values().stream().noneMatch(e -> e.ifName().equals(candidate))) {
                    break;
                }
                index++;
            }
            f = connectOne(f, n, "eth" + index, f.endpoints().isEmpty());
            sandboxes.put(containerId, f);
            return f.endpoints().get(n.name());
        }
    }

    @Override
    public void disconnect(String containerId, String network) throws IOException {
        synchronized (lock) {
            SandboxFile f = sandboxes.get(containerId);
            Network n = find(network);
            if (f == null || !f.endpoints().containsKey(n.name())) {
                throw new ConflictException("container " + containerId + " is not connected to network " + n.name());
            }
            Endpoint e = f.endpoints().get(n.name());
            disconnect(n.name(), e);
            // The container keeps running: its interface is gone when this returns, as with docker, even
            // where a driver defers deleting its links (the bridge driver's host ends, off the caller's path).
            if (e.netns() != null) {
                net.linkDeleteIn(e.netns(), e.ifName());
            }
            ports.release(keys(e.ports()));
            f = f.without(n.name());
            sandboxStore.save(f);
            sandboxes.put(containerId, f);
        }
    }

    // ------------------------------------------------------------------ names

    /** Serves names on a user network's gateway once the gateway is on the host. */
    private void bindDns(Network n, Endpoint e) {
        if (n.name().equals("bridge") || e.gateway() == null) {
            return;
        }
        try {
            InetAddress gw = InetAddress.getByName(e.gateway());
            if (!dns.bound().contains(gw)) {
                dns.bind(gw, 53);
            }
        } catch (IOException ex) {
            LOG.log(System.Logger.Level.WARNING, "no name resolution on network " + n.name() + ": cannot serve DNS on "
                    + e.gateway() + ":53 (" + ex.getMessage() + ")");
        }
    }

    private boolean dnsServes(String gateway) {
        try {
            return dns.bound().contains(InetAddress.getByName(gateway));
        } catch (IOException e) {
            return false;
        }
    }

    private void unbindDns(Network n) {
        for (IpamConfig c : n.ipam()) {
            if (c.gateway() != null) {
                try {
                    dns.unbind(InetAddress.getByName(c.gateway()));
                } catch (IOException e) {
                    // Not a literal: never bound.
                }
            }
        }
    }

    /** The names the DNS server answers. */
    ContainerNames names() {
        return names;
    }

    private static String newId() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
