package io.berth.containers.internal;

import io.berth.api.ConflictException;
import io.berth.api.InvalidArgumentException;
import io.berth.api.NotFoundException;
import io.berth.api.UnavailableException;
import io.berth.api.container.ContainerService.Attached;
import io.berth.api.container.ContainerStatus;
import io.berth.api.container.ExecRequest;
import io.berth.api.container.PrunedContainers;
import io.berth.api.driver.DriverRegistry;
import io.berth.api.image.ContainerConfig;
import io.berth.api.network.EndpointSettings;
import io.berth.api.network.Network;
import io.berth.api.network.Sandbox;
import io.berth.api.runtime.Attachment;
import io.berth.api.runtime.ConsoleSize;
import io.berth.api.runtime.ContainerSpec;
import io.berth.api.runtime.ProcessSpec;
import io.berth.api.runtime.RuntimeDriver;
import io.berth.api.runtime.RuntimeState;
import io.berth.api.runtime.StartFailedException;
import io.berth.api.storage.StorageDriver;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Containers' runs: start (with or without an attachment), the end of a run, stop, kill, restart,
 * pause, attach, exec, wait and removal. Each operation holds the container's lock while it changes
 * the container; waiting for an exit happens outside it. A run starts by mounting the root
 * filesystem and handing the runtime driver the spec; it ends when the {@link ExitMonitor} reports
 * the exit, which is recorded here: the runtime's state and the mount are cleaned up, the container
 * removed with {@code autoRemove}, or restarted as its policy says.
 */
final class ContainerLifecycle implements ExitMonitor.ExitHandler, RestartPolicies.Starter {
    private static final System.Logger LOG = System.getLogger(ContainerLifecycle.class.getName());
    private static final int DEFAULT_STOP_TIMEOUT = 10;
    private static final long KILL_GRACE_MILLIS = 30_000;

    private final ContainerStore store;
    private final DriverRegistry drivers;
    private final RootFilesystems rootfs;
    private final ExitMonitor monitor = new ExitMonitor(this);
    private final RestartPolicies policies;
    private final Networking networking;
    private final Volumes volumes;
    private final InitBinary init;
    private final HealthMonitor health;

    /** What it publishes: container events. */
    final ContainerEvents events = new ContainerEvents();

    /** With the init found where docker's packages put it ({@code initPath} not set). */
    ContainerLifecycle(ContainerStore store, DriverRegistry drivers, RootFilesystems rootfs, Networking networking,
                       Volumes volumes) {
        this(store, drivers, rootfs, networking, volumes, new InitBinary(() -> null));
    }

    ContainerLifecycle(ContainerStore store, DriverRegistry drivers, RootFilesystems rootfs, Networking networking,
                       Volumes volumes, InitBinary init) {
        this.init = init;
        this.networking = networking;
        this.volumes = volumes;
        this.store = store;
        this.drivers = drivers;
        this.rootfs = rootfs;
        this.policies = new RestartPolicies(store, this);
        this.health = new HealthMonitor(store, (e, request) -> exec(e.id(), request), events);
    }

    ExitMonitor monitor() {
        return monitor;
    }

    RestartPolicies policies() {
        return policies;
    }

    Networking networking() {
        return networking;
    }

    Volumes volumes() {
        return volumes;
    }

    HealthMonitor health() {
        return health;
    }

    // ------------------------------------------------------------------ start

    /** Starts a container as the user asks; see {@link io.berth.api.container.ContainerService#start(String)}. */
    CompletableFuture<Integer> start(String idOrName) throws IOException {
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

    /** A started container: its exit to come, and the attachment made before it ran, if asked for. */
    private record Started(CompletableFuture<Integer> exit, Attachment io) {
    }

    /**
     * A start by the user: a pending policy restart is dropped, the restart count starts over. A
     * container made with {@code autoRemove} that cannot start is removed, as docker's daemon does.
     * Called with the lock held.
     */
    private Started startByUser(ContainerStore.Entry e, boolean attach, boolean stdin, ConsoleSize size) throws IOException {
        policies.startedByUser(e);
        try {
            return startLocked(e, attach, stdin, size, false);
        } catch (IOException | RuntimeException ex) {
            if (e.record.host().autoRemove() && !e.removed) {
                try {
                    removeLocked(e, true);
                } catch (IOException | RuntimeException again) {
                    ex.addSuppressed(again);
                }
            }
            throw ex;
        }
    }

    @Override
    public void start(ContainerStore.Entry e, boolean byPolicy) throws IOException {
        startLocked(e, false, false, null, byPolicy);
    }

    /**
     * Starts a run: mounts the root filesystem, sets up the network (its namespace, connections and
     * files, ready before the process starts), has the runtime make and start the container, watches it.
     */
    private Started startLocked(ContainerStore.Entry e, boolean attach, boolean stdin, ConsoleSize size, boolean byPolicy)
            throws IOException {
        ContainerRecord r = e.record;
        Attachment io = null;
        RuntimeDriver runtime = runtimeOf(e);
        StorageDriver storage = drivers.storage(r.storage());
        boolean started = false;
        boolean mounted = false;
        try {
            Path initBinary = r.host().runsInit() ? init.find() : null;
            Path root = rootfs.mount(r, storage);
            Sandbox sandbox = networking.setUp(r);
            if (sandbox != null) {
                writeInPlace(e.dir.resolve("hosts"), sandbox.hosts());
                writeInPlace(e.dir.resolve("resolv.conf"), sandbox.resolvConf());
            }
            ContainerSpec spec;
            try {
                spec = RuntimeSpecs.container(r, e.dir, root, rootfs.runRoot().resolve(r.id()), store.logPath(e), size,
                        initBinary);
            } catch (InvalidArgumentException ex) {
                throw new StartFailedException(1, ex.getMessage());
            }
            if (sandbox != null) {
                spec = withNetwork(spec, sandbox);
            }
            if (!r.mounts().isEmpty()) {
                List<io.berth.api.storage.Mount> all = new ArrayList<>(spec.mounts());
                all.addAll(volumes.mount(r, root));
                mounted = true;
                spec = spec.toBuilder().mounts(all).build();
            }
            if (spec.userNamespace()) {
                Remapping.searchable(root.resolve("."));
                Remapping.searchable(e.dir.resolve("hosts"));
            }
            runtime.delete(r.id());
            runtime.create(spec);
            RuntimeState rs = null;
            try {
                if (attach) {
                    io = runtime.startAttached(r.id(), stdin);
                } else {
                    rs = runtime.startAndReport(r.id());
                }
            } catch (IOException | RuntimeException ex) {
                try {
                    runtime.delete(r.id());
                } catch (IOException | RuntimeException again) {
                    ex.addSuppressed(again);
                }
                throw ex;
            }
            if (rs == null) {
                rs = runtime.state(r.id());
            }
            e.run++;
            e.exit = new CompletableFuture<>();
            Instant at = rs.startedAt() != null ? rs.startedAt() : Instant.now();
            store.saveState(e, byPolicy ? e.state.restarted(rs.pid(), at) : e.state.startedByUser(rs.pid(), at));
            monitor.watch(e, runtime, e.run);
            started = true;
            events.publish(r, "start");
            startHealthChecks(e);
            return new Started(e.exit.copy(), io);
        } catch (StartFailedException ex) {
            store.saveState(e, e.state.failed(ex.exitCode(), ex.getMessage()));
            throw ex;
        } finally {
            if (!started) {
                if (mounted) {
                    volumes.unmount(r);
                }
                networking.tearDown(r.id());
                rootfs.release(r);
            }
        }
    }

    /** Starts a run's health checks; a failure to save their state is logged, the run goes on. Called with the lock held. */
    void startHealthChecks(ContainerStore.Entry e) {
        try {
            health.started(e);
        } catch (IOException | RuntimeException ex) {
            LOG.log(System.Logger.Level.WARNING, "cannot start the health checks of container " + e.record.shortId() + ": "
                    + ex.getMessage());
        }
    }

    /** Starts or stops health checks as the container's state now wants them. Called with the lock held. */
    private void updateHealthChecks(ContainerStore.Entry e) {
        try {
            health.update(e);
        } catch (IOException | RuntimeException ex) {
            LOG.log(System.Logger.Level.WARNING, "cannot update the health checks of container " + e.record.shortId() + ": "
                    + ex.getMessage());
        }
    }

    /**
     * The network namespace a container's processes are in: the one made for it, the host's, or a
     * new one the runtime makes ({@code none}); with {@code container:ID}, that container's, which
     * for a {@code none} container is its init's.
     */
    private ContainerSpec withNetwork(ContainerSpec spec, Sandbox sandbox) {
        Path netns = sandbox.netns();
        boolean host = sandbox.mode().equals("host");
        if (netns == null && sandbox.mode().startsWith("container:")) {
            String target = sandbox.mode().substring("container:".length());
            Sandbox owner = networking.sandbox(target);
            if (owner != null && owner.mode().equals("host")) {
                host = true;
            } else {
                netns = Path.of("/proc", Integer.toString(store.find(target).state.pid()), "ns", "net");
            }
        }
        return spec.toBuilder().netns(netns).hostNetwork(host).build();
    }

    /**
     * Rewrites a file a running container may have bind-mounted (a new file would not be seen
     * through the mount, which holds the old one).
     */
    static void writeInPlace(Path file, String content) throws IOException {
        java.nio.file.Files.writeString(file, content);
    }

    /**
     * Whether a runtime can attach to its containers: one that does not implement {@link
     * RuntimeDriver#attach} has the interface's default, which refuses.
     */
    static boolean attaches(RuntimeDriver runtime) {
        try {
            return runtime.getClass().getMethod("attach", String.class, boolean.class).getDeclaringClass() != RuntimeDriver.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /**
     * The runtime driver a container was made with. When it is gone (its bundle stopped or
     * uninstalled) the container is left as it is, running or not, until the driver returns.
     *
     * @throws UnavailableException naming the container, its runtime and what is available
     */
    RuntimeDriver runtimeOf(ContainerStore.Entry e) {
        String name = e.record.host().runtime();
        try {
            return drivers.runtime(name);
        } catch (UnavailableException missing) {
            throw new UnavailableException("runtime driver " + name + " of container " + e.record.name()
                    + " is missing; the container is left as it is until the driver returns (" + missing.getMessage() + ")");
        }
    }

    /** Refuses a container that is gone or being removed. */
    static void checkNotRemoved(ContainerStore.Entry e) {
        if (e.removed) {
            throw new NotFoundException("No such container: " + e.id());
        }
        if (e.removing) {
            throw new ConflictException("removal of container " + e.record.shortId() + " is already in progress");
        }
    }

    // ------------------------------------------------------------------ the end of a run

    @Override
    public void exited(ContainerStore.Entry e, RuntimeDriver runtime, long run, RuntimeState end) {
        CompletableFuture<Integer> exit;
        int code;
        e.lock.lock();
        try {
            if (e.run != run || !e.state.running() || e.removed) {
                return;
            }
            code = end == null ? 255 : end.exitCode();
            String why = end == null ? "the runtime lost the container's state" : "";
            // As docker's: the state says it ended before "die" is told, so whoever hears of it
            // and looks finds it ended.
            Instant finished = end != null && end.finishedAt() != null ? end.finishedAt() : Instant.now();
            StateRecord ended = e.state.exited(code, end != null && end.oomKilled(), finished, why);
            boolean autoRemove = e.record.host().autoRemove() && !e.removing;
            try {
                store.saveState(e, autoRemove ? ended : policies.afterExit(e, ended, finished));
            } catch (IOException ex) {
                LOG.log(System.Logger.Level.ERROR, "cannot save the state of container " + e.record.shortId() + ": "
                        + ex.getMessage());
            }
            if (end != null && end.oomKilled()) {
                events.publish(e.record, "oom");
            }
            events.publish(e.record, "die", Map.of("exitCode", Integer.toString(code)));
            try {
                runtime.delete(e.id());
            } catch (IOException | RuntimeException ex) {
                LOG.log(System.Logger.Level.WARNING, "cannot clean up container " + e.record.shortId() + " in its runtime: "
                        + ex.getMessage());
            }
            networking.tearDown(e.id());
            volumes.unmount(e.record);
            rootfs.release(e.record);
            exit = e.exit;
            e.exit = null;
            e.monitor = null;
            if (autoRemove) {
                try {
                    removeLocked(e, true);
                } catch (IOException | RuntimeException ex) {
                    LOG.log(System.Logger.Level.WARNING, "cannot remove container " + e.record.shortId() + ": " + ex.getMessage());
                }
            } else {
                updateHealthChecks(e);
            }
        } finally {
            e.lock.unlock();
        }
        if (exit != null) {
            exit.complete(code);
        }
    }

    /** Waits for an exit; {@code millis < 0} waits as long as it takes. Returns whether it came. */
    static boolean waitFor(CompletableFuture<Integer> exit, long millis) throws InterruptedException {
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

    // ------------------------------------------------------------------ stop, kill, restart, wait

    void stop(String idOrName, Integer timeoutSeconds) throws IOException, InterruptedException {
        ContainerStore.Entry e = store.find(idOrName);
        CompletableFuture<Integer> exit;
        RuntimeDriver runtime;
        int timeout;
        e.lock.lock();
        try {
            checkNotRemoved(e);
            if (e.state.status() == ContainerStatus.RESTARTING) {
                // Waiting for its policy: it stays stopped.
                policies.cancel(e);
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
            events.publish(e.record, "stop");
            return;
        }
        if (waitFor(exit, TimeUnit.SECONDS.toMillis(timeout))) {
            events.publish(e.record, "stop");
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
        if (!waitFor(exit, KILL_GRACE_MILLIS)) {
            throw new ConflictException("container " + e.record.shortId() + " did not stop within 30 seconds of SIGKILL");
        }
        events.publish(e.record, "stop");
    }

    /**
     * Sends a signal to the container's init. A paused container takes only SIGKILL (and is
     * thawed for it to land), as docker. Returns whether it was sent: {@code false} when the
     * container just ended. Called with the lock held.
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
        events.publish(e.record, "kill", Map.of("signal", Integer.toString(signal)));
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

    void restart(String idOrName, Integer timeoutSeconds) throws IOException, InterruptedException {
        stop(idOrName, timeoutSeconds);
        ContainerStore.Entry e = store.find(idOrName);
        e.lock.lock();
        try {
            checkNotRemoved(e);
            if (!e.state.running()) {
                startByUser(e, false, false, null);
            }
            events.publish(e.record, "restart");
        } finally {
            e.lock.unlock();
        }
    }

    void kill(String idOrName, String signal) throws IOException {
        ContainerStore.Entry e;
        try {
            e = store.find(idOrName);
        } catch (NotFoundException missing) {
            throw new NotFoundException("Cannot kill container: " + idOrName + ": " + missing.getMessage());
        }
        int number = Signals.parse(signal == null || signal.isEmpty() ? "KILL" : signal);
        e.lock.lock();
        try {
            checkNotRemoved(e);
            if (!e.state.running()) {
                throw new ConflictException("Cannot kill container: " + idOrName + ": Container " + e.id() + " is not running");
            }
            boolean sent;
            try {
                sent = signal(runtimeOf(e), e, number);
            } catch (ConflictException ex) {
                throw new ConflictException("Cannot kill container: " + idOrName + ": " + ex.getMessage());
            }
            if (!sent) {
                throw new ConflictException("Cannot kill container: " + idOrName + ": Container " + e.id() + " is not running");
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

    int await(String idOrName) throws IOException, InterruptedException {
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

    // ------------------------------------------------------------------ pause, attach, exec, resize

    void pause(String idOrName) throws IOException {
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
            events.publish(e.record, "pause");
            // Docker runs no probes in a paused container.
            updateHealthChecks(e);
        } finally {
            e.lock.unlock();
        }
    }

    void unpause(String idOrName) throws IOException {
        ContainerStore.Entry e = store.find(idOrName);
        e.lock.lock();
        try {
            checkNotRemoved(e);
            if (e.state.status() != ContainerStatus.PAUSED) {
                throw new ConflictException("Container " + e.id() + " is not paused");
            }
            runtimeOf(e).resume(e.id());
            store.saveState(e, e.state.paused(false));
            events.publish(e.record, "unpause");
            updateHealthChecks(e);
        } finally {
            e.lock.unlock();
        }
    }

    Attached attach(String idOrName, boolean stdin, ConsoleSize size, boolean start) throws IOException {
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
            boolean fromLog = !stdin && !attaches(runtimeOf(e));
            Path log = store.logPath(e);
            if ((e.state.running() && e.exit != null) || start) {
                events.publish(e.record, "attach");
            }
            if (e.state.running() && e.exit != null) {
                if (fromLog) {
                    CompletableFuture<Integer> exit = e.exit.copy();
                    return new Attached(new LogAttachment(log, JsonLog.Position.of(log), JsonLog.Opened.of(log), exit,
                            e.record.shortId()), exit, tty);
                }
                Attachment io = runtimeOf(e).attach(e.id(), stdin);
                if (tty && size != null) {
                    io.resize(size);
                }
                return new Attached(io, e.exit.copy(), tty);
            }
            if (!start) {
                throw new ConflictException("You cannot attach to a stopped container, start it first");
            }
            if (fromLog) {
                JsonLog.Position from = JsonLog.Position.of(log);
                CompletableFuture<Integer> exit = startByUser(e, false, false, size).exit();
                // Opened before the lock goes: a container that ends at once (and is removed with
                // --rm) cannot take its log away before it is read.
                return new Attached(new LogAttachment(log, from, JsonLog.Opened.of(log), exit, e.record.shortId()), exit, tty);
            }
            Started s = startByUser(e, true, stdin, size);
            return new Attached(s.io(), s.exit(), tty);
        } finally {
            e.lock.unlock();
        }
    }

    Attached exec(String idOrName, ExecRequest request) throws IOException {
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
            runtime = runtimeOf(e);
            process = RuntimeSpecs.exec(e.record, rootfs.running(e.record, drivers.storage(e.record.storage())), request);
        } finally {
            e.lock.unlock();
        }
        return new Attached(runtime.exec(e.id(), process, request.stdin()), null, request.tty());
    }

    void resize(String idOrName, ConsoleSize size) throws IOException {
        ContainerStore.Entry e = store.find(idOrName);
        if (!e.state.running()) {
            throw new ConflictException("Container " + e.id() + " is not running");
        }
        runtimeOf(e).resize(e.id(), size);
    }

    // ------------------------------------------------------------------ network connect, disconnect

    /**
     * Connects a container to a network: recorded for its next starts, and made at once if it runs.
     * docker's daemon refuses a container sharing another's or the host's namespace, and a second
     * connection to the same network.
     */
    void connect(String idOrName, String network, EndpointSettings settings) throws IOException {
        ContainerStore.Entry e = store.find(idOrName);
        if (!networking.available()) {
            throw new UnavailableException("cannot connect to network " + network + ": networking is not available");
        }
        e.lock.lock();
        try {
            checkNotRemoved(e);
            ContainerRecord r = e.record;
            String mode = r.host().networkMode();
            Network n = networking.service().get(network);
            // docker's words: host and container: namespaces are shared, none is private.
            if (mode.equals("host") || mode.startsWith("container:") || n.name().equals("host")) {
                throw new ConflictException("container sharing network namespace with another container or host cannot be "
                        + "connected to any other network");
            }
            if (mode.equals("none") || n.name().equals("none")) {
                throw new ConflictException(NO_NETWORK);
            }
            if (r.networks().containsKey(n.name())) {
                throw new ConflictException("endpoint with name " + r.name() + " already exists in network " + n.name());
            }
            EndpointSettings s = settings == null ? EndpointSettings.DEFAULT : settings;
            if (n.name().equals("bridge") && (s.ipv4Address() != null || !s.aliases().isEmpty())) {
                throw new InvalidArgumentException(s.ipv4Address() != null
                        ? "user specified IP address is supported on user defined networks only"
                        : "network-scoped alias is supported only for containers in user defined networks");
            }
            if (e.state.running() && e.exit != null) {
                networking.service().connect(r.id(), r.name(), n.name(), s);
            }
            Map<String, EndpointSettings> networks = new LinkedHashMap<>(r.networks());
            networks.put(n.name(), s);
            store.saveRecord(e, r.withNetworks(networks));
        } finally {
            e.lock.unlock();
        }
    }

    static final String NO_NETWORK = "container cannot be connected to multiple networks with one of the networks in "
            + "private (none) mode";

    /** Disconnects a container from a network: at once if it runs, and from its next starts. */
    void disconnect(String idOrName, String network, boolean force) throws IOException {
        ContainerStore.Entry e = store.find(idOrName);
        if (!networking.available()) {
            throw new UnavailableException("cannot disconnect from network " + network + ": networking is not available");
        }
        e.lock.lock();
        try {
            checkNotRemoved(e);
            ContainerRecord r = e.record;
            String name;
            try {
                name = networking.service().get(network).name();
            } catch (NotFoundException gone) {
                if (!force || !r.networks().containsKey(network)) {
                    throw gone;
                }
                name = network;
            }
            if (name.equals("host") && r.host().networkMode().equals("host")) {
                throw new ConflictException("container cannot be disconnected from host network or connected to host network");
            }
            // docker lets such a container leave none and join a network; its namespace is its runtime's here.
            if (name.equals("none") && r.host().networkMode().equals("none")) {
                throw new ConflictException("cannot disconnect container " + r.name() + " from network none: its network "
                        + "namespace is its runtime's, which Berth does not connect to other networks");
            }
            if (!r.networks().containsKey(name)) {
                throw new ConflictException("container " + r.id() + " is not connected to network " + network);
            }
            if (e.state.running() && e.exit != null && networking.sandbox(r.id()) != null
                    && networking.sandbox(r.id()).endpoints().containsKey(name)) {
                networking.service().disconnect(r.id(), name);
            }
            Map<String, EndpointSettings> networks = new LinkedHashMap<>(r.networks());
            networks.remove(name);
            store.saveRecord(e, r.withNetworks(networks));
        } finally {
            e.lock.unlock();
        }
    }

    // ------------------------------------------------------------------ remove

    void remove(String idOrName, boolean force) throws IOException, InterruptedException {
        remove(idOrName, force, false);
    }

    /** Removes a container; with {@code volumes}, its anonymous volumes too ({@code rm -v}). */
    void remove(String idOrName, boolean force, boolean volumes) throws IOException, InterruptedException {
        ContainerStore.Entry e = store.find(idOrName);
        CompletableFuture<Integer> exit;
        e.lock.lock();
        try {
            checkNotRemoved(e);
            if (!e.state.running()) {
                removeLocked(e, volumes);
                return;
            }
            if (!force) {
                throw new ConflictException("You cannot remove a running container " + e.id()
                        + ". Stop the container before attempting removal or force remove");
            }
            exit = e.exit;
            signal(runtimeOf(e), e, Signals.SIGKILL);
            e.removing = true;
        } finally {
            e.lock.unlock();
        }
        if (exit != null && !waitFor(exit, KILL_GRACE_MILLIS)) {
            e.removing = false;
            throw new ConflictException("container " + e.record.shortId() + " did not stop within 30 seconds of SIGKILL");
        }
        e.lock.lock();
        try {
            if (!e.removed) {
                removeLocked(e, volumes);
            }
        } finally {
            e.removing = false;
            e.lock.unlock();
        }
    }

    /** Removes every container that is not running. */
    PrunedContainers prune() throws IOException {
        List<String> removed = new ArrayList<>();
        long reclaimed = 0;
        for (ContainerStore.Entry e : List.copyOf(store.all())) {
            e.lock.lock();
            try {
                if (e.removed || e.removing || e.state.running()) {
                    continue;
                }
                long size = ContainerQueries.sizeRw(drivers, e.record);
                removeLocked(e);
                removed.add(e.id());
                reclaimed += Math.max(0, size);
            } finally {
                e.lock.unlock();
            }
        }
        return new PrunedContainers(removed, reclaimed);
    }

    /** Removes a stopped container and everything it had, its volumes kept. Called with its lock held. */
    void removeLocked(ContainerStore.Entry e) throws IOException {
        removeLocked(e, false);
    }

    /**
     * Removes a stopped container and everything it had; with {@code anonymousVolumes}, its anonymous
     * volumes no other container uses. Called with its lock held.
     */
    void removeLocked(ContainerStore.Entry e, boolean anonymousVolumes) throws IOException {
        ContainerRecord r = e.record;
        policies.cancel(e);
        health.cancel(e);
        store.remove(e);
        try {
            drivers.runtime(r.host().runtime()).delete(r.id());
        } catch (UnavailableException ex) {
            // Its runtime cleaned up when it exited; a runtime that returns cleans up the rest.
        } catch (IOException | RuntimeException ex) {
            LOG.log(System.Logger.Level.WARNING, "cannot clean up container " + r.shortId() + " in its runtime: " + ex.getMessage());
        }
        networking.tearDown(r.id());
        rootfs.release(r);
        volumes.release(r, anonymousVolumes);
        try {
            ContainerSnapshots.remove(drivers.storage(r.storage()), r.snapshot());
        } catch (UnavailableException ex) {
            LOG.log(System.Logger.Level.WARNING, "the filesystem of container " + r.shortId() + " stays until storage driver "
                    + r.storage() + " is back");
        }
        events.publish(r, "destroy");
    }

    /** Stops the monitors and policy restarts: running containers keep running, for the next engine. */
    void close() {
        health.close(store.all());
        policies.close();
        monitor.close(store.all());
    }
}
