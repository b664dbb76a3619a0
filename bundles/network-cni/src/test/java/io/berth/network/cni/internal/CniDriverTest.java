package io.berth.network.cni.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.api.InvalidArgumentException;
import io.berth.api.network.Endpoint;
import io.berth.api.network.EndpointRequest;
import io.berth.api.network.IpamConfig;
import io.berth.api.network.Network;
import io.berth.api.network.PortMapping;
import io.berth.netlink.NetHelper;
import io.berth.testing.Requirements;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The CNI driver with Debian's plugins on the real kernel (root): bridge + host-local + portmap
 * networks, two namespaces that reach each other, a published port reached from the host, DEL that
 * leaves no interface, address or rule, a failing ADD that leaves nothing, and a DEL after the
 * namespace is gone. Names are unique per run (bridge and CNI network {@code bcn<hex>}, subnet
 * {@code 10.218.X.0/24}, host-local's files in the test's directory); everything the plugins made is
 * removed afterwards, and the CNI rules of iptables are checked to be as they were.
 */
class CniDriverTest {
    private static final Path PLUGINS = Path.of("/usr/lib/cni");

    @TempDir
    Path dir;
    private String suffix;
    private String bridge;
    private String prefix;
    private Path configDir;
    private Path dataDir;
    private NetHelper net;
    private CniDriver driver;
    private String ipForward;
    private final Map<String, String> rulesBefore = new LinkedHashMap<>();
    private final Set<String> cniNames = new LinkedHashSet<>();
    private final Set<String> containerIds = new LinkedHashSet<>();
    private final List<Path> namespaces = new ArrayList<>();
    private final List<Process> servers = new ArrayList<>();
    /** Endpoints connected and not yet disconnected, with their network: disconnected after a failed test. */
    private final Map<Endpoint, Network> connected = new LinkedHashMap<>();

    @BeforeEach
    void setUp() throws Exception {
        Requirements.require(Requirements.isRoot(), "bridges, namespaces and iptables need root");
        Requirements.require(Files.isExecutable(PLUGINS.resolve("bridge")), "the CNI plugins are not installed in "
                + PLUGINS + " (apt-get install containernetworking-plugins)");
        Requirements.requireTool("iptables-save", "iptables");
        Requirements.requireTool("nsenter", "util-linux");
        Requirements.require(Files.isExecutable(Path.of("/bin/busybox")), "busybox is not installed (busybox-static)");
        for (String tool : List.of("iptables", "ip6tables")) {
            rulesBefore.put(tool, save(tool));
        }
        ipForward = Files.readString(Path.of("/proc/sys/net/ipv4/ip_forward")).strip();
        suffix = HexFormat.of().formatHex(SecureRandom.getSeed(3));
        bridge = "bcn" + suffix;
        prefix = freeSubnetPrefix();
        configDir = Files.createDirectories(dir.resolve("net.d"));
        dataDir = dir.resolve("ipam");
        net = NetHelper.install(dir.resolve("run"));
        driver = new CniDriver(configDir, new CniPlugins(PLUGINS.toString(), Duration.ofSeconds(60)));
        Files.writeString(configDir.resolve(bridge + ".conflist"), conflist(bridge, ""));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (suffix == null) {
            return; // skipped
        }
        for (Process p : servers) {
            p.destroy();
            p.waitFor(5, TimeUnit.SECONDS);
        }
        List<Throwable> problems = new ArrayList<>();
        connected.forEach((e, n) -> {
            try {
                driver.disconnect(n, e);
            } catch (IOException | RuntimeException ex) {
                problems.add(ex);
            }
        });
        for (Path ns : namespaces) {
            net.netnsDelete(ns);
        }
        net.bridgeDelete(bridge);
        for (String tool : List.of("iptables", "ip6tables")) {
            removeOurRules(tool);
        }
        if (ipForward.equals("0")) {
            Files.writeString(Path.of("/proc/sys/net/ipv4/ip_forward"), "0");
        }
        assertThat(NetHelper.linkExists(bridge)).isFalse();
        assertThat(run("ip", "-o", "link")).doesNotContain(bridge);
        for (String tool : List.of("iptables", "ip6tables")) {
            assertThat(relevant(save(tool))).as(tool + " rules after the test").isEqualTo(relevant(rulesBefore.get(tool)));
        }
        assertThat(problems).as("disconnects in the clean-up").isEmpty();
    }

    /** A bridge + host-local + portmap list (ipMasq, hairpin, snat), with more plugins after portmap. */
    private String conflist(String name, String more) {
        return """
                {
                  "cniVersion": "1.0.0",
                  "name": "%s",
                  "plugins": [
                    {"type": "bridge", "bridge": "%s", "isGateway": true, "ipMasq": true, "hairpinMode": true,
                     "ipam": {"type": "host-local", "ranges": [[{"subnet": "%s0/24", "gateway": "%s1"}]],
                              "routes": [{"dst": "0.0.0.0/0"}], "dataDir": "%s"}},
                    {"type": "portmap", "capabilities": {"portMappings": true}, "snat": true}%s
                  ]
                }
                """.formatted(name, bridge, prefix, prefix, dataDir, more);
    }

    private Network network(String name, Map<String, String> options) {
        cniNames.add(name);
        return Network.builder().id(HexFormat.of().formatHex(SecureRandom.getSeed(32))).name(name).driver("cni")
                .options(options).build();
    }

    private String containerId() {
        String id = HexFormat.of().formatHex(SecureRandom.getSeed(32));
        containerIds.add(id);
        return id;
    }

    private Path namespace(String name) throws IOException {
        Path ns = dir.resolve("ns-" + name);
        net.netnsAdd(ns);
        namespaces.add(ns);
        return ns;
    }

    private Endpoint connect(Network n, String id, Path ns, List<PortMapping> ports) throws IOException {
        Endpoint e = driver.connect(n, new EndpointRequest(id, "c" + id.substring(0, 6), ns, "eth0", null, null, null,
                null, null, ports));
        connected.put(e, n);
        return e;
    }

    private void disconnect(Network n, Endpoint e) throws IOException {
        driver.disconnect(n, e);
        connected.remove(e);
    }

    @Test
    void createKeepsTheConfigAndShowsItsRanges() throws Exception {
        Path file = configDir.resolve(bridge + ".conflist");
        Network made = driver.create(network("web", Map.of(CniDriver.CONFIG, bridge)));
        assertThat(made.options()).containsEntry(CniDriver.CONFIG, bridge)
                .containsEntry(CniDriver.CONFIG_FILE, file.toString())
                .containsEntry(CniDriver.CONFLIST, Files.readString(file));
        assertThat(made.ipam()).containsExactly(new IpamConfig(prefix + "0/24", prefix + "1", null));
        assertThat(made.id()).isNotNull();
        assertThat(driver.assignsAddresses()).isTrue();

        // Without the option the network's own name is the config's; a .conf in the directory is found by its name.
        assertThat(driver.create(network(bridge, Map.of())).options())
                .containsEntry(CniDriver.CONFLIST, Files.readString(file));
        Files.writeString(configDir.resolve("99-other.conf"), """
                {"cniVersion": "1.0.0", "name": "%sb", "type": "bridge", "bridge": "%s",
                 "ipam": {"type": "host-local", "subnet": "%s0/24", "dataDir": "%s"}}"""
                .formatted(bridge, bridge, prefix, dataDir));
        Network single = driver.create(network("other", Map.of(CniDriver.CONFIG, bridge + "b")));
        assertThat(single.ipam()).containsExactly(new IpamConfig(prefix + "0/24", prefix + "1", null));
        assertThat(CniConfigList.JSON.readTree(single.options().get(CniDriver.CONFLIST)).get("plugins").size()).isEqualTo(1);
    }

    @Test
    void createRefusesWhatCannotWorkInOneLine() throws Exception {
        Files.writeString(configDir.resolve("missing-plugin.conflist"), """
                {"cniVersion": "1.0.0", "name": "mp", "plugins": [{"type": "bridge"}, {"type": "foo"}]}""");
        Files.writeString(configDir.resolve("bad.conflist"),
                "{\"cniVersion\": \"1.0.0\",\n \"name\": \"bad\" \"plugins\": []}");
        Files.writeString(configDir.resolve("old.conflist"), """
                {"cniVersion": "0.3.1", "name": "old", "plugins": [{"type": "firewall"}]}""");
        Map<Map<String, String>, String> cases = Map.of(
                Map.of(CniDriver.CONFIG, "nope"), "CNI config \"nope\" not found in " + configDir
                        + " (no nope.conflist, nope.conf, nope.json and no config whose name is nope)",
                Map.of(CniDriver.CONFIG, "missing-plugin"), "CNI config " + configDir.resolve("missing-plugin.conflist")
                        + ": plugin \"foo\" not found in /usr/lib/cni",
                Map.of(CniDriver.CONFIG, "bad"), "CNI config " + configDir.resolve("bad.conflist")
                        + ": invalid JSON at line 2 column 16: Unexpected character ('\"' (code 34)): was expecting comma "
                        + "to separate Object entries",
                Map.of(CniDriver.CONFIG, "old"), "CNI config " + configDir.resolve("old.conflist")
                        + ": plugin \"firewall\" does not support cniVersion 0.3.1 (it supports 0.4.0, 1.0.0)",
                Map.of("color", "blue"), "invalid option for the cni driver: color (it takes cni.config)",
                Map.of(CniDriver.CONFLIST, "{}"), "invalid option for the cni driver: cni.conflist (it takes cni.config)");
        cases.forEach((options, message) -> {
            InvalidArgumentException e = catchThrowableOfType(() -> driver.create(network("x", options)),
                    InvalidArgumentException.class);
            assertThat(e).as(options.toString()).isNotNull();
            assertThat(e.getMessage()).isEqualTo(message).doesNotContain("\n");
        });
        Network withSubnet = network("y", Map.of(CniDriver.CONFIG, bridge)).toBuilder()
                .ipam(List.of(new IpamConfig("10.1.0.0/24", null, null))).build();
        assertThatThrownBy(() -> driver.create(withSubnet)).isInstanceOf(InvalidArgumentException.class)
                .hasMessage("the cni driver takes addresses from the CNI config's IPAM: --subnet, --gateway and --ip-range "
                        + "do not apply");
    }

    @Test
    void connectsPublishesAndDisconnects() throws Exception {
        Network n = driver.create(network("web", Map.of(CniDriver.CONFIG, bridge)));
        // The file changes after the network is made: the network keeps the config it was made with.
        Files.writeString(configDir.resolve(bridge + ".conflist"), "{ broken");
        Path a = namespace("a");
        Path b = namespace("b");
        int hostPort = freePort();
        String idA = containerId();
        String idB = containerId();
        Endpoint ea = connect(n, idA, a, List.of(new PortMapping("tcp", 80, "0.0.0.0", hostPort)));
        Endpoint eb = connect(n, idB, b, List.of());

        assertThat(ea.ipv4()).startsWith(prefix).endsWith("/24");
        assertThat(ea.gateway()).isEqualTo(prefix + "1");
        assertThat(ea.ipv6()).isNull();
        assertThat(ea.hostIfName()).startsWith("veth");
        assertThat(NetHelper.linkExists(ea.hostIfName())).isTrue();
        assertThat(run("ip", "-o", "link", "show", "master", bridge)).contains(ea.hostIfName(), eb.hostIfName());
        assertThat(ea.macAddress()).matches("\\p{XDigit}{2}(:\\p{XDigit}{2}){5}");
        assertThat(run("nsenter", "--net=" + a, "ip", "-o", "link", "show", "eth0")).startsWith("0:")
                .contains("link/ether " + ea.macAddress() + " ");
        assertThat(ea.ports()).containsExactly(new PortMapping("tcp", 80, "0.0.0.0", hostPort));
        assertThat(ea.driverState().get(CniDriver.RUNTIME_CONFIG)).isEqualTo("{\"portMappings\":[{\"hostPort\":" + hostPort
                + ",\"containerPort\":80,\"protocol\":\"tcp\"}]}");
        JsonNode result = CniConfigList.JSON.readTree(ea.driverState().get(CniDriver.RESULT));
        assertThat(result.get("ips").get(0).get("address").asText()).isEqualTo(ea.ipv4());
        assertThat(eb.driverState().get(CniDriver.RUNTIME_CONFIG)).isEqualTo("{}");
        Path ipamFile = dataDir.resolve(bridge).resolve(ea.ipv4Address());
        assertThat(Files.readString(ipamFile)).startsWith(idA);

        assertThat(run("nsenter", "--net=" + b, "/bin/busybox", "ping", "-c1", "-W2", ea.ipv4Address())).startsWith("0:");
        assertThat(run("nsenter", "--net=" + a, "/bin/busybox", "ping", "-c1", "-W2", eb.ipv4Address())).startsWith("0:");

        Path www = Files.createDirectories(dir.resolve("www"));
        Files.writeString(www.resolve("index.html"), "hello from a\n");
        servers.add(new ProcessBuilder("nsenter", "--net=" + a, "/bin/busybox", "httpd", "-f", "-p", "80", "-h",
                www.toString()).start());
        String got = "";
        for (int i = 0; i < 50 && !got.contains("hello"); i++) {
            got = wget("http://127.0.0.1:" + hostPort + "/");
            Thread.sleep(100);
        }
        assertThat(got).isEqualTo("0:hello from a\n");
        assertThat(wget("http://" + hostAddress() + ":" + hostPort + "/")).isEqualTo("0:hello from a\n");
        // From the other container through the host's address (the DNAT of PREROUTING).
        assertThat(run("nsenter", "--net=" + b, "timeout", "5", "/bin/busybox", "wget", "-q", "-O-",
                "http://" + hostAddress() + ":" + hostPort + "/")).isEqualTo("0:hello from a\n");
        String rules = save("iptables");
        assertThat(rules).contains("--dports " + hostPort + " ")
                .contains(":" + MasqueradeChains.chainName(bridge, idA) + " ")
                .contains(":" + MasqueradeChains.dnatChainName(bridge, idA) + " ");

        // An engine started again: nothing to do, nothing changed.
        driver.restore(n, List.of(ea, eb));
        assertThat(ruleLines(save("iptables"))).isEqualTo(ruleLines(rules));

        disconnect(n, ea);
        assertThat(run("nsenter", "--net=" + a, "ip", "link", "show", "eth0")).doesNotStartWith("0:");
        assertThat(NetHelper.linkExists(ea.hostIfName())).isFalse();
        assertThat(ipamFile).doesNotExist();
        assertThat(save("iptables")).doesNotContainPattern("--dports? " + hostPort + "\\b")
                .doesNotContain(idA).doesNotContain(MasqueradeChains.chainName(bridge, idA))
                .doesNotContain(MasqueradeChains.dnatChainName(bridge, idA));
        // Again: DEL is idempotent.
        driver.disconnect(n, ea);

        disconnect(n, eb);
        assertThat(run("ip", "-o", "link", "show", "master", bridge)).isEqualTo("0:");
        assertThat(ipamFiles(bridge)).isEmpty();
        assertThat(save("iptables")).doesNotContain(idB);
        // remove leaves the bridge, which is the config's.
        driver.remove(n);
        assertThat(NetHelper.linkExists(bridge)).isTrue();
    }

    @Test
    void aFailedAddLeavesNothing() throws Exception {
        Path pluginDir = Files.createDirectories(dir.resolve("plugins"));
        Path failer = pluginDir.resolve("failer");
        Files.writeString(failer, """
                #!/bin/sh
                cat >/dev/null
                case "$CNI_COMMAND" in
                VERSION) echo '{"cniVersion":"1.0.0","supportedVersions":["0.4.0","1.0.0"]}';;
                ADD) echo '{"cniVersion":"1.0.0","code":999,"msg":"boom from failer"}'; exit 1;;
                esac
                """);
        Files.setPosixFilePermissions(failer, PosixFilePermissions.fromString("rwxr-xr-x"));
        String name = bridge + "f";
        Files.writeString(configDir.resolve("failing.conflist"), conflist(name, ",\n{\"type\": \"failer\"}"));
        driver = new CniDriver(configDir, new CniPlugins(PLUGINS + ":" + pluginDir, Duration.ofSeconds(60)));
        cniNames.add(name);
        Network n = driver.create(network("failing", Map.of(CniDriver.CONFIG, "failing")));
        Path a = namespace("a");
        String id = containerId();
        int hostPort = freePort();
        assertThatThrownBy(() -> connect(n, id, a, List.of(new PortMapping("tcp", 80, "0.0.0.0", hostPort))))
                .isInstanceOf(IOException.class)
                .hasMessage("CNI network " + name + ": plugin failer failed: boom from failer (code 999)");
        assertThat(run("nsenter", "--net=" + a, "ip", "link", "show", "eth0")).doesNotStartWith("0:");
        assertThat(run("ip", "-o", "link", "show", "master", bridge)).isEqualTo("0:");
        assertThat(ipamFiles(name)).isEmpty();
        assertThat(save("iptables")).doesNotContain(id).doesNotContain(MasqueradeChains.chainName(name, id))
                .doesNotContainPattern("--dports? " + hostPort + "\\b");
    }

    @Test
    void disconnectAfterTheNamespaceIsGoneRemovesTheMasqueradeChain() throws Exception {
        Network n = driver.create(network("web", Map.of(CniDriver.CONFIG, bridge)));
        Path a = namespace("a");
        String id = containerId();
        int hostPort = freePort();
        Endpoint e = connect(n, id, a, List.of(new PortMapping("tcp", 80, "127.0.0.1", hostPort)));
        assertThat(e.driverState().get(CniDriver.RUNTIME_CONFIG)).contains("\"hostIP\":\"127.0.0.1\"");
        String chain = MasqueradeChains.chainName(bridge, id);
        assertThat(save("iptables")).contains(":" + chain + " ");

        net.netnsDelete(a);
        disconnect(n, e);
        assertThat(ipamFiles(bridge)).isEmpty();
        assertThat(NetHelper.linkExists(e.hostIfName())).isFalse();
        assertThat(save("iptables")).doesNotContain(chain).doesNotContain(id)
                .doesNotContainPattern("--dports? " + hostPort + "\\b");
        driver.disconnect(n, e);
    }

    @Test
    void disconnectOfAnEndpointRecordedBeforeAddEndedUndoesIt() throws Exception {
        // The engine records an endpoint before ADD; after a crash it has no driver state to hand back.
        Network n = driver.create(network("web", Map.of(CniDriver.CONFIG, bridge)));
        Path a = namespace("a");
        String id = containerId();
        int hostPort = freePort();
        Endpoint e = connect(n, id, a, List.of(new PortMapping("tcp", 80, "0.0.0.0", hostPort)));
        Endpoint recorded = new Endpoint(e.networkId(), id, a, "eth0", null, null, null, null, null, null, e.ports(),
                Map.of());
        driver.disconnect(n, recorded);
        connected.remove(e);
        assertThat(run("nsenter", "--net=" + a, "ip", "link", "show", "eth0")).doesNotStartWith("0:");
        assertThat(ipamFiles(bridge)).isEmpty();
        assertThat(save("iptables")).doesNotContain(id).doesNotContainPattern("--dports? " + hostPort + "\\b");
    }

    /** host-local's address files of a CNI network (not its lock and last reserved address). */
    private List<String> ipamFiles(String name) throws IOException {
        Path d = dataDir.resolve(name);
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(d)) {
            return files.map(p -> p.getFileName().toString()).filter(f -> f.startsWith(prefix)).toList();
        }
    }

    private static String wget(String url) throws IOException, InterruptedException {
        return run("timeout", "5", "/bin/busybox", "wget", "-q", "-O-", url);
    }

    private static int freePort() throws IOException {
        try (ServerSocket free = new ServerSocket(0)) {
            return free.getLocalPort();
        }
    }

    /** {@code 10.218.X.} for an X no route of the host uses. */
    private static String freeSubnetPrefix() throws IOException, InterruptedException {
        String routes = run("ip", "-4", "route") + run("ip", "-4", "addr");
        for (int i = 0; i < 100; i++) {
            String p = "10.218." + ThreadLocalRandom.current().nextInt(1, 255) + ".";
            if (!routes.contains(p)) {
                return p;
            }
        }
        throw new IllegalStateException("no free 10.218.X.0/24");
    }

    private static String run(String... command) throws IOException, InterruptedException {
        return runWithInput(null, command);
    }

    private static String runWithInput(String stdin, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return p.exitValue() + ":" + out;
    }

    private static String save(String tool) throws IOException, InterruptedException {
        String out = run(tool + "-save");
        assertThat(out).startsWith("0:");
        return out.substring(2);
    }

    /** The chains (without counters) and rules of a save. */
    private static List<String> ruleLines(String save) {
        return save.lines().filter(l -> l.startsWith("-A ") || l.startsWith(":") || l.startsWith("*"))
                .map(l -> l.startsWith(":") ? l.replaceAll(" \\[\\d+:\\d+\\]$", "") : l).toList();
    }

    /**
     * The chains and rules this test can have made: CNI's and those naming its subnet or bridge. (Other
     * rules may change meanwhile: other tests on the host.)
     */
    private List<String> relevant(String save) {
        return ruleLines(save).stream().filter(l -> !l.startsWith("*"))
                .filter(l -> l.contains("CNI") || l.contains(prefix) || l.contains("bcn")).toList();
    }

    /**
     * Removes from one tool's tables every chain of CNI's that was not there before the test, the chains of
     * this test's containers, and the rules jumping to them or naming this test's containers, subnet or
     * bridge, in one {@code iptables-restore --noflush} per table.
     */
    private void removeOurRules(String tool) throws IOException, InterruptedException {
        Set<String> before = new LinkedHashSet<>();
        String table = null;
        for (String l : rulesBefore.get(tool).lines().toList()) {
            if (l.startsWith("*")) {
                table = l.substring(1);
            } else if (l.startsWith(":")) {
                before.add(table + " " + l.substring(1, l.indexOf(' ')));
            }
        }
        Set<String> ours = new LinkedHashSet<>();
        for (String name : cniNames) {
            for (String id : containerIds) {
                ours.add(MasqueradeChains.chainName(name, id));
                ours.add(MasqueradeChains.dnatChainName(name, id));
            }
        }
        Map<String, List<String>> tables = new LinkedHashMap<>();
        table = null;
        for (String l : save(tool).lines().toList()) {
            if (l.startsWith("*")) {
                table = l.substring(1);
                tables.put(table, new ArrayList<>());
            } else if (table != null && (l.startsWith(":") || l.startsWith("-A "))) {
                tables.get(table).add(l);
            }
        }
        StringBuilder in = new StringBuilder();
        for (Map.Entry<String, List<String>> t : tables.entrySet()) {
            Set<String> remove = new LinkedHashSet<>();
            for (String l : t.getValue()) {
                if (l.startsWith(":")) {
                    String chain = l.substring(1, l.indexOf(' '));
                    if (ours.contains(chain) || chain.startsWith("CNI-") && !before.contains(t.getKey() + " " + chain)) {
                        remove.add(chain);
                    }
                }
            }
            List<String> deletes = new ArrayList<>();
            for (String l : t.getValue()) {
                if (!l.startsWith("-A ")) {
                    continue;
                }
                String chain = l.split(" ")[1];
                if (remove.contains(chain)) {
                    continue;
                }
                boolean jumps = remove.stream().anyMatch(c -> MasqueradeChains.jumpsTo(l, c));
                boolean names = l.contains(prefix) || l.contains(bridge) || containerIds.stream().anyMatch(l::contains);
                if (jumps || names) {
                    deletes.add("-D" + l.substring(2));
                }
            }
            if (remove.isEmpty() && deletes.isEmpty()) {
                continue;
            }
            in.append('*').append(t.getKey()).append('\n');
            deletes.forEach(d -> in.append(d).append('\n'));
            remove.forEach(c -> in.append("-F ").append(c).append('\n'));
            remove.forEach(c -> in.append("-X ").append(c).append('\n'));
            in.append("COMMIT\n");
        }
        if (in.length() > 0) {
            assertThat(runWithInput(in.toString(), tool + "-restore", "-w", "--noflush")).as(in.toString()).isEqualTo("0:");
        }
    }

    /** One of the host's own non-loopback IPv4 addresses. */
    private static String hostAddress() throws IOException {
        for (NetworkInterface i : NetworkInterface.networkInterfaces().toList()) {
            if (i.isLoopback() || !i.isUp() || i.getName().startsWith("bcn") || i.getName().startsWith("veth")) {
                continue;
            }
            for (InetAddress a : i.inetAddresses().toList()) {
                if (a instanceof Inet4Address) {
                    return a.getHostAddress();
                }
            }
        }
        throw new IllegalStateException("the host has no IPv4 address");
    }
}
