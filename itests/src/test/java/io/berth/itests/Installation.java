package io.berth.itests;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private copy of the built distribution with its own engine root and run root, and the daemons
 * a test starts from it. Closing it stops every daemon it started (SIGTERM to the pid it started,
 * then SIGKILL) and deletes the copy.
 */
final class Installation implements AutoCloseable {
    /** The result of a bin/berth command: its status, its stdout and stderr as text and as bytes. */
    record Result(int status, String out, String err, byte[] stdout, byte[] stderr) {
    }

    final Path home;
    final Path root;
    final Path runRoot;
    private final Path work;
    private final List<Process> daemons = Collections.synchronizedList(new ArrayList<>());

    /** This installation's default bridge and iptables chain prefix: its own, so it can remove them after. */
    final String bridge;
    final String chainPrefix;

    Installation() throws IOException {
        work = Files.createTempDirectory("berth-it");
        home = work.resolve("berth");
        root = work.resolve("root");
        runRoot = work.resolve("run");
        copyTree(DistributionBundles.home(), home);
        String tag = java.util.HexFormat.of().formatHex(java.security.SecureRandom.getSeed(3));
        bridge = "bit" + tag;
        chainPrefix = "BIT" + tag.toUpperCase(java.util.Locale.ROOT);
        Path cfg = home.resolve("conf/berth.engine.cfg");
        Files.writeString(cfg, Files.readString(cfg).replace("bridgeName = berth0", "bridgeName = " + bridge)
                .replace("chainPrefix = BERTH", "chainPrefix = " + chainPrefix));
    }

    /** The bridges of this installation's networks: the default one and those of the user networks it made. */
    List<String> bridges() throws IOException {
        List<String> out = new ArrayList<>(List.of(bridge));
        Path networks = root.resolve("networks");
        if (Files.isDirectory(networks)) {
            try (Stream<Path> files = Files.list(networks)) {
                for (Path f : files.filter(x -> x.toString().endsWith(".json")).toList()) {
                    String id = f.getFileName().toString().substring(0, 12);
                    out.add("br-" + id);
                }
            }
        }
        return out;
    }

    Path socket() {
        return runRoot.resolve("berth.sock");
    }

    String host() {
        return "unix://" + socket();
    }

    /** Starts {@code bin/berth daemon} on this installation's roots and waits for its socket. */
    Process startDaemon(String... extra) throws Exception {
        return startDaemon(List.of(), extra);
    }

    /**
     * Starts {@code bin/berth daemon} as {@link #startDaemon(String...)} does, but with
     * {@code signals} ignored ({@code "INT HUP"}), as a daemon started in the background by a
     * script has SIGINT ignored and one under nohup SIGHUP: a shell ignores them ({@code trap ''})
     * and execs bin/berth, which execs the JVM, so the process returned is the daemon itself, and
     * closing the installation stops it by its pid as any other.
     */
    Process startDaemonIgnoring(String signals, String... extra) throws Exception {
        if (!signals.matches("[A-Z0-9 ]+")) {
            throw new IllegalArgumentException("signals by name or number, separated by spaces: " + signals);
        }
        return startDaemon(List.of("/bin/sh", "-c", "trap '' " + signals + "; exec \"$0\" \"$@\""), extra);
    }

    private Process startDaemon(List<String> launcher, String... extra) throws Exception {
        List<String> command = new ArrayList<>(launcher);
        command.addAll(List.of(home.resolve("bin/berth").toString(), "daemon",
                "--root", root.toString(), "--run-root", runRoot.toString()));
        command.addAll(List.of(extra));
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(work.resolve("daemon-" + daemons.size() + ".out").toFile()).start();
        daemons.add(p);
        Conditions.await("the control socket of " + command, Duration.ofSeconds(30), () -> {
            if (!p.isAlive()) {
                throw new AssertionError("the daemon exited with " + p.exitValue() + ": " + daemonOutput(daemons.size() - 1));
            }
            return Files.exists(socket()) && berth("version").status() == 0;
        });
        return p;
    }

    String daemonOutput(int index) throws IOException {
        return Files.readString(work.resolve("daemon-" + index + ".out"));
    }

    /**
     * Sets one key of conf/berth.engine.cfg; a running daemon picks it up (FileInstall), which
     * this waits for by watching {@code info} until {@code infoField} shows {@code value}.
     */
    void configure(String key, String value, String infoField) throws Exception {
        Path cfg = home.resolve("conf/berth.engine.cfg");
        String text = Files.readString(cfg);
        String line = key + " = " + value;
        String updated = text.replaceAll("(?m)^" + java.util.regex.Pattern.quote(key) + "\\s*=.*$",
                java.util.regex.Matcher.quoteReplacement(line));
        Files.writeString(cfg, updated.equals(text) && !text.contains(line) ? text + "\n" + line + "\n" : updated);
        Conditions.await(key + " = " + value + " taking effect", Duration.ofSeconds(15),
                () -> berth("info", "--format", "{{." + infoField + "}}").out().strip().equals(value));
    }

    /** Runs bin/berth with BERTH_HOST pointing at this installation's daemon. */
    Result berth(String... args) throws IOException, InterruptedException {
        return run(Map.of("BERTH_HOST", host()), null, args);
    }

    /**
     * Runs bin/berth with the given environment additions and stdin; if the first argument is an
     * absolute path it is run instead, with bin/berth as {@code $0}.
     */
    Result run(Map<String, String> env, byte[] stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        if (args.length > 0 && args[0].startsWith("/")) {
            command.add(args[0]);
            command.addAll(List.of(args).subList(1, args.length));
            command.add(home.resolve("bin/berth").toString());
        } else {
            command.add(home.resolve("bin/berth").toString());
            command.addAll(List.of(args));
        }
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        return run(pb, stdin, "bin/berth " + String.join(" ", args));
    }

    /** Runs bin/berth from the directory {@code cwd}, with the given environment additions. */
    Result runIn(Path cwd, Map<String, String> env, String... args) throws IOException, InterruptedException {
        return runIn(cwd, env, null, args);
    }

    /** As {@link #runIn(Path, Map, String...)}, with {@code stdin} as its standard input ({@code null}: none). */
    Result runIn(Path cwd, Map<String, String> env, byte[] stdin, String... args) throws IOException, InterruptedException {
        return run(inDirectory(cwd, env, args), stdin, "bin/berth " + String.join(" ", args) + " (in " + cwd + ")");
    }

    /** bin/berth with {@code args}, to be started from {@code cwd} with the given environment additions. */
    ProcessBuilder inDirectory(Path cwd, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/berth").toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile());
        pb.environment().put("BERTH_HOST", host());
        pb.environment().putAll(env);
        return pb;
    }

    /**
     * Runs a command with {@code stdin} ({@code null}: none) and collects its output; it must end
     * within 60 s ({@code what} names it if not).
     */
    static Result run(ProcessBuilder pb, byte[] stdin, String what) throws IOException, InterruptedException {
        if (stdin == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        Process p = pb.start();
        CompletableFuture<byte[]> out = read(p.getInputStream());
        CompletableFuture<byte[]> err = read(p.getErrorStream());
        if (stdin != null) {
            // From a thread of its own: a command may print before it reads all its input.
            CompletableFuture.runAsync(() -> {
                try (var in = p.getOutputStream()) {
                    in.write(stdin);
                } catch (IOException e) {
                    // The command ended without reading it all; its status tells.
                }
            });
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(what + " did not finish in 60 s");
        }
        byte[] stdout = out.join();
        byte[] stderr = err.join();
        return new Result(p.exitValue(), new String(stdout, StandardCharsets.UTF_8),
                new String(stderr, StandardCharsets.UTF_8), stdout, stderr);
    }

    private static CompletableFuture<byte[]> read(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return in.readAllBytes();
            } catch (IOException e) {
                return ("<" + e + ">").getBytes(StandardCharsets.UTF_8);
            }
        });
    }

    /** Sends SIGTERM to a daemon this installation started and waits for it to exit. */
    int stop(Process daemon) throws InterruptedException {
        daemon.destroy();
        if (!daemon.waitFor(60, TimeUnit.SECONDS)) {
            daemon.destroyForcibly().waitFor();
            throw new AssertionError("the daemon did not stop within 60 s of SIGTERM");
        }
        return daemon.exitValue();
    }

    @Override
    public void close() throws IOException {
        for (Process p : daemons) {
            if (p.isAlive()) {
                p.destroy();
                try {
                    if (!p.waitFor(60, TimeUnit.SECONDS)) {
                        p.destroyForcibly().waitFor();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    p.destroyForcibly();
                }
            }
        }
        try {
            // What its daemons made on the host's network: bridges and rules (namespaces went with the containers).
            io.berth.testing.HostNetwork.deleteLinks(bridges());
            io.berth.testing.HostNetwork.deleteChains(chainPrefix);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> paths = Files.walk(work)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        if (Files.exists(work)) {
            // Names that are not UTF-8 (the layer tests make some) are beyond java.io.File: rm takes bytes.
            try {
                new ProcessBuilder("rm", "-rf", "--", work.toString()).inheritIO().start().waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
