package io.berth.itests;

import io.berth.testing.Requirements;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Debian's dockerd (docker.io) as the reference for Berth's behaviour: started by the test on a
 * private socket, data root, exec root and pid file, with {@code --bridge=none --iptables=false}
 * (it touches neither the host's network nor its rules), driven by the {@code docker} CLI found
 * on the PATH. Closing it removes its containers, stops the process it started (never one found
 * by name) and detaches whatever it left mounted under its directory.
 */
final class Dockerd implements AutoCloseable {
    private final Path dir;
    private final Process process;

    private Dockerd(Path dir, Process process) {
        this.dir = dir;
        this.process = process;
    }

    /** Starts dockerd in {@code dir} (made if missing) and waits until it answers. */
    static Dockerd start(Path dir) throws Exception {
        Requirements.requireTool("dockerd", "docker.io");
        Requirements.requireTool("docker", "docker.io");
        Files.createDirectories(dir);
        Process p = new ProcessBuilder("dockerd", "--data-root", dir.resolve("root").toString(), "--exec-root",
                dir.resolve("exec").toString(), "-H", "unix://" + dir.resolve("docker.sock"), "--pidfile",
                dir.resolve("docker.pid").toString(), "--iptables=false", "--ip-masq=false", "--ip-forward=false", "--bridge=none")
                .redirectErrorStream(true).redirectOutput(dir.resolve("dockerd.log").toFile()).start();
        Dockerd d = new Dockerd(dir, p);
        try {
            Conditions.await("dockerd answering", Duration.ofSeconds(60), () -> d.docker("version").status() == 0);
        } catch (Throwable t) {
            d.close();
            throw new AssertionError("dockerd did not start: " + Files.readString(dir.resolve("dockerd.log")), t);
        }
        return d;
    }

    /** The docker CLI's configuration directory ({@code DOCKER_CONFIG}): its credentials. */
    Path configDir() {
        return dir.resolve("config");
    }

    /** The docker CLI's command line for this daemon, before the command's own words. */
    List<String> cli() {
        return List.of("docker", "-H", "unix://" + dir.resolve("docker.sock"));
    }

    /** Runs the docker CLI against this daemon. */
    Installation.Result docker(String... args) throws IOException, InterruptedException {
        return docker(null, args);
    }

    /** Runs the docker CLI against this daemon with {@code stdin} as its input (null: /dev/null). */
    Installation.Result docker(byte[] stdin, String... args) throws IOException, InterruptedException {
        return docker(Map.of(), stdin, args);
    }

    /** Runs the docker CLI against this daemon with {@code env} added to its environment. */
    Installation.Result docker(Map<String, String> env, byte[] stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(cli());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("DOCKER_HOST");
        pb.environment().put("DOCKER_CONFIG", configDir().toString());
        pb.environment().putAll(env);
        return Installation.run(pb, stdin, "docker " + String.join(" ", args));
    }

    @Override
    public void close() throws Exception {
        try {
            if (process.isAlive()) {
                String all = docker("ps", "-aq").out().strip();
                if (!all.isEmpty()) {
                    List<String> rm = new ArrayList<>(List.of("rm", "-f"));
                    rm.addAll(List.of(all.split("\\s+")));
                    docker(rm.toArray(String[]::new));
                }
                // The bridges of the networks it made (dockerd keeps them when it stops).
                docker("network", "prune", "-f");
            }
        } finally {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            // What it left mounted (its data root is bound on itself, overlay mounts of containers), deepest first.
            List<String> left = new ArrayList<>();
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String mountPoint = line.split(" ")[4];
                if (mountPoint.startsWith(dir.toString())) {
                    left.add(mountPoint);
                }
            }
            left.sort((a, b) -> b.length() - a.length());
            for (String m : left) {
                new ProcessBuilder("umount", "-l", m).start().waitFor();
            }
        }
    }
}
