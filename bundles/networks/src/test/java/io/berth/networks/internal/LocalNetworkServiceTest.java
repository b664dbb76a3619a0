package io.berth.networks.internal;

import io.berth.api.ConflictException;
import io.berth.api.Filters;
import io.berth.api.InvalidArgumentException;
import io.berth.api.NotFoundException;
import io.berth.api.UnavailableException;
import io.berth.api.driver.DriverInfo;
import io.berth.api.driver.DriverRegistry;
import io.berth.api.driver.DriverType;
import io.berth.api.network.Endpoint;
import io.berth.api.network.EndpointRequest;
import io.berth.api.network.EndpointSettings;
import io.berth.api.network.IpamConfig;
import io.berth.api.network.Network;
import io.berth.api.network.NetworkDriver;
import io.berth.api.network.PortBinding;
import io.berth.api.network.Sandbox;
import io.berth.api.network.SandboxRequest;
import io.berth.api.runtime.RuntimeDriver;
import io.berth.api.storage.StorageDriver;
import io.berth.netlink.NetHelper;
import io.berth.testing.Requirements;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The network service with a driver that records what it is asked, and real network namespaces
 * (root): networks, addresses, ports, records, recovery after a crash, names.
 */
class LocalNetworkServiceTest {
    @TempDir
    Path dir;
    private final RecordingDriver driver = new RecordingDriver();
    private final List<LocalNetworkService> services = new ArrayList<>();
    private Path resolv;
    private Path hosts;

    @BeforeEach
    void setUp() throws IOException {
        Requirements.require(Requirements.isRoot(), "network namespaces need root");
        resolv = Files.writeString(dir.resolve("resolv.conf"), "nameserver 127.0.0.53\nsearch lan\n");
        hosts = Files.writeString(dir.resolve("hosts"), "127.0.0.1 localhost\n");
    }

    @AfterEach
    void tearDown() throws IOException {
        for (LocalNetworkService s : services) {
            for (String id : s.sandboxes()) {
                s.tearDown(id);
            }
            s.close();
        }
        Path netns = dir.resolve("run/netns");
        if (Files.isDirectory(netns)) {
            NetHelper net = NetHelper.install(dir.resolve("run"));
            try (var files = Files.list(netns)) {
                for (Path f : files.toList()) {
                    net.netnsDelete(f);
                }
            }
        }
    }

    private LocalNetworkService service() throws IOException {
        LocalNetworkService s = new LocalNetworkService(registry(), NetHelper.install(dir.resolve("run")), dir.resolve("root"),
                dir.resolve("run"), new NetworkSettings("bt0", "10.213.0.0/16", "10.214.0.0/16", 24), resolv, hosts);
        s.start();
        services.add(s);
        return s;
    }

    private static SandboxRequest request(String id, String name, String mode, Map<String, EndpointSettings> networks,
                                          Map<String, List<PortBinding>> ports) {
        return new SandboxRequest(id, name, id.substring(0, 12), "", mode, networks, ports, false, List.of(), List.of(),
                List.of(), List.of(), List.of());
    }

    private static String id(char c) {
        return String.valueOf(c).repeat(64);
    }

    @Test
    void predefinedNetworksAndUserNetworks() throws IOException {
        LocalNetworkService s = service();
        assertThat(s.list(Filters.NONE)).extracting(Network::name).containsExactly("bridge", "host", "none");
        assertThat(s.get("bridge").ipam()).containsExactly(new IpamConfig("10.213.0.0/16", "10.213.0.1", null));
        Network a = s.create(Network.builder().name("na").driver("bridge").build());
        assertThat(a.ipam().get(0).subnet()).isEqualTo("10.214.0.0/24");
        Network b = s.create(Network.builder().name("nb").driver("bridge").build());
        assertThat(b.ipam().get(0).subnet()).isEqualTo("10.214.1.0/24");
        assertThat(s.get(a.id().substring(0, 6))).isEqualTo(a);
        assertThatThrownBy(() -> s.create(Network.builder().name("na").driver("bridge").build()))
                .isInstanceOf(ConflictException.class).hasMessage("network with name na already exists");
        assertThatThrownBy(() -> s.create(Network.builder().name("c").driver("bridge")
                .ipam(List.of(new IpamConfig("10.214.0.0/16", null, null))).build()))
                .isInstanceOf(ConflictException.class).hasMessage("Pool overlaps with other one on this address space");
        assertThatThrownBy(() -> s.create(Network.builder().name("c").driver("bridge")
                .ipam(List.of(new IpamConfig("10.215.0.0/24", "10.216.0.1", null))).build()))
                .isInstanceOf(InvalidArgumentException.class).hasMessage("no matching subnet for gateway 10.216.0.1");
        assertThatThrownBy(() -> s.create(Network.builder().name("c").driver("nosuch").build()))
                .isInstanceOf(NotFoundException.class).hasMessage("plugin \"nosuch\" not found");
        assertThatThrownBy(() -> s.remove("bridge")).hasMessage("bridge is a pre-defined network and cannot be removed");
        assertThat(s.list(Filters.parse(List.of("type=custom")))).extracting(Network::name).containsExactly("na", "nb");
        assertThat(s.list(Filters.parse(List.of("dangling=true")))).extracting(Network::name).containsExactly("na", "nb");
        s.remove("na");
        assertThatThrownBy(() -> s.get("na")).isInstanceOf(NotFoundException.class).hasMessage("network na not found");
        assertThat(driver.removed).containsExactly("na");
        // (Names that cannot be taken for an id's prefix: a lookup tries those too.)
        // Kept on disk: another engine sees the same networks.
        assertThat(service().list(Filters.NONE)).extracting(Network::name).containsExactly("bridge", "host", "nb", "none");
    }

    @Test
    void addressesAreAllocatedAndGivenBack() throws IOException {
        LocalNetworkService s = service();
        s.create(Network.builder().name("u").driver("bridge").build());
        Sandbox one = s.setUp(request(id('a'), "one", "u", Map.of(), Map.of()));
        Sandbox two = s.setUp(request(id('b'), "two", "u", Map.of("u", new EndpointSettings(List.of("db"), null, null, null)),
                Map.of()));
        assertThat(one.endpoints().get("u").ipv4()).isEqualTo("10.214.0.2/24");
        assertThat(one.endpoints().get("u").gateway()).isEqualTo("10.214.0.1");
        assertThat(one.endpoints().get("u").macAddress()).isEqualTo("02:42:0a:d6:00:02");
        assertThat(two.endpoints().get("u").ipv4()).isEqualTo("10.214.0.3/24");
        assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).contains(one.netns().toString());
        assertThat(one.hosts()).endsWith("10.214.0.2\t" + id('a').substring(0, 12) + "\n");
        assertThatThrownBy(() -> s.remove("u")).isInstanceOf(ConflictException.class)
                .hasMessageContaining("has active endpoints");
        // Names, as the embedded DNS server asks: scoped to the asking container's networks.
        InetAddress fromOne = InetAddress.getByName("10.214.0.2");
        assertThat(s.names().lookup(fromOne, "two")).containsExactly(InetAddress.getByName("10.214.0.3"));
        assertThat(s.names().lookup(fromOne, "db")).containsExactly(InetAddress.getByName("10.214.0.3"));
        assertThat(s.names().lookup(fromOne, id('b').substring(0, 12))).containsExactly(InetAddress.getByName("10.214.0.3"));
        assertThat(s.names().lookup(fromOne, "nosuch")).isNull();
        assertThat(s.names().lookup(InetAddress.getByName("10.9.9.9"), "two")).isNull();
        assertThat(s.names().reverse(fromOne, InetAddress.getByName("10.214.0.3"))).isEqualTo("two.u");

        s.tearDown(id('a'));
        assertThat(one.netns()).doesNotExist();
        assertThat(driver.disconnected).containsExactly(id('a'));
        // As docker's allocator: the first free address, one just released included.
        Sandbox three = s.setUp(request(id('c'), "three", "u", Map.of(), Map.of()));
        assertThat(three.endpoints().get("u").ipv4()).isEqualTo("10.214.0.2/24");
        assertThatThrownBy(() -> s.setUp(request(id('d'), "four", "u",
                Map.of("u", new EndpointSettings(List.of(), "10.214.0.3", null, null)), Map.of())))
                .isInstanceOf(ConflictException.class).hasMessage("Address already in use");
        assertThat(dir.resolve("run/netns/" + id('d'))).doesNotExist();
        assertThat(dir.resolve("run/networks/" + id('d') + ".json")).doesNotExist();
        assertThatThrownBy(() -> s.setUp(request(id('d'), "four", "u",
                Map.of("u", new EndpointSettings(List.of(), "10.1.2.3", null, null)), Map.of())))
                .hasMessage("Invalid address 10.1.2.3: It does not belong to any of this network's subnets");
    }

    @Test
    void publishedPortsAreHeldAndAConflictLeavesNothing() throws IOException {
        LocalNetworkService s = service();
        Sandbox web = s.setUp(request(id('a'), "web", "bridge", Map.of(),
                Map.of("80/tcp", List.of(new PortBinding("127.0.0.1", "")))));
        int port = web.ports().get(0).hostPort();
        assertThat(web.ports().get(0).hostIp()).isEqualTo("127.0.0.1");
        assertThat(driver.requests.get(0).ports()).isEqualTo(web.ports());
        assertThatThrownBy(() -> s.setUp(request(id('b'), "other", "bridge", Map.of(),
                Map.of("80/tcp", List.of(new PortBinding("127.0.0.1", String.valueOf(port)))))))
                .isInstanceOf(ConflictException.class)
                .hasMessage("Bind for 127.0.0.1:" + port + " failed: port is already allocated");
        assertThat(driver.requests).hasSize(1);
        assertThat(dir.resolve("run/netns/" + id('b'))).doesNotExist();
        assertThat(s.sandboxes()).containsExactly(id('a'));
    }

    @Test
    void aSetupInterruptedByACrashIsUndoneAtTheNextStart() throws IOException {
        LocalNetworkService s = service();
        s.setUp(request(id('a'), "kept", "bridge", Map.of(), Map.of()));
        Sandbox lost = s.setUp(request(id('b'), "lost", "bridge", Map.of(), Map.of()));
        // As if the engine died between recording a setup and finishing it.
        Path record = dir.resolve("run/networks/" + id('b') + ".json");
        Files.writeString(record, Files.readString(record).replace("\"UP\"", "\"ADDING\""));
        s.close();
        services.remove(s);
        driver.disconnected.clear();
        LocalNetworkService again = service();
        assertThat(again.sandboxes()).containsExactly(id('a'));
        assertThat(lost.netns()).doesNotExist();
        assertThat(record).doesNotExist();
        assertThat(driver.disconnected).containsExactly(id('b'));
        assertThat(driver.restored).containsExactly("bridge");
    }

    @Test
    void aSharedNamespaceOutlivesItsOwner() throws IOException {
        LocalNetworkService s = service();
        Sandbox owner = s.setUp(request(id('a'), "owner", "bridge", Map.of(), Map.of()));
        Sandbox joined = s.setUp(request(id('b'), "joined", "container:" + id('a'), Map.of(), Map.of()));
        assertThat(joined.netns()).isEqualTo(owner.netns());
        s.tearDown(id('a'));
        assertThat(owner.netns()).exists();
        assertThat(driver.disconnected).isEmpty();
        s.tearDown(id('b'));
        assertThat(owner.netns()).doesNotExist();
        assertThat(driver.disconnected).containsExactly(id('a'));
        assertThatThrownBy(() -> s.setUp(request(id('c'), "c", "container:" + id('a'), Map.of(), Map.of())))
                .isInstanceOf(ConflictException.class).hasMessageContaining("non running container");
    }

    @Test
    void hostAndNoneModes() throws IOException {
        LocalNetworkService s = service();
        Sandbox host = s.setUp(request(id('a'), "h", "host", Map.of(), Map.of()));
        assertThat(host.netns()).isNull();
        assertThat(host.hosts()).isEqualTo("127.0.0.1 localhost\n");
        assertThat(host.resolvConf()).isEqualTo("nameserver 127.0.0.53\nsearch lan\n");
        Sandbox none = s.setUp(request(id('b'), "n", "none", Map.of(), Map.of()));
        // The runtime makes a none container's namespace as it starts it.
        assertThat(none.netns()).isNull();
        assertThat(none.endpoints()).isEmpty();
        assertThat(none.resolvConf()).isEqualTo("search lan\n\nnameserver 8.8.8.8\nnameserver 8.8.4.4\n");
        assertThat(driver.requests).isEmpty();
    }

    private DriverRegistry registry() {
        return new DriverRegistry() {
            @Override
            public List<DriverInfo> drivers() {
                return List.of();
            }

            @Override
            public RuntimeDriver runtime(String name) {
                throw new UnavailableException("none");
            }

            @Override
            public StorageDriver storage(String name) {
                throw new UnavailableException("none");
            }

            @Override
            public io.berth.api.volume.VolumeDriver volume(String name) {
                throw new io.berth.api.UnavailableException("no volume driver in this test");
            }

            @Override
            public NetworkDriver network(String name) {
                if (name == null || name.equals("bridge")) {
                    return driver;
                }
                throw new UnavailableException("network driver " + name + " is not available");
            }

            @Override
            public String defaultName(DriverType type) {
                return null;
            }
        };
    }

    /** Returns what it is asked for and records it. */
    static final class RecordingDriver implements NetworkDriver {
        final List<EndpointRequest> requests = new ArrayList<>();
        final List<String> disconnected = new ArrayList<>();
        final List<String> removed = new ArrayList<>();
        final List<String> restored = new ArrayList<>();

        @Override
        public Network create(Network network) {
            return network;
        }

        @Override
        public void remove(Network network) {
            removed.add(network.name());
        }

        @Override
        public Endpoint connect(Network network, EndpointRequest r) {
            requests.add(r);
            return new Endpoint(network.id(), r.containerId(), r.netns(), r.ifName(), "veth0", r.macAddress(), r.ipv4(),
                    r.gateway(), r.ipv6(), r.gateway6(), r.ports(), Map.of());
        }

        @Override
        public void disconnect(Network network, Endpoint endpoint) {
            disconnected.add(endpoint.containerId());
        }

        @Override
        public void restore(Network network, List<Endpoint> endpoints) {
            restored.add(network.name());
        }
    }
}
