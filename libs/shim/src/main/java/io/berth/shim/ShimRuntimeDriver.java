package io.berth.shim;

import io.berth.api.ConflictException;
import io.berth.api.InvalidArgumentException;
import io.berth.api.NotFoundException;
import io.berth.api.runtime.Attachment;
import io.berth.api.runtime.ConsoleSize;
import io.berth.api.runtime.ContainerSpec;
import io.berth.api.runtime.ProcessSpec;
import io.berth.api.runtime.RuntimeDriver;
import io.berth.api.runtime.RuntimeState;
import io.berth.api.runtime.RuntimeStats;
import io.berth.api.runtime.RuntimeStatus;
import io.berth.api.runtime.StartFailedException;
import io.berth.posix.Native;
import io.berth.posix.Trees;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A runtime whose containers are each run by a berth-shim that stays their parent (logs, attach,
 * pty, exit status), in a cgroup of their own under {@code berth/}. What the shim does to start a
 * container is the subclass's: set it up itself (the native runtime), or have an OCI runtime
 * binary do it.
 *
 * <p>State lives in {@code <stateRoot>/<short id>/}: {@code spec} (what the shim does),
 * {@code id}, {@code created}, and, written by the shim, {@code shim.pid}, {@code init.pid},
 * {@code shim.sock} and {@code exit}. Everything the driver knows it can read back from there,
 * so containers survive a restart of the engine or a reinstall of the driver.
 */
public abstract class ShimRuntimeDriver implements RuntimeDriver, AutoCloseable {
    private final Path stateRoot;
    private final Path shim;
    private final Cgroups cgroups;
    private final String name;
    /**
     * Removals that go on after {@link #delete} answered: the runtime forgetting the container
     * ({@link #deleting}) and its state's files, by container id. A new container of the same id
     * waits for them; {@link #close} waits for all.
     */
    private final java.util.Map<String, java.util.concurrent.CompletableFuture<Void>> removals =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.ThreadPoolExecutor cleaner;

    /**
     * @param name the runtime's name, for messages
     * @param stateRoot where the containers' state directories are
     * @param shim the berth-shim binary
     */
    protected ShimRuntimeDriver(String name, Path stateRoot, Path shim) throws IOException {
        this.name = name;
        this.stateRoot = Files.createDirectories(stateRoot);
        this.shim = shim;
        this.cgroups = Cgroups.detect();
        // No thread while there is nothing to remove: an idle daemon keeps none for this.
        this.cleaner = new java.util.concurrent.ThreadPoolExecutor(2, 2, 5, TimeUnit.SECONDS,
                new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "berth-" + name + "-removals");
                    t.setDaemon(true);
                    return t;
                });
        this.cleaner.allowCoreThreadTimeOut(true);
    }

    /**
     * Copies the berth-shim binary out of the bundle into {@code dir}, once per version of it (the
     * name changes with its content, so shims already running keep their binary). The digest is the build's
     * ({@code berth-shim.sha256} beside the binary): a start that finds the copy reads nothing more, and a new copy is
     * checked against it.
     */
    public static Path installShim(Path dir) throws IOException {
        String digest = new String(resource("berth-shim.sha256"), StandardCharsets.US_ASCII).strip();
        Files.createDirectories(dir);
        Path target = dir.resolve("berth-shim-" + digest.substring(0, 12)).resolve("berth-shim");
        if (!Files.isExecutable(target)) {
            byte[] binary = resource("berth-shim");
            if (!io.berth.api.content.Digest.sha256(binary).hex().equals(digest)) {
                throw new IOException("the berth-shim binary of the bundle does not match its digest " + digest);
            }
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), "shim", ".tmp");
            try {
                Files.write(tmp, binary);
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        return target;
    }

    private static byte[] resource(String name) throws IOException {
        try (java.io.InputStream in = ShimRuntimeDriver.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException(name + " is missing from the bundle");
            }
            return in.readAllBytes();
        }
    }

    /** The berth-shim binary. */
    protected final Path shim() {
        return shim;
    }

    /** The shim's spec for a new container, whose state directory is {@code dir} (not yet in place). */
    protected abstract byte[] containerSpec(ContainerSpec spec, Path dir, Path finalDir) throws IOException;

    /**
     * The shim's spec for a process added to a running container, which was made with the limits
     * {@code madeWith} (as its runtime was started: a later {@code update} does not change how its
     * processes join its cgroups).
     */
    protected abstract byte[] execSpec(String id, Path dir, Path execDir, ProcessSpec process, int initPid,
            io.berth.api.runtime.Resources madeWith) throws IOException;

    /**
     * The runtime may forget a stopped container here. Called after {@link #delete} answered, on
     * a thread of the driver's, with {@code dir} the container's state directory (moved aside,
     * its files as they were); it is removed afterwards.
     */
    protected void deleting(String id, Path dir) throws IOException {
    }

    /** The container's cgroup path relative to each hierarchy's root, as OCI's cgroupsPath: {@code /berth/ID}. */
    protected static String cgroupPath(String id) {
        return "/" + Cgroups.PARENT + "/" + id;
    }

    /** Where a container made by an earlier Berth kept its seccomp filter's directives apart from its spec. */
    private static final String SECCOMP_FILE = "seccomp";

    /**
     * The native runtime's shim spec: every mount, device, mask and credential spelled out, and the
     * seccomp filter's directives, which the processes added later get too.
     */
    protected final byte[] nativeSpec(ContainerSpec spec, Path dir) throws IOException {
        byte[] seccomp = seccompDirectives(spec.seccomp());
        if (spec.rootfs().size() != 1 || !spec.rootfs().get(0).type().equals("bind")) {
            throw new InvalidArgumentException("the " + name + " runtime needs the root filesystem as one bind mount");
        }
        List<String> mounts = new ArrayList<>();
        for (Cgroups.Hierarchy h : cgroups.hierarchies()) {
            mounts.add(h.v2() ? "cgroup2:" : "cgroup:" + String.join(",", h.controllers()));
        }
        return ShimSpec.of(spec, Path.of(spec.rootfs().get(0).source()), cgroups.procsFiles(spec.id()), mounts, seccomp);
    }

    /**
     * The last filter's directives and its compiled program: containers with the same
     * capabilities share one filter object, and docker's profile is about 350 rules, 16 kB of
     * directives and their digest to build at every start otherwise.
     */
    private volatile SeccompBytes lastDirectives;
    private volatile SeccompBytes lastCompiled;

    private record SeccompBytes(io.berth.api.runtime.Seccomp filter, byte[] bytes) {
        byte[] of(io.berth.api.runtime.Seccomp f) {
            return f != null && f == filter ? bytes : null;
        }
    }

    /** A filter's directives for the shim ({@link ShimSpec#seccomp}). */
    private byte[] seccompDirectives(io.berth.api.runtime.Seccomp filter) throws IOException {
        Path cacheDir = Files.createDirectories(stateRoot.resolve(".seccomp"));
        SeccompBytes last = lastDirectives;
        byte[] directives = last == null ? null : last.of(filter);
        if (directives == null) {
            directives = ShimSpec.seccomp(filter, cacheDir);
            lastDirectives = new SeccompBytes(filter, directives);
        }
        return directives;
    }

    /**
     * A seccomp filter compiled to its BPF program, as the native runtime installs it: from the
     * cache the native runtime keeps too, else compiled by berth-shim into it (once per filter).
     */
    protected final byte[] compiledSeccomp(io.berth.api.runtime.Seccomp filter) throws IOException {
        SeccompBytes last = lastCompiled;
        byte[] program = last == null ? null : last.of(filter);
        if (program != null) {
            return program;
        }
        Path cacheDir = Files.createDirectories(stateRoot.resolve(".seccomp"));
        Path cached = ShimSpec.seccompCacheFile(filter, cacheDir);
        if (!Files.exists(cached)) {
            Path directives = Files.createTempFile(cacheDir, "filter", ".spec");
            try {
                Files.write(directives, ShimSpec.seccomp(filter, cacheDir));
                Process p = new ProcessBuilder(shim.toString(), "seccomp", directives.toString()).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
                if (!Files.exists(cached)) {
                    throw new IOException("berth-shim could not compile the seccomp filter" + (out.isEmpty() ? "" : ": " + out));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while compiling the seccomp filter");
            } finally {
                Files.deleteIfExists(directives);
            }
        }
        program = Files.readAllBytes(cached);
        lastCompiled = new SeccompBytes(filter, program);
        return program;
    }

    /**
     * The native runtime's spec of an added process: the namespaces and cgroups of the init to
     * join, and the container's seccomp filter, from the container's spec ({@link #nativeSpec}; a
     * container made by an earlier Berth has it in a file of its own).
     */
    protected final byte[] nativeExecSpec(String id, Path dir, ProcessSpec process, int initPid) throws IOException {
        Path apart = dir.resolve(SECCOMP_FILE);
        byte[] seccomp = Files.exists(apart) ? Files.readAllBytes(apart)
                : ShimSpec.seccompDirectivesOf(Files.readAllBytes(dir.resolve("spec")));
        return ShimSpec.exec(process, initPid, cgroups.procsFiles(id), seccomp);
    }

    /**
     * The shim's spec for a container or process an OCI runtime makes (see the shim's {@code oci}
     * directive), the runtime run in {@code netns} if not {@code null}.
     */
    protected final byte[] ociSpec(Path runtime, Path root, String id, boolean exec, Path path, Path emptyFile,
                                   Path netns, ProcessSpec process, io.berth.api.runtime.LogSpec log,
                                   List<String> options, boolean startInCgroups) {
        return ShimSpec.oci(runtime, root, id, exec, path, emptyFile, netns, process, log, options,
                startInCgroups ? cgroups.procsFiles(id) : List.of());
    }

    /**
     * Whether the shim's runtime moves the container's process into its cgroups through {@code
     * cgroup.procs} (an OCI runtime that manages them), rather than the process being born in them:
     * made in its cgroup2 cgroup and joining the v1 ones thread by thread, which takes no lock, as
     * the native runtime's, or an OCI runtime's started there by the shim.
     *
     * @param madeWith the limits the container was made with
     */
    protected boolean joinsCgroupsThroughProcs(io.berth.api.runtime.Resources madeWith) {
        return false;
    }

    private final java.util.concurrent.atomic.AtomicBoolean warming = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * Has the kernel's cgroup thread-group lock taken now, in the background, when the runtime will
     * move a process into its cgroups through {@code cgroup.procs} a few milliseconds from now. The
     * first to take that lock after a while without waits for an RCU grace period (10-20 ms here,
     * more than crun's whole start); taken now, the wait runs while the shim and the runtime start,
     * and the runtime finds the lock ready. It is taken by moving this process into the cgroup it
     * is in, which moves nothing. Called after the container's cgroups are made: the taker holds
     * the cgroup mutex while it waits, which making a cgroup needs too.
     */
    private void warmCgroupLock(io.berth.api.runtime.Resources madeWith) {
        if (!joinsCgroupsThroughProcs(madeWith)) {
            return;
        }
        Path procs = cgroups.ownProcsFile();
        if (procs == null || !warming.compareAndSet(false, true)) {
            return;
        }
        try {
            cleaner.execute(() -> {
                try {
                    Files.writeString(procs, "0");
                } catch (IOException e) {
                    // Refused (a cgroup that takes no process here): the lock was taken all the same.
                } finally {
                    warming.set(false);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            warming.set(false);
        }
    }

    /**
     * The capabilities a process gets, by name: for a privileged container, or a process that asks
     * for all of them, all the engine has (its bounding set), as docker gives them.
     */
    protected static List<String> capabilities(ProcessSpec process, boolean privileged) {
        long mask = ShimSpec.granted(privileged ? ShimSpec.ALL_CAPABILITIES : ShimSpec.capabilityMask(process.capabilities()));
        List<String> names = new ArrayList<>();
        for (int bit = 0; bit < ShimSpec.CAPABILITIES.size(); bit++) {
            if ((mask & (1L << bit)) != 0) {
                names.add(ShimSpec.CAPABILITIES.get(bit));
            }
        }
        return names;
    }

    /** Docker's (runc's) device cgroup rules for a container that is not privileged. */
    protected static List<String> defaultDeviceRules() {
        return Cgroups.DEFAULT_DEVICES;
    }

    /** Whether the host's cgroups are hybrid: v1 controllers beside a (nearly empty) unified hierarchy. */
    protected final boolean hybridCgroups() {
        return cgroups.mode() == Cgroups.Mode.HYBRID;
    }

    /** A container's state directory: short, so that shim.sock stays within the 108 bytes of a socket path. */
    private Path dir(String id) {
        if (id.length() < 12) {
            throw new InvalidArgumentException("container id " + id + " is too short");
        }
        return stateRoot.resolve(id.substring(0, 12));
    }

    private Path existing(String id) {
        return found(id).dir();
    }

    /** A container's state directory and what it keeps of the container. */
    private record Found(Path dir, ResourcesFile.Decoded kept) {
    }

    private Found found(String id) {
        Path d = dir(id);
        try {
            ResourcesFile.Decoded r = kept(d);
            if (id.equals(r.id())) {
                return new Found(d, r);
            }
        } catch (IOException e) {
            // Not ours.
        }
        throw new NotFoundException("No such container: " + id);
    }

    /**
     * What a state directory keeps of its container: one file, {@code resources}, with the id
     * (a container an earlier Berth made has its id in a file of its own).
     */
    private static ResourcesFile.Decoded kept(Path d) throws IOException {
        ResourcesFile.Decoded r = ResourcesFile.decode(Files.readString(d.resolve("resources")));
        return r.id() != null ? r : new ResourcesFile.Decoded(Files.readString(d.resolve("id")).strip(), r.resources(),
                r.privileged());
    }

    @Override
    public void create(ContainerSpec spec) throws IOException {
        awaitRemoval(spec.id());
        Path d = dir(spec.id());
        if (Files.exists(d)) {
            throw new ConflictException("container " + spec.id() + " already exists in the " + name + " runtime");
        }
        Path tmp = Files.createDirectories(stateRoot.resolve(".new-" + spec.id()));
        try {
            Files.write(tmp.resolve("spec"), containerSpec(spec, tmp, d));
            Files.writeString(tmp.resolve("resources"), ResourcesFile.encode(spec));
            Files.move(tmp, d, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            Trees.delete(tmp);
            throw e;
        }
    }

    @Override
    public void start(String id) throws IOException {
        start(id, false, false);
    }

    /**
     * The state the start left, from the shim's answers: its "pid N" and the time of init.pid,
     * which the shim writes before it answers "started" (the time {@link #state} reports).
     */
    @Override
    public RuntimeState startAndReport(String id) throws IOException {
        Launched l = start(id, false, false);
        Instant started = Files.getLastModifiedTime(l.dir().resolve("init.pid")).toInstant();
        return new RuntimeState(id, RuntimeStatus.RUNNING, l.pid(), -1, started, null, false);
    }

    @Override
    public Attachment startAttached(String id, boolean stdin) throws IOException {
        return start(id, true, stdin).attachment();
    }

    @Override
    public Attachment attach(String id, boolean stdin) throws IOException {
        Path d = existing(id);
        RuntimeState s = state(id);
        if (s.status() != RuntimeStatus.RUNNING && s.status() != RuntimeStatus.PAUSED) {
            throw new ConflictException("container " + id + " is not running");
        }
        return ShimAttachment.connect(d.resolve("shim.sock"), stdin, true);
    }

    @Override
    public void resize(String id, ConsoleSize size) throws IOException {
        Path d = existing(id);
        if (state(id).status() != RuntimeStatus.RUNNING) {
            throw new ConflictException("container " + id + " is not running");
        }
        ShimAttachment.command(d.resolve("shim.sock"), "resize " + size.rows() + " " + size.columns());
    }

    /** Starts the container, attached to it before it runs when asked. */
    private Launched start(String id, boolean attach, boolean stdin) throws IOException {
        Found f = found(id);
        Path d = f.dir();
        RuntimeState s = state(id, d);
        if (s.status() != RuntimeStatus.CREATED) {
            throw new ConflictException("container " + id + " is " + s.status().name().toLowerCase(java.util.Locale.ROOT));
        }
        ResourcesFile.Decoded r = f.kept();
        cgroups.create(id, r.resources(), r.privileged());
        warmCgroupLock(r.resources());
        try {
            return launch(d, attach, stdin);
        } catch (IOException | RuntimeException e) {
            cgroups.remove(id);
            throw e;
        }
    }

    /** What a shim started: its state directory, the pid of the process it runs, the attachment if one was asked. */
    private record Launched(Path dir, int pid, ShimAttachment attachment) {
    }

    /**
     * Runs a shim on the spec in {@code dir} through its handshake: it answers with the pid of a
     * process ready to exec, the engine attaches if asked, tells it to start, and it answers
     * {@code started} or why not. With nothing to attach, the engine says "start" at once: the
     * shim reads it from the pipe once its process is ready, a round trip sooner.
     */
    private Launched launch(Path dir, boolean attach, boolean stdin) throws IOException {
        ShimAttachment attachment = null;
        Process p = new ProcessBuilder(shim.toString(), dir.toString()).redirectErrorStream(true).start();
        String answer;
        int pid = 0;
        boolean started = false;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             OutputStream control = p.getOutputStream()) {
            if (!attach) {
                try {
                    control.write(START);
                    control.flush();
                } catch (IOException ended) {
                    // The shim ended before reading anything: its answer below says why.
                }
            }
            answer = in.readLine();
            if (answer != null && answer.startsWith("pid ")) {
                pid = Integer.parseInt(answer.substring(4).strip());
                if (attach) {
                    try {
                        attachment = ShimAttachment.connect(dir.resolve("shim.sock"), stdin, false);
                    } catch (IOException | RuntimeException e) {
                        p.destroyForcibly();
                        throw e;
                    }
                    control.write(START);
                    control.flush();
                }
                answer = in.readLine();
            }
            if (answer == null || !answer.equals("started")) {
                StringBuilder rest = new StringBuilder();
                for (String line; (line = in.readLine()) != null; ) {
                    rest.append(' ').append(line);
                }
                if (attachment != null) {
                    attachment.close();
                }
                throw failure(dir, answer, rest.toString().strip());
            }
            started = true;
        } finally {
            // Started, the first process only exits (the shim recorded the container before it
            // answered), and the JDK reaps it: no need to wait for that (about 0.3 ms). Else it ends.
            if (!started) {
                try {
                    if (!p.waitFor(30, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        if (attachment != null) {
            attachment.awaitInput();
        }
        return new Launched(dir, pid, attachment);
    }

    @Override
    public Attachment exec(String id, ProcessSpec process, boolean stdin) throws IOException {
        Found f = found(id);
        Path d = f.dir();
        RuntimeState s = state(id, d);
        if (s.status() != RuntimeStatus.RUNNING) {
            throw new ConflictException("container " + id + " is " + (s.status() == RuntimeStatus.PAUSED ? "paused" : "not running"));
        }
        String execId = java.util.HexFormat.of().formatHex(java.nio.ByteBuffer.allocate(8)
                .putLong(java.util.concurrent.ThreadLocalRandom.current().nextLong()).array());
        Path dir = Files.createDirectories(d.resolve("exec").resolve(execId));
        try {
            io.berth.api.runtime.Resources madeWith = f.kept().resources();
            Files.write(dir.resolve("spec"), execSpec(id, d, dir, process, s.pid(), madeWith));
            warmCgroupLock(madeWith);
            return launch(dir, true, stdin).attachment();
        } catch (IOException | RuntimeException e) {
            Trees.delete(dir);
            throw e;
        }
    }

    /**
     * What a start failure says; a subclass may put a runtime's words in docker's.
     *
     * @param dir the state directory of what failed to start: the container's, or an exec's
     */
    protected String failureMessage(Path dir, String message) throws IOException {
        return message;
    }

    private StartFailedException failure(Path dir, String answer, String more) throws IOException {
        if (answer == null || !answer.startsWith("error ")) {
            return new StartFailedException(1, "berth-shim failed" + (answer == null ? "" : ": " + answer)
                    + (more.isEmpty() ? "" : " " + more));
        }
        String body = answer.substring(6);
        int space = body.indexOf(' ');
        int code = 1;
        try {
            code = Integer.parseInt(space < 0 ? body : body.substring(0, space));
        } catch (NumberFormatException e) {
            space = -1;
        }
        return new StartFailedException(code, failureMessage(dir, space < 0 ? body : body.substring(space + 1)));
    }

    @Override
    public void kill(String id, int signal, boolean all) throws IOException {
        RuntimeState s = state(id);
        if (s.status() != RuntimeStatus.RUNNING && s.status() != RuntimeStatus.PAUSED) {
            throw new ConflictException("container " + id + " is not running");
        }
        if (all) {
            for (int pid : cgroups.pids(id)) {
                Native.kill(pid, signal);
            }
        } else if (!Native.kill(s.pid(), signal)) {
            throw new ConflictException("container " + id + " is not running");
        }
        if (signal == 9 && s.status() == RuntimeStatus.PAUSED) {
            // A frozen process takes its SIGKILL only once thawed.
            cgroups.freeze(id, false);
        }
    }

    @Override
    public RuntimeState state(String id) throws IOException {
        return state(id, existing(id));
    }

    /** The state of container {@code id}, whose state directory {@code d} is. */
    private RuntimeState state(String id, Path d) throws IOException {
        Instant created = Files.getLastModifiedTime(d.resolve("spec")).toInstant();
        Path exit = d.resolve("exit");
        if (Files.exists(exit)) {
            return exited(id, d, exit);
        }
        Path init = d.resolve("init.pid");
        if (!Files.exists(init)) {
            return new RuntimeState(id, RuntimeStatus.CREATED, 0, -1, null, null, false);
        }
        int pid = Integer.parseInt(Files.readString(init).strip());
        Instant started = Files.getLastModifiedTime(init).toInstant();
        if (shimAlive(d)) {
            RuntimeStatus status = cgroups.frozen(id) ? RuntimeStatus.PAUSED : RuntimeStatus.RUNNING;
            return new RuntimeState(id, status, pid, -1, started, null, false);
        }
        // The shim died without recording an exit (killed): its container died with it.
        if (Files.exists(exit)) {
            return exited(id, d, exit);
        }
        Files.writeString(d.resolve("exit"), "137 " + Instant.now() + " berth-shim ended unexpectedly\n");
        return exited(id, d, exit);
    }

    private RuntimeState exited(String id, Path d, Path exit) throws IOException {
        String[] parts = Files.readString(exit).strip().split(" ", 3);
        int code = Integer.parseInt(parts[0]);
        Instant finished = parts.length > 1 ? Instant.parse(parts[1]) : Files.getLastModifiedTime(exit).toInstant();
        Path init = d.resolve("init.pid");
        Instant started = Files.exists(init) ? Files.getLastModifiedTime(init).toInstant() : null;
        boolean oom = cgroups.oomKilled(id);
        return new RuntimeState(id, RuntimeStatus.STOPPED, 0, code, started, finished, oom);
    }

    private static boolean shimAlive(Path d) throws IOException {
        try {
            int pid = Integer.parseInt(Files.readString(d.resolve("shim.pid")).strip());
            String comm = Files.readString(Path.of("/proc", Integer.toString(pid), "comm")).strip();
            String stat = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
            boolean zombie = stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
            return comm.equals("berth-shim") && !zombie;
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            // ESRCH: it ended between two reads of /proc.
            if (e.getMessage() != null && e.getMessage().contains("No such process")) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public RuntimeState await(String id, Duration timeout) throws IOException, InterruptedException {
        Path d = existing(id);
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        while (true) {
            RuntimeState s = state(id);
            if (s.status() == RuntimeStatus.STOPPED || s.status() == RuntimeStatus.CREATED) {
                return s;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return s;
            }
            // Wait on the shim; it answers when the container has exited, or closes when it dies.
            try {
                ShimClient.awaitExit(d.resolve("shim.sock"), timeout == null ? null : Duration.ofNanos(left));
            } catch (java.nio.channels.ClosedByInterruptException e) {
                Thread.interrupted();
                throw new InterruptedException("interrupted while waiting for container " + id);
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }

    @Override
    public void delete(String id) throws IOException {
        if (Files.notExists(dir(id))) {
            // The common case before a create: nothing to delete, and no exception to make.
            return;
        }
        Path d;
        try {
            d = existing(id);
        } catch (NotFoundException e) {
            return;
        }
        RuntimeState s = state(id);
        if (s.status() == RuntimeStatus.RUNNING || s.status() == RuntimeStatus.PAUSED) {
            throw new ConflictException("container " + id + " is running: stop it first");
        }
        cgroups.remove(id);
        Path doomed = stateRoot.resolve(REMOVING + id);
        awaitRemoval(id);
        Files.move(d, doomed, StandardCopyOption.ATOMIC_MOVE);
        // What is left takes the runtime a process of its own (runc: 5-10 ms); nobody waits for it.
        remove(id, doomed);
    }

    private static final String REMOVING = ".removing-";

    private static final byte[] START = "start\n".getBytes(StandardCharsets.US_ASCII);

    /** Has {@link #deleting} and the removal of {@code doomed} done on the driver's thread. */
    private void remove(String id, Path doomed) {
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        removals.put(id, done);
        try {
            cleaner.execute(() -> {
                try {
                    deleting(id, doomed);
                    Trees.delete(doomed);
                    done.complete(null);
                } catch (IOException | RuntimeException e) {
                    System.getLogger(ShimRuntimeDriver.class.getName()).log(System.Logger.Level.WARNING,
                            "cannot finish removing container " + id + " from the " + name + " runtime: " + e.getMessage());
                    done.completeExceptionally(e);
                } finally {
                    removals.remove(id, done);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            removals.remove(id, done);
            done.complete(null);
        }
    }

    /**
     * Waits for the removal of an earlier container of this id. One that failed, or that a stop
     * of the engine cut short, is done again here, and its failure is this call's.
     */
    private void awaitRemoval(String id) throws IOException {
        java.util.concurrent.CompletableFuture<Void> pending = removals.get(id);
        if (pending != null) {
            try {
                pending.get(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while waiting for the removal of container " + id);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // Done again below.
            }
        }
        Path doomed = stateRoot.resolve(REMOVING + id);
        if (Files.exists(doomed)) {
            deleting(id, doomed);
            Trees.delete(doomed);
        }
    }

    /** Waits until the removals under way have ended, or the timeout passed; whether they ended. */
    public boolean awaitRemovals(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (java.util.concurrent.CompletableFuture<Void> f : List.copyOf(removals.values())) {
            try {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                // Logged where it failed.
            } catch (java.util.concurrent.TimeoutException e) {
                return false;
            }
        }
        return true;
    }

    /**
     * Finishes the removals a stop of the engine cut short (their state directories are still
     * there, moved aside), in the background. For the driver's owner to call once it is made.
     */
    public void resumeRemovals() throws IOException {
        try (Stream<Path> dirs = Files.list(stateRoot)) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                String file = d.getFileName().toString();
                if (file.startsWith(REMOVING) && !removals.containsKey(file.substring(REMOVING.length()))) {
                    remove(file.substring(REMOVING.length()), d);
                }
            }
        }
    }

    @Override
    public void update(String id, io.berth.api.runtime.Resources resources) throws IOException {
        RuntimeState s = state(id);
        if (s.status() != RuntimeStatus.RUNNING && s.status() != RuntimeStatus.PAUSED) {
            throw new ConflictException("container " + id + " is not running");
        }
        cgroups.update(id, resources);
    }

    @Override
    public void pause(String id) throws IOException {
        RuntimeState s = state(id);
        if (s.status() != RuntimeStatus.RUNNING) {
            throw new ConflictException("container " + id + " is " + s.status().name().toLowerCase(java.util.Locale.ROOT));
        }
        cgroups.freeze(id, true);
    }

    @Override
    public void resume(String id) throws IOException {
        RuntimeState s = state(id);
        if (s.status() != RuntimeStatus.PAUSED) {
            throw new ConflictException("container " + id + " is not paused");
        }
        cgroups.freeze(id, false);
    }

    /**
     * Done with the driver: the removals under way end (up to 30 s), and the {@code berth} parent
     * cgroups go when no container is left in them. Running containers are not touched.
     */
    @Override
    public void close() {
        cleaner.shutdown();
        try {
            if (!cleaner.awaitTermination(30, TimeUnit.SECONDS)) {
                System.getLogger(ShimRuntimeDriver.class.getName()).log(System.Logger.Level.WARNING,
                        "removals in the " + name + " runtime go on after 30 s; the next start finishes them");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        cgroups.removeParents();
    }

    @Override
    public List<RuntimeState> list() throws IOException {
        List<RuntimeState> all = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(stateRoot)) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                if (d.getFileName().toString().startsWith(".")) {
                    continue;
                }
                try {
                    all.add(state(kept(d).id()));
                } catch (NoSuchFileException | NotFoundException e) {
                    // Being created or removed.
                }
            }
        }
        return all;
    }

    @Override
    public List<Integer> pids(String id) throws IOException {
        existing(id);
        return cgroups.pids(id);
    }

    @Override
    public RuntimeStats stats(String id) throws IOException {
        RuntimeState s = state(id);
        if (s.status() != RuntimeStatus.RUNNING && s.status() != RuntimeStatus.PAUSED) {
            throw new ConflictException("container " + id + " is not running");
        }
        return cgroups.stats(id, s.pid());
    }

    /** The container's cgroup directory in each hierarchy. */
    public List<Path> cgroupDirs(String id) {
        return cgroups.hierarchies().stream().map(h -> cgroups.dir(h, id)).toList();
    }

    /** Where the driver keeps the state of a container. */
    public Path stateDirectory(String id) {
        return dir(id);
    }
}
