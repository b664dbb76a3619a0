package io.berth.network.bridge.internal;

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
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bridge driver on the real kernel with real iptables (root): two namespaces on a bridge reach
 * each other, a published port is reached from the host on 127.0.0.1 and on the host's own
 * address and from a container through the host (hairpin), and removing the network leaves no
 * link and no rule. Names are unique per run (bridge {@code btb…}, chains {@code BT…}).
 */
class BridgeDriverTest {
    @TempDir
    Path dir;
    private String suffix;
    private String prefix;
    private NetHelper net;
    private BridgeDriver driver;
    private Network network;
    private final List<Path> namespaces = new ArrayList<>();
    private final List<Process> servers = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        Requirements.require(Requirements.isRoot(), "bridges, namespaces and iptables need root");
        Requirements.require(Requirements.which("iptables-restore") != null, "iptables is not installed");
        suffix = HexFormat.of().formatHex(SecureRandom.getSeed(3));
        prefix = "BT" + suffix.toUpperCase();
        net = NetHelper.install(dir.resolve("run"));
        driver = new BridgeDriver(net, new Firewall(prefix));
        network = Network.builder().id(suffix + "0".repeat(64 - suffix.length())).name("t").driver("bridge")
                .options(Map.of(BridgeDriver.BRIDGE_NAME, "btb" + suffix))
                .ipam(List.of(new IpamConfig("10.217.7.0/24", "10.217.7.1", null))).build();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Process p : servers) {
            p.destroy();
            p.waitFor(5, TimeUnit.SECONDS);
        }
        if (driver != null) {
            driver.remove(network);
            driver.close();
        }
        for (Path ns : namespaces) {
            net.netnsDelete(ns);
        }
    }

    private Path namespace(String name) throws IOException {
        Path ns = dir.resolve(name);
        net.netnsAdd(ns);
        namespaces.add(ns);
        return ns;
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return p.exitValue() + ":" + out;
    }

    private static String rules() throws IOException, InterruptedException {
        return run("iptables-save");
    }

    @Test
    void connectsPublishesAndCleansUp() throws Exception {
        Network made = driver.create(network);
        assertThat(made).isEqualTo(network);
        assertThat(NetHelper.linkExists("btb" + suffix)).isTrue();
        Path a = namespace("a");
        Path b = namespace("b");
        int hostPort;
        try (ServerSocket free = new ServerSocket(0)) {
            hostPort = free.getLocalPort();
        }
        Endpoint ea = driver.connect(network, new EndpointRequest("a".repeat(64), "a", a, "eth0", "02:42:0a:d9:07:02",
                "10.217.7.2/24", "10.217.7.1", null, null, List.of(new PortMapping("tcp", 80, "0.0.0.0", hostPort))));
        Endpoint eb = driver.connect(network, new EndpointRequest("b".repeat(64), "b", b, "eth0", null,
                "10.217.7.3/24", "10.217.7.1", null, null, List.of()));
        assertThat(ea.hostIfName()).startsWith("veth");
        assertThat(run("nsenter", "--net=" + b, "/bin/busybox", "ping", "-c1", "-W2", "10.217.7.2")).startsWith("0:");

        Path www = Files.createDirectories(dir.resolve("www"));
        Files.writeString(www.resolve("index.html"), "hello from a\n");
        servers.add(new ProcessBuilder("nsenter", "--net=" + a, "/bin/busybox", "httpd", "-f", "-p", "80", "-h",
                www.toString()).start());
        String url = "http://127.0.0.1:" + hostPort + "/";
        String got = "";
        for (int i = 0; i < 50 && !got.contains("hello"); i++) {
            got = run("/bin/busybox", "wget", "-q", "-O-", url);
            Thread.sleep(100);
        }
        assertThat(got).isEqualTo("0:hello from a\n");
        String hostAddress = hostAddress();
        assertThat(run("/bin/busybox", "wget", "-q", "-O-", "http://" + hostAddress + ":" + hostPort + "/"))
                .isEqualTo("0:hello from a\n");
        // Hairpin: from the other container through the host's address.
        assertThat(run("nsenter", "--net=" + b, "/bin/busybox", "wget", "-q", "-O-",
                "http://" + hostAddress + ":" + hostPort + "/")).isEqualTo("0:hello from a\n");
        assertThat(rules()).contains("-A " + prefix + "-DNAT -p tcp -m tcp --dport " + hostPort
                + " -j DNAT --to-destination 10.217.7.2:80");

        // The guard: a container that routes 127.0.0.1 through the bridge (it may: it has CAP_NET_ADMIN in its own
        // namespace) does not reach the host's loopback services, which route_localnet would otherwise let it.
        int loopbackPort;
        try (ServerSocket free = new ServerSocket(0)) {
            loopbackPort = free.getLocalPort();
        }
        servers.add(new ProcessBuilder("/bin/busybox", "httpd", "-f", "-p", "127.0.0.1:" + loopbackPort, "-h",
                www.toString()).start());
        assertThat(run("nsenter", "--net=" + b, "sh", "-c", "ip rule add pref 100 lookup local && ip rule del pref 0 "
                + "&& ip rule add pref 10 to 127.0.0.1 lookup 100 && ip route add 127.0.0.1 via 10.217.7.1 dev eth0 "
                + "table 100 onlink && sysctl -qw net.ipv4.conf.eth0.route_localnet=1")).isEqualTo("0:");
        String loopbackUrl = "http://127.0.0.1:" + loopbackPort + "/";
        assertThat(run("nsenter", "--net=" + b, "timeout", "3", "/bin/busybox", "wget", "-q", "-O-", loopbackUrl))
                .doesNotContain("hello");
        // Without the guard the same request gets through: the check above can fail.
        String guard = "-i btb" + suffix + " -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate "
                + "RELATED,ESTABLISHED,DNAT -j DROP";
        assertThat(run(("iptables -D " + prefix + "-INPUT " + guard).split(" "))).isEqualTo("0:");
        assertThat(run("nsenter", "--net=" + b, "timeout", "3", "/bin/busybox", "wget", "-q", "-O-", loopbackUrl))
                .isEqualTo("0:hello from a\n");
        assertThat(run(("iptables -A " + prefix + "-INPUT " + guard).split(" "))).isEqualTo("0:");

        // A restore (the engine started again) leaves the same rules, not doubled.
        String before = rules();
        driver.close();
        driver = new BridgeDriver(net, new Firewall(prefix));
        driver.restore(network, List.of(ea, eb));
        assertThat(String.join("\n", ruleLines(rules()))).isEqualTo(String.join("\n", ruleLines(before)));

        driver.disconnect(network, ea);
        driver.awaitDeletions();
        assertThat(NetHelper.linkExists(ea.hostIfName())).isFalse();
        assertThat(rules()).doesNotContain("--dport " + hostPort + " ");
        driver.disconnect(network, eb);
        driver.remove(network);
        driver.close();
        driver = null;
        assertThat(NetHelper.linkExists("btb" + suffix)).isFalse();
        assertThat(rules()).doesNotContain(prefix);
    }

    /** The rules without counters, in order. */
    private static List<String> ruleLines(String save) {
        return save.lines().filter(l -> l.startsWith("-A ")).toList();
    }

    /** One of the host's own non-loopback IPv4 addresses. */
    private static String hostAddress() throws IOException {
        for (NetworkInterface i : NetworkInterface.networkInterfaces().toList()) {
            if (i.isLoopback() || !i.isUp() || i.getName().startsWith("btb") || i.getName().startsWith("veth")) {
                continue;
            }
            for (InetAddress a : i.inetAddresses().toList()) {
                if (a instanceof java.net.Inet4Address) {
                    return a.getHostAddress();
                }
            }
        }
        throw new IllegalStateException("the host has no IPv4 address");
    }
}
