package io.berth.dockerapi.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.api.InvalidArgumentException;
import io.berth.api.container.CreateRequest;
import io.berth.api.container.HostConfig;
import io.berth.api.container.LogConfig;
import io.berth.api.container.MountSpec;
import io.berth.api.container.RestartPolicy;
import io.berth.api.container.UpdateRequest;
import io.berth.api.image.ContainerConfig;
import io.berth.api.network.EndpointSettings;
import io.berth.api.network.PortBinding;
import io.berth.api.runtime.Resources;
import io.berth.api.runtime.Rlimit;
import io.berth.views.Sizes;
import io.berth.views.VolumeMounts;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /containers/create}'s body ({@code container.Config} with {@code HostConfig} and
 * {@code NetworkingConfig}) as a {@link CreateRequest}. Go's decoding rules apply (fields in any
 * case, {@code null} is the zero value, unknown fields ignored); a field Berth cannot honour, set to
 * anything but its zero value, is a 400 naming it, never dropped.
 */
final class CreateBodies {
    /** Fields of HostConfig Berth has no way to honour, refused when set. */
    private static final List<String> UNSUPPORTED_HOST = List.of("Links", "GroupAdd", "PidMode", "UTSMode", "Cgroup",
            "CgroupParent", "Sysctls", "Devices", "DeviceRequests", "DeviceCgroupRules", "StorageOpt", "OomKillDisable",
            "OomScoreAdj", "BlkioWeight", "BlkioWeightDevice", "BlkioDeviceReadBps", "BlkioDeviceWriteBps",
            "BlkioDeviceReadIOps", "BlkioDeviceWriteIOps", "CpuRealtimePeriod", "CpuRealtimeRuntime", "CpusetMems",
            "KernelMemory", "KernelMemoryTCP", "MemoryReservation", "MemorySwappiness", "CpuCount", "CpuPercent",
            "IOMaximumIOps", "IOMaximumBandwidth", "MaskedPaths", "ReadonlyPaths", "Annotations");
    private static final Set<String> SUPPORTED_IPC = Set.of("", "private", "shareable");

    private CreateBodies() {
    }

    static CreateRequest request(JsonNode body, String name) {
        if (body == null || !body.isObject()) {
            throw new InvalidArgumentException("config cannot be empty in order to create a container");
        }
        String image = Json.nonEmpty(body, "Image");
        if (image == null) {
            throw new InvalidArgumentException("no image specified");
        }
        JsonNode h = Json.get(body, "HostConfig");
        checkTypes(body, h);
        refuseUnsupported(body, h);
        CreateRequest.Builder b = CreateRequest.builder(image).name(name == null || name.isEmpty() ? null : name)
                .hostname(Json.nonEmpty(body, "Hostname")).user(Json.nonEmpty(body, "User"))
                .tty(Json.bool(body, "Tty")).openStdin(Json.bool(body, "OpenStdin")).stdinOnce(Json.bool(body, "StdinOnce"))
                .env(Json.strings(body, "Env")).command(emptyToNull(Json.strings(body, "Cmd")))
                .entrypoint(Json.strings(body, "Entrypoint"))
                .workingDir(Json.nonEmpty(body, "WorkingDir")).labels(Json.stringMap(body, "Labels"))
                .stopSignal(Json.nonEmpty(body, "StopSignal")).stopTimeout(Json.optionalInt(body, "StopTimeout"))
                .exposedPorts(Json.keys(body, "ExposedPorts")).healthcheck(healthcheck(Json.get(body, "Healthcheck")))
                .host(host(h, Json.keys(body, "Volumes"), Json.bool(body, "NetworkDisabled")))
                .networks(networks(Json.get(Json.get(body, "NetworkingConfig"), "EndpointsConfig")));
        return b.build();
    }

    /** Fields of UpdateConfig (its Resources) Berth has no way to honour, refused when set. */
    private static final List<String> UNSUPPORTED_UPDATE = List.of("CgroupParent", "BlkioWeight", "BlkioWeightDevice",
            "BlkioDeviceReadBps", "BlkioDeviceWriteBps", "BlkioDeviceReadIOps", "BlkioDeviceWriteIOps", "CpuRealtimePeriod",
            "CpuRealtimeRuntime", "CpusetMems", "Devices", "DeviceCgroupRules", "DeviceRequests", "KernelMemory",
            "KernelMemoryTCP", "MemoryReservation", "MemorySwappiness", "OomKillDisable", "Ulimits", "CpuCount",
            "CpuPercent", "IOMaximumIOps", "IOMaximumBandwidth");

    /**
     * {@code POST /containers/{id}/update}'s body ({@code container.UpdateConfig}) as an
     * {@link UpdateRequest}: a zero value leaves a limit as it is ({@code PidsLimit} is a pointer:
     * absent or {@code null} leaves it, 0 or -1 makes it unlimited), as docker's daemon reads it.
     */
    static UpdateRequest update(JsonNode body) {
        if (body == null) {
            return UpdateRequest.builder().build();
        }
        if (!body.isObject()) {
            throw new InvalidArgumentException("json: cannot unmarshal " + jsonType(body) + " into Go value of type "
                    + "container.UpdateConfig");
        }
        checkTypes(body, UPDATE_TYPES, "UpdateConfig");
        for (String f : UNSUPPORTED_UPDATE) {
            JsonNode n = Json.get(body, f);
            if (n != null && !zero(n) && !(f.equals("MemorySwappiness") && n.asLong() == -1)) {
                throw unsupported(f);
            }
        }
        UpdateRequest.Builder b = UpdateRequest.builder();
        long[] cpu = quotaAndPeriod(body);
        long quota = cpu[0];
        long period = cpu[1];
        b.memory(nonZero(Json.longValue(body, "Memory"))).memorySwap(nonZero(Json.longValue(body, "MemorySwap")))
                .cpuQuota(nonZero(quota)).cpuPeriod(nonZero(period)).cpuShares(nonZero(Json.longValue(body, "CpuShares")))
                .cpusetCpus(Json.nonEmpty(body, "CpusetCpus"));
        JsonNode pids = Json.get(body, "PidsLimit");
        if (pids != null) {
            b.pidsLimit(pids.asLong());
        }
        JsonNode policy = Json.get(body, "RestartPolicy");
        if (Json.nonEmpty(policy, "Name") != null) {
            b.restartPolicy(new RestartPolicy(Json.nonEmpty(policy, "Name"), (int) Json.longValue(policy, "MaximumRetryCount")));
        }
        return b.build();
    }

    private static final Map<String, Type> UPDATE_TYPES = Map.ofEntries(Map.entry("Memory", Type.NUMBER),
            Map.entry("MemorySwap", Type.NUMBER), Map.entry("NanoCpus", Type.NUMBER), Map.entry("CpuQuota", Type.NUMBER),
            Map.entry("CpuPeriod", Type.NUMBER), Map.entry("CpuShares", Type.NUMBER), Map.entry("CpusetCpus", Type.STRING),
            Map.entry("PidsLimit", Type.NUMBER), Map.entry("RestartPolicy", Type.OBJECT));

    private static Long nonZero(long value) {
        return value == 0 ? null : value;
    }

    /** NanoCpus within what the host has, as docker's daemon checks it. */
    private static void checkNanoCpus(long nano) {
        int available = Runtime.getRuntime().availableProcessors();
        if (nano < 10_000_000L || nano > available * 1_000_000_000L) {
            throw new InvalidArgumentException("Range of CPUs is from 0.01 to " + available + ".00, as there are only "
                    + available + " CPUs available");
        }
    }

    /** The JSON type Go's decoder wants for a field: string, list of strings (a string too), object, boolean, number. */
    private enum Type { STRING, STRINGS, OBJECT, BOOLEAN, NUMBER, ARRAY }

    private static final Map<String, Type> CONFIG_TYPES = Map.ofEntries(Map.entry("Hostname", Type.STRING),
            Map.entry("User", Type.STRING), Map.entry("Tty", Type.BOOLEAN), Map.entry("OpenStdin", Type.BOOLEAN),
            Map.entry("StdinOnce", Type.BOOLEAN), Map.entry("Env", Type.STRINGS), Map.entry("Cmd", Type.STRINGS),
            Map.entry("Entrypoint", Type.STRINGS), Map.entry("Image", Type.STRING), Map.entry("WorkingDir", Type.STRING),
            Map.entry("Labels", Type.OBJECT), Map.entry("ExposedPorts", Type.OBJECT), Map.entry("Volumes", Type.OBJECT),
            Map.entry("StopSignal", Type.STRING), Map.entry("StopTimeout", Type.NUMBER), Map.entry("Healthcheck", Type.OBJECT),
            Map.entry("HostConfig", Type.OBJECT), Map.entry("NetworkingConfig", Type.OBJECT));
    private static final Map<String, Type> HOST_TYPES = Map.ofEntries(Map.entry("Binds", Type.ARRAY),
            Map.entry("NetworkMode", Type.STRING), Map.entry("PortBindings", Type.OBJECT),
            Map.entry("RestartPolicy", Type.OBJECT), Map.entry("AutoRemove", Type.BOOLEAN), Map.entry("Mounts", Type.ARRAY),
            Map.entry("CapAdd", Type.STRINGS), Map.entry("CapDrop", Type.STRINGS), Map.entry("Dns", Type.ARRAY),
            Map.entry("ExtraHosts", Type.ARRAY), Map.entry("Privileged", Type.BOOLEAN), Map.entry("Memory", Type.NUMBER),
            Map.entry("NanoCpus", Type.NUMBER), Map.entry("Tmpfs", Type.OBJECT), Map.entry("Init", Type.BOOLEAN),
            Map.entry("LogConfig", Type.OBJECT), Map.entry("ShmSize", Type.NUMBER), Map.entry("Ulimits", Type.ARRAY));

    /** Go's decoder refuses a value of the wrong JSON type: so does the API, naming the field. */
    private static void checkTypes(JsonNode body, JsonNode h) {
        checkTypes(body, CONFIG_TYPES, "Config");
        if (h != null) {
            checkTypes(h, HOST_TYPES, "HostConfig");
        }
    }

    private static void checkTypes(JsonNode object, Map<String, Type> types, String struct) {
        types.forEach((field, type) -> {
            JsonNode n = Json.get(object, field);
            if (n == null) {
                return;
            }
            boolean ok = switch (type) {
                case STRING -> n.isTextual();
                case STRINGS -> n.isTextual() || n.isArray() && allText(n);
                case OBJECT -> n.isObject();
                case BOOLEAN -> n.isBoolean();
                case NUMBER -> n.isNumber();
                case ARRAY -> n.isArray();
            };
            if (!ok) {
                throw new InvalidArgumentException("json: cannot unmarshal " + jsonType(n) + " into Go struct field "
                        + struct + "." + field + " of type " + goType(type));
            }
        });
    }

    private static boolean allText(JsonNode array) {
        for (JsonNode x : array) {
            if (!x.isTextual()) {
                return false;
            }
        }
        return true;
    }

    private static String jsonType(JsonNode n) {
        return n.isTextual() ? "string" : n.isNumber() ? "number" : n.isBoolean() ? "bool" : n.isArray() ? "array" : "object";
    }

    private static String goType(Type t) {
        return switch (t) {
            case STRING -> "string";
            case STRINGS, ARRAY -> "[]string";
            case OBJECT -> "map";
            case BOOLEAN -> "bool";
            case NUMBER -> "int64";
        };
    }

    private static List<String> emptyToNull(List<String> list) {
        return list == null || list.isEmpty() ? null : list;
    }

    private static void refuseUnsupported(JsonNode body, JsonNode h) {
        for (String f : List.of("Domainname", "MacAddress")) {
            if (Json.nonEmpty(body, f) != null) {
                throw unsupported(f);
            }
        }
        if (Json.get(body, "OnBuild") != null && Json.get(body, "OnBuild").size() > 0) {
            throw unsupported("OnBuild");
        }
        if (h == null) {
            return;
        }
        for (String f : UNSUPPORTED_HOST) {
            JsonNode n = Json.get(h, f);
            // MemorySwappiness's "unset" is -1 (the docker CLI sends it so).
            if (n != null && !zero(n) && !(f.equals("MemorySwappiness") && n.asLong() == -1)) {
                throw unsupported("HostConfig." + f);
            }
        }
        String ipc = Json.text(h, "IpcMode");
        if (ipc != null && !SUPPORTED_IPC.contains(ipc)) {
            throw unsupported("HostConfig.IpcMode " + ipc);
        }
        String isolation = Json.text(h, "Isolation");
        if (isolation != null && !isolation.isEmpty() && !isolation.equals("default")) {
            throw unsupported("HostConfig.Isolation " + isolation);
        }
    }

    /** Go's zero values: false, 0, "", empty arrays and objects. */
    private static boolean zero(JsonNode n) {
        if (n.isBoolean()) {
            return !n.asBoolean();
        }
        if (n.isNumber()) {
            return n.asDouble() == 0;
        }
        if (n.isTextual()) {
            return n.asText().isEmpty();
        }
        return n.size() == 0;
    }

    private static InvalidArgumentException unsupported(String field) {
        return new InvalidArgumentException(field + " is not supported by Berth");
    }

    private static ContainerConfig.Healthcheck healthcheck(JsonNode h) {
        if (h == null || !h.isObject()) {
            return null;
        }
        List<String> test = Json.strings(h, "Test");
        return new ContainerConfig.Healthcheck(test == null || test.isEmpty() ? null : test, Json.longValue(h, "Interval"),
                Json.longValue(h, "Timeout"), Json.longValue(h, "StartPeriod"), (int) Json.longValue(h, "Retries"));
    }

    private static HostConfig host(JsonNode h, List<String> anonymousVolumes, boolean networkDisabled) {
        HostConfig.Builder b = HostConfig.builder();
        List<MountSpec> mounts = new ArrayList<>();
        List<String> volumes = new ArrayList<>();
        Map<String, String> tmpfs = Map.of();
        List<String> volumesFrom = List.of();
        String volumeDriver = null;
        if (h != null) {
            String mode = Json.nonEmpty(h, "NetworkMode");
            tmpfs = orEmpty(Json.stringMap(h, "Tmpfs"));
            volumes.addAll(orEmpty(Json.strings(h, "Binds")));
            volumesFrom = orEmpty(Json.strings(h, "VolumesFrom"));
            volumeDriver = Json.nonEmpty(h, "VolumeDriver");
            b.runtime(Json.nonEmpty(h, "Runtime")).autoRemove(Json.bool(h, "AutoRemove"))
                    .privileged(Json.bool(h, "Privileged")).readonlyRootfs(Json.bool(h, "ReadonlyRootfs"))
                    .capAdd(orEmpty(Json.strings(h, "CapAdd"))).capDrop(orEmpty(Json.strings(h, "CapDrop")))
                    .tmpfs(tmpfs).resources(resources(h)).log(log(Json.get(h, "LogConfig")))
                    .securityOpt(orEmpty(Json.strings(h, "SecurityOpt"))).ulimits(ulimits(Json.get(h, "Ulimits")))
                    .shmSize(Json.longValue(h, "ShmSize")).restartPolicy(restart(Json.get(h, "RestartPolicy")))
                    .networkMode(networkDisabled ? "none" : mode == null || mode.equals("default") ? null : mode)
                    .portBindings(portBindings(Json.get(h, "PortBindings")))
                    .publishAllPorts(Json.bool(h, "PublishAllPorts")).dns(orEmpty(Json.strings(h, "Dns")))
                    .dnsSearch(orEmpty(Json.strings(h, "DnsSearch"))).dnsOptions(orEmpty(Json.strings(h, "DnsOptions")))
                    .extraHosts(orEmpty(Json.strings(h, "ExtraHosts")))
                    .usernsMode(Json.nonEmpty(h, "UsernsMode")).init(Json.optionalBool(h, "Init"));
            JsonNode ms = Json.get(h, "Mounts");
            if (ms != null) {
                for (JsonNode m : ms) {
                    mounts.add(mount(m));
                }
            }
        } else if (networkDisabled) {
            b.networkMode("none");
        }
        // Config.Volumes: anonymous volumes, as the daemon takes -v PATH (where nothing else is mounted).
        volumes.addAll(anonymousVolumes);
        VolumeMounts.Result r = VolumeMounts.parse(volumes, mounts, volumesFrom, volumeDriver, tmpfs.keySet());
        return b.binds(r.binds()).mounts(r.mounts()).volumesFrom(r.volumesFrom()).volumeDriver(r.volumeDriver()).build();
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static <K, V> Map<K, V> orEmpty(Map<K, V> map) {
        return map == null ? Map.of() : map;
    }

    /** CpuQuota and CpuPeriod of a HostConfig or UpdateConfig, NanoCpus made into them (a 100 ms period) as docker's daemon does. */
    private static long[] quotaAndPeriod(JsonNode o) {
        long nano = Json.longValue(o, "NanoCpus");
        long quota = Json.longValue(o, "CpuQuota");
        long period = Json.longValue(o, "CpuPeriod");
        if (nano != 0) {
            if (quota != 0 || period != 0) {
                throw new InvalidArgumentException("Conflicting options: Nano CPUs and CPU Period cannot both be set");
            }
            checkNanoCpus(nano);
            period = 100_000;
            quota = nano * period / 1_000_000_000L;
        }
        return new long[]{quota, period};
    }

    private static Resources resources(JsonNode h) {
        long[] cpu = quotaAndPeriod(h);
        long quota = cpu[0];
        long period = cpu[1];
        JsonNode pids = Json.get(h, "PidsLimit");
        return Resources.builder().memory(Json.longValue(h, "Memory")).memorySwap(Json.longValue(h, "MemorySwap"))
                .cpuQuota(quota).cpuPeriod(period).cpuShares(Json.longValue(h, "CpuShares"))
                .cpusetCpus(Json.nonEmpty(h, "CpusetCpus")).pidsLimit(pids == null ? 0 : pids.asLong()).build();
    }

    private static LogConfig log(JsonNode l) {
        long maxSize = 0;
        int maxFiles = 1;
        if (l == null) {
            return new LogConfig(maxSize, maxFiles);
        }
        String type = Json.nonEmpty(l, "Type");
        if (type != null && !type.equals("json-file") && !type.equals("local")) {
            throw new InvalidArgumentException("logging driver " + type + " is not supported by Berth (json-file only)");
        }
        Map<String, String> config = orEmpty(Json.stringMap(l, "Config"));
        for (Map.Entry<String, String> e : config.entrySet()) {
            switch (e.getKey()) {
                case "max-size" -> {
                    try {
                        maxSize = e.getValue().strip().equals("-1") ? 0 : Sizes.parseBytes(e.getValue());
                    } catch (IllegalArgumentException ex) {
                        throw new InvalidArgumentException("invalid max-size " + e.getValue() + ": " + ex.getMessage());
                    }
                }
                case "max-file" -> {
                    try {
                        maxFiles = Integer.parseInt(e.getValue().strip());
                    } catch (NumberFormatException ex) {
                        throw new InvalidArgumentException("invalid max-file " + e.getValue());
                    }
                    if (maxFiles < 1) {
                        throw new InvalidArgumentException("max-file cannot be less than 1");
                    }
                }
                default -> throw new InvalidArgumentException("unknown log opt '" + e.getKey() + "' for json-file log driver");
            }
        }
        return new LogConfig(maxSize, maxFiles);
    }

    private static List<Rlimit> ulimits(JsonNode u) {
        List<Rlimit> out = new ArrayList<>();
        if (u != null) {
            for (JsonNode r : u) {
                out.add(new Rlimit(Json.text(r, "Name"), Json.longValue(r, "Soft"), Json.longValue(r, "Hard")));
            }
        }
        return out;
    }

    private static RestartPolicy restart(JsonNode r) {
        if (r == null) {
            return null;
        }
        String name = Json.nonEmpty(r, "Name");
        if (name == null || name.equals("no")) {
            return null;
        }
        return new RestartPolicy(name, (int) Json.longValue(r, "MaximumRetryCount"));
    }

    private static Map<String, List<PortBinding>> portBindings(JsonNode p) {
        Map<String, List<PortBinding>> out = new LinkedHashMap<>();
        if (p == null) {
            return out;
        }
        p.fields().forEachRemaining(e -> {
            List<PortBinding> list = new ArrayList<>();
            if (e.getValue() != null && e.getValue().isArray()) {
                for (JsonNode binding : e.getValue()) {
                    String ip = Json.text(binding, "HostIp");
                    String port = Json.text(binding, "HostPort");
                    list.add(new PortBinding(ip == null ? "" : ip, port == null ? "" : port));
                }
            }
            out.put(e.getKey(), list);
        });
        return out;
    }

    /** A {@code HostConfig.Mounts} entry ({@code mount.Mount}). */
    private static MountSpec mount(JsonNode m) {
        String type = Json.nonEmpty(m, "Type");
        String target = Json.nonEmpty(m, "Target");
        if (type == null) {
            throw new InvalidArgumentException("mount type must be specified");
        }
        if (target == null) {
            throw new InvalidArgumentException("Invalid mount config for type \"" + type + "\": field Target must not be empty");
        }
        JsonNode bind = Json.get(m, "BindOptions");
        JsonNode volume = Json.get(m, "VolumeOptions");
        JsonNode tmpfs = Json.get(m, "TmpfsOptions");
        JsonNode driver = Json.get(volume, "DriverConfig");
        return new MountSpec(type, Json.nonEmpty(m, "Source"), target, Json.bool(m, "ReadOnly"),
                Json.nonEmpty(bind, "Propagation"), Json.bool(bind, "CreateMountpoint"), Json.bool(volume, "NoCopy"),
                Json.nonEmpty(driver, "Name"), Json.stringMap(driver, "Options"), Json.longValue(tmpfs, "SizeBytes"),
                (int) Json.longValue(tmpfs, "Mode"));
    }

    private static Map<String, EndpointSettings> networks(JsonNode endpoints) {
        Map<String, EndpointSettings> out = new LinkedHashMap<>();
        if (endpoints == null || !endpoints.isObject()) {
            return out;
        }
        endpoints.fields().forEachRemaining(e -> {
            JsonNode ep = e.getValue();
            JsonNode ipam = Json.get(ep, "IPAMConfig");
            EndpointSettings settings = new EndpointSettings(orEmpty(Json.strings(ep, "Aliases")),
                    Json.nonEmpty(ipam, "IPv4Address"), Json.nonEmpty(ipam, "IPv6Address"), Json.nonEmpty(ep, "MacAddress"));
            boolean empty = settings.aliases().isEmpty() && settings.ipv4Address() == null && settings.ipv6Address() == null
                    && settings.macAddress() == null;
            // The docker CLI names the default network "default": docker's bridge.
            if (!(e.getKey().equals("default") && empty)) {
                out.put(e.getKey().equals("default") ? "bridge" : e.getKey(), settings);
            }
        });
        return out;
    }
}
