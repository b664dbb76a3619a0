package io.berth.shell.internal.output;

import io.berth.api.network.PortMapping;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code ps}'s PORTS column, as docker 20.10's CLI prints it (its DisplayablePorts). */
class ContainerRowsTest {
    private static PortMapping published(String ip, int host, int container) {
        return new PortMapping("tcp", container, ip, host);
    }

    private static PortMapping exposed(int port, String proto) {
        return new PortMapping(proto, port, "", 0);
    }

    @Test
    void nothingIsEmpty() {
        assertThat(ContainerRows.ports(List.of())).isEmpty();
    }

    @Test
    void publishedPortsAfterExposedOnes() {
        assertThat(ContainerRows.ports(List.of(published("0.0.0.0", 8080, 80), exposed(443, "tcp"))))
                .isEqualTo("443/tcp, 0.0.0.0:8080->80/tcp");
        assertThat(ContainerRows.ports(List.of(published("0.0.0.0", 8080, 80), published("::", 8080, 80))))
                .isEqualTo("0.0.0.0:8080->80/tcp, :::8080->80/tcp");
    }

    @Test
    void aPublishedPortIsNotAlsoListedAsExposed() {
        assertThat(ContainerRows.ports(List.of(exposed(80, "tcp"), published("0.0.0.0", 8080, 80), exposed(80, "udp"),
                exposed(80, "udp")))).isEqualTo("80/udp, 0.0.0.0:8080->80/tcp");
    }

    @Test
    void consecutivePortsCollapseAsDockersDo() {
        assertThat(ContainerRows.ports(List.of(exposed(81, "tcp"), exposed(80, "tcp"), exposed(82, "tcp"),
                exposed(53, "udp")))).isEqualTo("53/udp, 80-82/tcp");
        // Published on the same numbers: one range.
        assertThat(ContainerRows.ports(List.of(published("0.0.0.0", 80, 80), published("0.0.0.0", 81, 81))))
                .isEqualTo("0.0.0.0:80-81->80-81/tcp");
        // Published elsewhere: docker 20.10 lists each mapping (it collapses no host-port ranges).
        assertThat(ContainerRows.ports(List.of(published("0.0.0.0", 8001, 81), published("0.0.0.0", 8000, 80))))
                .isEqualTo("0.0.0.0:8000->80/tcp, 0.0.0.0:8001->81/tcp");
        // A gap ends a range; the range before it comes first.
        assertThat(ContainerRows.ports(List.of(exposed(80, "tcp"), exposed(81, "tcp"), exposed(90, "tcp"))))
                .isEqualTo("80-81/tcp, 90/tcp");
    }

    @Test
    void theOrderOfTheInputDoesNotMatter() {
        List<PortMapping> ports = new ArrayList<>(List.of(exposed(443, "tcp"), published("127.0.0.1", 5353, 53),
                exposed(80, "tcp"), exposed(81, "tcp"), new PortMapping("udp", 53, "0.0.0.0", 53)));
        // docker's quirk kept: a range ended by a gap comes before the groups still open at the end.
        String expected = "80-81/tcp, 0.0.0.0:53->53/udp, 443/tcp, 127.0.0.1:5353->53/tcp";
        assertThat(ContainerRows.ports(ports)).isEqualTo(expected);
        java.util.Collections.reverse(ports);
        assertThat(ContainerRows.ports(ports)).isEqualTo(expected);
    }

    @Test
    void mountsAsDockersPsShowsThem() {
        List<io.berth.api.container.MountPoint> mounts = List.of(
                new io.berth.api.container.MountPoint("volume", "f".repeat(64), "/var/lib/berth/volumes/f/_data", "/data",
                        "local", "z", true, ""),
                new io.berth.api.container.MountPoint("bind", "", "/srv/www/htdocs/site", "/var/www", "", "", true, "rprivate"),
                new io.berth.api.container.MountPoint("volume", "shared", "/n", "/n", "nfs", "z", true, ""),
                new io.berth.api.container.MountPoint("tmpfs", "", "", "/run/t", "", "", true, ""));
        assertThat(ContainerRows.mounts(mounts, false)).isEqualTo("ffffffffffffff…,/srv/www/htdoc…,shared,");
        assertThat(ContainerRows.mounts(mounts, true)).isEqualTo("f".repeat(64) + ",/srv/www/htdocs/site,shared,");
        assertThat(ContainerRows.localVolumes(mounts)).isEqualTo("1");
        io.berth.api.container.Container c = io.berth.api.container.Container.builder().id("c".repeat(64)).name("web")
                .image("busybox").created(java.time.Instant.EPOCH).mountPoints(mounts.subList(0, 1))
                .state(io.berth.api.container.ContainerState.builder().status(io.berth.api.container.ContainerStatus.CREATED)
                        .build()).build();
        java.util.Map<String, Object> row = ContainerRows.row(c, false, -1, java.time.Instant.EPOCH);
        assertThat(row).containsEntry("Mounts", "ffffffffffffff…").containsEntry("LocalVolumes", "1");
    }
}
