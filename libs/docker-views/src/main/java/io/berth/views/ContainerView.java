package io.berth.views;

import io.berth.api.container.Container;
import io.berth.api.container.ContainerDetails;
import io.berth.api.container.ContainerState;
import io.berth.api.container.ContainerStatus;
import io.berth.api.container.Health;
import io.berth.api.container.HealthStatus;
import io.berth.api.container.HostConfig;
import io.berth.api.container.MountPoint;
import io.berth.api.container.MountSpec;
import io.berth.api.network.Endpoint;
import io.berth.api.network.EndpointSettings;
import io.berth.api.network.PortBinding;
import io.berth.api.network.PortMapping;
import io.berth.api.network.Sandbox;
import io.berth.api.runtime.ContainerDefaults;
import io.berth.api.runtime.Resources;
import io.berth.api.runtime.Rlimit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/** Containers as docker's daemon gives them: {@code inspect}'s object and the human status. */
public final class ContainerView {
    private ContainerView() {
    }

    /**
     * {@code Up 2 minutes}, {@code Up 5 seconds (healthy)}, {@code Exited (0) 3 seconds ago},
     * {@code Created}: docker's {@code Status}. A running container with a health check has its
     * health after it: {@code (health: starting)}, {@code (healthy)}, {@code (unhealthy)}.
     */
    public static String status(ContainerState s, Instant now) {
        return switch (s.status()) {
            case CREATED -> "Created";
            case RUNNING -> "Up " + Times.humanDuration(since(s.startedAt(), now)) + health(s.health());
            case PAUSED -> "Up " + Times.humanDuration(since(s.startedAt(), now)) + " (Paused)";
            case RESTARTING -> "Restarting (" + s.exitCode() + ") " + Times.ago(s.finishedAt() == null ? now : s.finishedAt(), now);
            case REMOVING -> "Removal In Progress";
            case DEAD -> "Dead";
            case EXITED -> "Exited (" + s.exitCode() + ") " + (s.finishedAt() == null ? "" : Times.ago(s.finishedAt(), now));
        };
    }

    /** Docker's {@code Health.String()} in parentheses, or nothing without a health check. */
    private static String health(Health h) {
        if (h == null) {
            return "";
        }
        return h.status() == HealthStatus.STARTING ? " (health: starting)" : " (" + h.status().label() + ")";
    }

    /** {@code State.Health}: {@code Status}, {@code FailingStreak} and the {@code Log} of the last results. */
    private static Map<String, Object> healthObject(Health h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Status", h.status().label());
        m.put("FailingStreak", h.failingStreak());
        List<Map<String, Object>> log = new ArrayList<>();
        for (Health.Result r : h.log()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("Start", Times.rfc3339(r.start()));
            e.put("End", Times.rfc3339(r.end()));
            e.put("ExitCode", r.exitCode());
            e.put("Output", r.output());
            log.add(e);
        }
        m.put("Log", log);
        return m;
    }

    private static Duration since(Instant t, Instant now) {
        if (t == null) {
            return Duration.ZERO;
        }
        Duration d = Duration.between(t, now);
        return d.isNegative() ? Duration.ZERO : d;
    }

    /**
     * The command as docker's API lists it: the path and arguments joined by spaces, an argument
     * with a space in single quotes ({@code sh -c 'echo one; echo two'}).
     */
    public static String commandLine(Container c) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < c.command().size(); i++) {
            String a = c.command().get(i);
            parts.add(i > 0 && a.contains(" ") ? "'" + a + "'" : a);
        }
        return String.join(" ", parts);
    }

    /**
     * An entry of {@code GET /containers/json} ({@code types.Container}): the names with their
     * slash, times in unix seconds, ports as {@code {IP, PrivatePort, PublicPort, Type}} (an
     * exposed port without {@code IP} and {@code PublicPort}), docker's human {@code Status}.
     */
    public static Map<String, Object> summary(Container c, Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Id", c.id());
        m.put("Names", List.of("/" + c.name()));
        m.put("Image", c.image());
        m.put("ImageID", c.imageId());
        m.put("Command", commandLine(c));
        m.put("Created", c.created().getEpochSecond());
        List<Map<String, Object>> ports = new ArrayList<>();
        Set<String> published = new HashSet<>();
        for (PortMapping p : c.ports()) {
            if (p.hostPort() != 0) {
                published.add(p.port());
                Map<String, Object> port = new LinkedHashMap<>();
                port.put("IP", p.hostIp());
                port.put("PrivatePort", p.containerPort());
                port.put("PublicPort", p.hostPort());
                port.put("Type", p.protocol());
                ports.add(port);
            }
        }
        for (PortMapping p : c.ports()) {
            if (p.hostPort() == 0 && published.add(p.port())) {
                Map<String, Object> port = new LinkedHashMap<>();
                port.put("PrivatePort", p.containerPort());
                port.put("Type", p.protocol());
                ports.add(port);
            }
        }
        m.put("Ports", ports);
        if (c.sizeRw() >= 0) {
            m.put("SizeRw", c.sizeRw());
        }
        m.put("Labels", new TreeMap<>(c.labels()));
        m.put("State", c.state().status().label());
        m.put("Status", status(c.state(), now));
        Map<String, Object> host = new LinkedHashMap<>();
        host.put("NetworkMode", c.networks().isEmpty() ? "none" : c.networks().get(0).equals("bridge") ? "default"
                : c.networks().get(0));
        m.put("HostConfig", host);
        Map<String, Object> networks = new TreeMap<>();
        for (String n : c.networks()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("NetworkID", "");
            networks.put(n, e);
        }
        m.put("NetworkSettings", Map.of("Networks", networks));
        m.put("Mounts", mountPoints(c.mountPoints()));
        return m;
    }

    /**
     * {@code docker container inspect}'s object ({@code GET /containers/NAME/json}), the ids of
     * networks the container is not connected to now unknown.
     */
    public static Map<String, Object> inspect(ContainerDetails d) {
        return inspect(d, name -> null);
    }

    /**
     * {@code docker container inspect}'s object ({@code GET /containers/NAME/json}).
     *
     * @param networkIds a network's id by its name, or {@code null} when unknown: for the networks
     *        of a container that is not running, which have no connection to take the id from
     */
    public static Map<String, Object> inspect(ContainerDetails d, Function<String, String> networkIds) {
        Container c = d.container();
        ContainerState s = c.state();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Id", c.id());
        m.put("Created", Times.rfc3339(c.created()));
        m.put("Path", d.path());
        m.put("Args", d.args());
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("Status", s.status().label());
        state.put("Running", s.status() == ContainerStatus.RUNNING || s.status() == ContainerStatus.PAUSED);
        state.put("Paused", s.status() == ContainerStatus.PAUSED);
        state.put("Restarting", s.status() == ContainerStatus.RESTARTING);
        state.put("OOMKilled", s.oomKilled());
        state.put("Dead", s.status() == ContainerStatus.DEAD);
        state.put("Pid", s.pid());
        state.put("ExitCode", s.exitCode());
        state.put("Error", s.error());
        state.put("StartedAt", Times.rfc3339(s.startedAt()));
        state.put("FinishedAt", Times.rfc3339(s.finishedAt()));
        if (s.health() != null) {
            // Only for a container that has had health checks, as docker's (omitempty).
            state.put("Health", healthObject(s.health()));
        }
        m.put("State", state);
        m.put("Image", c.imageId());
        m.put("ResolvConfPath", d.resolvConfPath());
        m.put("HostnamePath", d.hostnamePath());
        m.put("HostsPath", d.hostsPath());
        m.put("LogPath", d.logPath());
        m.put("Name", "/" + c.name());
        m.put("RestartCount", d.restartCount());
        m.put("Driver", c.storage());
        // Berth's: whether the runtime driver the container was made with is here now.
        m.put("RuntimeAvailable", d.runtimeAvailable());
        m.put("Platform", "linux");
        m.put("MountLabel", "");
        m.put("ProcessLabel", "");
        m.put("AppArmorProfile", "");
        m.put("ExecIDs", null);
        m.put("HostConfig", hostConfig(d.host()));
        Map<String, Object> graph = new LinkedHashMap<>();
        graph.put("Data", d.graphData().isEmpty() ? null : new TreeMap<>(d.graphData()));
        graph.put("Name", c.storage());
        m.put("GraphDriver", graph);
        m.put("Mounts", mountPoints(d.mountPoints()));
        // Berth's: the ids of the container's user namespace (usernsRemap), as OCI's linux.uidMappings; null: the host's.
        if (d.uidMappings().isEmpty()) {
            m.put("IdMappings", null);
        } else {
            Map<String, Object> ids = new LinkedHashMap<>();
            ids.put("UidMap", idMappings(d.uidMappings()));
            ids.put("GidMap", idMappings(d.gidMappings()));
            m.put("IdMappings", ids);
        }
        m.put("Config", withMacAddress(withVolumes(ConfigView.of(d.config()), volumesOfV(d.host())), macAddress(d)));
        m.put("NetworkSettings", networkSettings(d, networkIds));
        return m;
    }

    private static List<Map<String, Object>> idMappings(List<io.berth.api.runtime.IdMapping> mappings) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (io.berth.api.runtime.IdMapping i : mappings) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("ContainerID", i.containerId());
            e.put("HostID", i.hostId());
            e.put("Size", i.size());
            out.add(e);
        }
        return out;
    }

    private static Map<String, Object> hostConfig(HostConfig h) {
        Resources r = h.resources();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Binds", h.binds().isEmpty() ? null : h.binds());
        m.put("ContainerIDFile", "");
        Map<String, Object> log = new LinkedHashMap<>();
        log.put("Type", "json-file");
        Map<String, String> logOptions = new TreeMap<>();
        if (h.log().maxSize() > 0) {
            logOptions.put("max-size", Long.toString(h.log().maxSize()));
        }
        if (h.log().maxFiles() > 1) {
            logOptions.put("max-file", Integer.toString(h.log().maxFiles()));
        }
        log.put("Config", logOptions);
        m.put("LogConfig", log);
        m.put("NetworkMode", h.networkMode());
        m.put("PortBindings", portBindings(h));
        Map<String, Object> restart = new LinkedHashMap<>();
        restart.put("Name", h.restartPolicy().name());
        restart.put("MaximumRetryCount", h.restartPolicy().maximumRetryCount());
        m.put("RestartPolicy", restart);
        m.put("AutoRemove", h.autoRemove());
        m.put("VolumeDriver", h.volumeDriver() == null ? "" : h.volumeDriver());
        m.put("VolumesFrom", h.volumesFrom().isEmpty() ? null : h.volumesFrom());
        m.put("CapAdd", h.capAdd().isEmpty() ? null : h.capAdd());
        m.put("CapDrop", h.capDrop().isEmpty() ? null : h.capDrop());
        m.put("CgroupnsMode", "private");
        m.put("Dns", h.dns());
        m.put("DnsOptions", h.dnsOptions());
        m.put("DnsSearch", h.dnsSearch());
        m.put("ExtraHosts", h.extraHosts().isEmpty() ? null : h.extraHosts());
        m.put("GroupAdd", null);
        m.put("IpcMode", "private");
        m.put("Cgroup", "");
        m.put("Links", null);
        m.put("OomScoreAdj", 0);
        m.put("PidMode", "");
        m.put("Privileged", h.privileged());
        m.put("PublishAllPorts", h.publishAllPorts());
        m.put("ReadonlyRootfs", h.readonlyRootfs());
        m.put("SecurityOpt", h.securityOpt().isEmpty() ? null : h.securityOpt());
        if (!h.tmpfs().isEmpty()) {
            m.put("Tmpfs", new TreeMap<>(h.tmpfs()));
        }
        m.put("UTSMode", "");
        m.put("UsernsMode", h.usernsMode() == null ? "" : h.usernsMode());
        m.put("ShmSize", h.shmSize());
        m.put("Runtime", h.runtime());
        m.put("ConsoleSize", List.of(0, 0));
        m.put("Isolation", "");
        m.put("CpuShares", r.cpuShares());
        m.put("Memory", r.memory());
        m.put("NanoCpus", r.cpuPeriod() > 0 ? r.cpuQuota() * 1_000_000_000L / r.cpuPeriod() : 0);
        m.put("CgroupParent", "");
        // docker's zero values for what Berth does not set (block I/O, realtime CPU, device requests, Windows' CPU and I/O).
        m.put("BlkioWeight", 0);
        m.put("BlkioWeightDevice", List.of());
        m.put("BlkioDeviceReadBps", List.of());
        m.put("BlkioDeviceWriteBps", List.of());
        m.put("BlkioDeviceReadIOps", List.of());
        m.put("BlkioDeviceWriteIOps", List.of());
        m.put("CpuPeriod", r.cpuPeriod());
        m.put("CpuQuota", r.cpuQuota());
        m.put("CpuRealtimePeriod", 0);
        m.put("CpuRealtimeRuntime", 0);
        m.put("CpusetCpus", r.cpusetCpus() == null ? "" : r.cpusetCpus());
        m.put("CpusetMems", "");
        m.put("Devices", List.of());
        m.put("DeviceCgroupRules", null);
        m.put("DeviceRequests", null);
        m.put("KernelMemory", 0);
        m.put("KernelMemoryTCP", 0);
        m.put("MemoryReservation", 0);
        m.put("MemorySwap", r.memorySwap());
        m.put("MemorySwappiness", null);
        m.put("OomKillDisable", false);
        m.put("PidsLimit", r.pidsLimit() == 0 ? null : r.pidsLimit());
        List<Map<String, Object>> ulimits = new ArrayList<>();
        for (Rlimit u : h.ulimits()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("Name", u.type().substring("RLIMIT_".length()).toLowerCase(Locale.ROOT));
            x.put("Hard", u.hard());
            x.put("Soft", u.soft());
            ulimits.add(x);
        }
        m.put("Ulimits", ulimits);
        m.put("CpuCount", 0);
        m.put("CpuPercent", 0);
        m.put("IOMaximumIOps", 0);
        m.put("IOMaximumBandwidth", 0);
        List<Map<String, Object>> mounts = new ArrayList<>();
        for (MountSpec spec : mountsOfMountFlag(h)) {
            mounts.add(mount(spec));
        }
        if (!mounts.isEmpty()) {
            m.put("Mounts", mounts);
        }
        m.put("MaskedPaths", h.privileged() ? null : ContainerDefaults.MASKED_PATHS);
        m.put("ReadonlyPaths", h.privileged() ? null : ContainerDefaults.READONLY_PATHS);
        // docker's *bool with omitempty: there only when --init was given, true or false.
        if (h.init() != null) {
            m.put("Init", h.init());
        }
        return m;
    }

    /**
     * Docker's {@code Mounts} of a container ({@code types.MountPoint}): {@code Type}, {@code Name}
     * and {@code Driver} only when set (a volume's), the others always.
     */
    public static List<Map<String, Object>> mountPoints(List<MountPoint> points) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (MountPoint p : points) {
            out.add(mountPoint(p));
        }
        return out;
    }

    /** One entry of {@code Mounts}. */
    public static Map<String, Object> mountPoint(MountPoint p) {
        Map<String, Object> m = new LinkedHashMap<>();
        putIfSet(m, "Type", p.type());
        putIfSet(m, "Name", p.name());
        m.put("Source", orEmpty(p.source()));
        m.put("Destination", orEmpty(p.destination()));
        putIfSet(m, "Driver", p.driver());
        m.put("Mode", orEmpty(p.mode()));
        m.put("RW", p.rw());
        m.put("Propagation", orEmpty(p.propagation()));
        return m;
    }

    /**
     * A {@code HostConfig.Mounts} entry as docker's {@code mount.Mount} is written: empty fields
     * left out; {@code BindOptions} when a propagation was asked, {@code VolumeOptions} (with
     * its {@code DriverConfig}, as docker's CLI always makes one) when a volume option was,
     * {@code TmpfsOptions} when a size or mode was.
     */
    public static Map<String, Object> mount(MountSpec s) {
        Map<String, Object> m = new LinkedHashMap<>();
        putIfSet(m, "Type", s.type());
        putIfSet(m, "Source", s.source());
        putIfSet(m, "Target", s.target());
        if (s.readOnly()) {
            m.put("ReadOnly", true);
        }
        if (s.type().equals("bind") && !s.bindPropagation().isEmpty()) {
            m.put("BindOptions", Map.of("Propagation", s.bindPropagation()));
        }
        boolean driver = s.volumeDriver() != null && !s.volumeDriver().isEmpty();
        if (s.type().equals("volume") && (s.noCopy() || driver || !s.volumeOptions().isEmpty())) {
            Map<String, Object> options = new LinkedHashMap<>();
            if (s.noCopy()) {
                options.put("NoCopy", true);
            }
            Map<String, Object> config = new LinkedHashMap<>();
            if (driver) {
                config.put("Name", s.volumeDriver());
            }
            if (!s.volumeOptions().isEmpty()) {
                config.put("Options", new TreeMap<>(s.volumeOptions()));
            }
            options.put("DriverConfig", config);
            m.put("VolumeOptions", options);
        }
        if (s.type().equals("tmpfs") && (s.tmpfsSize() != 0 || s.tmpfsMode() != 0)) {
            Map<String, Object> options = new LinkedHashMap<>();
            if (s.tmpfsSize() != 0) {
                options.put("SizeBytes", s.tmpfsSize());
            }
            if (s.tmpfsMode() != 0) {
                options.put("Mode", s.tmpfsMode());
            }
            m.put("TmpfsOptions", options);
        }
        return m;
    }

    /**
     * The mounts asked with {@code --mount}, which docker keeps as {@code HostConfig.Mounts}: of
     * the request's mounts, those {@code -v} did not give. A {@code -v} with a source gives the
     * mount at its target (docker keeps the option as a bind, {@code HostConfig.Binds}); a
     * {@code -v} without one gives a plain anonymous volume, which docker keeps in
     * {@code Config.Volumes}. (A {@code --mount} of an anonymous volume with no option is taken
     * for the latter: the request cannot tell them apart.)
     */
    public static List<MountSpec> mountsOfMountFlag(HostConfig h) {
        Set<String> bound = bindTargets(h);
        List<MountSpec> out = new ArrayList<>();
        for (MountSpec s : h.mounts()) {
            if (!bound.contains(io.berth.api.Names.cleanPath(s.target())) && !isPlainAnonymousVolume(s)) {
                out.add(s);
            }
        }
        return out;
    }

    /** The targets of {@code -v PATH}: the anonymous volumes docker keeps in {@code Config.Volumes}. */
    static List<String> volumesOfV(HostConfig h) {
        Set<String> bound = bindTargets(h);
        List<String> out = new ArrayList<>();
        for (MountSpec s : h.mounts()) {
            if (!bound.contains(io.berth.api.Names.cleanPath(s.target())) && isPlainAnonymousVolume(s)) {
                out.add(s.target());
            }
        }
        return out;
    }

    /** Where the binds ({@code SOURCE:TARGET[:MODE]}) are mounted, cleaned. */
    private static Set<String> bindTargets(HostConfig h) {
        Set<String> targets = new HashSet<>();
        for (String bind : h.binds()) {
            String[] parts = bind.split(":", 3);
            targets.add(io.berth.api.Names.cleanPath(parts.length == 1 ? parts[0] : parts[1]));
        }
        return targets;
    }

    private static boolean isPlainAnonymousVolume(MountSpec s) {
        return s.type().equals("volume") && s.source().isEmpty() && !s.readOnly() && !s.noCopy()
                && (s.volumeDriver() == null || s.volumeDriver().isEmpty()) && s.volumeOptions().isEmpty();
    }

    /** {@code Config.Volumes} with the paths of {@code -v PATH} added, as docker's CLI adds them. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> withVolumes(Map<String, Object> config, List<String> paths) {
        if (paths.isEmpty()) {
            return config;
        }
        Map<String, Object> volumes = new TreeMap<>();
        if (config.get("Volumes") instanceof Map<?, ?> image) {
            volumes.putAll((Map<String, Object>) image);
        }
        paths.forEach(p -> volumes.putIfAbsent(p, Map.of()));
        config.put("Volumes", volumes);
        return config;
    }

    private static void putIfSet(Map<String, Object> m, String key, String value) {
        if (value != null && !value.isEmpty()) {
            m.put(key, value);
        }
    }

    /**
     * {@code HostConfig.PortBindings} as docker gives it:
     * {@code {"80/tcp":[{"HostIp":"","HostPort":"8080"}]}}, keys sorted as Go writes a map;
     * {@code {}} when nothing is published.
     */
    public static Map<String, Object> portBindings(HostConfig h) {
        Map<String, Object> m = new TreeMap<>();
        h.portBindings().forEach((port, bindings) -> {
            List<Map<String, String>> list = new ArrayList<>();
            for (PortBinding b : bindings) {
                list.add(binding(b.hostIp(), b.hostPort()));
            }
            m.put(port, list);
        });
        return m;
    }

    /**
     * {@code NetworkSettings.Ports} as docker gives it: while the container's network is set up on
     * networks that publish ports (not {@code host}, {@code none} or another container's), every
     * exposed port to where it is published on the host, {@code null} for one that is not
     * ({@code {"443/tcp":null,"80/tcp":[{"HostIp":"0.0.0.0","HostPort":"8080"}]}}); {@code {}}
     * otherwise. This is also what {@code docker port} lists.
     */
    public static Map<String, List<Map<String, String>>> ports(ContainerDetails d) {
        Map<String, List<Map<String, String>>> m = new TreeMap<>();
        Sandbox s = d.sandbox();
        if (s == null || s.endpoints().isEmpty() || !publishes(s.mode())) {
            return m;
        }
        if (d.config().exposedPorts() != null) {
            d.config().exposedPorts().forEach(p -> m.put(p, null));
        }
        d.host().portBindings().keySet().forEach(p -> m.putIfAbsent(p, null));
        for (PortMapping p : s.ports()) {
            // A null value (exposed, not published) counts as absent here.
            m.computeIfAbsent(p.port(), k -> new ArrayList<>()).add(binding(p.hostIp(), Integer.toString(p.hostPort())));
        }
        return m;
    }

    private static boolean publishes(String mode) {
        return !mode.equals("host") && !mode.equals("none") && !NetworkView.isContainerMode(mode);
    }

    private static Map<String, String> binding(String hostIp, String hostPort) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("HostIp", hostIp);
        m.put("HostPort", hostPort);
        return m;
    }

    /**
     * The MAC address asked for with {@code --mac-address}: docker's {@code Config.MacAddress}; it
     * is asked on the network of the container's mode, whatever name or id the mode gives it.
     */
    private static String macAddress(ContainerDetails d) {
        EndpointSettings own = d.networks().get(d.host().networkMode());
        if (own != null) {
            return own.macAddress();
        }
        return d.networks().values().stream().map(EndpointSettings::macAddress).filter(m -> m != null && !m.isEmpty())
                .findFirst().orElse(null);
    }

    /** Docker's {@code Config} with {@code MacAddress} where docker has it (after Entrypoint), when set. */
    private static Map<String, Object> withMacAddress(Map<String, Object> config, String mac) {
        if (mac == null || mac.isEmpty()) {
            return config;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        config.forEach((k, v) -> {
            if (k.equals("OnBuild")) {
                m.put("MacAddress", mac);
            }
            m.put(k, v);
        });
        m.putIfAbsent("MacAddress", mac);
        return m;
    }

    /**
     * Docker 20.10's {@code NetworkSettings}: the sandbox (the container's network namespace) while
     * it runs, its published ports, the addresses on the default {@code bridge} network at the
     * top (empty on any other), and one entry per network it is connected to, with empty
     * addresses while it is stopped. A container sharing another's network has none.
     */
    private static Map<String, Object> networkSettings(ContainerDetails d, Function<String, String> networkIds) {
        Container c = d.container();
        Sandbox s = d.sandbox();
        String mode = d.host().networkMode();
        boolean shared = NetworkView.isContainerMode(mode) || s != null && NetworkView.isContainerMode(s.mode());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Bridge", "");
        m.put("SandboxID", s == null || shared ? ""
                : NetworkView.sha256Hex(s.containerId() + (s.netns() == null ? "" : s.netns().toString())));
        m.put("HairpinMode", false);
        m.put("LinkLocalIPv6Address", "");
        m.put("LinkLocalIPv6PrefixLen", 0);
        m.put("Ports", ports(d));
        m.put("SandboxKey", s == null || shared || s.netns() == null ? "" : s.netns().toString());
        m.put("SecondaryIPAddresses", null);
        m.put("SecondaryIPv6Addresses", null);
        Endpoint bridge = s == null ? null : s.endpoints().get("bridge");
        m.put("EndpointID", bridge == null ? "" : NetworkView.endpointId(bridge));
        m.put("Gateway", bridge == null ? "" : orEmpty(bridge.gateway()));
        m.put("GlobalIPv6Address", bridge == null ? "" : orEmpty(bridge.ipv6Address()));
        m.put("GlobalIPv6PrefixLen", bridge == null ? 0 : prefixLength(bridge.ipv6()));
        m.put("IPAddress", bridge == null ? "" : orEmpty(bridge.ipv4Address()));
        m.put("IPPrefixLen", bridge == null ? 0 : prefixLength(bridge.ipv4()));
        m.put("IPv6Gateway", bridge == null ? "" : orEmpty(bridge.gateway6()));
        m.put("MacAddress", bridge == null ? "" : orEmpty(bridge.macAddress()));
        Map<String, Object> networks = new TreeMap<>();
        if (!shared) {
            Map<String, EndpointSettings> connected = new LinkedHashMap<>(d.networks());
            if (s != null) {
                s.endpoints().keySet().forEach(n -> connected.putIfAbsent(n, EndpointSettings.DEFAULT));
            }
            if (connected.isEmpty()) {
                connected.put(mode, EndpointSettings.DEFAULT);
            }
            connected.forEach((name, asked) -> networks.put(name, endpoint(c, name, asked,
                    s == null ? null : s.endpoints().get(name), s != null, networkIds)));
        }
        m.put("Networks", networks);
        return m;
    }

    /** One entry of {@code NetworkSettings.Networks}: docker's {@code EndpointSettings}. */
    private static Map<String, Object> endpoint(Container c, String name, EndpointSettings asked, Endpoint e,
                                                boolean running, Function<String, String> networkIds) {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> ipam = new LinkedHashMap<>();
        if (asked.ipv4Address() != null && !asked.ipv4Address().isEmpty()) {
            ipam.put("IPv4Address", asked.ipv4Address());
        }
        if (asked.ipv6Address() != null && !asked.ipv6Address().isEmpty()) {
            ipam.put("IPv6Address", asked.ipv6Address());
        }
        m.put("IPAMConfig", ipam.isEmpty() ? null : ipam);
        m.put("Links", null);
        m.put("Aliases", aliases(c, name, asked, e != null));
        String networkId = e != null ? e.networkId() : networkIds == null ? null : networkIds.apply(name);
        m.put("NetworkID", orEmpty(networkId));
        String endpointId = "";
        if (e != null) {
            endpointId = NetworkView.endpointId(e);
        } else if (running && networkId != null && (name.equals("host") || name.equals("none"))) {
            // The host's and the no-network modes have no interface to set up, yet docker names their endpoint.
            endpointId = NetworkView.endpointId(networkId, c.id());
        }
        m.put("EndpointID", endpointId);
        m.put("Gateway", e == null ? "" : orEmpty(e.gateway()));
        m.put("IPAddress", e == null ? "" : orEmpty(e.ipv4Address()));
        m.put("IPPrefixLen", e == null ? 0 : prefixLength(e.ipv4()));
        m.put("IPv6Gateway", e == null ? "" : orEmpty(e.gateway6()));
        m.put("GlobalIPv6Address", e == null ? "" : orEmpty(e.ipv6Address()));
        m.put("GlobalIPv6PrefixLen", e == null ? 0 : prefixLength(e.ipv6()));
        m.put("MacAddress", e == null ? "" : orEmpty(e.macAddress()));
        m.put("DriverOpts", null);
        return m;
    }

    /**
     * A container's names on a network: on a user's network those asked for and, from its first
     * start on, its short id, which docker's daemon adds then; {@code null} when none (always on
     * the predefined networks).
     */
    private static List<String> aliases(Container c, String network, EndpointSettings asked, boolean connected) {
        if (!NetworkView.isUserDefined(network)) {
            return null;
        }
        List<String> aliases = new ArrayList<>(asked.aliases());
        String shortId = c.id().substring(0, Math.min(12, c.id().length()));
        if ((connected || c.state().startedAt() != null) && !aliases.contains(shortId)) {
            aliases.add(shortId);
        }
        return aliases.isEmpty() ? null : aliases;
    }

    /** The prefix length of an address in CIDR form ({@code 10.80.0.2/20}), 0 for none. */
    private static int prefixLength(String cidr) {
        if (cidr == null || cidr.indexOf('/') < 0) {
            return 0;
        }
        try {
            return Integer.parseInt(cidr.substring(cidr.indexOf('/') + 1));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
