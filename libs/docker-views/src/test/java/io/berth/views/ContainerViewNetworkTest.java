package io.berth.views;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.api.container.Container;
import io.berth.api.container.ContainerDetails;
import io.berth.api.container.ContainerState;
import io.berth.api.container.ContainerStatus;
import io.berth.api.container.HostConfig;
import io.berth.api.image.ContainerConfig;
import io.berth.api.network.Endpoint;
import io.berth.api.network.EndpointSettings;
import io.berth.api.network.PortBinding;
import io.berth.api.network.PortMapping;
import io.berth.api.network.Sandbox;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code container inspect}'s network fields, in docker 20.10's shape. */
class ContainerViewNetworkTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ID = NetworkViewTest.CONTAINER_ID;
    private static final String BRIDGE_ID = "b".repeat(64);
    private static final String USER_NET_ID = NetworkViewTest.NET_ID;
    private static final Path NETNS = Path.of("/run/berth/netns/0123456789ab");

    private static Container container(ContainerStatus status, Instant startedAt) {
        return Container.builder().id(ID).name("web").image("busybox").imageId("sha256:" + "1".repeat(64))
                .created(Instant.parse("2026-05-01T10:00:00Z"))
                .state(ContainerState.builder().status(status).startedAt(startedAt).build()).build();
    }

    private static ContainerDetails.Builder details(ContainerStatus status, Instant startedAt, HostConfig host) {
        return ContainerDetails.builder().container(container(status, startedAt)).path("sh").args(List.of())
                .config(ContainerConfig.builder().exposedPorts(List.of("443/tcp", "80/tcp")).build()).host(host);
    }

    private static JsonNode inspect(ContainerDetails d) {
        Map<String, String> ids = Map.of("bridge", BRIDGE_ID, "backend", USER_NET_ID, "host", "h".repeat(64));
        return JSON.valueToTree(ContainerView.inspect(d, ids::get));
    }

    private static Map<String, List<PortBinding>> published() {
        Map<String, List<PortBinding>> m = new LinkedHashMap<>();
        m.put("80/tcp", List.of(new PortBinding("", "8080")));
        return m;
    }

    @Test
    void aRunningContainerOnTheDefaultBridge() throws Exception {
        HostConfig host = HostConfig.builder().portBindings(published()).dns(List.of("1.1.1.1"))
                .dnsSearch(List.of("example.com")).dnsOptions(List.of("ndots:2")).extraHosts(List.of("db:10.0.0.5")).build();
        Endpoint e = new Endpoint(BRIDGE_ID, ID, NETNS, "eth0", "veth0abc", "02:42:ac:11:00:02", "172.17.0.2/16",
                "172.17.0.1", null, null, List.of(new PortMapping("tcp", 80, "0.0.0.0", 8080)), Map.of());
        Sandbox s = new Sandbox(ID, "bridge", NETNS, Map.of("bridge", e), "hosts", "resolv");
        JsonNode m = inspect(details(ContainerStatus.RUNNING, Instant.parse("2026-05-01T10:00:01Z"), host)
                .sandbox(s).networks(Map.of("bridge", EndpointSettings.DEFAULT)).build());

        JsonNode h = m.get("HostConfig");
        assertThat(h.get("NetworkMode").asText()).isEqualTo("bridge");
        assertThat(JSON.writeValueAsString(h.get("PortBindings"))).isEqualTo("{\"80/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"8080\"}]}");
        assertThat(JSON.writeValueAsString(h.get("Dns"))).isEqualTo("[\"1.1.1.1\"]");
        assertThat(JSON.writeValueAsString(h.get("DnsSearch"))).isEqualTo("[\"example.com\"]");
        assertThat(JSON.writeValueAsString(h.get("DnsOptions"))).isEqualTo("[\"ndots:2\"]");
        assertThat(JSON.writeValueAsString(h.get("ExtraHosts"))).isEqualTo("[\"db:10.0.0.5\"]");
        assertThat(h.get("PublishAllPorts").asBoolean()).isFalse();
        assertThat(JSON.writeValueAsString(m.get("Config").get("ExposedPorts"))).isEqualTo("{\"443/tcp\":{},\"80/tcp\":{}}");

        String endpointId = NetworkView.endpointId(BRIDGE_ID, ID);
        JsonNode n = m.get("NetworkSettings");
        String json = JSON.writeValueAsString(n);
        assertThat(json).isEqualTo("{\"Bridge\":\"\",\"SandboxID\":\"" + n.get("SandboxID").asText() + "\","
                + "\"HairpinMode\":false,\"LinkLocalIPv6Address\":\"\",\"LinkLocalIPv6PrefixLen\":0,"
                + "\"Ports\":{\"443/tcp\":null,\"80/tcp\":[{\"HostIp\":\"0.0.0.0\",\"HostPort\":\"8080\"}]},"
                + "\"SandboxKey\":\"/run/berth/netns/0123456789ab\",\"SecondaryIPAddresses\":null,"
                + "\"SecondaryIPv6Addresses\":null,\"EndpointID\":\"" + endpointId + "\",\"Gateway\":\"172.17.0.1\","
                + "\"GlobalIPv6Address\":\"\",\"GlobalIPv6PrefixLen\":0,\"IPAddress\":\"172.17.0.2\",\"IPPrefixLen\":16,"
                + "\"IPv6Gateway\":\"\",\"MacAddress\":\"02:42:ac:11:00:02\",\"Networks\":{\"bridge\":{"
                + "\"IPAMConfig\":null,\"Links\":null,\"Aliases\":null,\"NetworkID\":\"" + BRIDGE_ID + "\","
                + "\"EndpointID\":\"" + endpointId + "\",\"Gateway\":\"172.17.0.1\",\"IPAddress\":\"172.17.0.2\","
                + "\"IPPrefixLen\":16,\"IPv6Gateway\":\"\",\"GlobalIPv6Address\":\"\",\"GlobalIPv6PrefixLen\":0,"
                + "\"MacAddress\":\"02:42:ac:11:00:02\",\"DriverOpts\":null}}}");
        assertThat(n.get("SandboxID").asText()).matches("[0-9a-f]{64}");
        assertThat(ContainerView.ports(details(ContainerStatus.RUNNING, null, host).sandbox(s).build()))
                .containsOnlyKeys("443/tcp", "80/tcp");
    }

    @Test
    void aRunningContainerOnAUsersNetworkHasItsAddressesThereOnly() throws Exception {
        HostConfig host = HostConfig.builder().networkMode("backend").build();
        Endpoint e = new Endpoint(USER_NET_ID, ID, NETNS, "eth0", "veth1", "02:42:0a:50:00:05", "10.80.0.5/20",
                "10.80.0.1", "fd00:80::5/64", "fd00:80::1", List.of(), Map.of());
        Sandbox s = new Sandbox(ID, "backend", NETNS, Map.of("backend", e), "hosts", "resolv");
        EndpointSettings asked = new EndpointSettings(List.of("db"), "10.80.0.5", null, "02:42:0a:50:00:05");
        JsonNode m = inspect(details(ContainerStatus.RUNNING, Instant.parse("2026-05-01T10:00:01Z"), host)
                .sandbox(s).networks(Map.of("backend", asked)).build());
        JsonNode n = m.get("NetworkSettings");
        assertThat(m.get("HostConfig").get("NetworkMode").asText()).isEqualTo("backend");
        assertThat(m.get("Config").get("MacAddress").asText()).isEqualTo("02:42:0a:50:00:05");
        assertThat(n.get("IPAddress").asText()).isEmpty();
        assertThat(n.get("EndpointID").asText()).isEmpty();
        assertThat(n.get("MacAddress").asText()).isEmpty();
        assertThat(JSON.writeValueAsString(n.get("Ports"))).isEqualTo("{\"443/tcp\":null,\"80/tcp\":null}");
        assertThat(JSON.writeValueAsString(n.get("Networks"))).isEqualTo("{\"backend\":{"
                + "\"IPAMConfig\":{\"IPv4Address\":\"10.80.0.5\"},\"Links\":null,\"Aliases\":[\"db\",\"0123456789ab\"],"
                + "\"NetworkID\":\"" + USER_NET_ID + "\",\"EndpointID\":\"" + NetworkView.endpointId(USER_NET_ID, ID) + "\","
                + "\"Gateway\":\"10.80.0.1\",\"IPAddress\":\"10.80.0.5\",\"IPPrefixLen\":20,\"IPv6Gateway\":\"fd00:80::1\","
                + "\"GlobalIPv6Address\":\"fd00:80::5\",\"GlobalIPv6PrefixLen\":64,\"MacAddress\":\"02:42:0a:50:00:05\","
                + "\"DriverOpts\":null}}");
    }

    @Test
    void aStoppedContainerKeepsItsNetworksWithoutAddresses() throws Exception {
        HostConfig host = HostConfig.builder().networkMode("backend").portBindings(published()).build();
        EndpointSettings asked = new EndpointSettings(List.of(), null, null, null);
        JsonNode m = inspect(details(ContainerStatus.CREATED, null, host).networks(Map.of("backend", asked)).build());
        JsonNode n = m.get("NetworkSettings");
        assertThat(n.get("SandboxID").asText()).isEmpty();
        assertThat(n.get("SandboxKey").asText()).isEmpty();
        assertThat(JSON.writeValueAsString(n.get("Ports"))).isEqualTo("{}");
        assertThat(JSON.writeValueAsString(m.get("HostConfig").get("PortBindings")))
                .isEqualTo("{\"80/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"8080\"}]}");
        assertThat(m.get("Config").has("MacAddress")).isFalse();
        assertThat(JSON.writeValueAsString(n.get("Networks"))).isEqualTo("{\"backend\":{"
                + "\"IPAMConfig\":null,\"Links\":null,\"Aliases\":null,\"NetworkID\":\"" + USER_NET_ID + "\","
                + "\"EndpointID\":\"\",\"Gateway\":\"\",\"IPAddress\":\"\",\"IPPrefixLen\":0,\"IPv6Gateway\":\"\","
                + "\"GlobalIPv6Address\":\"\",\"GlobalIPv6PrefixLen\":0,\"MacAddress\":\"\",\"DriverOpts\":null}}");

        // Once it has run, its short id is one of its names there, as docker's daemon added it at the start.
        JsonNode exited = inspect(details(ContainerStatus.EXITED, Instant.parse("2026-05-01T10:00:01Z"), host)
                .networks(Map.of("backend", asked)).build());
        assertThat(JSON.writeValueAsString(exited.get("NetworkSettings").get("Networks").get("backend").get("Aliases")))
                .isEqualTo("[\"0123456789ab\"]");
        // Nothing recorded (a container from before networks): the entry of its network mode.
        JsonNode bare = inspect(details(ContainerStatus.CREATED, null, HostConfig.builder().build()).build());
        assertThat(bare.get("NetworkSettings").get("Networks").fieldNames()).toIterable().containsExactly("bridge");
        assertThat(bare.get("HostConfig").get("ExtraHosts").isNull()).isTrue();
        assertThat(JSON.writeValueAsString(bare.get("HostConfig").get("Dns"))).isEqualTo("[]");
        assertThat(JSON.writeValueAsString(bare.get("HostConfig").get("PortBindings"))).isEqualTo("{}");
    }

    @Test
    void theHostsNetworkHasNoAddressesNorPorts() throws Exception {
        HostConfig host = HostConfig.builder().networkMode("host").portBindings(published()).build();
        Sandbox s = new Sandbox(ID, "host", null, Map.of(), "hosts", "resolv");
        JsonNode m = inspect(details(ContainerStatus.RUNNING, Instant.parse("2026-05-01T10:00:01Z"), host)
                .sandbox(s).networks(Map.of("host", EndpointSettings.DEFAULT)).build());
        JsonNode n = m.get("NetworkSettings");
        assertThat(m.get("HostConfig").get("NetworkMode").asText()).isEqualTo("host");
        assertThat(JSON.writeValueAsString(n.get("Ports"))).isEqualTo("{}");
        assertThat(n.get("SandboxKey").asText()).isEmpty();
        assertThat(n.get("IPAddress").asText()).isEmpty();
        JsonNode e = n.get("Networks").get("host");
        assertThat(e.get("NetworkID").asText()).isEqualTo("h".repeat(64));
        assertThat(e.get("EndpointID").asText()).isEqualTo(NetworkView.endpointId("h".repeat(64), ID));
        assertThat(e.get("IPAddress").asText()).isEmpty();
        assertThat(e.get("Aliases").isNull()).isTrue();
        assertThat(n.get("Networks").size()).isEqualTo(1);
    }

    @Test
    void aContainerSharingAnothersNetworkHasNone() throws Exception {
        HostConfig host = HostConfig.builder().networkMode("container:" + "f".repeat(64)).build();
        JsonNode m = inspect(details(ContainerStatus.RUNNING, Instant.parse("2026-05-01T10:00:01Z"), host)
                .sandbox(new Sandbox(ID, "container:" + "f".repeat(64), NETNS, Map.of(), "h", "r")).build());
        JsonNode n = m.get("NetworkSettings");
        assertThat(JSON.writeValueAsString(n.get("Networks"))).isEqualTo("{}");
        assertThat(n.get("SandboxID").asText()).isEmpty();
        assertThat(JSON.writeValueAsString(n.get("Ports"))).isEqualTo("{}");
    }
}
