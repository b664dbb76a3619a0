package io.berth.views;

import io.berth.api.container.Container;
import io.berth.api.container.ContainerDetails;
import io.berth.api.container.ContainerState;
import io.berth.api.container.ContainerStatus;
import io.berth.api.container.HostConfig;
import io.berth.api.image.ContainerConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A container's {@code Status}, in docker's words, and what {@code inspect} shows of it. */
class ContainerViewTest {
    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

    private static String status(ContainerStatus s, int exit, Duration startedAgo, Duration finishedAgo) {
        return ContainerView.status(ContainerState.builder().status(s).exitCode(exit)
                .startedAt(startedAgo == null ? null : NOW.minus(startedAgo))
                .finishedAt(finishedAgo == null ? null : NOW.minus(finishedAgo)).build(), NOW);
    }

    @Test
    void statusAsDockerWordsIt() {
        assertThat(status(ContainerStatus.CREATED, 0, null, null)).isEqualTo("Created");
        assertThat(status(ContainerStatus.RUNNING, 0, Duration.ofMinutes(2), null)).isEqualTo("Up 2 minutes");
        assertThat(status(ContainerStatus.PAUSED, 0, Duration.ofHours(3), null)).isEqualTo("Up 3 hours (Paused)");
        assertThat(status(ContainerStatus.EXITED, 137, Duration.ofHours(1), Duration.ofSeconds(3)))
                .isEqualTo("Exited (137) 3 seconds ago");
        assertThat(status(ContainerStatus.RESTARTING, 1, Duration.ofHours(1), Duration.ofSeconds(90)))
                .isEqualTo("Restarting (1) About a minute ago");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> hostConfig(HostConfig host) {
        Container c = Container.builder().id("c".repeat(64)).name("web").image("busybox").imageId("sha256:" + "1".repeat(64))
                .created(NOW).state(ContainerState.builder().status(ContainerStatus.CREATED).build()).build();
        ContainerDetails d = ContainerDetails.builder().container(c).path("sleep").args(List.of("300"))
                .config(ContainerConfig.builder().build()).host(host).build();
        Map<String, Object> inspect = ContainerView.inspect(d);
        // The init never shows in the command: Path and Args are the container's own.
        assertThat(inspect.get("Path")).isEqualTo("sleep");
        assertThat(inspect.get("Args")).isEqualTo(List.of("300"));
        return (Map<String, Object>) inspect.get("HostConfig");
    }

    @Test
    void initIsThereOnlyWhenGivenAsDockersOmitemptyPointer() {
        assertThat(hostConfig(HostConfig.builder().build())).doesNotContainKey("Init");
        Map<String, Object> withInit = hostConfig(HostConfig.builder().init(true).build());
        assertThat(withInit.get("Init")).isEqualTo(true);
        // Last, as the field is in docker's HostConfig.
        assertThat(List.copyOf(withInit.keySet()).get(withInit.size() - 1)).isEqualTo("Init");
        assertThat(hostConfig(HostConfig.builder().init(false).build()).get("Init")).isEqualTo(false);
    }
}
