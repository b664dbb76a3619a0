package io.berth.views;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.api.container.Container;
import io.berth.api.container.ContainerDetails;
import io.berth.api.container.ContainerState;
import io.berth.api.container.ContainerStatus;
import io.berth.api.container.HostConfig;
import io.berth.api.container.MountPoint;
import io.berth.api.container.MountSpec;
import io.berth.api.image.ContainerConfig;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code container inspect}'s mounts: {@code Mounts}, {@code HostConfig.Binds/Mounts/VolumesFrom/VolumeDriver}, {@code Config.Volumes}. */
class ContainerViewMountsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VOLUME = "v".repeat(64);

    private static JsonNode inspect(HostConfig host, List<MountPoint> points, List<String> imageVolumes) {
        Container c = Container.builder().id("c".repeat(64)).name("web").image("busybox").imageId("sha256:" + "1".repeat(64))
                .created(Instant.parse("2026-05-01T10:00:00Z"))
                .state(ContainerState.builder().status(ContainerStatus.CREATED).build()).build();
        ContainerDetails d = ContainerDetails.builder().container(c).path("sh").args(List.of())
                .config(ContainerConfig.builder().volumes(imageVolumes).build()).host(host).mountPoints(points).build();
        return JSON.valueToTree(ContainerView.inspect(d));
    }

    @Test
    void noMountsAreDockersEmptyValues() throws Exception {
        JsonNode m = inspect(HostConfig.builder().build(), List.of(), null);
        assertThat(JSON.writeValueAsString(m.get("Mounts"))).isEqualTo("[]");
        JsonNode h = m.get("HostConfig");
        assertThat(h.get("Binds").isNull()).isTrue();
        assertThat(h.get("VolumesFrom").isNull()).isTrue();
        assertThat(h.get("VolumeDriver").asText()).isEmpty();
        assertThat(h.has("Mounts")).isFalse();
        assertThat(m.get("Config").get("Volumes").isNull()).isTrue();
    }

    @Test
    void mountPointsOfAVolumeABindAndATmpfs() throws Exception {
        List<MountPoint> points = List.of(
                new MountPoint("volume", VOLUME, "/var/lib/berth/volumes/" + VOLUME + "/_data", "/data", "local", "z", true, ""),
                new MountPoint("bind", "", "/srv/www", "/var/www", "", "ro", false, "rprivate"),
                new MountPoint("tmpfs", "", "", "/run/t", "", "", true, ""));
        JsonNode m = inspect(HostConfig.builder().build(), points, null);
        assertThat(JSON.writeValueAsString(m.get("Mounts"))).isEqualTo("["
                + "{\"Type\":\"volume\",\"Name\":\"" + VOLUME + "\",\"Source\":\"/var/lib/berth/volumes/" + VOLUME + "/_data\","
                + "\"Destination\":\"/data\",\"Driver\":\"local\",\"Mode\":\"z\",\"RW\":true,\"Propagation\":\"\"},"
                + "{\"Type\":\"bind\",\"Source\":\"/srv/www\",\"Destination\":\"/var/www\",\"Mode\":\"ro\",\"RW\":false,"
                + "\"Propagation\":\"rprivate\"},"
                + "{\"Type\":\"tmpfs\",\"Source\":\"\",\"Destination\":\"/run/t\",\"Mode\":\"\",\"RW\":true,\"Propagation\":\"\"}]");
    }

    @Test
    void hostConfigKeepsBindsAndMountsAsDockerDoes() throws Exception {
        HostConfig host = HostConfig.builder()
                .binds(List.of("data:/data", "/srv/www/:/var/www:ro,Z"))
                .mounts(List.of(
                        // From -v: shown as Binds and in Config.Volumes, not as HostConfig.Mounts.
                        new MountSpec("volume", "data", "/data", false, "", false, false, null, Map.of(), 0, 0),
                        new MountSpec("bind", "/srv/www", "/var/www", true, "", true, false, null, Map.of(), 0, 0),
                        new MountSpec("volume", "", "/cache", false, "", false, false, null, Map.of(), 0, 0),
                        // From --mount.
                        new MountSpec("volume", "logs", "/logs", true, "", false, true, "nfs", Map.of("o", "addr=1.2.3.4"), 0, 0),
                        new MountSpec("volume", "plain", "/plain", false, "", false, false, null, Map.of(), 0, 0),
                        new MountSpec("bind", "/etc/app", "/etc/app", false, "rslave", false, false, null, Map.of(), 0, 0),
                        new MountSpec("bind", "/opt", "/opt", false, "", false, false, null, Map.of(), 0, 0),
                        new MountSpec("tmpfs", "", "/run/t", false, "", false, false, null, Map.of(), 64L << 20, 01770),
                        new MountSpec("tmpfs", "", "/run/u", false, "", false, false, null, Map.of(), 0, 0)))
                .volumesFrom(List.of("db:ro")).volumeDriver("local").build();
        JsonNode m = inspect(host, List.of(), List.of("/image"));
        JsonNode h = m.get("HostConfig");
        assertThat(JSON.writeValueAsString(h.get("Binds"))).isEqualTo("[\"data:/data\",\"/srv/www/:/var/www:ro,Z\"]");
        assertThat(JSON.writeValueAsString(h.get("VolumesFrom"))).isEqualTo("[\"db:ro\"]");
        assertThat(h.get("VolumeDriver").asText()).isEqualTo("local");
        assertThat(JSON.writeValueAsString(h.get("Mounts"))).isEqualTo("["
                + "{\"Type\":\"volume\",\"Source\":\"logs\",\"Target\":\"/logs\",\"ReadOnly\":true,"
                + "\"VolumeOptions\":{\"NoCopy\":true,\"DriverConfig\":{\"Name\":\"nfs\",\"Options\":{\"o\":\"addr=1.2.3.4\"}}}},"
                + "{\"Type\":\"volume\",\"Source\":\"plain\",\"Target\":\"/plain\"},"
                + "{\"Type\":\"bind\",\"Source\":\"/etc/app\",\"Target\":\"/etc/app\",\"BindOptions\":{\"Propagation\":\"rslave\"}},"
                + "{\"Type\":\"bind\",\"Source\":\"/opt\",\"Target\":\"/opt\"},"
                + "{\"Type\":\"tmpfs\",\"Target\":\"/run/t\",\"TmpfsOptions\":{\"SizeBytes\":67108864,\"Mode\":1016}},"
                + "{\"Type\":\"tmpfs\",\"Target\":\"/run/u\"}]");
        // Mounts comes where docker's HostConfig has it: after the resources, before MaskedPaths.
        List<String> keys = new java.util.ArrayList<>();
        h.fieldNames().forEachRemaining(keys::add);
        assertThat(keys.indexOf("Mounts")).isEqualTo(keys.indexOf("MaskedPaths") - 1);
        assertThat(JSON.writeValueAsString(m.get("Config").get("Volumes"))).isEqualTo("{\"/cache\":{},\"/image\":{}}");
    }
}
