package io.berth.shim;

import io.berth.api.runtime.Resources;
import io.berth.api.runtime.RuntimeStats;
import io.berth.posix.Native;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Containers' cgroups: one per container under a {@code berth} parent, in every hierarchy the host
 * has. Handles cgroup v2 (unified), v1 and hybrid hosts (v1 controllers plus an empty unified
 * hierarchy), found from {@code /proc/self/mountinfo}.
 */
final class Cgroups {
    /** How the host's cgroups are mounted. */
    enum Mode { V1, HYBRID, V2 }

    /**
     * One mounted hierarchy.
     *
     * @param mountPoint where it is mounted
     * @param controllers its controllers (v1), or those enabled in it (v2)
     * @param v2 whether it is cgroup2
     */
    record Hierarchy(Path mountPoint, Set<String> controllers, boolean v2) {
        boolean has(String controller) {
            return controllers.contains(controller);
        }
    }

    /** Docker's default device rules (runc's), for containers that are not privileged. */
    static final List<String> DEFAULT_DEVICES = List.of("c *:* m", "b *:* m", "c 1:3 rwm", "c 1:5 rwm",
            "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm", "c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm", "c 136:* rwm", "c 10:200 rwm");
    static final String PARENT = "berth";

    private final Mode mode;
    private final List<Hierarchy> hierarchies;

    private Cgroups(Mode mode, List<Hierarchy> hierarchies) {
        this.mode = mode;
        this.hierarchies = hierarchies;
    }

    /** Finds the host's cgroup hierarchies. */
    static Cgroups detect() throws IOException {
        List<Hierarchy> found = new ArrayList<>();
        boolean v1 = false;
        boolean v2 = false;
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            // ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS
            String[] f = line.split(" ");
            int dash = Arrays.asList(f).indexOf("-");
            if (dash < 0 || dash + 3 >= f.length) {
                continue;
            }
            String type = f[dash + 1];
            Path mountPoint = Path.of(unescape(f[4]));
            if (type.equals("cgroup2")) {
                Set<String> controllers = new HashSet<>();
                Path list = mountPoint.resolve("cgroup.controllers");
                if (Files.exists(list)) {
                    controllers.addAll(Arrays.asList(Files.readString(list).strip().split("\\s+")));
                    controllers.remove("");
                }
                found.add(new Hierarchy(mountPoint, controllers, true));
                v2 = true;
            } else if (type.equals("cgroup")) {
                Set<String> controllers = new LinkedHashSet<>();
                for (String o : f[dash + 3].split(",")) {
                    if (!o.equals("rw") && !o.equals("ro") && !o.startsWith("release_agent") && !o.equals("clone_children")
                            && !o.equals("noprefix") && !o.equals("xattr")) {
                        controllers.add(o);
                    }
                }
                found.add(new Hierarchy(mountPoint, controllers, false));
                v1 = true;
            }
        }
        if (found.isEmpty()) {
            throw new IOException("no cgroup hierarchy is mounted");
        }
        return new Cgroups(v1 && v2 ? Mode.HYBRID : v1 ? Mode.V1 : Mode.V2, found);
    }

    /**
     * The {@code cgroup.procs} file of the cgroup this process is in, in one hierarchy (cgroup2's
     * where mounted), for a process of ours that takes the cgroup lock without moving anywhere
     * (see ShimRuntimeDriver#warmCgroupLock); {@code null} when it cannot be told.
     */
    Path ownProcsFile() {
        Hierarchy h = hierarchies.stream().filter(Hierarchy::v2).findFirst().orElse(hierarchies.get(0));
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
                // ID:CONTROLLERS:PATH; cgroup2's is 0::PATH.
                String[] f = line.split(":", 3);
                if (f.length == 3 && (h.v2() ? f[0].equals("0") && f[1].isEmpty()
                        : h.controllers().containsAll(Arrays.asList(f[1].split(","))) && !f[1].isEmpty())) {
                    Path procs = h.mountPoint().resolve(f[2].substring(1)).resolve("cgroup.procs");
                    return Files.exists(procs) ? procs : null;
                }
            }
        } catch (IOException e) {
            // Not told: no warming.
        }
        return null;
    }

    private static String unescape(String s) {
        return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }

    Mode mode() {
        return mode;
    }

    List<Hierarchy> hierarchies() {
        return hierarchies;
    }

    private Hierarchy find(String controller) {
        for (Hierarchy h : hierarchies) {
            if (h.has(controller)) {
                return h;
            }
        }
        return null;
    }

    Path dir(Hierarchy h, String id) {
        return h.mountPoint().resolve(PARENT).resolve(id);
    }

    /** Makes the container's cgroups and writes its limits. */
    synchronized void create(String id, Resources r, boolean privileged) throws IOException {
        for (Hierarchy h : hierarchies) {
            Path parent = h.mountPoint().resolve(PARENT);
            Path dir = parent.resolve(id);
            if (h.v2()) {
                enableControllers(h.mountPoint(), h);
                Files.createDirectories(parent);
                enableControllers(parent, h);
                Files.createDirectories(dir);
                continue;
            }
            Files.createDirectories(dir);
            // A v1 cpuset cgroup is made with no CPU and no memory node, unless its parent has
            // cgroup.clone_children: then it is made with the parent's. The parent is given it
            // when a child is found without (a new parent, or an earlier Berth's), so that usually
            // one read is all a container's cpuset costs.
            if (h.has("cpuset") && Files.readString(dir.resolve("cpuset.cpus")).isBlank()) {
                inheritCpuset(h.mountPoint(), parent);
                Files.writeString(parent.resolve("cgroup.clone_children"), "1");
                inheritCpuset(parent, dir);
            }
        }
        try {
            writeLimits(id, r, privileged);
        } catch (IOException | RuntimeException e) {
            remove(id);
            throw e;
        }
    }

    private void writeLimits(String id, Resources r, boolean privileged) throws IOException {
        if (mode == Mode.V2) {
            Hierarchy h = hierarchies.stream().filter(Hierarchy::v2).findFirst().orElseThrow();
            Path d = dir(h, id);
            if (r.memory() > 0) {
                write(d, "memory.max", Long.toString(r.memory()));
                long swap = r.memorySwap() < 0 ? -1 : r.memorySwap() == 0 ? r.memory() : r.memorySwap() - r.memory();
                if (Files.exists(d.resolve("memory.swap.max"))) {
                    write(d, "memory.swap.max", swap < 0 ? "max" : Long.toString(swap));
                }
            }
            if (r.cpuQuota() > 0) {
                write(d, "cpu.max", r.cpuQuota() + " " + (r.cpuPeriod() > 0 ? r.cpuPeriod() : 100000));
            }
            if (r.cpuShares() > 0) {
                write(d, "cpu.weight", Long.toString(1 + ((r.cpuShares() - 2) * 9999) / 262142));
            }
            if (r.cpusetCpus() != null) {
                write(d, "cpuset.cpus", r.cpusetCpus());
            }
            if (r.pidsLimit() > 0) {
                write(d, "pids.max", Long.toString(r.pidsLimit()));
            }
            return;
        }
        Hierarchy memory = find("memory");
        if (memory != null && r.memory() > 0) {
            Path d = dir(memory, id);
            write(d, "memory.limit_in_bytes", Long.toString(r.memory()));
            long total = r.memorySwap() < 0 ? -1 : r.memorySwap() == 0 ? 2 * r.memory() : r.memorySwap();
            if (Files.exists(d.resolve("memory.memsw.limit_in_bytes"))) {
                write(d, "memory.memsw.limit_in_bytes", Long.toString(total));
            }
        }
        Hierarchy cpu = find("cpu");
        if (cpu != null) {
            Path d = dir(cpu, id);
            if (r.cpuQuota() > 0) {
                write(d, "cpu.cfs_period_us", Long.toString(r.cpuPeriod() > 0 ? r.cpuPeriod() : 100000));
                write(d, "cpu.cfs_quota_us", Long.toString(r.cpuQuota()));
            }
            if (r.cpuShares() > 0) {
                write(d, "cpu.shares", Long.toString(r.cpuShares()));
            }
        }
        Hierarchy cpuset = find("cpuset");
        if (cpuset != null && r.cpusetCpus() != null) {
            write(dir(cpuset, id), "cpuset.cpus", r.cpusetCpus());
        }
        Hierarchy pids = find("pids");
        if (pids != null && r.pidsLimit() > 0) {
            write(dir(pids, id), "pids.max", Long.toString(r.pidsLimit()));
        }
        Hierarchy devices = find("devices");
        if (devices != null) {
            Path d = dir(devices, id);
            if (privileged) {
                write(d, "devices.allow", "a");
            } else {
                write(d, "devices.deny", "a");
                writeEach(d, "devices.allow", DEFAULT_DEVICES);
            }
        }
    }

    /**
     * Changes the limits of an existing container's cgroups to {@code r}, every one of them: what
     * is zero there is set back to unlimited (the kernel's default weight, every CPU of the parent).
     * On v1, memory and memory+swap are written in the order the kernel accepts (the first never
     * above the second at any moment).
     */
    synchronized void update(String id, Resources r) throws IOException {
        if (mode == Mode.V2) {
            Hierarchy h = hierarchies.stream().filter(Hierarchy::v2).findFirst().orElseThrow();
            Path d = dir(h, id);
            if (h.has("memory")) {
                write(d, "memory.max", r.memory() > 0 ? Long.toString(r.memory()) : "max");
                if (Files.exists(d.resolve("memory.swap.max"))) {
                    long swap = r.memory() <= 0 || r.memorySwap() < 0 ? -1
                            : r.memorySwap() == 0 ? r.memory() : r.memorySwap() - r.memory();
                    write(d, "memory.swap.max", swap < 0 ? "max" : Long.toString(swap));
                }
            }
            if (h.has("cpu")) {
                long period = r.cpuPeriod() > 0 ? r.cpuPeriod() : 100000;
                write(d, "cpu.max", (r.cpuQuota() > 0 ? Long.toString(r.cpuQuota()) : "max") + " " + period);
                write(d, "cpu.weight", r.cpuShares() > 0 ? Long.toString(1 + ((r.cpuShares() - 2) * 9999) / 262142) : "100");
            }
            if (h.has("cpuset")) {
                write(d, "cpuset.cpus", r.cpusetCpus() == null ? "" : r.cpusetCpus());
            }
            if (h.has("pids")) {
                write(d, "pids.max", r.pidsLimit() > 0 ? Long.toString(r.pidsLimit()) : "max");
            }
            return;
        }
        Hierarchy memory = find("memory");
        if (memory != null) {
            long total = r.memory() <= 0 || r.memorySwap() < 0 ? -1 : r.memorySwap() == 0 ? 2 * r.memory() : r.memorySwap();
            updateV1Memory(dir(memory, id), r.memory() > 0 ? r.memory() : -1, total);
        }
        Hierarchy cpu = find("cpu");
        if (cpu != null) {
            Path d = dir(cpu, id);
            write(d, "cpu.cfs_quota_us", "-1");
            write(d, "cpu.cfs_period_us", Long.toString(r.cpuPeriod() > 0 ? r.cpuPeriod() : 100000));
            if (r.cpuQuota() > 0) {
                write(d, "cpu.cfs_quota_us", Long.toString(r.cpuQuota()));
            }
            write(d, "cpu.shares", Long.toString(r.cpuShares() > 0 ? r.cpuShares() : 1024));
        }
        Hierarchy cpuset = find("cpuset");
        if (cpuset != null) {
            Path d = dir(cpuset, id);
            write(d, "cpuset.cpus", r.cpusetCpus() != null ? r.cpusetCpus()
                    : Files.readString(d.getParent().resolve("cpuset.cpus")).strip());
        }
        Hierarchy pids = find("pids");
        if (pids != null) {
            write(dir(pids, id), "pids.max", r.pidsLimit() > 0 ? Long.toString(r.pidsLimit()) : "max");
        }
    }

    /**
     * Sets v1's memory limit and memory+swap limit ({@code -1}: unlimited). The kernel refuses a
     * memory limit above memory+swap, so when the new memory limit is above the present
     * memory+swap, memory+swap goes first.
     */
    private static void updateV1Memory(Path d, long memory, long total) throws IOException {
        Path memsw = d.resolve("memory.memsw.limit_in_bytes");
        if (!Files.exists(memsw)) {
            write(d, "memory.limit_in_bytes", Long.toString(memory));
            return;
        }
        long presentTotal = Long.parseLong(Files.readString(memsw).strip());
        boolean totalFirst = memory == -1 || Long.compareUnsigned(memory, presentTotal) > 0;
        if (totalFirst) {
            write(d, "memory.memsw.limit_in_bytes", Long.toString(total));
        }
        write(d, "memory.limit_in_bytes", Long.toString(memory));
        if (!totalFirst) {
            write(d, "memory.memsw.limit_in_bytes", Long.toString(total));
        }
    }

    private static void enableControllers(Path dir, Hierarchy h) throws IOException {
        Path control = dir.resolve("cgroup.subtree_control");
        if (!Files.exists(control)) {
            return;
        }
        Set<String> enabled = new HashSet<>(Arrays.asList(Files.readString(control).strip().split("\\s+")));
        for (String c : List.of("cpu", "cpuset", "memory", "pids", "io")) {
            if (h.has(c) && !enabled.contains(c)) {
                try {
                    Files.writeString(control, "+" + c);
                } catch (IOException e) {
                    // Not delegatable here (a process in the cgroup itself); the limit is then not applied.
                    System.getLogger(Cgroups.class.getName()).log(System.Logger.Level.WARNING,
                            "cannot enable the " + c + " controller in " + dir + ": " + e.getMessage());
                }
            }
        }
    }

    private static void inheritCpuset(Path from, Path to) throws IOException {
        for (String f : List.of("cpuset.cpus", "cpuset.mems")) {
            if (Files.readString(to.resolve(f)).isBlank()) {
                Files.writeString(to.resolve(f), Files.readString(from.resolve(f)).strip());
            }
        }
    }

    private static void write(Path dir, String file, String value) throws IOException {
        writeEach(dir, file, List.of(value));
    }

    /**
     * Writes each value to one cgroup file (which the kernel made with the cgroup), one write each
     * through one descriptor: the kernel takes a cgroup file's writes one by one (a device rule
     * each), whole or not at all.
     */
    private static void writeEach(Path dir, String file, List<String> values) throws IOException {
        String value = "";
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(dir.resolve(file),
                java.nio.file.StandardOpenOption.WRITE)) {
            for (String v : values) {
                value = v;
                byte[] bytes = v.getBytes(StandardCharsets.US_ASCII);
                if (ch.write(java.nio.ByteBuffer.wrap(bytes)) != bytes.length) {
                    throw new IOException("short write");
                }
            }
        } catch (IOException e) {
            throw new IOException("cannot set " + file + " to " + value + " in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The files a process is added to the container's cgroups through, one per hierarchy. */
    List<Path> procsFiles(String id) {
        List<Path> files = new ArrayList<>();
        for (Hierarchy h : hierarchies) {
            // In v1, the container's init joins as a thread (it has no other yet): moving a whole
            // thread group through cgroup.procs makes the kernel wait for an RCU grace period first.
            files.add(dir(h, id).resolve(h.v2() ? "cgroup.procs" : "tasks"));
        }
        return files;
    }

    /** The processes in the container's cgroup. */
    List<Integer> pids(String id) throws IOException {
        Hierarchy h = mode == Mode.V1 ? (find("pids") != null ? find("pids") : hierarchies.get(0))
                : hierarchies.stream().filter(Hierarchy::v2).findFirst().orElseThrow();
        List<Integer> pids = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(dir(h, id).resolve("cgroup.procs"))) {
                if (!line.isBlank()) {
                    pids.add(Integer.parseInt(line.strip()));
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        }
        return pids;
    }

    /**
     * Freezes or thaws every process of the container, and returns once the kernel says it is
     * done: the v1 freezer where the host has one, else cgroup2's own freezer.
     */
    void freeze(String id, boolean frozen) throws IOException {
        Hierarchy v1 = find("freezer");
        Path file;
        String value;
        if (v1 != null && !v1.v2()) {
            file = dir(v1, id).resolve("freezer.state");
            value = frozen ? "FROZEN" : "THAWED";
        } else {
            file = dir(hierarchies.stream().filter(Hierarchy::v2).findFirst()
                    .orElseThrow(() -> new IOException("this host has no cgroup freezer")), id).resolve("cgroup.freeze");
            value = frozen ? "1" : "0";
        }
        write(file.getParent(), file.getFileName().toString(), value);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (frozen(id) != frozen) {
            if (System.nanoTime() > deadline) {
                throw new IOException("the processes of container " + id + " did not " + (frozen ? "freeze" : "thaw")
                        + " within 10 s");
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while freezing container " + id);
            }
        }
    }

    /** Whether the container's processes are frozen (all of them: a freeze under way is not). */
    boolean frozen(String id) throws IOException {
        Hierarchy v1 = find("freezer");
        try {
            if (v1 != null && !v1.v2()) {
                return Files.readString(dir(v1, id).resolve("freezer.state")).strip().equals("FROZEN");
            }
            Hierarchy v2 = hierarchies.stream().filter(Hierarchy::v2).findFirst().orElse(null);
            if (v2 == null) {
                return false;
            }
            for (String line : Files.readAllLines(dir(v2, id).resolve("cgroup.events"))) {
                if (line.startsWith("frozen ")) {
                    return line.substring(7).strip().equals("1");
                }
            }
            return false;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /** Whether the kernel's OOM killer killed a process of the container. */
    boolean oomKilled(String id) throws IOException {
        Path file;
        if (mode == Mode.V2) {
            file = dir(hierarchies.stream().filter(Hierarchy::v2).findFirst().orElseThrow(), id).resolve("memory.events");
        } else {
            Hierarchy memory = find("memory");
            if (memory == null) {
                return false;
            }
            file = dir(memory, id).resolve("memory.oom_control");
        }
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith("oom_kill ")) {
                    return Long.parseLong(line.substring(9).strip()) > 0;
                }
            }
        } catch (NoSuchFileException e) {
            return false;
        }
        return false;
    }

    RuntimeStats stats(String id, int pid) throws IOException {
        long now = System.nanoTime();
        long[] net = network(pid);
        long hostMemory = hostMemory();
        if (mode == Mode.V2) {
            Path d = dir(hierarchies.stream().filter(Hierarchy::v2).findFirst().orElseThrow(), id);
            long cpu = statValue(d.resolve("cpu.stat"), "usage_usec") * 1000;
            long usage = readLong(d.resolve("memory.current")) - statValue(d.resolve("memory.stat"), "inactive_file");
            String max = readString(d.resolve("memory.max"));
            long limit = max.isEmpty() || max.equals("max") ? hostMemory : Long.parseLong(max);
            long[] io = ioStatV2(d.resolve("io.stat"));
            return new RuntimeStats(cpu, Math.max(0, usage), limit, readLong(d.resolve("pids.current")), io[0], io[1],
                    net[0], net[1], now);
        }
        Hierarchy cpuacct = find("cpuacct");
        Hierarchy memory = find("memory");
        Hierarchy pids = find("pids");
        long cpu = cpuacct == null ? 0 : readLong(dir(cpuacct, id).resolve("cpuacct.usage"));
        long usage = 0;
        long limit = hostMemory;
        if (memory != null) {
            Path d = dir(memory, id);
            usage = readLong(d.resolve("memory.usage_in_bytes")) - statValue(d.resolve("memory.stat"), "total_inactive_file");
            limit = Math.min(readLong(d.resolve("memory.limit_in_bytes")), hostMemory);
        }
        long count = pids == null ? pids(id).size() : readLong(dir(pids, id).resolve("pids.current"));
        Hierarchy blkio = find("blkio");
        long[] io = blkio == null ? new long[2] : ioStatV1(dir(blkio, id).resolve("blkio.throttle.io_service_bytes_recursive"));
        return new RuntimeStats(cpu, Math.max(0, usage), limit, count, io[0], io[1], net[0], net[1], now);
    }

    /** Bytes read and written, from cgroup v2's io.stat ({@code 8:0 rbytes=... wbytes=...} per device). */
    private static long[] ioStatV2(Path file) throws IOException {
        long[] io = new long[2];
        for (String line : lines(file)) {
            for (String field : line.split(" ")) {
                if (field.startsWith("rbytes=")) {
                    io[0] += Long.parseLong(field.substring(7));
                } else if (field.startsWith("wbytes=")) {
                    io[1] += Long.parseLong(field.substring(7));
                }
            }
        }
        return io;
    }

    /** Bytes read and written, from cgroup v1's blkio ({@code 8:0 Read 4096} per device and operation). */
    private static long[] ioStatV1(Path file) throws IOException {
        long[] io = new long[2];
        for (String line : lines(file)) {
            String[] f = line.split(" ");
            if (f.length == 3 && f[1].equals("Read")) {
                io[0] += Long.parseLong(f[2]);
            } else if (f.length == 3 && f[1].equals("Write")) {
                io[1] += Long.parseLong(f[2]);
            }
        }
        return io;
    }

    /** Bytes received and sent in the network namespace of {@code pid}, loopback left out. */
    private static long[] network(int pid) throws IOException {
        long[] net = new long[2];
        if (pid <= 0) {
            return net;
        }
        for (String line : lines(Path.of("/proc", Integer.toString(pid), "net", "dev"))) {
            int colon = line.indexOf(':');
            if (colon < 0 || line.substring(0, colon).strip().equals("lo")) {
                continue;
            }
            String[] f = line.substring(colon + 1).strip().split("\\s+");
            if (f.length >= 9) {
                net[0] += Long.parseLong(f[0]);
                net[1] += Long.parseLong(f[8]);
            }
        }
        return net;
    }

    private static List<String> lines(Path file) throws IOException {
        try {
            return Files.readAllLines(file);
        } catch (java.nio.file.NoSuchFileException e) {
            return List.of();
        }
    }

    /**
     * Kills what is left in the container's cgroups and removes them. A missing cgroup is fine.
     * The {@code berth} parents stay for the next container; {@link #removeParents} takes them.
     */
    synchronized void remove(String id) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            boolean left = false;
            for (Hierarchy h : hierarchies) {
                Path d = dir(h, id);
                try {
                    Files.deleteIfExists(d);
                } catch (IOException e) {
                    // Busy: processes remain (or are still exiting).
                    left = true;
                    for (int pid : pidsIn(d)) {
                        Native.kill(pid, 9);
                    }
                }
            }
            if (!left) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while removing the cgroups of " + id);
            }
        }
        throw new IOException("cannot remove the cgroups of container " + id + ": processes remain");
    }

    /** Removes the {@code berth} parents where no container's cgroup is left in them. */
    synchronized void removeParents() {
        for (Hierarchy h : hierarchies) {
            try {
                Files.deleteIfExists(h.mountPoint().resolve(PARENT));
            } catch (IOException e) {
                // Containers (of this engine or another) are still in it.
            }
        }
    }

    private static List<Integer> pidsIn(Path dir) throws IOException {
        List<Integer> pids = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(dir.resolve("cgroup.procs"))) {
                if (!line.isBlank()) {
                    pids.add(Integer.parseInt(line.strip()));
                }
            }
        } catch (NoSuchFileException e) {
            return pids;
        }
        return pids;
    }

    private static long statValue(Path file, String key) throws IOException {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(key + " ")) {
                    return Long.parseLong(line.substring(key.length() + 1).strip());
                }
            }
        } catch (NoSuchFileException e) {
            return 0;
        }
        return 0;
    }

    private static long readLong(Path file) throws IOException {
        String s = readString(file);
        return s.isEmpty() || s.equals("max") ? 0 : Long.parseLong(s);
    }

    private static String readString(Path file) throws IOException {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            return "";
        }
    }

    private static long hostMemory() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemTotal:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        return Long.MAX_VALUE;
    }
}
