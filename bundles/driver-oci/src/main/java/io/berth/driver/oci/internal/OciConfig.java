package io.berth.driver.oci.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.api.InvalidArgumentException;
import io.berth.api.runtime.ContainerSpec;
import io.berth.api.runtime.IdMapping;
import io.berth.api.runtime.ProcessSpec;
import io.berth.api.runtime.Resources;
import io.berth.api.runtime.Rlimit;
import io.berth.api.storage.Mount;
import io.berth.posix.Mounts;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes an OCI runtime-spec {@code config.json} (and {@code process.json} for exec) from the
 * engine's container spec: the same container the native runtime makes, in the terms runc and crun
 * take — docker's default mounts, namespaces (a user namespace with its id mappings when the spec
 * has them), the cgroup under {@code berth/}, resources, device rules, masked and read-only paths,
 * capabilities, rlimits (as asked: the runtime fails the start when it may not set them).
 */
final class OciConfig {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VERSION = "1.0.2";

    private OciConfig() {
    }

    /**
     * The bundle's config.
     *
     * @param cgroupsPath the container's cgroup, {@code /berth/ID}
     * @param capabilities the process's capabilities by name
     * @param deviceRules the device cgroup rules of a container that is not privileged ({@code c 1:3 rwm})
     * @param annotations the runtime's annotations
     */
    static byte[] config(ContainerSpec spec, String cgroupsPath, List<String> capabilities, List<String> deviceRules,
                         java.util.Map<String, String> annotations) throws IOException {
        if (spec.rootfs().size() != 1 || !spec.rootfs().get(0).type().equals("bind")) {
            throw new InvalidArgumentException("an OCI runtime needs the root filesystem as one bind mount");
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("ociVersion", VERSION);
        root.set("process", process(spec.process(), capabilities));
        root.putObject("root").put("path", spec.rootfs().get(0).source()).put("readonly", spec.readonlyRootfs());
        root.put("hostname", spec.hostname());
        mounts(root.putArray("mounts"), spec);
        ObjectNode linux = root.putObject("linux");
        ArrayNode namespaces = linux.putArray("namespaces");
        for (String ns : List.of("pid", "ipc", "uts", "mount", "cgroup")) {
            namespaces.addObject().put("type", ns);
        }
        if (!spec.hostNetwork() && !inheritsNetns(spec)) {
            ObjectNode net = namespaces.addObject().put("type", "network");
            if (spec.netns() != null) {
                net.put("path", spec.netns().toString());
            }
        }
        if (spec.userNamespace()) {
            namespaces.addObject().put("type", "user");
            idMappings(linux.putArray("uidMappings"), spec.uidMappings());
            idMappings(linux.putArray("gidMappings"), spec.gidMappings());
        }
        linux.put("cgroupsPath", cgroupsPath);
        linux.put("rootfsPropagation", spec.rootPropagation());
        if (spec.seccomp() != null) {
            seccomp(linux.putObject("seccomp"), spec.seccomp());
        }
        resources(linux.putObject("resources"), spec.resources(), spec.privileged(), deviceRules);
        if (spec.privileged()) {
            devices(linux.putArray("devices"));
        } else {
            spec.maskedPaths().forEach(linux.putArray("maskedPaths")::add);
            spec.readonlyPaths().forEach(linux.putArray("readonlyPaths")::add);
        }
        if (!annotations.isEmpty()) {
            ObjectNode a = root.putObject("annotations");
            annotations.forEach(a::put);
        }
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    }

    /**
     * Whether the container is to inherit the engine's network namespace from the runtime (the
     * shim runs the runtime in it) rather than have the runtime join it: with a user namespace.
     * For exec, runc 1.1 joins the container's user namespace first, from where it may not join a
     * network namespace of the host's user namespace (EPERM; fixed upstream by opencontainers/runc#4492).
     */
    static boolean inheritsNetns(ContainerSpec spec) {
        return spec.userNamespace() && spec.netns() != null && !spec.hostNetwork();
    }

    /**
     * Whether the container of this bundle's {@code config.json} inherits its network namespace
     * ({@link #inheritsNetns(ContainerSpec)}): a user namespace and no network namespace of its own.
     */
    static boolean inheritsNetns(Path config) throws IOException {
        boolean user = false;
        boolean network = false;
        for (JsonNode ns : JSON.readTree(config.toFile()).path("linux").path("namespaces")) {
            user |= ns.path("type").asText().equals("user");
            network |= ns.path("type").asText().equals("network");
        }
        return user && !network;
    }

    private static void idMappings(ArrayNode out, List<IdMapping> mappings) {
        for (IdMapping m : mappings) {
            out.addObject().put("containerID", m.containerId()).put("hostID", m.hostId()).put("size", m.size());
        }
    }

    /** A process.json for {@code exec --process}. */
    static byte[] processJson(ProcessSpec process, List<String> capabilities) throws IOException {
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(process(process, capabilities));
    }

    /** The rlimits of the process that a bundle's {@code config.json} or exec's {@code process.json} gives. */
    static List<Rlimit> rlimits(Path json) throws IOException {
        JsonNode root = JSON.readTree(json.toFile());
        JsonNode process = root.has("process") ? root.get("process") : root;
        List<Rlimit> out = new ArrayList<>();
        for (JsonNode r : process.path("rlimits")) {
            out.add(new Rlimit(r.get("type").asText(), r.get("soft").asLong(), r.get("hard").asLong()));
        }
        return out;
    }

    private static ObjectNode process(ProcessSpec p, List<String> capabilities) {
        ObjectNode n = JSON.createObjectNode();
        n.put("terminal", p.terminal());
        if (p.terminal() && p.consoleSize() != null) {
            n.putObject("consoleSize").put("height", p.consoleSize().rows()).put("width", p.consoleSize().columns());
        }
        ObjectNode user = n.putObject("user").put("uid", p.user().uid()).put("gid", p.user().gid());
        if (!p.user().additionalGids().isEmpty()) {
            p.user().additionalGids().forEach(user.putArray("additionalGids")::add);
        }
        p.args().forEach(n.putArray("args")::add);
        p.env().forEach(n.putArray("env")::add);
        n.put("cwd", p.cwd());
        ObjectNode caps = n.putObject("capabilities");
        for (String set : List.of("bounding", "effective", "permitted")) {
            capabilities.forEach(caps.putArray(set)::add);
        }
        if (!p.rlimits().isEmpty()) {
            ArrayNode rlimits = n.putArray("rlimits");
            for (Rlimit r : p.rlimits()) {
                rlimits.addObject().put("type", r.type()).put("hard", r.hard()).put("soft", r.soft());
            }
        }
        n.put("noNewPrivileges", p.noNewPrivileges());
        return n;
    }

    /** docker's default mounts, then the container's own. */
    private static void mounts(ArrayNode out, ContainerSpec spec) throws IOException {
        boolean privileged = spec.privileged();
        mount(out, "/proc", "proc", "proc", "nosuid", "noexec", "nodev");
        mount(out, "/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k");
        mount(out, "/dev/pts", "devpts", "devpts", "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5");
        if (spec.userNamespace() && (spec.netns() != null || spec.hostNetwork())) {
            // sysfs may be mounted only for a network namespace the container's user namespace owns,
            // not the engine's or the host's; runc 1.1 does not fall back to the host's /sys, as crun does.
            mount(out, "/sys", "bind", "/sys", "rbind", "nosuid", "noexec", "nodev", privileged ? "rw" : "ro");
        } else {
            mount(out, "/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", privileged ? "rw" : "ro");
        }
        mount(out, "/sys/fs/cgroup", "cgroup", "cgroup", "nosuid", "noexec", "nodev", "relatime", privileged ? "rw" : "ro");
        mount(out, "/dev/mqueue", "mqueue", "mqueue", "nosuid", "noexec", "nodev");
        mount(out, "/dev/shm", "tmpfs", "shm", "nosuid", "noexec", "nodev", "mode=1777", "size=" + spec.shmSize());
        for (Mount m : spec.mounts()) {
            if (m.target() == null || !m.target().startsWith("/")) {
                throw new InvalidArgumentException("mount target must be an absolute path: " + m.target());
            }
            ObjectNode n = out.addObject().put("destination", m.target()).put("type", m.type()).put("source", m.source());
            ArrayNode options = n.putArray("options");
            if (m.type().equals("bind")) {
                options.add(m.options().contains("norbind") ? "bind" : "rbind");
                options.add(m.readOnly() ? "ro" : "rw");
                m.options().stream().filter(o -> !o.equals("rbind") && !o.equals("norbind") && !o.equals("ro")
                        && !o.equals("rw") && !o.equals("bind")).forEach(options::add);
                if (spec.userNamespace()) {
                    lockedOptions(Path.of(m.source())).stream().filter(o -> !m.options().contains(o)).forEach(options::add);
                }
            } else {
                m.options().forEach(options::add);
            }
        }
    }

    /**
     * The flags of the mount that holds {@code source} which the kernel locks on the mounts it
     * copies into a user namespace's mount namespace (nosuid, nodev, noexec, the atime flags), as
     * mount options, for the runtime's remount of a bind to keep them, as docker adds them: runc
     * 1.1 fails the remount without them, crun 1.8 drops them.
     */
    private static List<String> lockedOptions(Path source) throws IOException {
        List<String> options;
        try {
            options = Mounts.mountOf(source).options();
        } catch (java.nio.file.NoSuchFileException e) {
            return List.of(); // the runtime says it is missing, as without a user namespace
        }
        List<String> locked = new ArrayList<>();
        boolean atime = false;
        for (String o : options) {
            switch (o) {
                case "nosuid", "nodev", "noexec", "nodiratime" -> locked.add(o);
                case "noatime", "relatime" -> {
                    locked.add(o);
                    atime = true;
                }
                default -> { }
            }
        }
        if (!atime) {
            locked.add("strictatime");
        }
        return locked;
    }

    /** OCI's {@code linux.seccomp}: the filter as docker hands it to runc. */
    private static void seccomp(ObjectNode out, io.berth.api.runtime.Seccomp filter) {
        out.put("defaultAction", filter.defaultAction());
        // An errno only where the action takes one: crun refuses it elsewhere.
        if (takesErrno(filter.defaultAction())) {
            out.put("defaultErrnoRet", filter.defaultErrno());
        }
        filter.architectures().forEach(out.putArray("architectures")::add);
        ArrayNode syscalls = out.putArray("syscalls");
        for (io.berth.api.runtime.Seccomp.Rule r : filter.rules()) {
            ObjectNode n = syscalls.addObject();
            r.names().forEach(n.putArray("names")::add);
            n.put("action", r.action());
            if (r.errno() >= 0 && takesErrno(r.action())) {
                n.put("errnoRet", r.errno());
            }
            if (!r.conditions().isEmpty()) {
                ArrayNode args = n.putArray("args");
                for (io.berth.api.runtime.Seccomp.Condition c : r.conditions()) {
                    args.addObject().put("index", c.index()).put("value", new java.math.BigInteger(Long.toUnsignedString(c.value())))
                            .put("valueTwo", new java.math.BigInteger(Long.toUnsignedString(c.valueTwo()))).put("op", c.op());
                }
            }
        }
    }

    private static boolean takesErrno(String action) {
        return action.equals("SCMP_ACT_ERRNO") || action.equals("SCMP_ACT_TRACE");
    }

    private static void mount(ArrayNode out, String destination, String type, String source, String... options) {
        ObjectNode n = out.addObject().put("destination", destination).put("type", type).put("source", source);
        ArrayNode o = n.putArray("options");
        for (String option : options) {
            o.add(option);
        }
    }

    private static void resources(ObjectNode out, Resources r, boolean privileged, List<String> deviceRules) {
        ArrayNode devices = out.putArray("devices");
        if (privileged) {
            devices.addObject().put("allow", true).put("access", "rwm");
        } else {
            devices.addObject().put("allow", false).put("access", "rwm");
            for (String rule : deviceRules) {
                // "c 1:3 rwm", "c *:* m"
                String[] parts = rule.split(" ");
                String[] numbers = parts[1].split(":");
                ObjectNode d = devices.addObject().put("allow", true).put("type", parts[0]).put("access", parts[2]);
                if (!numbers[0].equals("*")) {
                    d.put("major", Long.parseLong(numbers[0]));
                }
                if (!numbers[1].equals("*")) {
                    d.put("minor", Long.parseLong(numbers[1]));
                }
            }
        }
        if (r.memory() > 0) {
            ObjectNode memory = out.putObject("memory").put("limit", r.memory());
            if (r.memorySwap() > 0) {
                memory.put("swap", r.memorySwap());
            } else if (r.memorySwap() == 0) {
                memory.put("swap", r.memory() * 2);
            } else {
                memory.put("swap", -1);
            }
        }
        if (r.cpuQuota() > 0 || r.cpuShares() > 0 || r.cpusetCpus() != null) {
            ObjectNode cpu = out.putObject("cpu");
            if (r.cpuQuota() > 0) {
                cpu.put("quota", r.cpuQuota()).put("period", r.cpuPeriod() > 0 ? r.cpuPeriod() : 100000);
            }
            if (r.cpuShares() > 0) {
                cpu.put("shares", r.cpuShares());
            }
            if (r.cpusetCpus() != null) {
                cpu.put("cpus", r.cpusetCpus());
            }
        }
        if (r.pidsLimit() > 0) {
            out.putObject("pids").put("limit", r.pidsLimit());
        }
    }

    /** Every device node of the host, as docker gives a privileged container. */
    private static void devices(ArrayNode out) throws IOException {
        for (io.berth.shim.HostDevice d : io.berth.shim.HostDevice.all()) {
            out.addObject().put("path", d.path().toString()).put("type", d.type()).put("major", d.major())
                    .put("minor", d.minor()).put("fileMode", d.mode()).put("uid", d.uid()).put("gid", d.gid());
        }
    }
}
