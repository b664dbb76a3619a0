package io.berth.shim;

import io.berth.api.InvalidArgumentException;
import io.berth.api.runtime.ContainerDefaults;
import io.berth.api.runtime.ConsoleSize;
import io.berth.api.runtime.ContainerSpec;
import io.berth.api.runtime.IdMapping;
import io.berth.api.runtime.ProcessSpec;
import io.berth.api.runtime.Rlimit;
import io.berth.api.runtime.Seccomp;
import io.berth.api.storage.Mount;
import io.berth.posix.MsFlags;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static io.berth.posix.MsFlags.MS_BIND;
import static io.berth.posix.MsFlags.MS_NODEV;
import static io.berth.posix.MsFlags.MS_NOEXEC;
import static io.berth.posix.MsFlags.MS_NOSUID;
import static io.berth.posix.MsFlags.MS_RDONLY;
import static io.berth.posix.MsFlags.MS_REC;
import static io.berth.posix.MsFlags.MS_RELATIME;
import static io.berth.posix.MsFlags.MS_REMOUNT;
import static io.berth.posix.MsFlags.MS_STRICTATIME;

/**
 * Turns a {@link ContainerSpec} into berth-shim's spec: every mount, device node, mask and
 * credential spelled out, the way docker sets a container up, so the shim decides nothing.
 */
final class ShimSpec {
    static final int CLONE_NEWNS = 0x00020000;
    static final int CLONE_NEWCGROUP = 0x02000000;
    static final int CLONE_NEWUTS = 0x04000000;
    static final int CLONE_NEWIPC = 0x08000000;
    static final int CLONE_NEWPID = 0x20000000;
    static final int CLONE_NEWNET = 0x40000000;

    /** Capability names and numbers (linux/capability.h). */
    static final List<String> CAPABILITIES = ContainerDefaults.ALL_CAPABILITIES;

    /** Every capability Berth knows, as a mask. */
    static final long ALL_CAPABILITIES = (1L << CAPABILITIES.size()) - 1;

    /** The engine's bounding set: the capabilities a shim, its child, can have at all. */
    private static volatile Long engineBoundingSet;

    /** A container's spec is about 20 kB with docker's seccomp profile: grown a few times at most. */
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(8192);

    private ShimSpec() {
    }

    /** The capability set as a bit mask. */
    static long capabilityMask(Iterable<String> names) {
        long mask = 0;
        for (String name : names) {
            String n = name.toUpperCase(Locale.ROOT);
            if (!n.startsWith("CAP_")) {
                n = "CAP_" + n;
            }
            int bit = CAPABILITIES.indexOf(n);
            if (bit < 0) {
                throw new InvalidArgumentException("unknown capability: \"" + name + "\"");
            }
            mask |= 1L << bit;
        }
        return mask;
    }

    /**
     * The capabilities a process is given for those it asks: all of them (a privileged container,
     * {@code exec --privileged}, {@code --cap-add ALL}) means, as with docker, all the engine has,
     * its bounding set, since the shim can have no others (a host may lack some, as a container or
     * a hardened service does); named ones are given as asked, and fail the start if the engine
     * lacks them.
     */
    static long granted(long asked) {
        return asked == ALL_CAPABILITIES ? ALL_CAPABILITIES & engineBoundingSet() : asked;
    }

    private static long engineBoundingSet() {
        Long set = engineBoundingSet;
        if (set == null) {
            set = ALL_CAPABILITIES;
            try {
                for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith("CapBnd:")) {
                        set = Long.parseUnsignedLong(line.substring(7).strip(), 16);
                    }
                }
            } catch (IOException e) {
                // No /proc: the shim will say which capability it could not set.
            }
            engineBoundingSet = set;
        }
        return set;
    }

    /**
     * Writes the shim's spec.
     *
     * @param rootfs the container's root filesystem, mounted on the host
     * @param cgroupProcs the files the container's init joins its cgroups through
     * @param cgroupMounts the cgroup hierarchies to show inside, as {@code type:options} (v2: one),
     *        in the order of {@code cgroupProcs}: in a user namespace that may not mount one, the
     *        directory of its file is bound instead
     * @param seccomp the seccomp filter's directives, as {@link #seccomp} wrote them
     */
    static byte[] of(ContainerSpec spec, Path rootfs, List<Path> cgroupProcs, List<String> cgroupMounts, byte[] seccomp)
            throws IOException {
        ShimSpec s = new ShimSpec();
        s.add("rootfs", rootfs.toString(), spec.readonlyRootfs() ? "1" : "0");
        s.add("propagation", Long.toUnsignedString(MsFlags.propagation(spec.rootPropagation())));
        int namespaces = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWCGROUP
                | (spec.hostNetwork() ? 0 : CLONE_NEWNET);
        s.add("namespaces", Integer.toHexString(namespaces));
        if (spec.netns() != null) {
            s.add("netns", spec.netns().toString());
        }
        // In a user namespace of its own the container's root may be refused some mounts: the
        // shim binds the host's directory, given here, instead.
        boolean userns = spec.userNamespace();
        if (userns) {
            s.add("userns", mapFile(spec.uidMappings()), mapFile(spec.gidMappings()));
        }
        for (Path p : cgroupProcs) {
            s.add("cgroup", p.toString());
        }
        s.add("hostname", spec.hostname());

        // The filesystems every container has, as docker mounts them.
        s.mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "");
        s.mount("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k");
        s.devices(spec.privileged());
        s.mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620,gid=5");
        s.add("symlink", "pts/ptmx", "/dev/ptmx");
        s.mount("shm", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777,size=" + spec.shmSize());
        s.mount("mqueue", "/dev/mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, "");
        // A user namespace may mount sysfs only for a network namespace it owns, not the engine's or the host's.
        s.mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | (spec.privileged() ? 0 : MS_RDONLY), "",
                userns ? "/sys" : null);
        s.cgroups(cgroupMounts, userns ? cgroupProcs.stream().map(Path::getParent).toList() : null, spec.privileged());
        s.add("symlink", "/proc/self/fd", "/dev/fd");
        s.add("symlink", "/proc/self/fd/0", "/dev/stdin");
        s.add("symlink", "/proc/self/fd/1", "/dev/stdout");
        s.add("symlink", "/proc/self/fd/2", "/dev/stderr");
        s.add("symlink", "/proc/kcore", "/dev/core");

        for (Mount m : spec.mounts()) {
            if (m.target() == null || !m.target().startsWith("/")) {
                throw new InvalidArgumentException("mount target must be an absolute path: " + m.target());
            }
            if (m.type().equals("bind")) {
                long flags = MS_BIND | (m.options().contains("rbind") || !m.options().contains("norbind") ? MS_REC : 0)
                        | (m.readOnly() ? MS_RDONLY : 0);
                s.mount(m.source(), m.target(), "", flags, "");
                for (String o : m.options()) {
                    long propagation = MsFlags.propagation(o);
                    if (propagation != 0) {
                        s.mount("", m.target(), "", propagation, "");
                    }
                }
            } else {
                StringBuilder data = new StringBuilder();
                long flags = 0;
                for (String o : m.options()) {
                    switch (o) {
                        case "ro" -> flags |= MS_RDONLY;
                        case "rw" -> { }
                        case "nosuid" -> flags |= MS_NOSUID;
                        case "nodev" -> flags |= MS_NODEV;
                        case "noexec" -> flags |= MS_NOEXEC;
                        default -> data.append(data.length() > 0 ? "," : "").append(o);
                    }
                }
                s.mount(m.source(), m.target(), m.type(), flags, data.toString());
            }
        }
        if (!spec.privileged()) {
            for (String p : spec.maskedPaths()) {
                s.add("mask", p);
            }
            for (String p : spec.readonlyPaths()) {
                s.add("readonly", p);
            }
        }
        s.process(spec.process(), granted(spec.privileged() ? ALL_CAPABILITIES : capabilityMask(spec.process().capabilities())));
        s.out.writeBytes(seccomp);
        s.add("log", spec.log().path().toString(), Long.toString(spec.log().maxSize()), Integer.toString(spec.log().maxFiles()));
        return s.out.toByteArray();
    }

    /**
     * The spec of a process added to a running container: the namespaces of its init to join,
     * its cgroups, and the process.
     */
    /** @param seccomp the container's filter, as {@link #seccomp} wrote it: an added process gets it too */
    static byte[] exec(ProcessSpec process, int initPid, List<Path> cgroupProcs, byte[] seccomp) throws IOException {
        ShimSpec s = new ShimSpec();
        s.add("join", Integer.toString(initPid));
        for (Path p : cgroupProcs) {
            s.add("cgroup", p.toString());
        }
        s.process(process, granted(capabilityMask(process.capabilities())));
        s.out.writeBytes(seccomp);
        return s.out.toByteArray();
    }

    /**
     * The spec of a container or added process that an OCI runtime makes: the shim runs
     * {@code RUNTIME --root ROOT create --bundle PATH ID} (or {@code exec --detach --process PATH}),
     * keeps its output and input as for its own containers, and records its exit.
     *
     * @param emptyFile an empty file to bind over the unified hierarchy's {@code cgroup.controllers}
     *        while the runtime runs (crun on hybrid hosts), or {@code null}
     * @param netns a network namespace the runtime is run in, for the container or process to
     *        inherit it (one the runtime is not told to join), or {@code null}
     * @param log the container's log, or {@code null} for an added process
     * @param options the runtime's global options, after {@code --root ROOT}
     * @param cgroupProcs the files through which the shim starts the runtime in the container's
     *        cgroups, for a runtime told to join none itself; empty for one that joins them
     */
    static byte[] oci(Path runtime, Path root, String id, boolean exec, Path path, Path emptyFile, Path netns,
                      ProcessSpec process, io.berth.api.runtime.LogSpec log, List<String> options, List<Path> cgroupProcs) {
        ShimSpec s = new ShimSpec();
        s.add("oci", runtime.toString(), root.toString(), id, exec ? "exec" : "create", path.toString(),
                emptyFile == null ? "" : emptyFile.toString());
        for (String option : options) {
            s.add("oci-option", option);
        }
        for (Path p : cgroupProcs) {
            s.add("cgroup", p.toString());
        }
        if (netns != null) {
            s.add("netns", netns.toString());
        }
        s.io(process);
        if (log != null) {
            s.add("log", log.path().toString(), Long.toString(log.maxSize()), Integer.toString(log.maxFiles()));
        }
        return s.out.toByteArray();
    }

    /** The process's terminal and input, as the shim handles them. */
    private void io(ProcessSpec process) {
        if (process.terminal()) {
            ConsoleSize size = process.consoleSize();
            add("terminal", size == null ? "0" : Integer.toString(size.rows()), size == null ? "0" : Integer.toString(size.columns()));
        }
        if (process.openStdin() || process.terminal()) {
            add("stdin", process.stdinOnce() ? "1" : "0");
        }
    }

    /** The process: rlimits, user, capabilities, cwd, environment, arguments, terminal and input. */
    private void process(ProcessSpec process, long caps) throws IOException {
        for (Rlimit r : process.rlimits()) {
            add("rlimit", Integer.toString(Rlimits.number(r.type())), Long.toUnsignedString(r.soft()),
                    Long.toUnsignedString(r.hard()));
        }
        String[] user = new String[2 + process.user().additionalGids().size()];
        user[0] = Integer.toString(process.user().uid());
        user[1] = Integer.toString(process.user().gid());
        for (int i = 0; i < process.user().additionalGids().size(); i++) {
            user[2 + i] = Integer.toString(process.user().additionalGids().get(i));
        }
        add("user", user);
        add("caps", Long.toHexString(caps));
        add("no-new-privileges", process.noNewPrivileges() ? "1" : "0");
        add("cwd", process.cwd());
        for (String e : process.env()) {
            add("env", e);
        }
        for (String a : process.args()) {
            add("arg", a);
        }
        io(process);
    }

    private void devices(boolean privileged) throws IOException {
        if (privileged) {
            // Every device of the host, as docker gives privileged containers.
            for (HostDevice d : HostDevice.all()) {
                add("mknod", d.path().toString(), d.type(), Long.toString(d.major()), Long.toString(d.minor()),
                        Integer.toOctalString(d.mode()), Integer.toString(d.uid()), Integer.toString(d.gid()));
            }
            return;
        }
        add("mknod", "/dev/null", "c", "1", "3", "666");
        add("mknod", "/dev/zero", "c", "1", "5", "666");
        add("mknod", "/dev/full", "c", "1", "7", "666");
        add("mknod", "/dev/random", "c", "1", "8", "666");
        add("mknod", "/dev/urandom", "c", "1", "9", "666");
        add("mknod", "/dev/tty", "c", "5", "0", "666");
        // No /dev/console, as with docker: with a terminal, the init binds the pty on it.
    }

    /**
     * The cgroup hierarchies, each showing the container's cgroup as its root (the init took a
     * cgroup namespace there); {@code dirs}, the container's cgroup directories of the host, to
     * bind where a user namespace may not mount a hierarchy (else {@code null}).
     */
    private void cgroups(List<String> hierarchies, List<Path> dirs, boolean privileged) {
        long ro = privileged ? 0 : MS_RDONLY;
        if (hierarchies.size() == 1 && hierarchies.get(0).startsWith("cgroup2:")) {
            mount("cgroup", "/sys/fs/cgroup", "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME | ro, "",
                    dirs == null ? null : dirs.get(0).toString());
            return;
        }
        mount("tmpfs", "/sys/fs/cgroup", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755");
        for (int i = 0; i < hierarchies.size(); i++) {
            String h = hierarchies.get(i);
            int colon = h.indexOf(':');
            String type = h.substring(0, colon);
            String options = h.substring(colon + 1);
            String name = type.equals("cgroup2") ? "unified" : options.replace("name=", "");
            mount("cgroup", "/sys/fs/cgroup/" + name, type, MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME | ro,
                    type.equals("cgroup2") ? "" : options, dirs == null ? null : dirs.get(i).toString());
        }
        mount("", "/sys/fs/cgroup", "", MS_REMOUNT | MS_NOSUID | MS_NODEV | MS_NOEXEC | ro, "mode=755");
    }

    /**
     * The directives of a seccomp filter, which the shim builds with libseccomp and installs as
     * the last step before the process is executed: {@code seccomp ACTION ERRNO} (the default),
     * {@code seccomp-arch NAME} (libseccomp's names: {@code x86_64}, {@code x32}, …), and
     * {@code seccomp-rule ACTION ERRNO SYSCALL [INDEX OP VALUE VALUE2]…} for each system call a
     * rule names, then {@code seccomp-cache PATH}: where the shim keeps the filter compiled, in
     * {@code cacheDir} under a digest of the directives. Empty for none.
     */
    static byte[] seccomp(Seccomp filter, Path cacheDir) {
        if (filter == null) {
            return new byte[0];
        }
        ShimSpec s = seccompDirectives(filter);
        s.add("seccomp-cache", seccompCache(s, cacheDir).toString());
        return s.out.toByteArray();
    }

    /**
     * The seccomp directives of a spec (each {@code seccomp*} directive, as {@link #seccomp} wrote
     * them into it), byte for byte; empty for none.
     *
     * @throws IllegalArgumentException if the spec is cut short
     */
    static byte[] seccompDirectivesOf(byte[] spec) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int pos = 0;
        while (pos < spec.length) {
            int start = pos;
            int nameEnd = nul(spec, pos);
            int countEnd = nul(spec, nameEnd + 1);
            int count = Integer.parseInt(new String(spec, nameEnd + 1, countEnd - nameEnd - 1, StandardCharsets.US_ASCII));
            pos = countEnd + 1;
            for (int i = 0; i < count; i++) {
                pos = nul(spec, pos) + 1;
            }
            String name = new String(spec, start, nameEnd - start, StandardCharsets.UTF_8);
            if (name.startsWith("seccomp")) {
                out.write(spec, start, pos - start);
            }
        }
        return out.toByteArray();
    }

    private static int nul(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                return i;
            }
        }
        throw new IllegalArgumentException("spec cut short after byte " + from);
    }

    /** Where {@link #seccomp} has the filter kept compiled: a file in {@code cacheDir} named by the directives' digest. */
    static Path seccompCacheFile(Seccomp filter, Path cacheDir) {
        return seccompCache(seccompDirectives(filter), cacheDir);
    }

    private static ShimSpec seccompDirectives(Seccomp filter) {
        ShimSpec s = new ShimSpec();
        s.add("seccomp", filter.defaultAction(), Integer.toString(filter.defaultErrno()));
        for (String a : filter.architectures()) {
            s.add("seccomp-arch", a.substring("SCMP_ARCH_".length()).toLowerCase(java.util.Locale.ROOT));
        }
        for (Seccomp.Rule r : filter.rules()) {
            List<String> args = new ArrayList<>();
            for (Seccomp.Condition c : r.conditions()) {
                args.addAll(List.of(Integer.toString(c.index()), c.op(), Long.toUnsignedString(c.value()),
                        Long.toUnsignedString(c.valueTwo())));
            }
            for (String name : r.names()) {
                List<String> rule = new ArrayList<>(List.of(r.action(), Integer.toString(r.errno()), name));
                rule.addAll(args);
                s.add("seccomp-rule", rule.toArray(String[]::new));
            }
        }
        return s;
    }

    private static Path seccompCache(ShimSpec directives, Path cacheDir) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(directives.out.toByteArray());
            return cacheDir.resolve(java.util.HexFormat.of().formatHex(digest) + ".bpf");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void mount(String source, String target, String type, long flags, String data) {
        add("mount", source, target, type, Long.toUnsignedString(flags), data);
    }

    /** A mount, or where the container's user namespace may not make it, {@code fallback} of the host bound instead. */
    private void mount(String source, String target, String type, long flags, String data, String fallback) {
        if (fallback == null) {
            mount(source, target, type, flags, data);
        } else {
            add("mount", source, target, type, Long.toUnsignedString(flags), data, fallback);
        }
    }

    /** The content of a {@code /proc/PID/uid_map} (or {@code gid_map}) that makes these mappings. */
    private static String mapFile(List<IdMapping> mappings) {
        StringBuilder map = new StringBuilder();
        mappings.forEach(m -> map.append(m.mapLine()));
        return map.toString();
    }

    private void add(String directive, String... args) {
        put(directive);
        put(Integer.toString(args.length));
        for (String a : args) {
            if (a.indexOf('\0') >= 0) {
                throw new InvalidArgumentException(directive + ": value contains a NUL byte");
            }
            put(a);
        }
    }

    private void put(String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        out.write(0);
    }
}
