package io.berth.network.bridge.internal;

import io.berth.api.InvalidArgumentException;
import io.berth.api.network.Endpoint;
import io.berth.api.network.EndpointRequest;
import io.berth.api.network.IpamConfig;
import io.berth.api.network.Network;
import io.berth.api.network.NetworkDriver;
import io.berth.api.network.PortMapping;
import io.berth.netlink.NetHelper;
import io.berth.netlink.Veth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Bridge networks: a Linux bridge per network (made when the network is, or when its first
 * container connects, for the default one), a veth pair per connection made by one run of
 * {@code berth-net} (the container's end created straight in its namespace with its address, MAC and
 * default route), and the rules of {@link Firewall}, rewritten only when networks or published
 * ports change. A container without published ports costs one helper run and no firewall change.
 */
final class BridgeDriver implements NetworkDriver, java.io.Closeable {
    static final String BRIDGE_NAME = "com.docker.network.bridge.name";
    static final String MTU = "com.docker.network.driver.mtu";
    static final String MASQUERADE = "com.docker.network.bridge.enable_ip_masquerade";
    private static final Set<String> OPTIONS = Set.of(BRIDGE_NAME, MTU, MASQUERADE,
            "com.docker.network.bridge.enable_icc", "com.docker.network.bridge.host_binding_ipv4",
            "com.docker.network.bridge.default_bridge", "com.docker.network.container_iface_prefix");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final NetHelper net;
    private final Firewall firewall;
    /** The networks whose bridge is up, by id; guarded by {@code this}. */
    private final Map<String, Network> up = new LinkedHashMap<>();
    /** Published ports by network id, then container id; guarded by {@code this}. */
    private final Map<String, Map<String, List<Firewall.Port>>> ports = new LinkedHashMap<>();
    /**
     * Deletes the host ends of disconnected veth pairs, in order, off the caller's path: the kernel
     * takes tens of milliseconds to delete a link (it waits for an RCU grace period), which a
     * container's end should not wait for. The engine gives addresses serially, so one being
     * released is not given again meanwhile.
     */
    private final java.util.concurrent.ExecutorService deletions = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(null, r, "berth-bridge-links", 256 * 1024);
        t.setDaemon(true);
        return t;
    });

    BridgeDriver(NetHelper net, Firewall firewall) {
        this.net = net;
        this.firewall = firewall;
    }

    static String bridgeName(Network n) {
        String name = n.options().get(BRIDGE_NAME);
        return name != null && !name.isEmpty() ? name : "br-" + n.id().substring(0, 12);
    }

    private static int mtu(Network n) {
        String mtu = n.options().get(MTU);
        return mtu == null || mtu.isEmpty() ? 0 : Integer.parseInt(mtu);
    }

    @Override
    public synchronized Network create(Network n) throws IOException {
        for (String key : n.options().keySet()) {
            if (!OPTIONS.contains(key)) {
                throw new InvalidArgumentException("invalid option for the bridge driver: " + key);
            }
        }
        String bridge = bridgeName(n);
        if (bridge.length() > 15 || !bridge.matches("[A-Za-z0-9_.-]+")) {
            throw new InvalidArgumentException("invalid bridge name " + bridge + ": at most 15 letters, digits, '_', '.' or '-'");
        }
        String mtu = n.options().get(MTU);
        if (mtu != null && !mtu.isEmpty() && (!mtu.matches("\\d{2,5}") || Integer.parseInt(mtu) < 68)) {
            throw new InvalidArgumentException("invalid MTU " + mtu + " for option " + MTU);
        }
        String masq = n.options().get(MASQUERADE);
        if (masq != null && !masq.equals("true") && !masq.equals("false")) {
            throw new InvalidArgumentException("invalid value " + masq + " for option " + MASQUERADE + ": true or false");
        }
        for (Network other : up.values()) {
            if (bridgeName(other).equals(bridge)) {
                throw new io.berth.api.ConflictException("bridge " + bridge + " is already used by network " + other.name());
            }
        }
        if (NetHelper.linkExists(bridge)) {
            throw new io.berth.api.ConflictException("a device named " + bridge + " already exists on the host");
        }
        ensure(n);
        return n;
    }

    /** The network's bridge, its addresses and rules. Called with the lock held. */
    private void ensure(Network n) throws IOException {
        if (up.containsKey(n.id()) && NetHelper.linkExists(bridgeName(n))) {
            return;
        }
        String bridge = bridgeName(n);
        List<String> addresses = new ArrayList<>();
        for (IpamConfig c : n.ipam()) {
            int slash = c.subnet().indexOf('/');
            addresses.add(c.gateway() + c.subnet().substring(slash));
        }
        boolean existed = NetHelper.linkExists(bridge);
        net.bridgeAdd(bridge, addresses, mtu(n));
        try {
            sysctl("net/ipv4/conf/" + bridge + "/route_localnet", "1");
            if (!sysctlValue("net/ipv4/ip_forward").equals("1")) {
                sysctl("net/ipv4/ip_forward", "1");
            }
            up.put(n.id(), n);
            ports.computeIfAbsent(n.id(), k -> new LinkedHashMap<>());
            applyRules();
        } catch (IOException | RuntimeException e) {
            up.remove(n.id());
            ports.remove(n.id());
            if (!existed) {
                try {
                    net.bridgeDelete(bridge);
                } catch (IOException again) {
                    e.addSuppressed(again);
                }
            }
            throw e;
        }
    }

    private static void sysctl(String key, String value) throws IOException {
        Files.writeString(Path.of("/proc/sys", key), value);
    }

    private static String sysctlValue(String key) throws IOException {
        return Files.readString(Path.of("/proc/sys", key)).strip();
    }

    private void applyRules() throws IOException {
        List<Firewall.Net> nets = new ArrayList<>();
        for (Network n : up.values()) {
            List<String> subnets = new ArrayList<>();
            List<String> gateways = new ArrayList<>();
            for (IpamConfig c : n.ipam()) {
                subnets.add(c.subnet());
                gateways.add(c.gateway());
            }
            List<Firewall.Port> published = new ArrayList<>();
            ports.getOrDefault(n.id(), Map.of()).values().forEach(published::addAll);
            boolean userNetwork = !"true".equals(n.options().get("com.docker.network.bridge.default_bridge"));
            nets.add(new Firewall.Net(bridgeName(n), subnets, gateways, n.internal(),
                    !"false".equals(n.options().get(MASQUERADE)), userNetwork, published));
        }
        firewall.apply(nets);
    }

    @Override
    public synchronized void remove(Network n) throws IOException {
        up.remove(n.id());
        ports.remove(n.id());
        applyRules();
        net.bridgeDelete(bridgeName(n));
    }

    @Override
    public Endpoint connect(Network n, EndpointRequest r) throws IOException {
        String bridge;
        synchronized (this) {
            ensure(n);
            bridge = bridgeName(n);
        }
        String hostIf = "veth" + HexFormat.of().formatHex(randomBytes(4)).substring(0, 7);
        List<String> addresses = new ArrayList<>();
        if (r.ipv4() != null) {
            addresses.add(r.ipv4());
        }
        if (r.ipv6() != null) {
            addresses.add(r.ipv6());
        }
        net.vethAdd(new Veth(r.netns(), hostIf, bridge, r.ifName(), r.macAddress(), addresses, r.gateway(), r.gateway6(),
                mtu(n), true));
        Endpoint e = new Endpoint(n.id(), r.containerId(), r.netns(), r.ifName(), hostIf, r.macAddress(), r.ipv4(),
                r.gateway(), r.ipv6(), r.gateway6(), r.ports(), Map.of());
        if (!r.ports().isEmpty()) {
            synchronized (this) {
                try {
                    ports.computeIfAbsent(n.id(), k -> new LinkedHashMap<>()).put(r.containerId(), published(e));
                    applyRules();
                } catch (IOException | RuntimeException ex) {
                    ports.getOrDefault(n.id(), new LinkedHashMap<>()).remove(r.containerId());
                    try {
                        net.linkDelete(hostIf);
                    } catch (IOException again) {
                        ex.addSuppressed(again);
                    }
                    throw ex;
                }
            }
        }
        return e;
    }

    private static List<Firewall.Port> published(Endpoint e) {
        List<Firewall.Port> out = new ArrayList<>();
        for (PortMapping p : e.ports()) {
            out.add(new Firewall.Port(p.protocol(), p.hostIp(), p.hostPort(), e.ipv4Address(), p.containerPort()));
        }
        return out;
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    @Override
    public void disconnect(Network n, Endpoint e) throws IOException {
        synchronized (this) {
            Map<String, List<Firewall.Port>> on = ports.get(n.id());
            if (on != null && on.remove(e.containerId()) != null) {
                applyRules();
            }
        }
        if (e.hostIfName() != null) {
            String link = e.hostIfName();
            deletions.execute(() -> {
                try {
                    net.linkDelete(link);
                } catch (IOException ex) {
                    System.getLogger(BridgeDriver.class.getName()).log(System.Logger.Level.WARNING,
                            "cannot delete link " + link + ": " + ex.getMessage());
                }
            });
        }
    }

    /** Waits for the links being deleted (for tests and a driver that stops). */
    void awaitDeletions() throws Exception {
        deletions.submit(() -> { }).get(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** Finishes the deletions under way and stops. */
    @Override
    public void close() {
        deletions.shutdown();
        try {
            deletions.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void restore(Network n, List<Endpoint> endpoints) throws IOException {
        Map<String, List<Firewall.Port>> on = new LinkedHashMap<>();
        for (Endpoint e : endpoints) {
            if (!e.ports().isEmpty()) {
                on.put(e.containerId(), published(e));
            }
        }
        ports.put(n.id(), on);
        up.remove(n.id());
        ensure(n);
    }
}
