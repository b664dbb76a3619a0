package io.berth.views;

import io.berth.api.container.Container;
import io.berth.api.container.ContainerDetails;
import io.berth.api.container.ContainerState;
import io.berth.api.container.ContainerStatus;
import io.berth.api.container.HostConfig;
import io.berth.api.runtime.ContainerDefaults;
import io.berth.api.runtime.Resources;
import io.berth.api.runtime.Rlimit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Containers as docker's daemon gives them: {@code inspect}'s object and the human status. */
public final class ContainerView {
    private ContainerView() {
    }

    /** {@code Up 2 minutes}, {@code Exited (0) 3 seconds ago}, {@code Created}: docker's {@code Status}. */
    public static String status(ContainerState s, Instant now) {
        return switch (s.status()) {
            case CREATED -> "Created";
            case RUNNING -> "Up " + Times.humanDuration(since(s.startedAt(), now));
            case PAUSED -> "Up " + Times.humanDuration(since(s.startedAt(), now)) + " (Paused)";
            case RESTARTING -> "Restarting (" + s.exitCode() + ") " + Times.ago(s.finishedAt() == null ? now : s.finishedAt(), now);
            case REMOVING -> "Removal In Progress";
            case DEAD -> "Dead";
            case EXITED -> "Exited (" + s.exitCode() + ") " + (s.finishedAt() == null ? "" : Times.ago(s.finishedAt(), now));
        };
    }

    private static Duration since(Instant t, Instant now) {
        if (t == null) {
            return Duration.ZERO;
        }
        Duration d = Duration.between(t, now);
        return d.isNegative() ? Duration.ZERO : d;
    }

    /** {@code docker container inspect}'s object ({@code GET /containers/NAME/json}). */
    public static Map<String, Object> inspect(ContainerDetails d) {
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
        m.put("Mounts", List.of());
        m.put("Config", ConfigView.of(d.config()));
        m.put("NetworkSettings", networkSettings());
        return m;
    }

    private static Map<String, Object> hostConfig(HostConfig h) {
        Resources r = h.resources();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Binds", null);
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
        m.put("NetworkMode", "none");
        m.put("PortBindings", Map.of());
        Map<String, Object> restart = new LinkedHashMap<>();
        restart.put("Name", h.restartPolicy().name());
        restart.put("MaximumRetryCount", h.restartPolicy().maximumRetryCount());
        m.put("RestartPolicy", restart);
        m.put("AutoRemove", h.autoRemove());
        m.put("VolumeDriver", "");
        m.put("VolumesFrom", null);
        m.put("ConsoleSize", List.of(0, 0));
        m.put("CapAdd", h.capAdd().isEmpty() ? null : h.capAdd());
        m.put("CapDrop", h.capDrop().isEmpty() ? null : h.capDrop());
        m.put("CgroupnsMode", "private");
        m.put("Dns", List.of());
        m.put("DnsOptions", List.of());
        m.put("DnsSearch", List.of());
        m.put("ExtraHosts", null);
        m.put("GroupAdd", null);
        m.put("IpcMode", "private");
        m.put("Cgroup", "");
        m.put("Links", null);
        m.put("OomScoreAdj", 0);
        m.put("PidMode", "");
        m.put("Privileged", h.privileged());
        m.put("PublishAllPorts", false);
        m.put("ReadonlyRootfs", h.readonlyRootfs());
        m.put("SecurityOpt", h.securityOpt().isEmpty() ? null : h.securityOpt());
        if (!h.tmpfs().isEmpty()) {
            m.put("Tmpfs", new TreeMap<>(h.tmpfs()));
        }
        m.put("UTSMode", "");
        m.put("UsernsMode", "");
        m.put("ShmSize", h.shmSize());
        m.put("Runtime", h.runtime());
        m.put("Isolation", "");
        m.put("CpuShares", r.cpuShares());
        m.put("Memory", r.memory());
        m.put("NanoCpus", r.cpuPeriod() > 0 ? r.cpuQuota() * 1_000_000_000L / r.cpuPeriod() : 0);
        m.put("CgroupParent", "");
        m.put("BlkioWeight", 0);
        m.put("CpuPeriod", r.cpuPeriod());
        m.put("CpuQuota", r.cpuQuota());
        m.put("CpusetCpus", r.cpusetCpus() == null ? "" : r.cpusetCpus());
        m.put("CpusetMems", "");
        m.put("Devices", List.of());
        m.put("MemoryReservation", 0);
        m.put("MemorySwap", r.memorySwap());
        m.put("MemorySwappiness", null);
        m.put("OomKillDisable", null);
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
        m.put("MaskedPaths", h.privileged() ? null : ContainerDefaults.MASKED_PATHS);
        m.put("ReadonlyPaths", h.privileged() ? null : ContainerDefaults.READONLY_PATHS);
        return m;
    }

    /** A container with a network namespace of its own and only its loopback in it: docker's {@code --network none}. */
    private static Map<String, Object> networkSettings() {
        Map<String, Object> endpoint = new LinkedHashMap<>();
        endpoint.put("IPAMConfig", null);
        endpoint.put("Links", null);
        endpoint.put("Aliases", null);
        endpoint.put("MacAddress", "");
        endpoint.put("NetworkID", "");
        endpoint.put("EndpointID", "");
        endpoint.put("Gateway", "");
        endpoint.put("IPAddress", "");
        endpoint.put("IPPrefixLen", 0);
        endpoint.put("IPv6Gateway", "");
        endpoint.put("GlobalIPv6Address", "");
        endpoint.put("GlobalIPv6PrefixLen", 0);
        endpoint.put("DriverOpts", null);
        endpoint.put("DNSNames", null);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Bridge", "");
        m.put("SandboxID", "");
        m.put("SandboxKey", "");
        m.put("Ports", Map.of());
        m.put("HairpinMode", false);
        m.put("LinkLocalIPv6Address", "");
        m.put("LinkLocalIPv6PrefixLen", 0);
        m.put("SecondaryIPAddresses", null);
        m.put("SecondaryIPv6Addresses", null);
        m.put("EndpointID", "");
        m.put("Gateway", "");
        m.put("GlobalIPv6Address", "");
        m.put("GlobalIPv6PrefixLen", 0);
        m.put("IPAddress", "");
        m.put("IPPrefixLen", 0);
        m.put("IPv6Gateway", "");
        m.put("MacAddress", "");
        m.put("Networks", Map.of("none", endpoint));
        return m;
    }
}
