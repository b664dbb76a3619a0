package org.example.berth.chroot;

import io.berth.api.ConflictException;
import io.berth.api.InvalidArgumentException;
import io.berth.api.NotFoundException;
import io.berth.api.engine.Engine;
import io.berth.api.runtime.ContainerSpec;
import io.berth.api.runtime.ProcessSpec;
import io.berth.api.runtime.RuntimeDriver;
import io.berth.api.runtime.RuntimeState;
import io.berth.api.runtime.RuntimeStats;
import io.berth.api.runtime.RuntimeStatus;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A runtime with nothing but {@code chroot(8)}: the container's process runs with the image's
 * root filesystem as its root, as the given user, with its environment and working directory;
 * no namespaces, no cgroups, no mounts (the first building block of containers).
 *
 * <p>Each container is a directory under {@code <runRoot>/chroot/<id>}: {@code run.sh} (written at
 * create), and, written by {@code run.sh} as it runs, {@code pid} (the container's process) and
 * {@code exit} (its status and when). {@code run.sh} runs in a session of its own, so containers
 * outlive this bundle: stopped, uninstalled or updated, a new instance reads the same files and
 * carries on. The output goes to the log the engine names, in docker's json-file format.
 */
@Component(service = RuntimeDriver.class, property = {"berth.runtime=chroot", "service.ranking:Integer=0"})
public class ChrootRuntimeDriver implements RuntimeDriver {
    private final Path home;

    @Activate
    public ChrootRuntimeDriver(@Reference Engine engine) throws IOException {
        this(engine.settings().runRoot().resolve("chroot"));
    }

    /** A driver keeping its containers in {@code home}: what the engine's run root gives, or a test's directory. */
    public ChrootRuntimeDriver(Path home) throws IOException {
        this.home = Files.createDirectories(home);
    }

    private Path dir(String id) {
        Path d = home.resolve(id);
        if (!Files.isDirectory(d)) {
            throw new NotFoundException("No such container: " + id);
        }
        return d;
    }

    @Override
    public void create(ContainerSpec spec) throws IOException {
        if (spec.rootfs().size() != 1 || !spec.rootfs().get(0).type().equals("bind")) {
            throw new InvalidArgumentException("the chroot runtime needs the root filesystem as one bind mount");
        }
        Path d = home.resolve(spec.id());
        if (Files.exists(d)) {
            throw new ConflictException("container " + spec.id() + " already exists in the chroot runtime");
        }
        Path tmp = Files.createDirectories(home.resolve(".new-" + spec.id()));
        Files.writeString(tmp.resolve("run.sh"), script(spec));
        Files.move(tmp, d);
    }

    /** The shell script that runs the container and turns its output into json-file lines. */
    private static String script(ContainerSpec spec) {
        ProcessSpec p = spec.process();
        StringBuilder env = new StringBuilder();
        for (String e : p.env()) {
            env.append(' ').append(quote(e));
        }
        StringBuilder command = new StringBuilder();
        for (String a : p.args()) {
            command.append(' ').append(quote(a));
        }
        String groups = p.user().additionalGids().stream().map(String::valueOf).reduce((a, b) -> a + "," + b).orElse("");
        String json = "TZ=UTC awk -v s=\"$1\" '{ gsub(/\\\\/, \"\\\\\\\\\"); gsub(/\"/, \"\\\\\\\"\"); gsub(/\\t/, \"\\\\t\");"
                + " gsub(/\\r/, \"\\\\r\"); gsub(/[\\001-\\010\\013\\014\\016-\\037]/, \"\");"
                + " printf \"{\\\"log\\\":\\\"%s\\\\n\\\",\\\"stream\\\":\\\"%s\\\",\\\"time\\\":\\\"%s\\\"}\\n\", $0, s,"
                + " strftime(\"%Y-%m-%dT%H:%M:%SZ\"); fflush() }'";
        return "#!/bin/sh\n"
                + "# The chroot runtime's container " + spec.id() + ": written by the driver, run in a session of its own.\n"
                + "cd \"$(dirname \"$0\")\" || exit 1\n"
                + "json() { " + json + "; }\n"
                + "rm -f out err && mkfifo out err || exit 1\n"
                + "json stdout < out >> " + quote(spec.log().path().toString()) + " &\n"
                + "json stderr < err >> " + quote(spec.log().path().toString()) + " &\n"
                + "env -i" + env + " chroot --userspec=" + p.user().uid() + ":" + p.user().gid()
                + (groups.isEmpty() ? "" : " --groups=" + groups) + " " + quote(spec.rootfs().get(0).source())
                + " /bin/sh -c 'cd \"$0\" && exec \"$@\"' " + quote(p.cwd()) + command + " > out 2> err < /dev/null &\n"
                + "echo $! > pid.tmp && mv pid.tmp pid\n"
                + "wait $!\n"
                + "code=$?\n"
                + "wait\n"
                + "echo \"$code $(date -u +%Y-%m-%dT%H:%M:%S.%NZ)\" > exit.tmp && mv exit.tmp exit\n";
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    @Override
    public void start(String id) throws IOException {
        Path d = dir(id);
        if (Files.exists(d.resolve("pid"))) {
            throw new ConflictException("container " + id + " was started already");
        }
        // setsid: the container's session is its own, not the engine's.
        new ProcessBuilder("setsid", "sh", d.resolve("run.sh").toString())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(d.resolve("run.log").toFile()).redirectErrorStream(true).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!Files.exists(d.resolve("pid"))) {
            if (System.nanoTime() > deadline) {
                throw new IOException("the chroot runtime's script did not start: " + Files.readString(d.resolve("run.log")));
            }
            sleep(10);
        }
    }

    @Override
    public void kill(String id, int signal, boolean all) throws IOException {
        RuntimeState s = state(id);
        if (s.status() != RuntimeStatus.RUNNING) {
            throw new ConflictException("container " + id + " is not running");
        }
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal, Integer.toString(s.pid())));
        if (all) {
            ProcessHandle.of(s.pid()).ifPresent(h -> h.descendants().forEach(c -> command.add(Long.toString(c.pid()))));
        }
        try {
            new ProcessBuilder(command).redirectErrorStream(true).start().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while signalling " + id);
        }
    }

    @Override
    public RuntimeState state(String id) throws IOException {
        Path d = dir(id);
        Optional<String> exit = read(d.resolve("exit"));
        Optional<String> pid = read(d.resolve("pid"));
        Instant started = pid.isPresent() ? Files.getLastModifiedTime(d.resolve("pid")).toInstant() : null;
        if (exit.isPresent()) {
            String[] parts = exit.get().strip().split(" ");
            return new RuntimeState(id, RuntimeStatus.STOPPED, 0, Integer.parseInt(parts[0]), started,
                    Instant.parse(parts[1]), false);
        }
        if (pid.isEmpty()) {
            return new RuntimeState(id, RuntimeStatus.CREATED, 0, -1, null, null, false);
        }
        int p = Integer.parseInt(pid.get().strip());
        if (ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false)) {
            return new RuntimeState(id, RuntimeStatus.RUNNING, p, -1, started, null, false);
        }
        // Ended; run.sh writes the exit status in a moment.
        sleep(50);
        return read(d.resolve("exit")).isPresent() ? state(id)
                : new RuntimeState(id, RuntimeStatus.STOPPED, 0, 137, started, Instant.now(), false);
    }

    @Override
    public RuntimeState await(String id, Duration timeout) throws IOException, InterruptedException {
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        while (true) {
            RuntimeState s = state(id);
            if (s.status() != RuntimeStatus.RUNNING || System.nanoTime() > deadline) {
                return s;
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void delete(String id) throws IOException {
        Path d = home.resolve(id);
        if (!Files.isDirectory(d)) {
            return;
        }
        if (state(id).status() == RuntimeStatus.RUNNING) {
            throw new ConflictException("container " + id + " is running: stop it first");
        }
        try (Stream<Path> all = Files.walk(d)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Override
    public List<RuntimeState> list() throws IOException {
        List<RuntimeState> out = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(home)) {
            for (Path d : dirs.toList()) {
                String name = d.getFileName().toString();
                if (!name.startsWith(".")) {
                    out.add(state(name));
                }
            }
        }
        return out;
    }

    @Override
    public List<Integer> pids(String id) throws IOException {
        RuntimeState s = state(id);
        List<Integer> pids = new ArrayList<>();
        if (s.status() == RuntimeStatus.RUNNING) {
            pids.add(s.pid());
            ProcessHandle.of(s.pid()).ifPresent(h -> h.descendants().forEach(c -> pids.add((int) c.pid())));
        }
        return pids;
    }

    /** No cgroups: only the number of processes is known. */
    @Override
    public RuntimeStats stats(String id) throws IOException {
        return new RuntimeStats(0, 0, 0, pids(id).size(), 0, 0, 0, 0, System.nanoTime());
    }

    private static Optional<String> read(Path file) throws IOException {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private static void sleep(long millis) throws java.io.InterruptedIOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        }
    }
}
