package io.berth.runtime.internal;

import io.berth.api.ConflictException;
import io.berth.api.InvalidArgumentException;
import io.berth.api.NotFoundException;
import io.berth.api.UnavailableException;
import io.berth.api.container.Container;
import io.berth.api.container.ContainerDetails;
import io.berth.api.container.ContainerService;
import io.berth.api.container.ContainerStatus;
import io.berth.api.container.CreateRequest;
import io.berth.api.container.ExecRequest;
import io.berth.api.container.PathStat;
import io.berth.api.container.HostConfig;
import io.berth.api.container.LogEntry;
import io.berth.api.container.LogOptions;
import io.berth.api.container.PrunedContainers;
import io.berth.api.content.Digest;
import io.berth.api.driver.DriverInfo;
import io.berth.api.driver.DriverRegistry;
import io.berth.api.driver.DriverState;
import io.berth.api.driver.DriverType;
import io.berth.api.image.ContainerConfig;
import io.berth.api.image.Image;
import io.berth.api.image.ImageReference;
import io.berth.api.image.ImageDetails;
import io.berth.api.image.ImageStore;
import io.berth.api.image.ImageUsers;
import io.berth.api.runtime.ContainerDefaults;
import io.berth.api.runtime.Attachment;
import io.berth.api.runtime.ConsoleSize;
import io.berth.api.runtime.ContainerSpec;
import io.berth.api.runtime.LogSpec;
import io.berth.api.runtime.ProcessSpec;
import io.berth.api.runtime.Resources;
import io.berth.api.runtime.RuntimeDriver;
import io.berth.api.runtime.RuntimeState;
import io.berth.api.runtime.RuntimeStats;
import io.berth.api.runtime.RuntimeStatus;
import io.berth.api.runtime.StartFailedException;
import io.berth.api.storage.Change;
import io.berth.api.storage.Mount;
import io.berth.api.storage.Snapshot;
import io.berth.api.storage.StorageDriver;
import io.berth.layers.Mounts;
import io.berth.layers.Trees;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The engine's containers. Each one's operations are serialized by its lock; a thread per running
 * container waits on the runtime driver for its exit, then records it and cleans up (the
 * runtime's state and cgroup, the root filesystem mount, the container itself with
 * {@code autoRemove}).
 *
 * <p>Root filesystems are mounted on the host under {@code <runRoot>/containers/<id>/rootfs}
 * while a container runs. Containers sit on an "init" snapshot per image: the image's layers plus
 * the empty files and directories the runtime mounts over, so those never show in {@code diff} or
 * a commit, as with docker.
 */
public final class LocalContainerService implements ContainerService, ImageUsers {
    private static final System.Logger LOG = System.getLogger(LocalContainerService.class.getName());
    private static final Pattern CONTAINER_KEY = Pattern.compile("[0-9a-f]{64}");
    private static final String INIT_SUFFIX = "-init";
    private static final int DEFAULT_STOP_TIMEOUT = 10;
    private static final long MIN_MEMORY = 6L << 20;
    /** Files and directories the runtime mounts over, made in the init snapshot. */
    private static final List<String> INIT_FILES = List.of("/etc/hosts", "/etc/hostname", "/etc/resolv.conf");
    private static final List<String> INIT_DIRECTORIES = List.of("/proc", "/sys", "/dev");

    private final ContainerStore store;
    private final Path runRoot;
    private final ImageStore images;
    private final DriverRegistry drivers;
    private final Path hostResolvConf;
    private final Object initLock = new Object();
    /** Starts containers again as their restart policies say, after docker's back-off. */
    private final java.util.concurrent.ScheduledExecutorService restarts =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "berth-restart-policy");
                t.setDaemon(true);
                return t;
            });
    private volatile boolean closed;

    /**
     * @param root where containers are kept ({@code <root>/containers})
     * @param runRoot where their root filesystems are mounted ({@code <runRoot>/containers})
     */
    public LocalContainerService(Path root, Path runRoot, ImageStore images, DriverRegistry drivers, Path hostResolvConf)
            throws IOException {
        this.store = new ContainerStore(root);
        this.runRoot = Files.createDirectories(runRoot);
        this.images = images;
        this.drivers = drivers;
        this.hostResolvConf = hostResolvConf;
        // Before any container thread runs: their stacks are too small for jnr-ffi's first initialisation.
        io.berth.layers.Native.load();
        store.load();
    }

    // ------------------------------------------------------------------ create

    @Override
    public Container create(CreateRequest req) throws IOException {
        String wantedName = req.name() == null || req.name().isEmpty() ? null : Names.validate(req.name());
        Image image = images.get(req.image());
        ImageDetails details = images.inspect(image.id().toString());
        ContainerConfig ic = details.config().config();
        HostConfig host = req.host();

        List<String> entrypoint = req.entrypoint() != null ? req.entrypoint() : orEmpty(ic.entrypoint());
        List<String> cmd = req.command() != null && !req.command().isEmpty() ? req.command()
                : req.entrypoint() != null ? List.of() : orEmpty(ic.cmd());
        List<String> argv = new ArrayList<>(entrypoint);
        argv.addAll(cmd);
        if (argv.isEmpty()) {
            throw new InvalidArgumentException("No command specified");
        }
        String workingDir = req.workingDir() != null && !req.workingDir().isEmpty() ? req.workingDir() : ic.workingDir();
        if (!workingDir.isEmpty() && !workingDir.startsWith("/")) {
            throw new InvalidArgumentException("the working directory '" + workingDir + "' is invalid, it needs to be an absolute path");
        }
        String stopSignal = req.stopSignal() != null ? req.stopSignal() : ic.stopSignal();
        if (stopSignal != null && !stopSignal.isEmpty()) {
            Signals.parse(stopSignal);
        }
        Integer stopTimeout = req.stopTimeout() != null ? req.stopTimeout() : ic.stopTimeout();
        Capabilities.of(host.capAdd(), host.capDrop());
        validate(host);
        for (String path : host.tmpfs().keySet()) {
            if (!path.startsWith("/") || ContainerPaths.clean(path).isEmpty()) {
                throw new InvalidArgumentException("invalid mount path for --tmpfs: " + path);
            }
        }
        String runtimeName = host.runtime() != null && !host.runtime().isEmpty() ? host.runtime()
                : drivers.defaultName(DriverType.RUNTIME);
        if (runtimeName == null) {
            throw new UnavailableException("no runtime driver is available");
        }
        drivers.runtime(runtimeName);
        String storageName = req.storage() != null ? req.storage() : drivers.defaultName(DriverType.STORAGE);
        if (storageName == null) {
            throw new UnavailableException("no storage driver is available");
        }
        StorageDriver storage = drivers.storage(storageName);

        String id = Names.newId();
        String hostname = req.hostname() != null && !req.hostname().isEmpty() ? req.hostname() : id.substring(0, 12);
        if (hostname.length() > 64 || !hostname.matches("[A-Za-z0-9][A-Za-z0-9.-]*")) {
            throw new InvalidArgumentException("invalid hostname format: " + hostname);
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (ic.labels() != null) {
            labels.putAll(ic.labels());
        }
        labels.putAll(req.labels());
        ContainerConfig config = new ContainerConfig(hostname, "", req.user() != null ? req.user() : ic.user(), req.openStdin(),
                true, true, ic.exposedPorts(), req.tty(), req.openStdin(), req.stdinOnce(), mergeEnv(orEmpty(ic.env()), req.env()), cmd.isEmpty() ? null : cmd,
                ic.healthcheck(), false, req.image(), ic.volumes(), workingDir, entrypoint.isEmpty() ? null : entrypoint,
                ic.onBuild(), labels, stopSignal == null || stopSignal.isEmpty() ? null : stopSignal, stopTimeout, null);
        HostConfig fixed = new HostConfig(runtimeName, host.autoRemove(), host.privileged(), host.readonlyRootfs(),
                host.capAdd(), host.capDrop(), host.tmpfs(), host.resources(), host.log(), host.securityOpt(), host.ulimits(),
                host.restartPolicy());

        String name;
        if (wantedName != null) {
            store.reserve(wantedName, id);
            name = wantedName;
        } else {
            name = store.reserveGenerated(id);
        }
        try {
            String chain = images.unpack(image.id().toString(), storageName, io.berth.api.ProgressListener.NONE);
            String init;
            synchronized (initLock) {
                init = initSnapshot(storage, chain);
                storage.prepare(id, init);
            }
            try {
                ContainerRecord record = new ContainerRecord(id, name, Instant.now().toString(), req.image(),
                        image.id().toString(), argv.get(0), argv.subList(1, argv.size()), config, fixed, storageName, id, init);
                Map<String, byte[]> files = new LinkedHashMap<>();
                files.put("hosts", HostFiles.hosts(hostname));
                files.put("hostname", HostFiles.hostname(hostname));
                files.put("resolv.conf", HostFiles.resolvConf(hostResolvConf));
                ContainerStore.Entry e = store.add(record, StateRecord.CREATED, files);
                return container(e, false);
            } catch (IOException | RuntimeException ex) {
                removeSnapshot(storage, id);
                throw ex;
            }
        } catch (IOException | RuntimeException ex) {
            store.release(name, id);
            throw ex;
        }
    }

    private static void validate(HostConfig host) {
        Resources r = host.resources();
        if (r.memory() != 0 && r.memory() < MIN_MEMORY) {
            throw new InvalidArgumentException("Minimum memory limit allowed is 6MB");
        }
        if (r.memorySwap() > 0 && r.memory() == 0) {
            throw new InvalidArgumentException("You should always set the Memory limit when using Memoryswap limit, see usage");
        }
        if (r.memorySwap() > 0 && r.memorySwap() < r.memory()) {
            throw new InvalidArgumentException("Minimum memoryswap limit should be larger than memory limit, see usage");
        }
        if (r.cpuQuota() < 0 || r.cpuPeriod() < 0 || r.cpuShares() < 0) {
            throw new InvalidArgumentException("CPU limits cannot be negative");
        }
        if (r.cpuPeriod() != 0 && (r.cpuPeriod() < 1000 || r.cpuPeriod() > 1000000)) {
            throw new InvalidArgumentException("CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1 second (i.e. 1000000)");
        }
        if (r.cpuQuota() != 0 && r.cpuQuota() < 1000) {
            throw new InvalidArgumentException("CPU cfs quota can not be less than 1ms (i.e. 1000)");
        }
        if (r.cpusetCpus() != null && !r.cpusetCpus().isEmpty()) {
            CpuSets.check(r.cpusetCpus());
        }
        for (String opt : host.securityOpt()) {
            if (!opt.equals("no-new-privileges") && !opt.matches("no-new-privileges[=:](true|false)")) {
                throw new InvalidArgumentException("invalid --security-opt: " + opt
                        + " (supported: no-new-privileges, no-new-privileges=false)");
            }
        }
    }

    /**
     * The init snapshot of an image: its top layer with the mount points added, shared by the
     * image's containers. Called with {@link #initLock} held.
     */
    private String initSnapshot(StorageDriver storage, String chain) throws IOException {
        String key = (chain == null ? "scratch" : chain) + INIT_SUFFIX;
        try {
            storage.stat(key);
            return key;
        } catch (NotFoundException e) {
            // Made below.
        }
        String work = key + "-" + Names.newId().substring(0, 8);
        List<Mount> mounts = storage.prepare(work, chain);
        try {
            Path target = Files.createDirectories(runRoot.resolve(".init-" + work.hashCode()));
            try {
                Path root = mount(mounts, target);
                try {
                    for (String d : INIT_DIRECTORIES) {
                        ContainerPaths.mountPoint(root, d, true);
                    }
                    for (String f : INIT_FILES) {
                        ContainerPaths.mountPoint(root, f, false);
                    }
                } finally {
                    unmount(target);
                }
            } finally {
                Files.deleteIfExists(target);
            }
            storage.commit(key, work);
        } catch (IOException | RuntimeException e) {
            try {
                storage.remove(work);
            } catch (IOException | RuntimeException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
        return key;
    }

    /**
     * Removes a container's writable snapshot. The init snapshot under it stays for the image's
     * next container; the image store removes it with the image's layers.
     */
    private void removeSnapshot(StorageDriver storage, String key) {
        try {
            storage.remove(key);
        } catch (NotFoundException e) {
            // Already gone.
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot remove snapshot " + key + ": " + e.getMessage());
        }
    }

    /** Mounts a root filesystem at {@code target}, or returns a single writable bind source as it is. */
    private static Path mount(List<Mount> mounts, Path target) throws IOException {
        if (mounts.size() == 1 && mounts.get(0).type().equals("bind") && !mounts.get(0).readOnly()) {
            return Path.of(mounts.get(0).source());
        }
        Mounts.mount(mounts, target);
        return target;
    }

    private static void unmount(Path target) throws IOException {
        if (Files.isDirectory(target) && Mounts.isMountPoint(target)) {
            Mounts.unmount(target);
        }
    }

    static List<String> mergeEnv(List<String> base, List<String> added) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String e : base) {
            env.put(envKey(e), e);
        }
        for (String e : added) {
            if (e.indexOf('=') < 0) {
                env.remove(e);
            } else {
                env.put(envKey(e), e);
            }
        }
        return List.copyOf(env.values());
    }

    private static String envKey(String entry) {
        int eq = entry.indexOf('=');
        return eq < 0 ? entry : entry.substring(0, eq);
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    // ------------------------------------------------------------------ start

    @Override
    public CompletableFuture<Integer> start(String idOrName) throws IOException {
        ContainerStore.Entry e = store.find(idOrName);
        e.lock.lock();
        try {
            checkNotRemoved(e);
            if (e.state.running()) {
                return e.exit == null ? new CompletableFuture<>() : e.exit.copy();
            }
            return startByUser(e, false, false, null).exit();
        } finally {
            e.lock.unlock();
        }
    }

    @Override
    public CompletableFuture<Integer> start(String idOrName, Consumer<LogEntry> output) throws IOException {
        ContainerStore.Entry e = store.find(idOrName);
        CompletableFuture<Integer> exit;
        JsonLog.Position from;
        JsonLog.Opened opened;
        Path log = logPath(e);
        e.lock.lock();
        try {
            checkNotRemoved(e);
            from = JsonLog.Position.of(log);
            exit = e.state.running() && e.exit != null ? e.exit.copy() : startByUser(e, false, false, null).exit();
            // Opened before the lock goes: a container that ends at once (and is removed with
            // --rm) cannot take its log away before it is read.
            opened = JsonLog.Opened.of(log);
        } finally {
            e.lock.unlock();
        }
        CompletableFuture<Integer> delivered = new CompletableFuture<>();
        Thread t = new Thread(null, () -> {
            try {
                JsonLog.follow(log, from, opened, millis -> !delivered.isCancelled() && !waitFor(exit, millis), entry -> {
                    if (!delivered.isCancelled()) {
                        output.accept(entry);
                    }
                });
                delivered.complete(exit.get());
            } catch (InterruptedException ex) {
                delivered.cancel(false);
            } catch (IOException | RuntimeException | ExecutionException ex) {
                delivered.completeExceptionally(ex);
            }
        }, "berth-attach-" + e.record.shortId(), 256 * 1024);
        t.setDaemon(true);
        t.start();
        return delivered;
    }

    private CompletableFuture<Integer> startLocked(ContainerStore.Entry e) throws IOException {
        return startLocked(e, false, false, null).exit();
    }

    /** A start by the user: a pending policy restart is dropped, the restart count starts over. */
    private Started startByUser(ContainerStore.Entry e, boolean attach, boolean stdin, ConsoleSize size) throws IOException {
        cancelRestart(e);
        e.restartDelay = 100;
        return startLocked(e, attach, stdin, size, false);
    }

    /**
     * The runtime driver a container was made with. When it is gone (its bundle stopped or
     * uninstalled) the container is left as it is, running or not, until the driver returns.
     *
     * @throws UnavailableException naming the container, its runtime and what is available
     */
    private RuntimeDriver runtimeOf(ContainerStore.Entry e) {
        String name = e.record.host().runtime();
        try {
            return drivers.runtime(name);
        } catch (UnavailableException missing) {
            throw new UnavailableException("runtime driver " + name + " of container " + e.record.name()
                    + " is missing; the container is left as it is until the driver returns (" + missing.getMessage() + ")");
        }
    }

    private Started startLocked(ContainerStore.Entry e, boolean attach, boolean stdin, ConsoleSize size) throws IOException {
        return startLocked(e, attach, stdin, size, false);
    }

    private void cancelRestart(ContainerStore.Entry e) {
        if (e.pendingRestart != null) {
            e.pendingRestart.cancel(false);
            e.pendingRestart = null;
        }
    }

    /** A started container: its exit to come, and the attachment made before it ran, if asked for. */
    private record Started(CompletableFuture<Integer> exit, Attachment io) {
    }

    private Started startLocked(ContainerStore.Entry e, boolean attach, boolean stdin, ConsoleSize size, boolean byPolicy)
            throws IOException {
        ContainerRecord r = e.record;
        Attachment io = null;
        RuntimeDriver runtime = runtimeOf(e);
        StorageDriver storage = drivers.storage(r.storage());
        Path mountpoint = rootfsMountpoint(r);
        boolean started = false;
        try {
            Path rootfs = mount(storage.mounts(r.snapshot()), Files.createDirectories(mountpoint));
            ContainerSpec spec;
            try {
                spec = spec(e, rootfs, size);
            } catch (InvalidArgumentException ex) {
                throw new StartFailedException(1, ex.getMessage());
            }
            runtime.delete(r.id());
            runtime.create(spec);
            try {
                if (attach) {
                    io = runtime.startAttached(r.id(), stdin);
                } else {
                    runtime.start(r.id());
                }
            } catch (IOException | RuntimeException ex) {
                try {
                    runtime.delete(r.id());
                } catch (IOException | RuntimeException again) {
                    ex.addSuppressed(again);
                }
                throw ex;
            }
            RuntimeState rs = runtime.state(r.id());
            e.run++;
            e.exit = new CompletableFuture<>();
            Instant at = rs.startedAt() != null ? rs.startedAt() : Instant.now();
            store.saveState(e, byPolicy ? e.state.restarted(rs.pid(), at) : e.state.startedByUser(rs.pid(), at));
            watch(e, runtime, e.run);
            started = true;
            return new Started(e.exit.copy(), io);
        } catch (StartFailedException ex) {
            store.saveState(e, e.state.failed(ex.exitCode(), ex.getMessage()));
            throw ex;
        } finally {
            if (!started) {
                cleanUpMount(r);
            }
        }
    }

    private Path rootfsMountpoint(ContainerRecord r) {
        return runRoot.resolve(r.id()).resolve("rootfs");
    }

    private void cleanUpMount(ContainerRecord r) {
        Path mountpoint = rootfsMountpoint(r);
        try {
            unmount(mountpoint);
            Files.deleteIfExists(mountpoint);
            Files.deleteIfExists(mountpoint.getParent());
        } catch (NoSuchFileException ex) {
            // Nothing there.
        } catch (IOException | RuntimeException | LinkageError ex) {
            LOG.log(System.Logger.Level.WARNING, "cannot unmount the root filesystem of container " + r.shortId() + ": "
                    + ex);
        }
    }

    /** Everything the runtime needs to run the container, from its record and its filesystem. */
    private ContainerSpec spec(ContainerStore.Entry e, Path rootfs, ConsoleSize size) throws IOException {
        ContainerRecord r = e.record;
        ContainerConfig c = r.config();
        HostConfig h = r.host();
        Users.Resolved user = Users.resolve(rootfs, c.user());
        String cwd = c.workingDir().isEmpty() ? "/" : c.workingDir();
        ContainerPaths.mkdirs(rootfs, cwd);

        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", ContainerDefaults.PATH);
        env.put("HOSTNAME", "HOSTNAME=" + c.hostname());
        for (String v : orEmpty(c.env())) {
            env.put(envKey(v), v);
        }
        env.putIfAbsent("HOME", "HOME=" + user.home());

        List<Mount> mounts = new ArrayList<>();
        Path dir = e.dir;
        mounts.add(new Mount("bind", dir.resolve("resolv.conf").toString(), "/etc/resolv.conf", List.of("rbind", "rw")));
        mounts.add(new Mount("bind", dir.resolve("hostname").toString(), "/etc/hostname", List.of("rbind", "rw")));
        mounts.add(new Mount("bind", dir.resolve("hosts").toString(), "/etc/hosts", List.of("rbind", "rw")));
        for (Map.Entry<String, String> t : h.tmpfs().entrySet()) {
            ContainerPaths.mountPoint(rootfs, t.getKey(), true);
            List<String> options = new ArrayList<>(List.of("nosuid", "nodev", "noexec"));
            for (String o : t.getValue().split(",")) {
                if (!o.isBlank()) {
                    options.add(o.strip().equals("exec") ? "exec" : o.strip());
                }
            }
            if (options.contains("exec")) {
                options.remove("noexec");
                options.remove("exec");
            }
            mounts.add(new Mount("tmpfs", "tmpfs", t.getKey(), options));
        }
        boolean noNewPrivileges = !h.privileged();
        for (String opt : h.securityOpt()) {
            noNewPrivileges = !opt.endsWith("false");
        }
        Set<String> caps = Capabilities.of(h.capAdd(), h.capDrop());
        if (c.tty()) {
            env.putIfAbsent("TERM", "TERM=xterm");
        }
        ProcessSpec process = new ProcessSpec(List.copyOf(command(r)), List.copyOf(env.values()), cwd, user.user(), c.tty(),
                caps, noNewPrivileges, h.ulimits(), c.openStdin(), c.stdinOnce(), c.tty() ? size : null);
        LogSpec log = new LogSpec(logPath(e), h.log().maxSize(), h.log().maxFiles());
        return new ContainerSpec(r.id(), List.of(new Mount("bind", rootfs.toString(), null, List.of("rbind"))),
                h.readonlyRootfs(), process, c.hostname(), mounts, h.resources(), ContainerDefaults.MASKED_PATHS,
                ContainerDefaults.READONLY_PATHS, h.privileged(), null, runRoot.resolve(r.id()), log, Map.of());
    }

    private static List<String> command(ContainerRecord r) {
        List<String> argv = new ArrayList<>();
        argv.add(r.path());
        argv.addAll(r.args());
        return argv;
    }

    private static Path logPath(ContainerStore.Entry e) {
        return e.dir.resolve(e.id() + "-json.log");
    }

    private static void checkNotRemoved(ContainerStore.Entry e) {
        if (e.removed) {
            throw new NotFoundException("No such container: " + e.id());
        }
        if (e.removing) {
            throw new ConflictException("removal of container " + e.record.shortId() + " is already in progress");
        }
    }

    // ------------------------------------------------------------------ exits

    /** Starts the thread that waits for this run of the container to end. Called with the lock held. */
    private void watch(ContainerStore.Entry e, RuntimeDriver runtime, long run) {
        Thread t = new Thread(null, () -> monitor(e, runtime, run), "berth-wait-" + e.record.shortId(), 128 * 1024);
        t.setDaemon(true);
        t.setUncaughtExceptionHandler((thread, ex) -> LOG.log(System.Logger.Level.ERROR, "the exit monitor of container "
                + e.record.shortId() + " ended: its exit will not be recorded until the engine restarts", ex));
        e.monitor = t;
        t.start();
    }

    private void monitor(ContainerStore.Entry e, RuntimeDriver runtime, long run) {
        while (!closed) {
            RuntimeState end;
            try {
                end = runtime.await(e.id(), null);
            } catch (InterruptedException ex) {
                return;
            } catch (NotFoundException ex) {
                end = null;
            } catch (IOException | RuntimeException ex) {
                LOG.log(System.Logger.Level.WARNING, "waiting for container " + e.record.shortId() + ": " + ex.getMessage());
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    return;
                }
                continue;
            }
            if (end != null && end.status() != RuntimeStatus.STOPPED && end.status() != RuntimeStatus.CREATED) {
                continue;
            }
            try {
                exited(e, runtime, run, end);
                return;
            } catch (RuntimeException | Error ex) {
                // Not silently: the exit is recorded at the next attempt.
                LOG.log(System.Logger.Level.ERROR, "recording the exit of container " + e.record.shortId() + " failed; "
                        + "trying again", ex);
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /**
     * Records the end of a run and cleans up after it.
     *
     * @param end what the runtime says, or {@code null} if it no longer knows the container
     */
    private void exited(ContainerStore.Entry e, RuntimeDriver runtime, long run, RuntimeState end) {
        CompletableFuture<Integer> exit;
        int code;
        e.lock.lock();
        try {
            if (e.run != run || !e.state.running() || e.removed) {
                return;
            }
            code = end == null ? 255 : end.exitCode();
            String why = end == null ? "the runtime lost the container's state" : "";
            try {
                runtime.delete(e.id());
            } catch (IOException | RuntimeException ex) {
                LOG.log(System.Logger.Level.WARNING, "cannot clean up container " + e.record.shortId() + " in its runtime: "
                        + ex.getMessage());
            }
            cleanUpMount(e.record);
            exit = e.exit;
            e.exit = null;
            e.monitor = null;
            boolean removed = false;
            if (e.record.host().autoRemove() && !e.removing) {
                try {
                    removeLocked(e);
                    removed = true;
                } catch (IOException | RuntimeException ex) {
                    LOG.log(System.Logger.Level.WARNING, "cannot remove container " + e.record.shortId() + ": " + ex.getMessage());
                }
            }
            if (!removed) {
                Instant finished = end != null && end.finishedAt() != null ? end.finishedAt() : Instant.now();
                StateRecord ended = e.state.exited(code, end != null && end.oomKilled(), finished, why);
                if (!closed && policyRestarts(e.record.host().restartPolicy(), ended)) {
                    ended = ended.restarting();
                    scheduleRestart(e, finished);
                }
                try {
                    store.saveState(e, ended);
                } catch (IOException ex) {
                    LOG.log(System.Logger.Level.ERROR, "cannot save the state of container " + e.record.shortId() + ": "
                            + ex.getMessage());
                }
            }
        } finally {
            e.lock.unlock();
        }
        if (exit != null) {
            exit.complete(code);
        }
    }

    /** Whether a container that just ended is started again by its policy. */
    private static boolean policyRestarts(io.berth.api.container.RestartPolicy policy, StateRecord ended) {
        if (ended.stoppedByUser()) {
            return false;
        }
        return switch (policy.name()) {
            case "always", "unless-stopped" -> true;
            case "on-failure" -> ended.exitCode() != 0
                    && (policy.maximumRetryCount() == 0 || ended.restartCount() < policy.maximumRetryCount());
            default -> false;
        };
    }

    /**
     * Schedules a policy restart after docker's back-off: 100 ms, doubled at each restart up to
     * a minute, back to 100 ms after a run of 10 s or more. Called with the container's lock held.
     */
    private void scheduleRestart(ContainerStore.Entry e, Instant finished) {
        Instant started = e.state.startedAt() == null ? null : Instant.parse(e.state.startedAt());
        if (started != null && Duration.between(started, finished).toSeconds() >= 10) {
            e.restartDelay = 100;
        }
        long delay = e.restartDelay;
        e.restartDelay = Math.min(e.restartDelay * 2, 60_000);
        cancelRestart(e);
        e.pendingRestart = restarts.schedule(() -> restartByPolicy(e), delay, TimeUnit.MILLISECONDS);
    }

    private void restartByPolicy(ContainerStore.Entry e) {
        e.lock.lock();
        try {
            e.pendingRestart = null;
            if (closed || e.removed || e.removing || e.state.status() != ContainerStatus.RESTARTING) {
                return;
            }
            try {
                startLocked(e, false, false, null, true);
            } catch (StartFailedException ex) {
                // Counted as a run that failed at once: the policy decides again.
                StateRecord failed = new StateRecord(ContainerStatus.EXITED, 0, ex.exitCode(), false, ex.getMessage(),
                        e.state.startedAt(), Instant.now().toString(), e.state.restartCount() + 1, false);
                if (policyRestarts(e.record.host().restartPolicy(), failed)) {
                    failed = failed.restarting();
                    scheduleRestart(e, Instant.now());
                }
                store.saveState(e, failed);
            }
        } catch (IOException | RuntimeException ex) {
            LOG.log(System.Logger.Level.WARNING, "cannot restart container " + e.record.shortId() + ": " + ex.getMessage());
        } finally {
            e.lock.unlock();
        }
    }

    /**
     * Starts, when the engine starts, the containers whose policy says so: {@code always} ones,
     * {@code unless-stopped} ones the user did not stop, and those waiting for a policy restart.
     */
    public void startByPolicies(String runtimeName) {
        // Soon rather than now: the runtime that just came may not be in the driver registry yet.
        restarts.schedule(() -> startByPolicies(runtimeName, 50), 100, TimeUnit.MILLISECONDS);
    }

    private void startByPolicies(String runtimeName, int attemptsLeft) {
        boolean unavailable = false;
        for (ContainerStore.Entry e : store.all()) {
            if (!runtimeName.equals(e.record.host().runtime())) {
                continue;
            }
            e.lock.lock();
            try {
                if (e.removed || e.state.running()) {
                    continue;
                }
                String policy = e.record.host().restartPolicy().name();
                boolean start = e.state.status() == ContainerStatus.RESTARTING || policy.equals("always")
                        || policy.equals("unless-stopped") && !e.state.stoppedByUser();
                if (start && e.state.status() != ContainerStatus.CREATED) {
                    startLocked(e, false, false, null, false);
                }
            } catch (UnavailableException ex) {
                unavailable = true;
            } catch (IOException | RuntimeException ex) {
                LOG.log(System.Logger.Level.WARNING, "cannot start container " + e.record.shortId() + " by its restart policy: "
                        + ex.getMessage());
            } finally {
                e.lock.unlock();
            }
        }
        if (unavailable && attemptsLeft > 0 && !closed) {
            restarts.schedule(() -> startByPolicies(runtimeName, attemptsLeft - 1), 200, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Brings the records of the containers on a runtime in line with what it says, when the
     * engine starts or the runtime (re)appears: exits that happened meanwhile are recorded,
     * running containers are watched again, and what the runtime holds for containers that are
     * gone is cleaned up.
     */
    public void reconcile(String runtimeName, RuntimeDriver runtime) {
        for (ContainerStore.Entry e : store.all()) {
            if (!runtimeName.equals(e.record.host().runtime())) {
                continue;
            }
            e.lock.lock();
            try {
                if (e.removed) {
                    continue;
                }
                RuntimeState rs;
                try {
                    rs = runtime.state(e.id());
                } catch (NotFoundException ex) {
                    rs = null;
                }
                if (e.state.running()) {
                    if (e.monitor != null && e.monitor.isAlive()) {
                        continue;
                    }
                    if (e.exit == null) {
                        e.exit = new CompletableFuture<>();
                    }
                    if (rs != null && (rs.status() == RuntimeStatus.RUNNING || rs.status() == RuntimeStatus.PAUSED)) {
                        boolean paused = rs.status() == RuntimeStatus.PAUSED;
                        if (paused != (e.state.status() == ContainerStatus.PAUSED)) {
                            store.saveState(e, e.state.paused(paused));
                        }
                        watch(e, runtime, e.run);
                    } else {
                        long run = e.run;
                        RuntimeState end = rs == null || rs.status() == RuntimeStatus.CREATED ? null : rs;
                        e.lock.unlock();
                        try {
                            exited(e, runtime, run, end);
                        } finally {
                            e.lock.lock();
                        }
                    }
                } else {
                    if (rs != null) {
                        // Left over from a start the engine did not see through.
                        runtime.delete(e.id());
                    }
                    cleanUpMount(e.record);
                }
            } catch (IOException | RuntimeException ex) {
                LOG.log(System.Logger.Level.WARNING, "cannot reconcile container " + e.record.shortId() + ": " + ex.getMessage());
            } finally {
                e.lock.unlock();
            }
        }
        try {
            for (RuntimeState rs : runtime.list()) {
                if (!CONTAINER_KEY.matcher(rs.id()).matches() || hasContainer(rs.id())) {
                    continue;
                }
                if (rs.status() == RuntimeStatus.RUNNING || rs.status() == RuntimeStatus.PAUSED) {
                    runtime.kill(rs.id(), Signals.SIGKILL, true);
                    runtime.await(rs.id(), Duration.ofSeconds(10));
                }
                runtime.delete(rs.id());
            }
        } catch (IOException | RuntimeException ex) {
            LOG.log(System.Logger.Level.WARNING, "cannot clean up runtime " + runtimeName + ": " + ex.getMessage());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean hasContainer(String id) {
        return store.all().stream().anyMatch(e -> e.id().equals(id));
    }

    /** Stops watching the containers of a runtime that is going away; they keep running. */
    public void forget(String runtimeName) {
        for (ContainerStore.Entry e : store.all()) {
            if (!runtimeName.equals(e.record.host().runtime())) {
                continue;
            }
            Thread t;
            e.lock.lock();
            try {
                t = e.monitor;
                e.monitor = null;
            } finally {
                e.lock.unlock();
            }
            if (t != null) {
                t.interrupt();
            }
        }
    }

    /** Removes snapshots of containers that are gone (a crash between removing a container and its filesystem). */
    public void collectOrphans() {
        for (DriverInfo info : drivers.drivers()) {
            if (info.type() != DriverType.STORAGE || info.state() != DriverState.AVAILABLE) {
                continue;
            }
            try {
                StorageDriver storage = drivers.storage(info.name());
                List<Snapshot> orphans = new ArrayList<>();
                storage.walk(s -> {
                    if (CONTAINER_KEY.matcher(s.key()).matches() && !hasContainer(s.key())) {
                        orphans.add(s);
                    }
                });
                for (Snapshot s : orphans) {
                    LOG.log(System.Logger.Level.INFO, "removing the filesystem of removed container " + s.key());
                    removeSnapshot(storage, s.key());
                }
            } catch (IOException | RuntimeException ex) {
                LOG.log(System.Logger.Level.WARNING, "cannot look for orphaned snapshots in " + info.name() + ": " + ex.getMessage());
            }
        }
    }

    /** Stops watching: running containers keep running, to be picked up by the next engine. */
    public void close() {
        closed = true;
        restarts.shutdownNow();
        for (ContainerStore.Entry e : store.all()) {
            Thread t = e.monitor;
            if (t != null) {
                t.interrupt();
            }
        }
    }

    // ------------------------------------------------------------------ stop, kill, restart, wait

    @Override
    public void stop(String idOrName, Integer timeoutSeconds) throws IOException, InterruptedException {
        ContainerStore.Entry e = store.find(idOrName);
        CompletableFuture<Integer> exit;
        RuntimeDriver runtime;
        int timeout;
        e.lock.lock();
        try {
            checkNotRemoved(e);
            if (e.state.status() == ContainerStatus.RESTARTING) {
                // Waiting for its policy: it stays stopped.
                cancelRestart(e);
                store.saveState(e, e.state.exited(e.state.exitCode(), e.state.oomKilled(), Instant.now(), "").byUser());
                return;
            }
            if (!e.state.running() || e.exit == null) {
                return;
            }
            store.saveState(e, e.state.byUser());
            exit = e.exit;
            runtime = runtimeOf(e);
            ContainerConfig c = e.record.config();
            timeout = timeoutSeconds != null ? timeoutSeconds : c.stopTimeout() != null ? c.stopTimeout() : DEFAULT_STOP_TIMEOUT;
            int signal = c.stopSignal() == null ? Signals.SIGTERM : Signals.parse(c.stopSignal());
            // A paused container cannot act on a polite signal: docker kills it at once.
            boolean paused = e.state.status() == ContainerStatus.PAUSED;
            signal(runtime, e, timeout == 0 || paused ? Signals.SIGKILL : signal);
        } finally {
            e.lock.unlock();
        }
        if (timeout < 0) {
            waitFor(exit, -1);
            return;
        }
        if (waitFor(exit, TimeUnit.SECONDS.toMillis(timeout))) {
            return;
        }
        e.lock.lock();
        try {
            if (e.exit == exit) {
                signal(runtime, e, Signals.SIGKILL);
            }
        } finally {
            e.lock.unlock();
        }
        if (!waitFor(exit, 30_000)) {
            throw new ConflictException("container " + e.record.shortId() + " did not stop within 30 seconds of SIGKILL");
        }
    }

    /**
     * Sends a signal to the container's init. A paused container takes only SIGKILL (and is
     * thawed for it to land), as docker. Returns whether it was sent: {@code false} when the
     * container just ended.
     */
    private boolean signal(RuntimeDriver runtime, ContainerStore.Entry e, int signal) throws IOException {
        if (e.state.status() == ContainerStatus.PAUSED && signal != Signals.SIGKILL) {
            throw new ConflictException("Container " + e.id() + " is paused. Unpause the container before stopping or killing");
        }
        try {
            runtime.kill(e.id(), signal, false);
        } catch (ConflictException | NotFoundException ex) {
            // Ended meanwhile: its monitor records it.
            return false;
        }
        if (e.state.status() == ContainerStatus.PAUSED) {
            try {
                runtime.resume(e.id());
            } catch (ConflictException | NotFoundException ex) {
                // Thawed by the runtime for the kill, or ended.
            }
            store.saveState(e, e.state.paused(false));
        }
        return true;
    }

    @Override
    public Attached attach(String idOrName, boolean stdin, ConsoleSize size, boolean start) throws IOException {
        ContainerStore.Entry e = store.find(idOrName);
        e.lock.lock();
        try {
            checkNotRemoved(e);
            boolean tty = e.record.config().tty();
            if (stdin && !tty && !e.record.config().openStdin()) {
                throw new ConflictException("container " + e.record.shortId() + " was not created with its stdin open (-i)");
            }
            if (e.state.status() == ContainerStatus.PAUSED) {
                throw new ConflictException("You cannot attach to a paused container, unpause it first");
            }
            if (e.state.running() && e.exit != null) {
                RuntimeDriver runtime = runtimeOf(e);
                Attachment io = runtime.attach(e.id(), stdin);
                if (tty && size != null) {
                    io.resize(size);
                }
                return new Attached(io, e.exit.copy(), tty);
            }
            if (!start) {
                throw new ConflictException("You cannot attach to a stopped container, start it first");
            }
            Started s = startByUser(e, true, stdin, size);
            return new Attached(s.io(), s.exit(), tty);
        } finally {
            e.lock.unlock();
        }
    }

    @Override
    public Attached exec(String idOrName, ExecRequest request) throws IOException {
        ContainerStore.Entry e = store.find(idOrName);
        RuntimeDriver runtime;
        ProcessSpec process;
        e.lock.lock();
        try {
            checkNotRemoved(e);
            if (e.state.status() == ContainerStatus.PAUSED) {
                throw new ConflictException("Container " + e.id() + " is paused, unpause the container before exec");
            }
            if (!e.state.running()) {
                throw new ConflictException("Container " + e.id() + " is not running");
            }
            ContainerRecord r = e.record;
            ContainerConfig c = r.config();
            HostConfig h = r.host();
            runtime = runtimeOf(e);
            Path rootfs = runningRootfs(r);
            Users.Resolved user = Users.resolve(rootfs, request.user() != null ? request.user() : c.user());
            String cwd = request.workingDir() != null && !request.workingDir().isEmpty() ? request.workingDir()
                    : c.workingDir().isEmpty() ? "/" : c.workingDir();
            if (!cwd.startsWith("/")) {
                throw new InvalidArgumentException("the working directory '" + cwd + "' is invalid, it needs to be an absolute path");
            }
            Map<String, String> env = new LinkedHashMap<>();
            env.put("PATH", ContainerDefaults.PATH);
            env.put("HOSTNAME", "HOSTNAME=" + c.hostname());
            for (String v : orEmpty(c.env())) {
                env.put(envKey(v), v);
            }
            for (String v : request.env()) {
                if (v.contains("=")) {
                    env.put(envKey(v), v);
                } else {
                    env.remove(v);
                }
            }
            env.putIfAbsent("HOME", "HOME=" + user.home());
            if (request.tty()) {
                env.putIfAbsent("TERM", "TERM=xterm");
            }
            boolean privileged = request.privileged() || h.privileged();
            Set<String> caps = privileged ? Set.copyOf(ContainerDefaults.ALL_CAPABILITIES) : Capabilities.of(h.capAdd(), h.capDrop());
            boolean noNewPrivileges = !privileged;
            for (String opt : h.securityOpt()) {
                noNewPrivileges = !opt.endsWith("false") && !privileged;
            }
            process = new ProcessSpec(request.command(), List.copyOf(env.values()), cwd, user.user(), request.tty(), caps,
                    noNewPrivileges, h.ulimits(), request.stdin(), request.stdin(), request.tty() ? request.size() : null);
        } finally {
            e.lock.unlock();
        }
        return new Attached(runtime.exec(e.id(), process, request.stdin()), null, request.tty());
    }

    private interface OnRootfs<T> {
        T apply(Path root) throws IOException;
    }

    /** Runs {@code work} on the container's root filesystem, mounted for the while if it is not running. */
    private <T> T withRootfs(String idOrName, OnRootfs<T> work) throws IOException {
        ContainerStore.Entry e = store.find(idOrName);
        e.lock.lock();
        try {
            checkNotRemoved(e);
            ContainerRecord r = e.record;
            if (e.state.running()) {
                return work.apply(runningRootfs(r));
            }
            Path mountpoint = rootfsMountpoint(r);
            try {
                return work.apply(mount(drivers.storage(r.storage()).mounts(r.snapshot()), Files.createDirectories(mountpoint)));
            } finally {
                cleanUpMount(r);
            }
        } finally {
            e.lock.unlock();
        }
    }

    /** A path inside the container, resolved as the container sees it; the last component as asked. */
    private static Path inside(Path root, String path, boolean follow) throws IOException {
        String normalized = Path.of("/").resolve(path.isEmpty() ? "/" : path).normalize().toString();
        List<String> parts = io.berth.layers.LayerPath.components(normalized.substring(1), "path '" + path + "'");
        io.berth.layers.ScopedRoot scoped = new io.berth.layers.ScopedRoot(root);
        try {
            if (parts.isEmpty()) {
                return root;
            }
            if (follow) {
                Path last = scoped.directory(parts.subList(0, parts.size() - 1), false, path).resolve(parts.get(parts.size() - 1));
                if (Files.isSymbolicLink(last)) {
                    try {
                        return scoped.directory(parts, false, path);
                    } catch (InvalidArgumentException ex) {
                        if (ex.getMessage() != null && ex.getMessage().contains("not a directory")) {
                            return last;
                        }
                        throw ex;
                    }
                }
                return last;
            }
            return scoped.directory(parts.subList(0, parts.size() - 1), false, path).resolve(parts.get(parts.size() - 1));
        } catch (NoSuchFileException ex) {
            throw new NotFoundException("Could not find the file " + path + " in container");
        } catch (InvalidArgumentException ex) {
            String m = String.valueOf(ex.getMessage());
            m = m.replace("outside the layer", "outside the container's root filesystem");
            throw new InvalidArgumentException(m.startsWith("layer entry ") ? "container path " + m.substring(12) : m);
        }
    }

    @Override
    public PathStat statPath(String idOrName, String path, boolean follow) throws IOException {
        return withRootfs(idOrName, root -> {
            Path p = inside(root, path, follow);
            if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new NotFoundException("Could not find the file " + path + " in container " + idOrName);
            }
            Map<String, Object> a = Files.readAttributes(p, "unix:mode,size", java.nio.file.LinkOption.NOFOLLOW_LINKS);
            String link = Files.isSymbolicLink(p) ? Files.readSymbolicLink(p).toString() : "";
            String name = p.equals(root) ? "/" : p.getFileName().toString();
            return new PathStat(name, Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS), (Long) a.get("size"),
                    (Integer) a.get("mode"), link);
        });
    }

    @Override
    public void copyFrom(String idOrName, String path, String name, OutputStream tar) throws IOException {
        withRootfs(idOrName, root -> {
            Path p = inside(root, path, false);
            if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new NotFoundException("Could not find the file " + path + " in container " + idOrName);
            }
            String top = name != null ? name : p.equals(root) ? "" : p.getFileName().toString();
            io.berth.layers.LayerWriter out = new io.berth.layers.LayerWriter(tar);
            io.berth.layers.TreeTar.write(p, top, out);
            out.finish();
            return null;
        });
    }

    @Override
    public void copyTo(String idOrName, String directory, InputStream tar) throws IOException {
        withRootfs(idOrName, root -> {
            Path dir = inside(root, directory, true);
            // A real directory of the container: links were resolved inside it, never followed here.
            if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new InvalidArgumentException(Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                        ? "cannot copy to " + directory + ": not a directory"
                        : "Could not find the file " + directory + " in container " + idOrName);
            }
            io.berth.layers.LayerApplier.apply(tar, dir,
                    new io.berth.layers.LayerApplier.Options(io.berth.layers.Whiteouts.DELETE, false, true));
            return null;
        });
    }

    @Override
    public void copyToHost(String idOrName, String path, Path hostDirectory, String name, boolean owners) throws IOException {
        pipe(out -> copyFrom(idOrName, path, name, out), in -> io.berth.layers.LayerApplier.apply(in, hostDirectory,
                new io.berth.layers.LayerApplier.Options(io.berth.layers.Whiteouts.DELETE, false, owners)));
    }

    @Override
    public void copyFromHost(Path source, String name, String idOrName, String directory) throws IOException {
        pipe(out -> {
            io.berth.layers.LayerWriter w = new io.berth.layers.LayerWriter(out);
            io.berth.layers.TreeTar.write(source, name, w);
            w.finish();
        }, in -> copyTo(idOrName, directory, in));
    }

    private interface TarSource {
        void writeTo(OutputStream out) throws IOException;
    }

    private interface TarSink {
        void readFrom(InputStream in) throws IOException;
    }

    /** Streams a tar from a writer to a reader; either side's failure fails the whole. */
    private static void pipe(TarSource source, TarSink sink) throws IOException {
        java.io.PipedInputStream in = new java.io.PipedInputStream(1 << 16);
        java.io.PipedOutputStream out = new java.io.PipedOutputStream(in);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (out) {
                source.writeTo(out);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try (in) {
            sink.readFrom(in);
            writer.join();
        } catch (java.util.concurrent.CompletionException e) {
            Throwable cause = e.getCause() instanceof java.io.UncheckedIOException u ? u.getCause() : e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(cause);
        } finally {
            writer.cancel(true);
        }
    }

    @Override
    public void export(String idOrName, OutputStream tar) throws IOException {
        copyFrom(idOrName, "/", "", tar);
    }

    /** The root filesystem of a running container as the host sees it. */
    private Path runningRootfs(ContainerRecord r) throws IOException {
        List<Mount> mounts = drivers.storage(r.storage()).mounts(r.snapshot());
        if (mounts.size() == 1 && mounts.get(0).type().equals("bind") && !mounts.get(0).readOnly()) {
            return Path.of(mounts.get(0).source());
        }
        return rootfsMountpoint(r);
    }

    @Override
    public void resize(String idOrName, ConsoleSize size) throws IOException {
        ContainerStore.Entry e = store.find(idOrName);
        if (!e.state.running()) {
            throw new ConflictException("Container " + e.id() + " is not running");
        }
        runtimeOf(e).resize(e.id(), size);
    }

    @Override
    public Image commit(String idOrName, ImageReference reference, String author, String comment, List<String> changes,
                        boolean pause) throws IOException {
        ContainerStore.Entry e = store.find(idOrName);
        e.lock.lock();
        try {
            checkNotRemoved(e);
            ContainerRecord r = e.record;
            RuntimeDriver runtime = null;
            boolean paused = false;
            if (pause && e.state.status() == ContainerStatus.RUNNING) {
                runtime = runtimeOf(e);
                runtime.pause(r.id());
                paused = true;
            }
            Path diff = Files.createTempFile(store.root(), ".commit-", ".tar");
            try {
                try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(diff), 1 << 16)) {
                    drivers.storage(r.storage()).diff(r.snapshot(), out);
                }
                ContainerConfig c = r.config();
                ContainerConfig image = new ContainerConfig("", "", c.user(), false, false, false, c.exposedPorts(), false,
                        false, false, c.env(), c.cmd(), c.healthcheck(), c.argsEscaped(), r.imageId(), c.volumes(),
                        c.workingDir(), c.entrypoint(), c.onBuild(), c.labels(), c.stopSignal(), c.stopTimeout(), c.shell());
                List<String> argv = command(r);
                String createdBy = String.join(" ", argv);
                try (InputStream layer = Files.newInputStream(diff)) {
                    return images.commit(r.imageId(), layer, new io.berth.api.image.CommitOptions(reference, author, comment,
                            changes, image, r.id(), c, createdBy));
                }
            } finally {
                Files.deleteIfExists(diff);
                if (paused) {
                    try {
                        runtime.resume(r.id());
                    } catch (ConflictException | NotFoundException ex) {
                        // It ended meanwhile.
                    }
                }
            }
        } finally {
            e.lock.unlock();
        }
    }

    @Override
    public void pause(String idOrName) throws IOException {
        ContainerStore.Entry e = store.find(idOrName);
        e.lock.lock();
        try {
            checkNotRemoved(e);
            if (!e.state.running()) {
                throw new ConflictException("Container " + e.id() + " is not running");
            }
            if (e.state.status() == ContainerStatus.PAUSED) {
                throw new ConflictException("Container " + e.id() + " is already paused");
            }
            runtimeOf(e).pause(e.id());
            store.saveState(e, e.state.paused(true));
        } finally {
            e.lock.unlock();
        }
    }

    @Override
    public void unpause(String idOrName) throws IOException {
        ContainerStore.Entry e = store.find(idOrName);
        e.lock.lock();
        try {
            checkNotRemoved(e);
            if (e.state.status() != ContainerStatus.PAUSED) {
                throw new ConflictException("Container " + e.id() + " is not paused");
            }
            runtimeOf(e).resume(e.id());
            store.saveState(e, e.state.paused(false));
        } finally {
            e.lock.unlock();
        }
    }

    /** Waits for an exit; {@code millis < 0} waits as long as it takes. Returns whether it came. */
    private static boolean waitFor(CompletableFuture<Integer> exit, long millis) throws InterruptedException {
        try {
            if (millis < 0) {
                exit.get();
            } else {
                exit.get(millis, TimeUnit.MILLISECONDS);
            }
            return true;
        } catch (TimeoutException ex) {
            return false;
        } catch (ExecutionException ex) {
            return true;
        }
    }

    @Override
    public void restart(String idOrName, Integer timeoutSeconds) throws IOException, InterruptedException {
        stop(idOrName, timeoutSeconds);
        ContainerStore.Entry e = store.find(idOrName);
        e.lock.lock();
        try {
            checkNotRemoved(e);
            if (!e.state.running()) {
                startByUser(e, false, false, null);
            }
        } finally {
            e.lock.unlock();
        }
    }

    @Override
    public void kill(String idOrName, String signal) throws IOException {
        ContainerStore.Entry e = store.find(idOrName);
        int number = Signals.parse(signal == null || signal.isEmpty() ? "KILL" : signal);
        e.lock.lock();
        try {
            checkNotRemoved(e);
            if (!e.state.running()) {
                throw new ConflictException("cannot kill container: " + idOrName + ": container " + e.id() + " is not running");
            }
            boolean sent;
            try {
                sent = signal(runtimeOf(e), e, number);
            } catch (ConflictException ex) {
                throw new ConflictException("cannot kill container: " + idOrName + ": " + ex.getMessage());
            }
            if (!sent) {
                throw new ConflictException("cannot kill container: " + idOrName + ": container " + e.id() + " is not running");
            }
            String stopSignal = e.record.config().stopSignal();
            if (number == Signals.SIGKILL || number == (stopSignal == null ? Signals.SIGTERM : Signals.parse(stopSignal))) {
                // As docker: a container the user kills is not started again by its policy (its
                // exit is recorded after this, under the same lock).
                store.saveState(e, e.state.byUser());
            }
        } finally {
            e.lock.unlock();
        }
    }

    @Override
    public int await(String idOrName) throws IOException, InterruptedException {
        ContainerStore.Entry e = store.find(idOrName);
        CompletableFuture<Integer> exit;
        e.lock.lock();
        try {
            if (!e.state.running() || e.exit == null) {
                return e.state.exitCode();
            }
            exit = e.exit;
        } finally {
            e.lock.unlock();
        }
        try {
            return exit.get();
        } catch (ExecutionException ex) {
            throw new IOException(ex.getCause());
        }
    }

    // ------------------------------------------------------------------ remove

    @Override
    public void remove(String idOrName, boolean force) throws IOException, InterruptedException {
        ContainerStore.Entry e = store.find(idOrName);
        CompletableFuture<Integer> exit = null;
        e.lock.lock();
        try {
            checkNotRemoved(e);
            if (!e.state.running()) {
                removeLocked(e);
                return;
            }
            if (!force) {
                throw new ConflictException("cannot remove container \"/" + e.record.name()
                        + "\": container is running: stop the container before removing or force remove");
            }
            exit = e.exit;
            signal(runtimeOf(e), e, Signals.SIGKILL);
            e.removing = true;
        } finally {
            e.lock.unlock();
        }
        if (exit != null && !waitFor(exit, 30_000)) {
            e.removing = false;
            throw new ConflictException("container " + e.record.shortId() + " did not stop within 30 seconds of SIGKILL");
        }
        e.lock.lock();
        try {
            if (!e.removed) {
                removeLocked(e);
            }
        } finally {
            e.removing = false;
            e.lock.unlock();
        }
    }

    /** Removes a stopped container and everything it had. Called with its lock held. */
    private void removeLocked(ContainerStore.Entry e) throws IOException {
        ContainerRecord r = e.record;
        store.remove(e);
        try {
            drivers.runtime(r.host().runtime()).delete(r.id());
        } catch (UnavailableException ex) {
            // Its runtime cleaned up when it exited; a runtime that returns cleans up the rest.
        } catch (IOException | RuntimeException ex) {
            LOG.log(System.Logger.Level.WARNING, "cannot clean up container " + r.shortId() + " in its runtime: " + ex.getMessage());
        }
        cleanUpMount(r);
        try {
            removeSnapshot(drivers.storage(r.storage()), r.snapshot());
        } catch (UnavailableException ex) {
            LOG.log(System.Logger.Level.WARNING, "the filesystem of container " + r.shortId() + " stays until storage driver "
                    + r.storage() + " is back");
        }
    }

    @Override
    public PrunedContainers prune() throws IOException, InterruptedException {
        List<String> removed = new ArrayList<>();
        long reclaimed = 0;
        for (ContainerStore.Entry e : List.copyOf(store.all())) {
            e.lock.lock();
            try {
                if (e.removed || e.removing || e.state.running()) {
                    continue;
                }
                long size = sizeRw(e);
                removeLocked(e);
                removed.add(e.id());
                reclaimed += Math.max(0, size);
            } finally {
                e.lock.unlock();
            }
        }
        return new PrunedContainers(removed, reclaimed);
    }

    // ------------------------------------------------------------------ queries

    @Override
    public List<Container> list(boolean all, boolean size) throws IOException {
        List<Container> out = new ArrayList<>();
        for (ContainerStore.Entry e : store.all()) {
            if (e.removed || (!all && !e.state.running() && e.state.status() != ContainerStatus.RESTARTING)) {
                continue;
            }
            out.add(container(e, size));
        }
        out.sort(Comparator.comparing(Container::created, Comparator.nullsLast(Comparator.reverseOrder()))
                .thenComparing(Container::id));
        return out;
    }

    private Container container(ContainerStore.Entry e, boolean size) {
        ContainerRecord r = e.record;
        return new Container(r.id(), r.name(), r.image(), r.imageId(), command(r), Instant.parse(r.created()),
                e.state.toApi(), r.host().runtime(), r.storage(), r.config().labels(), size ? sizeRw(e) : -1);
    }

    private long sizeRw(ContainerStore.Entry e) {
        try {
            return drivers.storage(e.record.storage()).usage(e.record.snapshot()).size();
        } catch (IOException | RuntimeException ex) {
            return -1;
        }
    }

    @Override
    public Container get(String idOrName) {
        return container(store.find(idOrName), false);
    }

    @Override
    public ContainerDetails inspect(String idOrName) {
        ContainerStore.Entry e = store.find(idOrName);
        ContainerRecord r = e.record;
        Map<String, String> graph;
        try {
            graph = new LinkedHashMap<>(drivers.storage(r.storage()).graphData(r.snapshot()));
            if (graph.containsKey("UpperDir")) {
                // Where the layers are mounted together while it runs, as docker's overlay2 shows.
                graph.put("MergedDir", rootfsMountpoint(r).toString());
            }
        } catch (IOException | RuntimeException ex) {
            graph = Map.of();
        }
        boolean available;
        try {
            drivers.runtime(r.host().runtime());
            available = true;
        } catch (UnavailableException ex) {
            available = false;
        }
        return new ContainerDetails(container(e, false), r.path(), r.args(), e.state.restartCount(), r.config(), r.host(),
                graph, logPath(e).toString(), e.dir.resolve("hosts").toString(), e.dir.resolve("hostname").toString(),
                e.dir.resolve("resolv.conf").toString(), available);
    }

    @Override
    public void rename(String idOrName, String newName) throws IOException {
        String name = Names.validate(newName);
        ContainerStore.Entry e = store.find(idOrName);
        e.lock.lock();
        try {
            checkNotRemoved(e);
            ContainerRecord r = e.record;
            if (r.name().equals(name)) {
                throw new InvalidArgumentException("Renaming a container with the same name as its current name");
            }
            store.reserve(name, r.id());
            try {
                store.saveRecord(e, r.withName(name));
            } catch (IOException | RuntimeException ex) {
                store.release(name, r.id());
                throw ex;
            }
            store.release(r.name(), r.id());
        } finally {
            e.lock.unlock();
        }
    }

    @Override
    public List<Change> changes(String idOrName) throws IOException {
        ContainerRecord r = store.find(idOrName).record;
        return drivers.storage(r.storage()).changes(r.snapshot());
    }

    @Override
    public List<Integer> pids(String idOrName) throws IOException {
        ContainerStore.Entry e = store.find(idOrName);
        if (!e.state.running()) {
            throw new ConflictException("container " + e.id() + " is not running");
        }
        return runtimeOf(e).pids(e.id());
    }

    @Override
    public RuntimeStats stats(String idOrName) throws IOException {
        ContainerStore.Entry e = store.find(idOrName);
        if (!e.state.running()) {
            throw new ConflictException("container " + e.id() + " is not running");
        }
        return runtimeOf(e).stats(e.id());
    }

    @Override
    public void logs(String idOrName, LogOptions options, Consumer<LogEntry> sink) throws IOException, InterruptedException {
        ContainerStore.Entry e = store.find(idOrName);
        CompletableFuture<Integer> exit;
        e.lock.lock();
        try {
            exit = e.state.running() ? e.exit : null;
        } finally {
            e.lock.unlock();
        }
        CompletableFuture<Integer> end = exit;
        JsonLog.read(logPath(e), e.record.host().log().maxFiles(), options, millis -> {
            if (end == null) {
                return false;
            }
            return !waitFor(end, millis);
        }, sink);
    }

    @Override
    public List<String> usersOf(Digest imageId) {
        List<String> users = new ArrayList<>();
        if (store.all().stream().allMatch(e -> e.removed)) {
            // No container: nothing to look up.
            return users;
        }
        // An image committed from a container is held by that container while it exists (Berth's
        // rule, see the README): the commit and its source go together.
        String source = "";
        try {
            source = images.inspect(imageId.toString()).config().container();
        } catch (IOException | RuntimeException ex) {
            // No such image, or unreadable: no source to hold it.
        }
        for (ContainerStore.Entry e : store.all()) {
            if (!e.removed && (imageId.toString().equals(e.record.imageId()) || e.id().equals(source))) {
                users.add((e.state.running() ? "running" : "stopped") + " container " + e.record.shortId());
            }
        }
        return users;
    }

    /** The status of a container as a test sees it. */
    ContainerStatus status(String idOrName) {
        return store.find(idOrName).state.status();
    }
}
