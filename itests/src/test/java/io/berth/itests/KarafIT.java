package io.berth.itests;

import io.berth.shim.Subreaper;
import io.berth.testing.BusyboxImage;
import io.berth.testing.Requirements;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Berth in Apache Karaf 4.4 as a Karaf user installs it: the distribution from Maven Central,
 * unpacked by the build ({@code target/karaf}), copied here and configured only as a user would
 * (a login for its ssh console, its ports on loopback, the local Maven repository to take bundles
 * from, offline, and {@code etc/berth.engine.cfg}); then {@code feature:repo-add} and
 * {@code feature:install berth} through Karaf's own client, over its ssh console. The engine runs
 * on Karaf's ConfigAdmin, Event Admin and console (and Felix SCR, which the feature brings as
 * dependency bundles since this Karaf has no scr feature installed); containers outlive an
 * uninstall of the feature and are picked up by the next install.
 */
class KarafIT {
    /** Karaf's scripts find Java through JAVA_HOME: this JVM's. */
    private static final Map<String, String> JAVA = Map.of("JAVA_HOME", System.getProperty("java.home"));
    private Path work;
    private Path karaf;
    private Process process;
    private int sshPort;
    private String bridge;
    private String chainPrefix;

    @BeforeEach
    void setUp() throws Exception {
        Requirements.require(Requirements.isRoot(), "containers need root");
        Requirements.require(BusyboxImage.available(), "busybox is not installed (apt-get install busybox-static)");
        Path unpacked = Path.of(System.getProperty("berth.karaf", "target/karaf/apache-karaf-4.4.10"));
        Requirements.require(Files.isDirectory(unpacked), "Karaf is not unpacked at " + unpacked + " (mvn verify unpacks it)");
        Subreaper.start();
        work = Files.createTempDirectory("berth-karaf");
        karaf = work.resolve("karaf");
        run(new ProcessBuilder("cp", "-a", unpacked.toString(), karaf.toString()));
        // What Karaf's felix-http and webconsole features install, fetched by the build: added to its system/ repository
        // as a user of an offline Karaf adds bundles.
        Path system = Path.of(System.getProperty("berth.karaf.system", "target/karaf-system"));
        Requirements.require(Files.isDirectory(system), "Karaf's WebConsole bundles are not at " + system + " (mvn verify fetches them)");
        run(new ProcessBuilder("cp", "-a", system + "/.", karaf.resolve("system").toString()));
        String tag = java.util.HexFormat.of().formatHex(java.security.SecureRandom.getSeed(3));
        bridge = "bka" + tag;
        chainPrefix = "BKA" + tag.toUpperCase(java.util.Locale.ROOT);
        configure();
        ProcessBuilder server = new ProcessBuilder(karaf.resolve("bin/karaf").toString(), "server");
        server.environment().putAll(JAVA);
        process = server.redirectErrorStream(true).redirectOutput(work.resolve("karaf.out").toFile()).start();
        Conditions.await("Karaf's ssh console", Duration.ofSeconds(120), () -> {
            try {
                return console("bundle:list -t 0 | grep -c Active").status() == 0;
            } catch (AssertionError | IOException e) {
                return false;
            }
        });
    }

    /** What a user changes in a fresh Karaf: a login, loopback ports, bundles from the local repository, Berth's settings. */
    private void configure() throws IOException {
        Path etc = karaf.resolve("etc");
        Files.writeString(etc.resolve("users.properties"), "karaf = karaf,_g_:admingroup\n"
                + "_g_\\:admingroup = group,admin,manager,viewer,systembundles,ssh\n", java.nio.file.StandardOpenOption.APPEND);
        sshPort = freePort();
        replace(etc.resolve("org.apache.karaf.shell.cfg"), Map.of("sshPort = 8101", "sshPort = " + sshPort,
                "sshHost = 0.0.0.0", "sshHost = 127.0.0.1"));
        replace(etc.resolve("org.apache.karaf.management.cfg"), Map.of("rmiRegistryPort = 1099", "rmiRegistryPort = "
                + freePort(), "rmiServerPort = 44444", "rmiServerPort = " + freePort()));
        // Offline: Karaf's own system/ folder, and the local repository the build filled.
        String mvn = Files.readString(etc.resolve("org.ops4j.pax.url.mvn.cfg"))
                .replaceAll("(?m)^org\\.ops4j\\.pax\\.url\\.mvn\\.repositories=(.*\\\\\\n)*.*$",
                        "org.ops4j.pax.url.mvn.repositories=");
        Files.writeString(etc.resolve("org.ops4j.pax.url.mvn.cfg"), mvn + "\norg.ops4j.pax.url.mvn.localRepository="
                + System.getProperty("org.ops4j.pax.url.mvn.localRepository", System.getProperty("user.home") + "/.m2/repository")
                + "\norg.ops4j.pax.url.mvn.offline=true\n");
        Files.writeString(etc.resolve("berth.engine.cfg"), "root = " + work.resolve("root") + "\nrunRoot = " + work.resolve("run")
                + "\nbridgeName = " + bridge + "\nchainPrefix = " + chainPrefix + "\n");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (work == null) {
            return;
        }
        try {
            if (process != null && process.isAlive()) {
                String all = console("berth:ps -aq").out().strip();
                if (!all.isEmpty() && !all.contains("Command not found")) {
                    console("berth:rm -f " + String.join(" ", all.split("\\s+")));
                }
                run(new ProcessBuilder(karaf.resolve("bin/stop").toString()));
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            }
            stopAnyKaraf();
            assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(work.toString());
        } finally {
            leftovers();
            io.berth.testing.HostNetwork.deleteLinks(List.of(bridge));
            io.berth.testing.HostNetwork.deleteChains(chainPrefix);
            run(new ProcessBuilder("rm", "-rf", "--", work.toString()));
        }
    }

    @Test
    void berthsFeaturesInstallInKarafAndItsConsoleRunsContainers() throws Exception {
        String version = System.getProperty("berth.version", "0.1.0-SNAPSHOT");
        consoleOk("feature:repo-add mvn:io.berth/berth-features/" + version + "/xml/features");
        Path archive = work.resolve("busybox.tar");
        BusyboxImage.build().writeDockerArchive(archive, "busybox:latest");

        // Both read after a full collection (heap() runs one first).
        String heapBefore = heap();
        long rssBefore = rssKilobytes();
        long installing = System.nanoTime();
        consoleOk("feature:install berth");
        consoleOk("berth:load -i " + archive);
        assertThat(consoleOk("berth:run -d --name k1 busybox sleep 300").out().strip()).matches("[0-9a-f]{64}");
        long firstContainer = (System.nanoTime() - installing) / 1_000_000;
        String heapWith = heap();
        long rssWith = rssKilobytes();

        // One DS, ConfigAdmin and shell: Berth brings no second copy of Karaf's.
        List<String> bundles = symbolicNames(consoleOk("bundle:list -t 0 -s").out());
        for (String one : List.of("org.apache.felix.scr", "org.apache.felix.configadmin", "org.apache.felix.fileinstall")) {
            assertThat(bundles).as(one).containsOnlyOnce(one);
        }
        for (String atMostKarafs : List.of("org.apache.felix.gogo.runtime", "org.apache.felix.gogo.command", "org.jline")) {
            assertThat(bundles.stream().filter(atMostKarafs::equals).count()).as(atMostKarafs).isLessThanOrEqualTo(1);
        }
        // Karaf's Event Admin, not Felix's of the distribution, carries the engine's events.
        assertThat(bundles).doesNotContain("org.apache.felix.gogo.jline", "org.apache.felix.eventadmin")
                .contains("io.berth.event-admin", "org.apache.karaf.services.eventadmin");
        assertThat(consoleOk("feature:list -i").out()).containsPattern("(?m)^berth\\s");
        // The engine's settings are Karaf's etc/berth.engine.cfg.
        // berth:shell needs Gogo's JLine shell, which Karaf does not have: not offered.
        assertThat(consoleOk("berth:help").out()).contains("Commands:").doesNotContainPattern("(?m)^ +shell ");
        assertThat(consoleOk("berth:info").out()).contains("Berth Root Dir: " + work.resolve("root"))
                .contains("Run Root Dir: " + work.resolve("run"));
        assertThat(consoleOk("berth:run --rm --network none busybox echo hi").out()).isEqualTo("hi\n");
        assertThat(consoleOk("berth:ps --format '{{.Names}} {{.Status}}'").out()).startsWith("k1 Up");

        // Uninstalled, the engine goes; its containers do not. Installed again, it picks them up.
        String pid = consoleOk("berth:inspect -f '{{.State.Pid}}' k1").out().strip();
        consoleOk("feature:uninstall berth");
        assertThat(console("bundle:list -t 0 -s").out()).doesNotContain("io.berth.");
        assertThat(Path.of("/proc", pid)).exists();
        consoleOk("feature:install berth");
        Conditions.await("k1 picked up again", Duration.ofSeconds(30),
                () -> console("berth:ps --format '{{.Names}} {{.Status}}'").out().startsWith("k1 Up"));
        assertThat(consoleOk("berth:inspect -f '{{.State.Pid}}' k1").out().strip()).isEqualTo(pid);
        consoleOk("berth:rm -f k1");

        // The optional parts, each a feature: runc and crun, the Docker API (the docker CLI on its socket), compose.
        consoleOk("feature:install berth-driver-oci berth-docker-api berth-compose");
        assertThat(consoleOk("berth:run --rm --network none --runtime runc busybox echo runc").out()).isEqualTo("runc\n");
        Path socket = work.resolve("run/docker.sock");
        Conditions.await("the Docker API socket", Duration.ofSeconds(30), () -> Files.exists(socket));
        ProcessBuilder docker = new ProcessBuilder("docker", "-H", "unix://" + socket, "run", "--rm", "--network", "none",
                "busybox", "echo", "through the API");
        docker.environment().put("DOCKER_CONFIG", Files.createDirectories(work.resolve("docker-config")).toString());
        Installation.Result api = Installation.run(docker, null, "docker run");
        assertThat(api.status()).as(api.err()).isZero();
        assertThat(api.out()).isEqualTo("through the API\n");
        Path compose = Files.writeString(work.resolve("compose.yaml"),
                "services:\n  web:\n    image: busybox\n    command: sleep 300\n    network_mode: none\n");
        consoleOk("berth:compose -f " + compose + " -p kp up -d");
        assertThat(consoleOk("berth:ps --format '{{.Names}}'").out()).isEqualTo("kp-web-1\n");
        consoleOk("berth:compose -f " + compose + " -p kp down");
        heap();
        long rssOptional = rssKilobytes();

        webConsolePage();

        // Beside it in the same run, the plain distribution's daemon (Felix with all of Berth's parts) running a container.
        String plainHeap;
        long plainRss;
        try (Installation plain = new Installation()) {
            long daemon = plain.startDaemon().pid();
            assertThat(plain.berth("load", "-i", archive.toString()).status()).isZero();
            assertThat(plain.berth("run", "-d", "--network", "none", "busybox", "sleep", "300").status()).isZero();
            plainHeap = heap(daemon);
            plainRss = rssKilobytes(daemon);
            plain.berth("rm", "-f", plain.berth("ps", "-q").out().strip());
        }

        // Figures for the record (never asserted): Karaf's JVM before Berth, with it, with its optional parts.
        System.out.println("KarafIT: feature:install berth to the first container running " + firstContainer
                + " ms; Karaf's VmRSS " + rssBefore / 1024 + " MB before, " + rssWith / 1024 + " MB with Berth running a container, "
                + rssOptional / 1024 + " MB with its optional features too; heap used (after a GC) " + heapBefore
                + " before, " + heapWith + " with Berth; the plain distribution's daemon running a container: VmRSS "
                + plainRss / 1024 + " MB, heap used " + plainHeap);
    }

    /**
     * Karaf's WebConsole, on Karaf's felix-http feature (Felix's HTTP service on a loopback port), shows Berth's page:
     * Debian's Chromium logs in as Karaf's user, sees a container running, stops it with the page's button.
     */
    private void webConsolePage() throws Exception {
        Requirements.require(Files.isExecutable(Path.of("/usr/bin/chromium")), "chromium is not installed (apt-get install chromium)");
        int httpPort = freePort();
        Files.writeString(karaf.resolve("etc/org.apache.felix.http.cfg"), "org.osgi.service.http.port = " + httpPort
                + "\norg.apache.felix.http.host = 127.0.0.1\n");
        consoleOk("feature:install felix-http berth-webconsole");
        assertThat(consoleOk("feature:list -i").out()).containsPattern("(?m)^webconsole\\s").containsPattern("(?m)^berth-webconsole\\s");
        consoleOk("berth:run -d --name webk --network none busybox sleep 300");
        Path reports = Files.createDirectories(Path.of("target/failsafe-reports"));
        try (HeadlessChromium browser = new HeadlessChromium(work.resolve("chromium"))) {
            browser.call("Network.enable", Map.of());
            browser.call("Network.setExtraHTTPHeaders", Map.of("headers", Map.of("Authorization", "Basic "
                    + java.util.Base64.getEncoder().encodeToString("karaf:karaf".getBytes(java.nio.charset.StandardCharsets.UTF_8)))));
            browser.call("Page.enable", Map.of());
            String row = "document.querySelector('tr[data-container=\"webk\"]')";
            Conditions.await("webk running on Karaf's WebConsole", Duration.ofSeconds(60), () -> {
                // Felix's HTTP service and the console's plugins come up one after the other: load the page again until it is there.
                if ("null".equals(browser.evaluate(row + " && " + row + ".getAttribute('data-state')").asText())) {
                    browser.call("Page.navigate", Map.of("url", "http://127.0.0.1:" + httpPort + "/system/console/berth"));
                    Thread.sleep(500);
                }
                return "running".equals(browser.evaluate(row + " && " + row + ".getAttribute('data-state')").asText());
            });
            assertThat(browser.evaluate("document.querySelector('#berth-drivers').textContent").asText()).contains("overlay");
            browser.evaluate(row + ".querySelector('button[data-action=\"stop\"]').click()");
            Conditions.await("webk stopped by the page's button", Duration.ofSeconds(60),
                    () -> console("berth:inspect -f '{{.State.Status}}' webk").out().strip().equals("exited"));
            Conditions.await("webk exited on the page", Duration.ofSeconds(30), () ->
                    "exited".equals(browser.evaluate(row + ".getAttribute('data-state')").asText()));
            assertThat(browser.evaluate("document.getElementById('berth-error').textContent").asText()).isEmpty();
            Files.write(reports.resolve("webconsole-berth-karaf.png"), browser.screenshot());
        }
        consoleOk("berth:rm webk");
    }

    @Test
    void anInteractiveContainerInKarafsSshAndLocalConsoles() throws Exception {
        String version = System.getProperty("berth.version", "0.1.0-SNAPSHOT");
        consoleOk("feature:repo-add mvn:io.berth/berth-features/" + version + "/xml/features");
        consoleOk("feature:install berth");
        Path archive = work.resolve("busybox.tar");
        BusyboxImage.build().writeDockerArchive(archive, "busybox:latest");
        consoleOk("berth:load -i " + archive);
        String client = karaf.resolve("bin/client") + " -a " + sshPort + " -u karaf -p karaf";
        // Karaf's prompt, karaf@root()> with the user's name in bold.
        try (TerminalSession t = new TerminalSession(client, 30, 100, JAVA)) {
            interactiveShell(t, t.await("@root()>", 0));
            t.type("logout\r");
            t.waitFor();
        }
        assertThat(consoleOk("berth:ps -aq").out()).isBlank();

        // Karaf's local console: bin/karaf on the user's terminal, Berth installed from before the restart. Its
        // terminal buffers what commands write until they flush it, which a Gogo pipe's flush does not reach.
        stopAnyKaraf();
        try (TerminalSession t = new TerminalSession(karaf.resolve("bin/karaf").toString(), 30, 100, JAVA)) {
            int at = t.await("@root()>", 0, Duration.ofSeconds(120));
            Conditions.await("Berth's commands back after the restart", Duration.ofSeconds(60), () -> {
                try {
                    return consoleOk("berth:info").out().contains(work.resolve("run").toString());
                } catch (AssertionError | IOException e) {
                    return false;
                }
            });
            interactiveShell(t, at);
            assertThat(consoleOk("berth:ps -aq").out()).isBlank();
            // logout on the local console shuts Karaf down.
            t.type("logout\r");
            t.waitFor();
        }
    }

    /**
     * In a Karaf console on terminal {@code t} (its prompt at {@code at}): {@code berth:run -it} of a shell that
     * sees the terminal's size and a pts, answers, and exits back to Karaf's prompt.
     */
    private static void interactiveShell(TerminalSession t, int at) throws Exception {
        t.type("berth:run -it --rm --network none busybox sh\r");
        at = t.await("/ # ", at);
        t.type("stty size; tty; echo $((6*7))\r");
        at = t.await("30 100", at);
        at = t.await("/dev/pts/", at);
        at = t.await("42", at);
        t.type("exit\r");
        t.await("@root()>", at);
    }

    /** Stops the Karaf of this test's home, however it was started (its shutdown port), and waits until it is gone. */
    private void stopAnyKaraf() throws Exception {
        if (karaf == null || !Files.isDirectory(karaf)) {
            return;
        }
        java.util.Properties instances = new java.util.Properties();
        Path recorded = karaf.resolve("instances/instance.properties");
        if (Files.isRegularFile(recorded)) {
            try (var in = Files.newInputStream(recorded)) {
                instances.load(in);
            }
        }
        run(new ProcessBuilder(karaf.resolve("bin/stop").toString()));
        Conditions.await("Karaf stopped", Duration.ofSeconds(60), () -> {
            ProcessBuilder status = new ProcessBuilder(karaf.resolve("bin/status").toString());
            status.environment().putAll(JAVA);
            Process p = status.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() != 0;
        });
        // Its JVM outlives bin/karaf's script, so this subreaper adopts it: reaped here, or bin/karaf would take the
        // zombie's pid (instance.properties) for a running Karaf and refuse to start again.
        String pid = instances.getProperty("item.0.pid", "").strip();
        if (pid.matches("\\d+")) {
            Conditions.await("Karaf's JVM " + pid + " gone", Duration.ofSeconds(30), () -> {
                io.berth.posix.Native.reap(Integer.parseInt(pid));
                return !Files.exists(Path.of("/proc", pid));
            });
        }
    }

    /**
     * After a failure: the containers the test's engine left (their first processes, by the pids
     * its runtimes recorded, so their shims end), and the mounts under the test's directory.
     */
    private void leftovers() throws IOException, InterruptedException {
        for (String runtime : List.of("native", "oci")) {
            Path states = work.resolve("run").resolve(runtime);
            if (!Files.isDirectory(states)) {
                continue;
            }
            try (var files = Files.walk(states, 3)) {
                for (Path init : files.filter(f -> f.getFileName().toString().equals("init.pid")).toList()) {
                    ProcessHandle.of(Long.parseLong(Files.readString(init).strip())).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        }
        List<String> mounts = new ArrayList<>();
        List<Path> hierarchies = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ");
            String point = f[4];
            if (point.startsWith(work.toString())) {
                mounts.add(0, point);
            }
            String type = f[List.of(f).indexOf("-") + 1];
            if (type.equals("cgroup") || type.equals("cgroup2")) {
                hierarchies.add(Path.of(point));
            }
        }
        for (String point : mounts) {
            run(new ProcessBuilder("umount", "-l", point));
        }
        // Their cgroups, under the engine's berth/ parent in each hierarchy, once their processes are gone.
        Path records = work.resolve("root").resolve("containers");
        if (Files.isDirectory(records)) {
            try (var ids = Files.list(records)) {
                for (Path id : ids.toList()) {
                    for (Path h : hierarchies) {
                        Path cgroup = h.resolve("berth").resolve(id.getFileName().toString());
                        for (int i = 0; i < 50 && Files.isDirectory(cgroup); i++) {
                            try {
                                Files.delete(cgroup);
                            } catch (IOException busy) {
                                Thread.sleep(100);
                            }
                        }
                    }
                }
            }
        }
    }

    /** Runs one command in Karaf's console through its client (ssh), as a script would. */
    private Installation.Result console(String command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(karaf.resolve("bin/client").toString(), "-a", Integer.toString(sshPort),
                "-u", "karaf", "-p", "karaf", "-b");
        pb.environment().putAll(JAVA);
        try {
            return Installation.run(pb, (command + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8), "karaf: " + command);
        } catch (Exception e) {
            throw new IOException("karaf: " + command + ": " + e.getMessage(), e);
        }
    }

    /** A console command that must succeed: Karaf's client says "Error executing command" on its output when not. */
    private Installation.Result consoleOk(String command) throws IOException {
        Installation.Result r = console(command);
        assertThat(r.status()).as("karaf: %s: %s%s", command, r.out(), r.err()).isZero();
        assertThat(r.out() + r.err()).as("karaf: %s", command).doesNotContain("Error executing command")
                .doesNotContain("Command not found");
        return r;
    }

    /** The heap Karaf's JVM uses after a full collection. */
    private String heap() throws Exception {
        return heap(karafJava().pid());
    }

    /** The heap a JVM uses after a full collection, as jcmd's GC.heap_info says it ("used NNNK" of each generation). */
    private static String heap(long pid) throws Exception {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        run(new ProcessBuilder(jcmd, Long.toString(pid), "GC.run"));
        Installation.Result info = Installation.run(new ProcessBuilder(jcmd, Long.toString(pid), "GC.heap_info"), null, "jcmd");
        // The heap's generations (one line for G1, young and old for the serial collector), not the metaspace.
        long kilobytes = 0;
        boolean found = false;
        for (String line : info.out().split("\n")) {
            java.util.regex.Matcher used = java.util.regex.Pattern.compile("used (\\d+)K").matcher(line);
            if (!line.contains("Metaspace") && !line.contains("class space") && used.find()) {
                kilobytes += Long.parseLong(used.group(1));
                found = true;
            }
        }
        return found ? kilobytes / 1024 + " MB" : "unknown (" + info.out().strip() + ")";
    }

    /** Karaf's JVM: the java process under bin/karaf's script. */
    private ProcessHandle karafJava() {
        List<ProcessHandle> all = new ArrayList<>();
        all.add(process.toHandle());
        process.toHandle().descendants().forEach(all::add);
        return all.stream().filter(h -> h.info().command().orElse("").endsWith("/java")).findFirst()
                .orElseThrow(() -> new AssertionError("no java process under Karaf's " + process.pid()));
    }

    /** Karaf's JVM's resident set. */
    private long rssKilobytes() throws IOException {
        return rssKilobytes(karafJava().pid());
    }

    /** A process's resident set (VmRSS), in kB. */
    private static long rssKilobytes(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new AssertionError("no VmRSS for " + pid);
    }

    /** The last column of {@code bundle:list -s}: each bundle's symbolic name. */
    private static List<String> symbolicNames(String table) {
        List<String> names = new ArrayList<>();
        for (String line : table.split("\n")) {
            String[] columns = line.split("[|\u2502]");
            if (columns.length >= 5) {
                names.add(columns[columns.length - 1].strip());
            }
        }
        return names;
    }

    private static void replace(Path file, Map<String, String> replacements) throws IOException {
        String s = Files.readString(file);
        for (Map.Entry<String, String> r : replacements.entrySet()) {
            assertThat(s).as(file + " has '" + r.getKey() + "'").contains(r.getKey());
            s = s.replace(r.getKey(), r.getValue());
        }
        Files.writeString(file, s);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void run(ProcessBuilder pb) throws IOException, InterruptedException {
        Process p = pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", pb.command()) + " did not finish");
        }
    }
}
