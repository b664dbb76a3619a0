package io.berth.itests;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.testing.HostNetwork;
import io.berth.testing.Requirements;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Containers' networks through bin/berth, on the real kernel with real iptables, on every runtime
 * (native, runc, crun): names on a user network, published ports from the host (127.0.0.1 and the
 * host's own address) and from containers (hairpin), host, none and container: modes, isolation
 * between networks and internal networks, a taken host port, churn that leaves nothing behind, and
 * a daemon killed with -9 whose containers keep their ports and rules.
 */
class NetworkIT extends DaemonWithBusybox {
    /** A web server in a container: serves "hello from HOSTNAME". */
    private static final String WEB = "mkdir -p /www && echo hello from $(hostname) > /www/index.html "
            + "&& exec httpd -f -p 80 -h /www";

    /**
     * A page fetched with busybox's wget in a container, bounded by busybox's {@code timeout} under a
     * shell that stays (timeout execs its command, which as the container's pid 1 would ignore the
     * SIGTERM, and sh execs a last command; wget's own -T crashes busybox 1.35).
     */
    private Installation.Result fetch(String runtime, String network, String url) throws Exception {
        return berth.berth("run", "--rm", "--runtime", runtime, "--network", network, "busybox", "sh", "-c",
                "timeout 5 wget -qO- " + url + "; exit $?");
    }

    /** Waits until a container's server answers, fetched from another container on the network. */
    private String awaitPage(String runtime, String network, String url) throws Exception {
        String[] page = {""};
        Conditions.await(url + " answering", Duration.ofSeconds(30), () -> {
            Installation.Result r = fetch(runtime, network, url);
            page[0] = r.out();
            return r.status() == 0;
        });
        return page[0];
    }

    /** A page fetched from the host with busybox's wget, bounded by the process's own timeout. */
    private static Fetched hostFetch(String url) throws Exception {
        Process p = new ProcessBuilder("/bin/busybox", "wget", "-qO-", url).redirectErrorStream(true).start();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            return new Fetched(-1, "");
        }
        return new Fetched(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private record Fetched(int status, String out) {
    }

    /** One of the host's own IPv4 addresses that is not loopback nor a test's bridge. */
    private static String hostAddress() throws IOException {
        for (NetworkInterface i : NetworkInterface.networkInterfaces().toList()) {
            String n = i.getName();
            if (i.isLoopback() || !i.isUp() || n.startsWith("bit") || n.startsWith("br-") || n.startsWith("veth")) {
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

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Berth's rules on the host (this installation's chains and the jumps into them). */
    private List<String> berthRules() throws Exception {
        return HostNetwork.rules().stream().filter(l -> l.contains(berth.chainPrefix)).toList();
    }

    /** The host ends of veths on a bridge. */
    private static List<String> ports(String bridge) throws IOException {
        Path brif = Path.of("/sys/class/net", bridge, "brif");
        if (!Files.isDirectory(brif)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(brif)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    @Test
    void containersOnAUserNetworkFindEachOtherByNameAliasAndShortId() throws Exception {
        ok("network", "create", "app");
        for (String runtime : runtimes()) {
            String id = ok("run", "-d", "--runtime", runtime, "--network", "app", "--name", "web-" + runtime,
                    "--network-alias", "www-" + runtime, "busybox", "sh", "-c", WEB).out().strip();
            assertThat(awaitPage(runtime, "app", "http://web-" + runtime + "/")).as(runtime)
                    .isEqualTo("hello from " + id.substring(0, 12) + "\n");
            assertThat(fetch(runtime, "app", "http://www-" + runtime + "/").out()).as(runtime + ", by alias")
                    .startsWith("hello from");
            assertThat(fetch(runtime, "app", "http://" + id.substring(0, 12) + "/").out()).as(runtime + ", by short id")
                    .startsWith("hello from");
            // docker's default bridge has no names.
            assertThat(fetch(runtime, "bridge", "http://web-" + runtime + "/").status()).as(runtime).isNotZero();
            JsonNode endpoint = inspect(id).path("NetworkSettings").path("Networks").path("app");
            assertThat(endpoint.path("IPAddress").asText()).matches("10\\.\\d+\\.\\d+\\.\\d+");
            assertThat(endpoint.path("Aliases").toString()).contains("www-" + runtime);
            ok("rm", "-f", id);
        }
        ok("network", "rm", "app");
    }

    @Test
    void connectDisconnectPublishAllAndTheFilesAContainerSees() throws Exception {
        ok("network", "create", "front");
        ok("network", "create", "--ipv6", "--subnet", "fd00:b1:0:1::/64", "back");
        String web = ok("run", "-d", "--network", "back", "--name", "api", "--hostname", "api-host", "--add-host",
                "db.example:10.1.2.3", "--add-host", "gw:host-gateway", "--expose", "8080", "-P", "busybox", "sh", "-c",
                WEB).out().strip();
        String hosts = ok("exec", web, "cat", "/etc/hosts").out();
        String ip = inspect(web).path("NetworkSettings").path("Networks").path("back").path("IPAddress").asText();
        String gateway = inspect(web).path("NetworkSettings").path("Networks").path("back").path("Gateway").asText();
        assertThat(hosts).contains("10.1.2.3\tdb.example\n").contains(gateway + "\tgw\n").endsWith(ip + "\tapi-host\n");
        assertThat(ok("exec", web, "hostname").out()).isEqualTo("api-host\n");
        assertThat(ok("exec", web, "cat", "/etc/resolv.conf").out()).startsWith("nameserver " + gateway + "\n")
                .contains("ndots:0");
        // IPv6 on a network made with --ipv6.
        String v6 = inspect(web).path("NetworkSettings").path("Networks").path("back").path("GlobalIPv6Address").asText();
        assertThat(v6).startsWith("fd00:b1:0:1::");
        assertThat(ok("run", "--rm", "--network", "back", "busybox", "ping", "-6", "-c1", "-W3", v6).status()).isZero();
        // -P: the exposed port on a port the engine picks.
        assertThat(ok("port", web, "8080").out()).matches("0\\.0\\.0\\.0:\\d+\n");
        assertThat(ok("ps", "-q", "--no-trunc", "-f", "network=back").out()).isEqualTo(web + "\n");
        assertThat(ok("ps", "-q", "-f", "network=front").out()).isEmpty();

        // Connected to a second network while it runs: an interface there, found by name there at once.
        ok("network", "connect", "--alias", "svc", "front", "api");
        assertThat(ok("exec", web, "ls", "/sys/class/net").out()).isEqualTo("eth0\neth1\nlo\n");
        assertThat(awaitPage("native", "front", "http://svc/")).startsWith("hello from");
        assertThat(ok("ps", "-q", "--no-trunc", "-f", "network=front").out()).isEqualTo(web + "\n");
        ok("network", "disconnect", "front", "api");
        assertThat(ok("exec", web, "ls", "/sys/class/net").out()).isEqualTo("eth0\nlo\n");
        assertThat(fetch("native", "front", "http://svc/").status()).isNotZero();
        Installation.Result again = berth.berth("network", "disconnect", "front", "api");
        assertThat(again.status()).isEqualTo(1);
        assertThat(again.err()).contains("is not connected to network front");
        // Stopped, its name is gone at once; started, it is back.
        ok("stop", "-t", "1", web);
        assertThat(fetch("native", "back", "http://api/").status()).isNotZero();
        ok("start", web);
        assertThat(awaitPage("native", "back", "http://api/")).startsWith("hello from");
        ok("rm", "-f", web);
        ok("network", "rm", "front", "back");
    }

    @Test
    void resolverOptionsMacAddressesPruneAndTheDefaultBridge() throws Exception {
        assertThat(ok("run", "--rm", "--dns", "10.1.1.1", "--dns-search", "x.test", "--dns-option", "ndots:2", "busybox",
                "cat", "/etc/resolv.conf").out()).endsWith("nameserver 10.1.1.1\nsearch x.test\noptions ndots:2\n")
                .containsOnlyOnce("nameserver");
        assertThat(ok("run", "--rm", "--mac-address", "02:42:ac:11:00:99", "busybox", "cat", "/sys/class/net/eth0/address")
                .out()).isEqualTo("02:42:ac:11:00:99\n");
        // The default bridge: device and subnet of the configuration, the gateway its first address.
        String routes = ok("run", "--rm", "busybox", "ip", "route").out();
        assertThat(routes).startsWith("default via 10.66.0.1 dev eth0");
        assertThat(Files.readString(Path.of("/sys/class/net", berth.bridge, "operstate")).strip()).isEqualTo("up");
        JsonNode bridge = JSON.readTree(ok("network", "inspect", "bridge").out()).get(0);
        assertThat(bridge.path("Options").path("com.docker.network.bridge.name").asText()).isEqualTo(berth.bridge);
        assertThat(bridge.path("IPAM").path("Config").get(0).path("Subnet").asText()).isEqualTo("10.66.0.0/16");
        // prune removes the user's networks no running container is on.
        ok("network", "create", "unused");
        ok("network", "create", "used");
        String c = ok("run", "-d", "--network", "used", "busybox", "sleep", "60").out().strip();
        assertThat(ok("network", "prune", "-f").out()).isEqualTo("Deleted Networks:\nunused\n\n");
        assertThat(ok("network", "ls", "--format", "{{.Name}}").out()).isEqualTo("bridge\nhost\nnone\nused\n");
        ok("rm", "-f", c);
        ok("network", "rm", "used");
    }

    @Test
    void aPublishedPortIsReachedFromTheHostAndFromContainers() throws Exception {
        String host = hostAddress();
        for (String runtime : runtimes()) {
            int port = freePort();
            String web = ok("run", "-d", "--runtime", runtime, "-p", port + ":80", "busybox", "sh", "-c", WEB).out().strip();
            assertThat(ok("port", web).out()).isEqualTo("80/tcp -> 0.0.0.0:" + port + "\n");
            Conditions.await("port " + port, Duration.ofSeconds(30), () -> hostFetch("http://127.0.0.1:" + port + "/").status() == 0);
            String page = "hello from " + web.substring(0, 12) + "\n";
            assertThat(hostFetch("http://127.0.0.1:" + port + "/").out()).as(runtime + ", 127.0.0.1").isEqualTo(page);
            assertThat(hostFetch("http://" + host + ":" + port + "/").out()).as(runtime + ", " + host).isEqualTo(page);
            assertThat(fetch(runtime, "bridge", "http://" + host + ":" + port + "/").out()).as(runtime + ", hairpin")
                    .isEqualTo(page);
            assertThat(ok("ps", "--format", "{{.Ports}}", "-f", "id=" + web).out())
                    .isEqualTo("0.0.0.0:" + port + "->80/tcp\n");
            JsonNode ports = inspect(web).path("NetworkSettings").path("Ports").path("80/tcp").get(0);
            assertThat(ports.path("HostPort").asText()).isEqualTo(String.valueOf(port));

            // -p 127.0.0.1::80: a port the engine picks, on loopback only.
            String local = ok("run", "-d", "--runtime", runtime, "-p", "127.0.0.1::80", "busybox", "sh", "-c", WEB).out().strip();
            String mapping = ok("port", local, "80").out().strip();
            assertThat(mapping).startsWith("127.0.0.1:");
            int picked = Integer.parseInt(mapping.substring("127.0.0.1:".length()));
            Conditions.await("port " + picked, Duration.ofSeconds(30),
                    () -> hostFetch("http://127.0.0.1:" + picked + "/").status() == 0);
            assertThat(hostFetch("http://" + host + ":" + picked + "/").status()).as(runtime + ", not on " + host).isNotZero();
            ok("rm", "-f", web, local);
            assertThat(berthRules()).noneMatch(r -> r.contains("--dport " + port + " ") || r.contains("--dport " + picked + " "));
        }
    }

    @Test
    void hostNoneAndContainerModes() throws Exception {
        String hostInterfaces;
        try (Stream<Path> s = Files.list(Path.of("/sys/class/net"))) {
            hostInterfaces = s.map(p -> p.getFileName().toString()).sorted().reduce("", (a, b) -> a + b + "\n");
        }
        for (String runtime : runtimes()) {
            assertThat(ok("run", "--rm", "--runtime", runtime, "--network", "none", "busybox", "ls", "/sys/class/net").out())
                    .as(runtime + ", none").isEqualTo("lo\n");
            assertThat(ok("run", "--rm", "--runtime", runtime, "--network", "none", "busybox", "cat",
                    "/sys/class/net/lo/operstate").out()).as(runtime).isEqualTo("unknown\n");
            String hostSeen = ok("run", "--rm", "--runtime", runtime, "--network", "host", "busybox", "ls", "-1",
                    "/sys/class/net").out();
            assertThat(hostSeen).as(runtime + ", host").contains("lo\n").contains(hostInterfaces.lines().filter(
                    n -> !n.startsWith("veth") && !n.startsWith("bit") && !n.startsWith("br-")).findFirst().orElseThrow());
            String web = ok("run", "-d", "--runtime", runtime, "busybox", "sh", "-c", WEB).out().strip();
            Conditions.await("the web server", Duration.ofSeconds(30), () -> berth.berth("run", "--rm", "--runtime", runtime,
                    "--network", "container:" + web, "busybox", "sh", "-c", "timeout 5 wget -qO- http://127.0.0.1/; exit $?")
                    .status() == 0);
            String eth0 = ok("exec", web, "cat", "/sys/class/net/eth0/address").out();
            assertThat(ok("run", "--rm", "--runtime", runtime, "--network", "container:" + web, "busybox", "cat",
                    "/sys/class/net/eth0/address").out()).as(runtime + ", container:").isEqualTo(eth0);
            ok("rm", "-f", web);
        }
    }

    @Test
    void networksAreIsolatedAndInternalOnesHaveNoWayOut() throws Exception {
        ok("network", "create", "one");
        ok("network", "create", "two");
        ok("network", "create", "--internal", "closed");
        String host = hostAddress();
        int port = freePort();
        try (ServerSocket outside = new ServerSocket()) {
            outside.bind(new InetSocketAddress(host, port));
            Thread accept = new Thread(() -> {
                while (!outside.isClosed()) {
                    try (var s = outside.accept()) {
                        s.getOutputStream().write("HTTP/1.0 200 OK\r\n\r\noutside\n".getBytes(StandardCharsets.UTF_8));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            accept.setDaemon(true);
            accept.start();
            for (String runtime : runtimes()) {
                String web = ok("run", "-d", "--runtime", runtime, "--network", "one", "--name", "iso-" + runtime, "busybox",
                        "sh", "-c", WEB).out().strip();
                awaitPage(runtime, "one", "http://iso-" + runtime + "/");
                String ip = inspect(web).path("NetworkSettings").path("Networks").path("one").path("IPAddress").asText();
                assertThat(fetch(runtime, "two", "http://" + ip + "/").status()).as(runtime + ": two reaches one")
                        .isNotZero();
                assertThat(fetch(runtime, "one", "http://" + ip + "/").status()).as(runtime).isZero();
                // A user network reaches out (here: a server on the host's address, through NAT).
                assertThat(fetch(runtime, "two", "http://" + host + ":" + port + "/").out()).as(runtime).isEqualTo("outside\n");
                // An internal one does not, and has no default route.
                assertThat(fetch(runtime, "closed", "http://" + host + ":" + port + "/").status()).as(runtime).isNotZero();
                assertThat(ok("run", "--rm", "--runtime", runtime, "--network", "closed", "busybox", "ip", "route").out())
                        .as(runtime).doesNotContain("default");
                ok("rm", "-f", web);
            }
        }
        ok("network", "rm", "one", "two", "closed");
    }

    @Test
    void aTakenHostPortIsRefusedAndLeavesNothing() throws Exception {
        List<String> rules = berthRules();
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("0.0.0.0", 0));
            int port = taken.getLocalPort();
            Installation.Result r = berth.berth("run", "-d", "--name", "clash", "-p", port + ":80", "busybox", "sleep", "60");
            assertThat(r.status()).isEqualTo(125);
            assertThat(r.err()).contains("Bind for 0.0.0.0:" + port + " failed: port is already allocated");
            assertThat(ok("ps", "-a", "--format", "{{.Status}}", "-f", "name=clash").out()).startsWith("Created");
        }
        assertThat(berthRules()).isEqualTo(rules);
        Conditions.await("no veth on " + berth.bridge, Duration.ofSeconds(10), () -> ports(berth.bridge).isEmpty());
        try (Stream<Path> netns = Files.list(berth.runRoot.resolve("netns"))) {
            assertThat(netns).isEmpty();
        }
    }

    @Test
    void aHundredNetworkedContainersLeaveNothingBehind() throws Exception {
        ok("network", "create", "churn");
        ok("run", "--rm", "-p", "80", "busybox", "true");
        List<String> rules = berthRules();
        for (int i = 0; i < 100; i++) {
            String network = i % 2 == 0 ? "bridge" : "churn";
            ok("run", "--rm", "--network", network, "-p", "80", "busybox", "true");
        }
        assertThat(berthRules()).isEqualTo(rules);
        // The host ends of the veth pairs are deleted off the containers' path, within moments.
        Conditions.await("no veth on " + berth.bridge, Duration.ofSeconds(10), () -> ports(berth.bridge).isEmpty());
        String churnBridge = "br-" + ok("network", "inspect", "-f", "{{.Id}}", "churn").out().strip().substring(0, 12);
        Conditions.await("no veth on " + churnBridge, Duration.ofSeconds(10), () -> ports(churnBridge).isEmpty());
        try (Stream<Path> netns = Files.list(berth.runRoot.resolve("netns"));
             Stream<Path> records = Files.list(berth.runRoot.resolve("networks"))) {
            assertThat(netns).isEmpty();
            assertThat(records).isEmpty();
        }
        ok("network", "rm", "churn");
    }

    @Test
    void aKilledDaemonsContainerKeepsItsPortAndItsRules() throws Exception {
        int port = freePort();
        ok("network", "create", "kept");
        String web = ok("run", "-d", "--network", "kept", "--name", "kw", "-p", port + ":80", "busybox", "sh", "-c", WEB)
                .out().strip();
        Conditions.await("port " + port, Duration.ofSeconds(30), () -> hostFetch("http://127.0.0.1:" + port + "/").status() == 0);
        awaitPage("native", "kept", "http://kw/");
        List<String> rules = berthRules();
        daemon.destroyForcibly().waitFor();
        assertThat(hostFetch("http://127.0.0.1:" + port + "/").status()).as("while the daemon is down").isZero();
        daemon = startDaemon();
        assertThat(hostFetch("http://127.0.0.1:" + port + "/").out()).isEqualTo("hello from " + web.substring(0, 12) + "\n");
        assertThat(berthRules()).isEqualTo(rules);
        assertThat(ok("port", web).out()).isEqualTo("80/tcp -> 0.0.0.0:" + port + "\n");
        // Its name is served again.
        assertThat(fetch("native", "kept", "http://kw/").out()).isEqualTo("hello from " + web.substring(0, 12) + "\n");
        // The port is held again: a second container cannot take it.
        Installation.Result clash = berth.berth("run", "-d", "-p", port + ":80", "busybox", "sleep", "60");
        assertThat(clash.status()).isEqualTo(125);
        ok("rm", "-f", web);
        assertThat(berthRules()).noneMatch(r -> r.contains("--dport " + port + " "));
        ok("network", "rm", "kept");
    }

    @Test
    void theCniDriverPassesTheSameConnectivityTests() throws Exception {
        Requirements.require(Files.isExecutable(Path.of("/usr/lib/cni/bridge")),
                "the CNI plugins are not installed (apt-get install containernetworking-plugins)");
        boolean cniChainsBefore = HostNetwork.rules().stream().anyMatch(r -> r.contains("CNI-"));
        String bridge = "bcn" + berth.bridge.substring(3);
        Path dir = Files.createDirectories(berth.root.resolveSibling("cni"));
        Files.writeString(dir.resolve("cnitest.conflist"), """
                {"cniVersion": "1.0.0", "name": "cnitest", "plugins": [
                  {"type": "bridge", "bridge": "%s", "isGateway": true, "ipMasq": true, "hairpinMode": true,
                   "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.219.9.0/24", "gateway": "10.219.9.1"}]],
                            "routes": [{"dst": "0.0.0.0/0"}], "dataDir": "%s"}},
                  {"type": "portmap", "capabilities": {"portMappings": true}, "snat": true}]}
                """.formatted(bridge, dir.resolve("ipam")));
        Path cfg = berth.home.resolve("conf/berth.engine.cfg");
        Files.writeString(cfg, Files.readString(cfg) + "\ncniConfigDir = " + dir + "\n");
        try {
            Conditions.await("the cni driver reading " + dir, Duration.ofSeconds(20),
                    () -> berth.berth("network", "create", "--driver", "cni", "-o", "cni.config=cnitest", "cninet").status() == 0);
            assertThat(ok("network", "inspect", "-f", "{{.Driver}} {{range .IPAM.Config}}{{.Subnet}}{{end}}", "cninet").out())
                    .isEqualTo("cni 10.219.9.0/24\n");
            String host = hostAddress();
            for (String runtime : runtimes()) {
                int port = freePort();
                String web = ok("run", "-d", "--runtime", runtime, "--network", "cninet", "--name", "cw-" + runtime, "-p",
                        port + ":80", "busybox", "sh", "-c", WEB).out().strip();
                String ip = inspect(web).path("NetworkSettings").path("Networks").path("cninet").path("IPAddress").asText();
                assertThat(ip).startsWith("10.219.9.");
                String page = "hello from " + web.substring(0, 12) + "\n";
                assertThat(awaitPage(runtime, "cninet", "http://" + ip + "/")).as(runtime).isEqualTo(page);
                assertThat(fetch(runtime, "cninet", "http://cw-" + runtime + "/").out()).as(runtime + ", by name").isEqualTo(page);
                Conditions.await("port " + port, Duration.ofSeconds(30),
                        () -> hostFetch("http://127.0.0.1:" + port + "/").status() == 0);
                assertThat(hostFetch("http://127.0.0.1:" + port + "/").out()).as(runtime).isEqualTo(page);
                assertThat(hostFetch("http://" + host + ":" + port + "/").out()).as(runtime).isEqualTo(page);
                assertThat(fetch(runtime, "cninet", "http://" + host + ":" + port + "/").out()).as(runtime + ", hairpin")
                        .isEqualTo(page);
                ok("rm", "-f", web);
                assertThat(HostNetwork.rules()).noneMatch(r -> r.contains("--dport " + port + " ") || r.contains(ip + "/32"));
            }
            ok("network", "rm", "cninet");
        } finally {
            // The bridge plugin never deletes its bridge, nor portmap its chains (the reference's §2.6).
            HostNetwork.deleteLinks(List.of(bridge));
            if (!cniChainsBefore) {
                HostNetwork.deleteChains("CNI");
            }
        }
    }

    @Test
    void badInputIsRefusedInDockersWords() throws Exception {
        ok("network", "create", "--subnet", "10.99.0.0/24", "taken");
        Installation.Result overlap = berth.berth("network", "create", "--subnet", "10.99.0.0/16", "over");
        assertThat(overlap.status()).isEqualTo(1);
        assertThat(overlap.err()).contains("Pool overlaps with other one on this address space");
        Installation.Result unknown = berth.berth("run", "--rm", "--network", "nosuch", "busybox", "true");
        assertThat(unknown.status()).isEqualTo(125);
        assertThat(unknown.err()).contains("network nosuch not found");
        Installation.Result outside = berth.berth("run", "--rm", "--network", "taken", "--ip", "10.98.0.5", "busybox", "true");
        assertThat(outside.status()).isEqualTo(125);
        assertThat(outside.err()).contains("Invalid address 10.98.0.5: It does not belong to any of this network's subnets");
        String user = ok("run", "-d", "--network", "taken", "--ip", "10.99.0.50", "busybox", "sleep", "60").out().strip();
        assertThat(ok("exec", user, "ip", "-o", "-4", "addr", "show", "eth0").out()).contains("10.99.0.50/24");
        Installation.Result inUse = berth.berth("network", "rm", "taken");
        assertThat(inUse.status()).isEqualTo(1);
        assertThat(inUse.err()).contains("has active endpoints");
        Installation.Result badPort = berth.berth("run", "--rm", "-p", "80:http", "busybox", "true");
        assertThat(badPort.status()).isEqualTo(125);
        Installation.Result predefined = berth.berth("network", "rm", "bridge");
        assertThat(predefined.status()).isEqualTo(1);
        assertThat(predefined.err()).contains("bridge is a pre-defined network and cannot be removed");
        ok("rm", "-f", user);
        ok("network", "rm", "taken");
        assertThat(ok("network", "ls", "--format", "{{.Name}}").out()).isEqualTo("bridge\nhost\nnone\n");
    }

    @Test
    void aNetworkDriverLeavesAndReturnsAndOneDroppedIntoDeployWorks() throws Exception {
        ok("network", "create", "swap");
        int port = freePort();
        String web = ok("run", "-d", "--network", "swap", "--name", "sw", "-p", port + ":80", "busybox", "sh", "-c", WEB)
                .out().strip();
        Conditions.await("port " + port, Duration.ofSeconds(30), () -> hostFetch("http://127.0.0.1:" + port + "/").status() == 0);
        List<String> rules = berthRules();
        String bridge = bundleId("io.berth.network-bridge");
        try {
            ok("felix:stop", bridge);
            assertThat(ok("drivers").out()).doesNotContainPattern("network\\s+bridge");
            // Its containers keep what they have...
            assertThat(hostFetch("http://127.0.0.1:" + port + "/").status()).isZero();
            assertThat(berthRules()).isEqualTo(rules);
            // ...and what needs the driver says so.
            Installation.Result refused = berth.berth("run", "--rm", "--network", "swap", "busybox", "true");
            assertThat(refused.status()).isEqualTo(125);
            assertThat(refused.err()).contains("bridge");
        } finally {
            ok("felix:start", bridge);
        }
        Conditions.await("the bridge driver back", Duration.ofSeconds(20),
                () -> ok("drivers").out().matches("(?s).*network\\s+bridge\\s+available.*"));
        assertThat(awaitPage("native", "swap", "http://sw/")).isEqualTo("hello from " + web.substring(0, 12) + "\n");
        assertThat(berthRules()).isEqualTo(rules);
        ok("rm", "-f", web);
        ok("network", "rm", "swap");

        // A network driver bundle dropped into deploy/ is picked up like a runtime driver.
        String cni = bundleId("io.berth.network-cni");
        Path jar;
        try (Stream<Path> jars = Files.list(berth.home.resolve("bundle"))) {
            jar = jars.filter(p -> p.getFileName().toString().startsWith("berth-network-cni")).findFirst().orElseThrow();
        }
        ok("felix:uninstall", cni);
        assertThat(ok("drivers").out()).doesNotContainPattern("network\\s+cni");
        Path staging = berth.home.resolve("cni.jar.tmp");
        Files.copy(jar, staging);
        Files.move(staging, berth.home.resolve("deploy").resolve(jar.getFileName()),
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Conditions.await("the cni driver from deploy/", Duration.ofSeconds(30),
                () -> ok("drivers").out().matches("(?s).*network\\s+cni\\s+available.*"));
    }
}
