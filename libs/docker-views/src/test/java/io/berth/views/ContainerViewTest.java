package io.berth.views;

import io.berth.api.container.ContainerState;
import io.berth.api.container.ContainerStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** A container's {@code Status}, in docker's words. */
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
}
