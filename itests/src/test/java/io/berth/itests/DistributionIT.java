package io.berth.itests;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The distribution as users run it: bin/berth daemon, bin/berth COMMAND, conf/, deploy/. */
class DistributionIT {
    private Installation berth;

    @BeforeEach
    void setUp() throws Exception {
        berth = new Installation();
    }

    @AfterEach
    void tearDown() throws Exception {
        berth.close();
    }

    @Test
    void daemonAnswersCommandsAndStopsCleanlyOnSigterm() throws Exception {
        Process daemon = berth.startDaemon();
        Path pidFile = berth.runRoot.resolve("berth.pid");
        assertThat(pidFile).hasContent(Long.toString(daemon.pid()));

        Installation.Result info = berth.berth("info");
        assertThat(info.status()).isZero();
        assertThat(info.out()).contains("Server Version: ").contains("Berth Root Dir: " + berth.root)
                .contains("Run Root Dir: " + berth.runRoot).contains("io.berth.shell").contains("Drivers:");

        Installation.Result unknown = berth.berth("nosuchcmd");
        assertThat(unknown.status()).isEqualTo(1);
        assertThat(unknown.err()).startsWith("berth: 'nosuchcmd' is not a berth command.");

        Installation.Result badFlag = berth.berth("drivers", "--bogus");
        assertThat(badFlag.status()).isEqualTo(125);
        assertThat(badFlag.err()).isEqualTo("unknown flag: --bogus\nSee 'berth drivers --help'.\n");

        assertThat(berth.berth("system", "info", "--format", "{{.BerthRootDir}}").out()).isEqualTo(berth.root + "\n");
        assertThat(berth.berth("version", "--format", "json").out()).startsWith("{\"Version\":");
        // Gogo's JLine shell is installed, not started (conf/config.properties: berth.daemon.startOnDemand), and
        // berth shell is offered all the same; the first of Gogo's own commands starts it (its gogo: commands, and
        // the converters felix: commands need). Seen from the JVM: Gogo's commands would start it.
        assertThat(gogoJlineStarted(daemon)).isFalse();
        assertThat(berth.berth("--help").out()).containsPattern("(?m)^  shell +Open a console on the running daemon");
        assertThat(berth.berth("help").out()).contains("Commands:").contains("drivers").contains("version");
        assertThat(gogoJlineStarted(daemon)).as("berth's own commands leave it").isFalse();
        // Standard input reaches a command that reads it; two such commands at once both start Gogo's JLine shell,
        // or find it started by the other.
        java.util.concurrent.CompletableFuture<Installation.Result> other = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return berth.run(Map.of("BERTH_HOST", berth.host()), "other\n".getBytes(), "gogo:cat");
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
        assertThat(berth.run(Map.of("BERTH_HOST", berth.host()), "hello\nworld\n".getBytes(), "gogo:cat").out())
                .isEqualTo("hello\nworld\n");
        assertThat(other.get(60, java.util.concurrent.TimeUnit.SECONDS).out()).isEqualTo("other\n");
        assertThat(gogoJlineStarted(daemon)).isTrue();
        assertThat(berth.berth("felix:lb").out()).contains("Berth :: Configuration (").contains("Berth :: Containers (");
        assertThat(gogoJlineState()).isEqualTo("Active");

        // -H wins over BERTH_HOST.
        Installation.Result viaFlag = berth.run(Map.of("BERTH_HOST", "unix:///nonexistent.sock"), null,
                "-H", berth.host(), "version", "--format", "{{.Os}}");
        assertThat(viaFlag.out()).isEqualTo("linux\n");

        Installation.Result noSuchGogo = berth.berth("gogo:nosuch");
        assertThat(noSuchGogo.status()).isEqualTo(1);
        assertThat(noSuchGogo.err()).isEqualTo("Error: Command not found: gogo:nosuch\n");
        // Standard input is left alone by a command that does not read it.
        Installation.Result untouched = berth.run(Map.of("BERTH_HOST", berth.host()), "a\nb\n".getBytes(),
                "/bin/sh", "-c", "\"$0\" version >/dev/null; cat");
        assertThat(untouched.out()).isEqualTo("a\nb\n");

        assertThat(berth.stop(daemon)).isZero();
        assertThat(pidFile).doesNotExist();
        assertThat(berth.socket()).doesNotExist();
    }

    @Test
    void aSecondDaemonOnTheSameRootRefusesToStart() throws Exception {
        Process first = berth.startDaemon();
        Installation.Result second = berth.run(Map.of(), null, "daemon", "--root", berth.root.toString(),
                "--run-root", berth.runRoot.resolveSibling("run2").toString());
        assertThat(second.status()).isEqualTo(1);
        assertThat(second.err()).isEqualTo("berth: the engine root " + berth.root
                + " is in use by another Berth daemon (pid " + first.pid() + "); stop it, or start this one with another --root\n");
        assertThat(berth.berth("version").status()).as("the first daemon still answers").isZero();
    }

    @Test
    void theDaemonsLogKeepsEveryRunAcrossRestartsAndACrashAndRotatesBySize() throws Exception {
        // Small files, so that the runs below rotate the log: each run logs about 2.5 kB.
        Path cfg = berth.home.resolve("conf/berth.engine.cfg");
        Files.writeString(cfg, Files.readString(cfg).replaceAll("(?m)^logRotateSize\\s*=.*$", "logRotateSize = 4k")
                .replaceAll("(?m)^logRotateKeep\\s*=.*$", "logRotateKeep = 3"));
        Path log = berth.root.resolve("berth.log");
        String listening = "control socket listening on " + berth.socket();

        // Each run until its engine has started (ps answers), so that it logs its whole start.
        Process run = berth.startDaemon();
        assertThat(berth.berth("ps").status()).isZero();
        assertThat(berth.stop(run)).isZero();
        String firstRun = Files.readString(log);
        assertThat(firstRun).contains(listening);
        // A crash: killed at once (the daemon this test started), then started again.
        Process crashed = berth.startDaemon();
        assertThat(berth.berth("ps").status()).isZero();
        crashed.destroyForcibly().waitFor();
        run = berth.startDaemon();
        assertThat(berth.berth("ps").status()).isZero();
        assertThat(berth.stop(run)).isZero();

        // Every run is there, oldest first, across berth.log.2, .1 and berth.log.
        StringBuilder all = new StringBuilder();
        for (String name : new String[] {"berth.log.3", "berth.log.2", "berth.log.1", "berth.log"}) {
            Path file = berth.root.resolve(name);
            if (Files.exists(file)) {
                assertThat(Files.size(file)).as(name).isLessThanOrEqualTo(4096);
                all.append(Files.readString(file));
            }
        }
        assertThat(berth.root.resolve("berth.log.1")).exists();
        assertThat(all.toString()).startsWith(firstRun);
        assertThat(all.toString().split(java.util.regex.Pattern.quote(listening), -1)).hasSize(4);
    }

    /**
     * SIGTERM as soon as the socket serves (the launcher's, most likely before the framework has started) stops the
     * daemon as at any other time: status 0, no socket, no pid file.
     */
    @Test
    void aDaemonStoppedAsSoonAsItsSocketServesExitsCleanly() throws Exception {
        for (int i = 0; i < 3; i++) {
            Process daemon = berth.startDaemon();
            assertThat(berth.stop(daemon)).isZero();
            assertThat(berth.socket()).doesNotExist();
            assertThat(berth.runRoot.resolve("berth.pid")).doesNotExist();
        }
    }

    @Test
    void withoutADaemonTheClientSaysHowToStartOne() throws Exception {
        Installation.Result r = berth.berth("info");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines()).hasSize(1);
        assertThat(r.err()).contains("Cannot connect to the Berth daemon at " + berth.host())
                .contains("Is the daemon running? Start one with 'berth daemon', or 'berth' for a console.");
    }

    /**
     * bin/berth is the C client; to start a daemon it execs libexec/berth-daemon of its own
     * distribution, found through symbolic links to it.
     */
    @Test
    void throughASymbolicLinkBinBerthIsTheClientAndStartsTheDaemonOfItsDistribution() throws Exception {
        Path dir = Files.createTempDirectory("berth-link");
        try {
            Path link = Files.createSymbolicLink(dir.resolve("b"), berth.home.resolve("bin/berth"));
            Installation.Result version = Installation.run(new ProcessBuilder(link.toString(), "--version"), null, "b --version");
            assertThat(version.status()).isZero();
            assertThat(version.out()).startsWith("Berth version ");
            Installation.Result usage = Installation.run(new ProcessBuilder(link.toString(), "daemon", "--help"), null,
                    "b daemon --help");
            assertThat(usage.status()).isZero();
            assertThat(usage.out()).contains("berth daemon [OPTIONS]");
            ProcessBuilder info = new ProcessBuilder(link.toString(), "info");
            info.environment().put("BERTH_HOST", berth.host());
            Installation.Result client = Installation.run(info, null, "b info");
            assertThat(client.status()).isEqualTo(1);
            assertThat(client.err()).contains("Cannot connect to the Berth daemon at " + berth.host());
        } finally {
            Files.deleteIfExists(dir.resolve("b"));
            Files.delete(dir);
        }
    }

    /**
     * The control socket serves while the daemon starts, from the launcher's first moments (it hands the socket and
     * the commands it holds to the shell): version answers at once, any other command waits for the start to end and
     * then finds everything a started daemon has. A later start on
     * the same run root reuses the framework's cache: the bundles installed by the first start stay, and the
     * components' metadata Declarative Services kept.
     */
    @Test
    void commandsRightAfterTheSocketServesSeeTheWholeDaemonAndALaterStartReusesTheBundleCache() throws Exception {
        List<String> all = List.of("native", "runc", "crun", "overlay", "vfs", "bridge", "local");
        Process first = berth.startDaemon();
        // Most likely still the launcher's answer (it serves the socket before the framework starts), then the shell's:
        // the same.
        String early = berth.berth("version").out();
        Installation.Result drivers = berth.berth("drivers", "-q");
        assertThat(drivers.status()).as(drivers.err()).isZero();
        assertThat(drivers.out().lines().toList()).containsAll(all);
        assertThat(berth.berth("version").out()).isEqualTo(early).contains("Server: Berth Engine", "Kernel version:");
        assertThat(Files.readString(berth.root.resolve("berth.log")))
                .contains("control socket " + berth.socket() + " taken over from the launcher");
        Path cache = berth.runRoot.resolve("felix-cache");
        List<String> installed = bundleDirectories(cache);
        assertThat(installed).hasSizeGreaterThan(30);
        first.destroy();
        assertThat(first.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        // Declarative Services kept the components' metadata (ds.cache.metadata), for the next start to read
        // instead of the bundles' XML descriptors.
        try (var kept = Files.find(cache, 3, (f, a) -> f.endsWith("data/componentMetadataStore") && a.size() > 0)) {
            assertThat(kept.count()).isEqualTo(1);
        }

        berth.startDaemon();
        Installation.Result ps = berth.berth("ps", "-a");
        assertThat(ps.status()).as(ps.err()).isZero();
        assertThat(berth.berth("drivers", "-q").out().lines().toList()).containsAll(all);
        assertThat(bundleDirectories(cache)).as("no bundle installed again").isEqualTo(installed);
    }

    @Test
    void theClassDataArchiveIsRecordedOnceAndAgainWhenAJarOfLibChanges() throws Exception {
        Path archive = berth.home.resolve("lib/berth.jsa");
        Files.deleteIfExists(archive);
        stopped(berth.startDaemon());
        assertThat(archive).as("recorded at the first stop").isNotEmptyFile();
        java.nio.file.attribute.FileTime recorded = Files.getLastModifiedTime(archive);

        Process second = berth.startDaemon();
        // The JVM gives the native heap glibc keeps back, where this JDK has the option (checked at the first start).
        String jvm = System.getenv("JAVA_HOME") != null ? System.getenv("JAVA_HOME") + "/bin/java" : "java";
        boolean trims = new ProcessBuilder(jvm, "-XX:TrimNativeHeapInterval=5000", "-version")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor() == 0;
        String commandLine = Files.readString(Path.of("/proc", Long.toString(second.pid()), "cmdline")).replace('\0', ' ');
        assertThat(commandLine.contains(" -XX:TrimNativeHeapInterval=5000 ")).as(commandLine).isEqualTo(trims);
        assertThat(Files.readAllLines(berth.home.resolve("lib/berth.jsa.stamp")).get(1))
                .isEqualTo(trims ? "-XX:TrimNativeHeapInterval=5000" : "");
        assertThat(commandLine).contains(" -XX:SharedArchiveFile=" + archive + " ");
        stopped(second);
        assertThat(Files.getLastModifiedTime(archive)).as("used as it is by the next start").isEqualTo(recorded);

        // A jar of lib/ replaced (an upgrade): the JVM would ignore the archive, so it is recorded again.
        Path felix;
        try (var jars = Files.list(berth.home.resolve("lib"))) {
            felix = jars.filter(j -> j.getFileName().toString().startsWith("org.apache.felix.framework")).findFirst().orElseThrow();
        }
        Files.setLastModifiedTime(felix, java.nio.file.attribute.FileTime.from(java.time.Instant.now().plusSeconds(5)));
        stopped(berth.startDaemon());
        assertThat(archive).isNotEmptyFile();
        assertThat(Files.getLastModifiedTime(archive)).as("recorded again").isNotEqualTo(recorded);
    }

    /** Stops a daemon that answers, with SIGTERM, and waits for it to end. */
    private void stopped(Process daemon) throws Exception {
        assertThat(berth.berth("version").status()).isZero();
        daemon.destroy();
        assertThat(daemon.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    }

    /** The framework cache's bundle directories (bundle1, bundle2…): one per installed bundle, numbered by its id. */
    private static List<String> bundleDirectories(Path cache) throws IOException {
        try (var dirs = Files.list(cache)) {
            return dirs.map(d -> d.getFileName().toString()).filter(n -> n.matches("bundle\\d+")).sorted().toList();
        }
    }

    @Test
    void bundlesInDeployAreStartedAndRemovedAndConfigurationChangesApplyLive() throws Exception {
        berth.startDaemon();
        Path deploy = berth.home.resolve("deploy");
        Path staging = Files.createTempFile(berth.home, "driver", ".tmp");
        Files.write(staging, TinyBundles.storageDriverBundle("io.berth.itests.fake", FakeStorageDriver.class, "fake", 0));
        Files.move(staging, deploy.resolve("fake-driver.jar"), StandardCopyOption.ATOMIC_MOVE);
        Files.write(staging, TinyBundles.storageDriverBundle("io.berth.itests.better", FakeStorageDriver.class, "better", 1000));
        Files.move(staging, deploy.resolve("better-driver.jar"), StandardCopyOption.ATOMIC_MOVE);

        Conditions.await("both deployed drivers listed", Duration.ofSeconds(20), () -> {
            String names = berth.berth("drivers", "-q").out();
            return names.contains("fake") && names.contains("better");
        });
        assertThat(defaultStorage()).isEqualTo("better");

        // conf/berth.engine.cfg is followed live.
        Path cfg = berth.home.resolve("conf/berth.engine.cfg");
        Files.writeString(cfg, Files.readString(cfg).replace("defaultStorage =", "defaultStorage = fake")
                .replace("insecureRegistries =", "insecureRegistries = registry.test:5000"));
        Conditions.await("the new default storage driver", Duration.ofSeconds(20), () -> "fake".equals(defaultStorage()));
        assertThat(berth.berth("info", "--format", "{{json .InsecureRegistries}}").out())
                .isEqualTo("[\"registry.test:5000\"]\n");

        Files.delete(deploy.resolve("fake-driver.jar"));
        Conditions.await("the removed driver gone", Duration.ofSeconds(20),
                () -> !berth.berth("drivers", "-q").out().contains("fake"));
        assertThat(defaultStorage()).as("the configured default is gone: the highest ranked one serves").isEqualTo("better");
    }

    @Test
    void theConsoleHasABerthPromptAndExitStopsTheDaemon() throws Exception {
        try (TerminalSession console = new TerminalSession(berth.home.resolve("bin/berth") + " --root " + berth.root
                + " --run-root " + berth.runRoot, 40, 120, Map.of())) {
            int at = console.await("berth> ", 0);
            console.type("info\n");
            console.await("Berth Root Dir: " + berth.root, at);
            // The console's daemon answers bin/berth too.
            assertThat(berth.berth("info").out()).contains("Berth Root Dir: " + berth.root);
            assertThat(gogoJlineState()).as("the console's own bundle").isEqualTo("Active");
            console.type("exit\n");
            assertThat(console.waitFor()).isZero();
        }
        assertThat(berth.socket()).doesNotExist();

        // A daemon on the same run root reuses the framework's cache, where the console had Gogo's JLine shell
        // started: it is left for a command that needs it all the same.
        Process daemon = berth.startDaemon();
        assertThat(berth.berth("version").status()).isZero();
        assertThat(gogoJlineStarted(daemon)).isFalse();
    }

    /**
     * Whether Gogo's JLine shell has started in the daemon: its activator has made its {@code Shell} command (seen in
     * the JVM's class histogram, so that no Gogo command of the test's starts it).
     */
    private static boolean gogoJlineStarted(Process daemon) throws Exception {
        Process jcmd = new ProcessBuilder("jcmd", Long.toString(daemon.pid()), "GC.class_histogram")
                .redirectErrorStream(true).start();
        String histogram = new String(jcmd.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(jcmd.waitFor()).as(histogram).isZero();
        return java.util.regex.Pattern.compile("(?m)\\sorg\\.apache\\.felix\\.gogo\\.jline\\.Shell(\\s|$)")
                .matcher(histogram).find();
    }

    /** The state of Gogo's JLine shell in the running daemon, as felix:lb prints it (Resolved, Active...). */
    private String gogoJlineState() throws Exception {
        Installation.Result lb = berth.berth("felix:lb", "-s");
        assertThat(lb.status()).as(lb.err()).isZero();
        return lb.out().lines().filter(l -> l.contains("|org.apache.felix.gogo.jline ")).findFirst()
                .map(l -> l.split("\\|")[1].strip()).orElseThrow();
    }

    @Test
    void berthShellIsARemoteConsoleInRawModeThatFollowsTheWindowSize() throws Exception {
        berth.startDaemon();
        try (TerminalSession shell = new TerminalSession(berth.home.resolve("bin/berth") + " shell", 30, 100,
                Map.of("BERTH_HOST", berth.host()))) {
            int at = shell.await("berth> ", 0);
            assertThat(shell.stty("-a")).as("the user's terminal is raw while the shell runs").contains("-icanon", "-echo ");
            shell.type("echo $COLUMNS\n");
            at = shell.await("100", at);
            // The window grows: the kernel sends SIGWINCH to the client, which tells the daemon.
            shell.stty("cols", "123", "rows", "31");
            shell.type("echo $COLUMNS\n");
            at = shell.await("123", at);
            // Ctrl-C interrupts the running command, not the client.
            shell.type("echo started; sleep 100000\n");
            at = shell.await("started\r\n", at);
            shell.type("\u0003");
            at = shell.await("sleep interrupted", at);
            shell.type("version --format {{.Os}}\n");
            at = shell.await("linux", at);
            shell.type("exit\n");
            assertThat(shell.waitFor()).isZero();
        }
        assertThat(berth.berth("version").status()).as("the daemon keeps running").isZero();

        Installation.Result noTerminal = berth.berth("shell");
        assertThat(noTerminal.status()).isEqualTo(1);
        assertThat(noTerminal.err()).isEqualTo("Error: berth shell needs a terminal: run it from an interactive terminal\n");
    }

    private String defaultStorage() throws Exception {
        return berth.berth("drivers", "--format", "{{.Type}} {{.Default}} {{.Name}}").out().lines()
                .filter(l -> l.startsWith("storage true ")).map(l -> l.substring("storage true ".length()))
                .findFirst().orElse("");
    }
}
