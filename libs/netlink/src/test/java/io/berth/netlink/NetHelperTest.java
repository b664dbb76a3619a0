package io.berth.netlink;

import io.berth.testing.Requirements;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * berth-net on the real kernel: namespaces, a bridge, veth pairs between them, and what a failure
 * leaves (nothing). Every name has this test's random suffix, the subnet a random 10.213.X.0/24
 * (and fd00:213:X::/64), and the namespaces are files in a temporary directory, so runs on one
 * host do not meet; whatever a test made is removed after it with ip and umount, whether it passed
 * or not, so a bug in berth-net's own deletes leaks nothing.
 */
class NetHelperTest {
    private static final Path BUSYBOX = Path.of("/bin/busybox");

    @TempDir
    Path tmp;

    private NetHelper net;
    private final String id = HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
    private final int subnet = ThreadLocalRandom.current().nextInt(1, 255);
    private final String bridge = "bntest" + id;
    private final List<String> hostLinks = new ArrayList<>();
    private final List<Path> namespaces = new ArrayList<>();

    @BeforeEach
    void install() throws IOException {
        net = NetHelper.install(tmp.resolve("run"));
        hostLinks.add(bridge);
    }

    @AfterEach
    void removeWhatTheTestMade() throws Exception {
        List<String> failures = new ArrayList<>();
        for (String link : hostLinks) {
            if (NetHelper.linkExists(link)) {
                failures.addAll(quietly("ip", "link", "del", link));
            }
        }
        for (Path ns : namespaces) {
            if (mounted(ns)) {
                failures.addAll(quietly("umount", "--lazy", ns.toString()));
            }
            Files.deleteIfExists(ns);
        }
        assertThat(failures).as("clean-up").isEmpty();
    }

    // ------------------------------------------------------------------ namespaces

    @Test
    void aNewNamespaceHasOnlyItsLoopbackUp() throws Exception {
        Path ns = netns("a");
        assertThat(ns).isRegularFile();
        assertThat(mounted(ns)).isTrue();
        List<String> links = linksIn(ns);
        assertThat(links).hasSize(1);
        assertThat(links.get(0)).contains(": lo: <LOOPBACK,UP,LOWER_UP>");
    }

    @Test
    void aNamespaceFileIsNeverTakenOver() throws Exception {
        Path ns = netns("a");
        assertThatThrownBy(() -> net.netnsAdd(ns))
                .isInstanceOf(IOException.class)
                .hasMessage("create netns file " + ns + ": File exists");
        Path plain = Files.writeString(tmp.resolve("plain"), "");
        assertThatThrownBy(() -> net.netnsAdd(plain)).hasMessageContaining(plain.toString());
        assertThat(mounted(plain)).isFalse();
    }

    @Test
    void deletingANamespaceTwiceIsFine() throws Exception {
        Path ns = netns("a");
        net.netnsDelete(ns);
        assertThat(ns).doesNotExist();
        assertThat(mounted(ns)).isFalse();
        net.netnsDelete(ns);
        net.netnsDelete(tmp.resolve("never-made"));
    }

    @Test
    void deletingANamespaceUnmountsNothingElse() throws Exception {
        assertThatThrownBy(() -> net.netnsDelete(tmp))
                .hasMessage("delete netns " + tmp + ": not a network namespace file");
        assertThat(tmp).isDirectory();
    }

    // ------------------------------------------------------------------ bridges

    @Test
    void addingABridgeTwiceGivesTheSameBridge() throws Exception {
        requireTools();
        List<String> cidrs = List.of(ip(1) + "/24", ip6(1) + "/64");
        net.bridgeAdd(bridge, cidrs, 1400);
        net.bridgeAdd(bridge, cidrs, 1400);
        assertThat(NetHelper.linkExists(bridge)).isTrue();
        assertThat(Path.of("/sys/class/net", bridge, "bridge")).isDirectory();
        assertThat(Files.readString(Path.of("/sys/class/net", bridge, "mtu")).strip()).isEqualTo("1400");
        assertThat(sh("ip", "-o", "link", "show", "dev", bridge)).containsPattern("<[^>]*\\bUP\\b");
        String addresses = sh("ip", "-o", "addr", "show", "dev", bridge);
        for (String cidr : cidrs) {
            assertThat(addresses.lines().filter(l -> l.contains(" " + cidr + " "))).as(cidr).hasSize(1);
        }
    }

    @Test
    void aBridgeOfAnotherKindIsRefused() throws Exception {
        privileged();
        assertThatThrownBy(() -> net.bridgeDelete("lo"))
                .hasMessage("delete bridge lo: not a bridge but a plain link");
        assertThatThrownBy(() -> net.bridgeAdd("lo", List.of(), 0))
                .hasMessage("create bridge lo: not a bridge but a plain link");
    }

    @Test
    void deletingMissingBridgesAndLinksIsFine() throws Exception {
        privileged();
        net.bridgeDelete(bridge);
        net.linkDelete("bnt" + id + "x");
        net.bridgeAdd(bridge, List.of(), 0);
        net.bridgeDelete(bridge);
        assertThat(NetHelper.linkExists(bridge)).isFalse();
        net.bridgeDelete(bridge);
    }

    // ------------------------------------------------------------------ veth pairs

    @Test
    void containersOnTheBridgeReachEachOtherAndTheGateway() throws Exception {
        requireTools();
        net.bridgeAdd(bridge, List.of(ip(1) + "/24", ip6(1) + "/64"), 1400);
        Path a = netns("a");
        Path b = netns("b");
        String mac = "02:42:0a:d5:" + HexFormat.of().toHexDigits((byte) subnet) + ":02";
        net.vethAdd(veth(a, "a", 2, mac, true));
        net.vethAdd(veth(b, "b", 3, null, false));

        assertThat(ping(a, ip(3))).isZero();
        assertThat(ping(a, ip(1))).isZero();
        assertThat(ping(a, ip6(3))).isZero();
        assertThat(ping(b, ip(2))).isZero();

        assertThat(in(a, "ip", "route")).contains("default via " + ip(1) + " dev eth0");
        assertThat(in(a, "ip", "-6", "route")).contains("default via " + ip6(1) + " dev eth0");
        String eth0 = in(a, "ip", "-o", "link", "show", "dev", "eth0");
        assertThat(eth0).contains("link/ether " + mac + " ").contains("mtu 1400 ").containsPattern("<[^>]*\\bUP\\b");
        assertThat(in(a, "ip", "-o", "addr", "show", "dev", "eth0")).contains(ip(2) + "/24 brd " + ip(255) + " ").contains(ip6(2) + "/64");

        String hostA = "bnt" + id + "a";
        assertThat(Files.readString(Path.of("/sys/class/net", hostA, "brport", "hairpin_mode")).strip()).isEqualTo("1");
        assertThat(Files.readString(Path.of("/sys/class/net", "bnt" + id + "b", "brport", "hairpin_mode")).strip()).isEqualTo("0");
        assertThat(Path.of("/sys/class/net", hostA, "master").toRealPath().getFileName()).hasToString(bridge);
        assertThat(Files.readString(Path.of("/sys/class/net", hostA, "mtu")).strip()).isEqualTo("1400");
        assertThat(sh("ip", "-o", "link", "show", "dev", hostA)).containsPattern("<[^>]*\\bUP\\b");
    }

    @Test
    void aHostNameTakenFailsAndLeavesNothingNew() throws Exception {
        requireTools();
        net.bridgeAdd(bridge, List.of(ip(1) + "/24"), 0);
        Path a = netns("a");
        Path c = netns("c");
        net.vethAdd(veth(a, "a", 2, null, false));
        List<String> before = hostLinks();

        Veth taken = new Veth(c, "bnt" + id + "a", bridge, "eth0", null, List.of(ip(4) + "/24"), ip(1), null, 0, false);
        assertThatThrownBy(() -> net.vethAdd(taken))
                .isInstanceOf(IOException.class)
                .hasMessage("create veth bnt" + id + "a: File exists");

        assertThat(hostLinks()).isEqualTo(before);
        assertThat(linksIn(c)).hasSize(1);
        assertThat(linksIn(a)).hasSize(2);
    }

    @Test
    void aContainerNameTakenFailsAndLeavesNoHalfPair() throws Exception {
        requireTools();
        net.bridgeAdd(bridge, List.of(ip(1) + "/24"), 0);
        Path a = netns("a");
        net.vethAdd(veth(a, "a", 2, null, false));

        Veth second = veth(a, "b", 3, null, false);
        assertThatThrownBy(() -> net.vethAdd(second))
                .hasMessage("create veth bnt" + id + "b with peer eth0 in " + a + ": File exists");

        assertThat(NetHelper.linkExists("bnt" + id + "b")).isFalse();
        assertThat(linksIn(a)).hasSize(2);
    }

    @Test
    void aMissingNamespaceFailsAndLeavesNoHostLink() throws Exception {
        requireTools();
        net.bridgeAdd(bridge, List.of(ip(1) + "/24"), 0);
        Path missing = tmp.resolve("missing");
        assertThatThrownBy(() -> net.vethAdd(veth(missing, "a", 2, null, false)))
                .hasMessage("netns " + missing + ": No such file or directory");
        assertThat(NetHelper.linkExists("bnt" + id + "a")).isFalse();
    }

    @Test
    void aFailureInsideTheNamespaceTakesThePairBack() throws Exception {
        requireTools();
        net.bridgeAdd(bridge, List.of(ip(1) + "/24"), 0);
        Path a = netns("a");
        String outside = "10.214." + subnet + ".1";
        Veth unreachable = new Veth(a, "bnt" + id + "a", bridge, "eth0", null, List.of(ip(2) + "/24"), outside,
                null, 0, false);

        assertThatThrownBy(() -> net.vethAdd(unreachable))
                .hasMessageStartingWith("add default route via " + outside + " in " + a + ": ")
                .hasMessageNotContaining("\n");

        assertThat(NetHelper.linkExists("bnt" + id + "a")).isFalse();
        assertThat(linksIn(a)).hasSize(1);
    }

    @Test
    void badArgumentsAreNamed() {
        Veth noPrefix = new Veth(tmp.resolve("a"), "bnt" + id + "a", bridge, "eth0", null, List.of("10.213.0.2"),
                null, null, 0, false);
        assertThatThrownBy(() -> net.vethAdd(noPrefix))
                .hasMessage("address '10.213.0.2': not an IPv4 or IPv6 ADDR/PREFIX");
        Veth badMac = new Veth(tmp.resolve("a"), "bnt" + id + "a", bridge, "eth0", "02:42", List.of(), null, null, 0,
                false);
        assertThatThrownBy(() -> net.vethAdd(badMac))
                .hasMessage("mac '02:42': not six hex bytes separated by colons");
        assertThatThrownBy(() -> net.linkDelete("a-name-far-too-long"))
                .hasMessage("interface name 'a-name-far-too-long': not 1 to 15 bytes");
    }

    @Test
    void deletingTheContainersInterfaceInsideRemovesThePair() throws Exception {
        requireTools();
        net.bridgeAdd(bridge, List.of(ip(1) + "/24"), 0);
        Path a = netns("a");
        net.vethAdd(veth(a, "a", 2, null, false));

        net.linkDeleteIn(a, "eth0");

        assertThat(linksIn(a)).hasSize(1);
        assertThat(NetHelper.linkExists("bnt" + id + "a")).isFalse();
        net.linkDeleteIn(a, "eth0");
        net.linkDeleteIn(tmp.resolve("missing"), "eth0");
    }

    @Test
    void twentyContainerLifetimesLeaveNothingBehind() throws Exception {
        requireTools();
        net.bridgeAdd(bridge, List.of(ip(1) + "/24"), 0);
        for (int i = 0; i < 20; i++) {
            Path ns = netns("cycle-" + i);
            String host = "bnt" + id + "c" + i;
            hostLinks.add(host);
            net.vethAdd(new Veth(ns, host, bridge, "eth0", null, List.of(ip(10 + i) + "/24"), ip(1), null, 0, false));
            net.linkDelete(host);
            net.netnsDelete(ns);
        }
        assertThat(hostLinks()).containsExactly(bridge);
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("cycle-"));
        }
        assertThat(Files.readString(Path.of("/proc/self/mounts"))).doesNotContain(tmp.toString());
    }

    // ------------------------------------------------------------------ installing

    @Test
    void theBinaryIsInstalledOncePerVersion() throws Exception {
        Path binary = net.binary();
        assertThat(binary.getFileName()).hasToString("berth-net");
        assertThat(binary.getParent().getFileName().toString()).matches("berth-net-[0-9a-f]{12}");
        // Named by the copy's own digest (the build's, read beside the binary, not computed at each start).
        String digest = java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(binary)));
        assertThat(binary.getParent().getFileName()).hasToString("berth-net-" + digest.substring(0, 12));
        assertThat(binary.getParent().getParent()).isEqualTo(tmp.resolve("run").resolve("bin"));
        assertThat(Files.isExecutable(binary)).isTrue();
        Object inode = Files.getAttribute(binary, "unix:ino");
        assertThat(NetHelper.install(tmp.resolve("run")).binary()).isEqualTo(binary);
        assertThat(Files.getAttribute(binary, "unix:ino")).isEqualTo(inode);
        try (Stream<Path> files = Files.list(binary.getParent())) {
            assertThat(files).containsExactly(binary);
        }
    }

    // ------------------------------------------------------------------ helpers

    private static void privileged() {
        Requirements.require(Requirements.isRoot(), "network namespaces, bridges and veth pairs need root");
    }

    private static void requireTools() {
        privileged();
        Requirements.requireTool("ip", "iproute2");
        Requirements.requireTool("nsenter", "util-linux");
        Requirements.require(Files.isExecutable(BUSYBOX), "busybox is not installed (apt-get install busybox-static)");
    }

    private String ip(int host) {
        return "10.213." + subnet + "." + host;
    }

    private String ip6(int host) {
        return "fd00:213:" + subnet + "::" + host;
    }

    /** The container {@code name}'s pair: host end bnt<id><name>, eth0 at .host with the bridge as gateway. */
    private Veth veth(Path ns, String name, int host, String mac, boolean hairpin) {
        String hostName = "bnt" + id + name;
        hostLinks.add(hostName);
        return new Veth(ns, hostName, bridge, "eth0", mac, List.of(ip(host) + "/24", ip6(host) + "/64"), ip(1), ip6(1),
                1400, hairpin);
    }

    /** A new namespace file in the temporary directory, registered for removal before it is made. */
    private Path netns(String name) throws IOException {
        requireTools();
        Path ns = tmp.resolve(name);
        namespaces.add(ns);
        net.netnsAdd(ns);
        return ns;
    }

    private static boolean mounted(Path path) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/mounts")).stream()
                .anyMatch(l -> l.split(" ")[1].equals(path.toString()));
    }

    /** The links of this test in the host's namespace, sorted. */
    private List<String> hostLinks() throws IOException {
        try (Stream<Path> links = Files.list(Path.of("/sys/class/net"))) {
            return links.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("bnt") && n.contains(id))
                    .sorted().toList();
        }
    }

    private static List<String> linksIn(Path ns) throws Exception {
        return in(ns, "ip", "-o", "link").lines().toList();
    }

    private static String in(Path ns, String... command) throws Exception {
        List<String> args = new ArrayList<>(List.of("nsenter", "--net=" + ns));
        args.addAll(List.of(command));
        return sh(args.toArray(String[]::new));
    }

    private static int ping(Path ns, String address) throws Exception {
        Process p = new ProcessBuilder("nsenter", "--net=" + ns, BUSYBOX.toString(), "ping", "-c1", "-W2", address)
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int status = p.waitFor();
        if (status != 0) {
            System.err.println("ping " + address + " in " + ns + ": " + output);
        }
        return status;
    }

    private static String sh(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + output);
        }
        return output;
    }

    /** Runs a clean-up command: its failure as a message, none if it succeeded. */
    private static List<String> quietly(String... command) throws Exception {
        try {
            sh(command);
            return List.of();
        } catch (AssertionError e) {
            return List.of(e.getMessage());
        }
    }
}
