package io.berth.views;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.api.network.Endpoint;
import io.berth.api.network.IpamConfig;
import io.berth.api.network.Network;
import io.berth.api.network.PortMapping;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code network inspect}'s object, as docker 20.10's daemon writes it. */
class NetworkViewTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String NET_ID = "5b2a7c0e9d1f4a3b8c6d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b";
    static final String CONTAINER_ID = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static Network network() {
        return Network.builder().id(NET_ID).name("backend").driver("bridge")
                .created(Instant.parse("2026-05-01T10:20:30.123456789Z")).internal(true).attachable(true)
                .labels(Map.of("tier", "db", "env", "prod")).options(Map.of("com.docker.network.bridge.name", "br-x"))
                .ipam(List.of(new IpamConfig("10.80.0.0/20", "10.80.0.1", null),
                        new IpamConfig("fd00:80::/64", null, "fd00:80::/80")))
                .build();
    }

    @Test
    void everyFieldInDockersOrder() throws Exception {
        Endpoint e = new Endpoint(NET_ID, CONTAINER_ID, Path.of("/run/berth/netns/x"), "eth0", "veth1", "02:42:0a:50:00:02",
                "10.80.0.2/20", "10.80.0.1", null, null, List.of(new PortMapping("tcp", 80, "0.0.0.0", 8080)), Map.of());
        String json = JSON.writeValueAsString(NetworkView.inspect(network(), List.of(e),
                id -> id.equals(CONTAINER_ID) ? "web" : null));
        assertThat(json).isEqualTo("{\"Name\":\"backend\",\"Id\":\"" + NET_ID + "\","
                + "\"Created\":\"2026-05-01T10:20:30.123456789Z\",\"Scope\":\"local\",\"Driver\":\"bridge\","
                + "\"EnableIPv6\":false,\"IPAM\":{\"Driver\":\"default\",\"Options\":{},\"Config\":["
                + "{\"Subnet\":\"10.80.0.0/20\",\"Gateway\":\"10.80.0.1\"},"
                + "{\"Subnet\":\"fd00:80::/64\",\"IPRange\":\"fd00:80::/80\"}]},"
                + "\"Internal\":true,\"Attachable\":true,\"Ingress\":false,\"ConfigFrom\":{\"Network\":\"\"},"
                + "\"ConfigOnly\":false,\"Containers\":{\"" + CONTAINER_ID + "\":{\"Name\":\"web\",\"EndpointID\":\""
                + NetworkView.endpointId(NET_ID, CONTAINER_ID) + "\",\"MacAddress\":\"02:42:0a:50:00:02\","
                + "\"IPv4Address\":\"10.80.0.2/20\",\"IPv6Address\":\"\"}},"
                + "\"Options\":{\"com.docker.network.bridge.name\":\"br-x\"},"
                + "\"Labels\":{\"env\":\"prod\",\"tier\":\"db\"}}");
    }

    @Test
    void anUnusedNetworkHasEmptyObjects() throws Exception {
        Network none = Network.builder().id(NET_ID).name("none").driver("null").build();
        String json = JSON.writeValueAsString(NetworkView.inspect(none, List.of(), id -> null));
        assertThat(json).contains("\"Created\":\"0001-01-01T00:00:00Z\"")
                .contains("\"IPAM\":{\"Driver\":\"default\",\"Options\":{},\"Config\":[]}")
                .endsWith("\"Containers\":{},\"Options\":{},\"Labels\":{}}");
    }

    @Test
    void endpointIdsAreStableAndADriversOwnWins() {
        String derived = NetworkView.endpointId(NET_ID, CONTAINER_ID);
        assertThat(derived).hasSize(64).matches("[0-9a-f]{64}").isEqualTo(NetworkView.endpointId(NET_ID, CONTAINER_ID))
                .isNotEqualTo(NetworkView.endpointId(CONTAINER_ID, NET_ID));
        Endpoint plain = new Endpoint(NET_ID, CONTAINER_ID, null, "eth0", null, null, null, null, null, null, null, null);
        assertThat(NetworkView.endpointId(plain)).isEqualTo(derived);
        Endpoint own = new Endpoint(NET_ID, CONTAINER_ID, null, "eth0", null, null, null, null, null, null, null,
                Map.of("endpointId", "abc123"));
        assertThat(NetworkView.endpointId(own)).isEqualTo("abc123");
    }

    @Test
    void userDefinedNetworkModesAsDockers() {
        assertThat(NetworkView.isUserDefined("backend")).isTrue();
        for (String predefined : List.of("default", "bridge", "host", "none", "container:abc", "container:")) {
            assertThat(NetworkView.isUserDefined(predefined)).as(predefined).isFalse();
        }
        assertThat(NetworkView.isContainerMode("container:abc")).isTrue();
        assertThat(NetworkView.isContainerMode("containers")).isFalse();
    }
}
