package io.berth.containers.internal;

import io.berth.api.InvalidArgumentException;
import io.berth.api.container.HealthStatus;
import io.berth.api.image.ContainerConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Docker's health rules: probes, defaults, how results change the health, merging with the image's check. */
class HealthChecksTest {
    private static final Instant STARTED = Instant.parse("2024-01-01T00:00:00Z");
    private static final ContainerConfig.Healthcheck TWO_RETRIES = new ContainerConfig.Healthcheck(
            List.of("CMD-SHELL", "true"), 0, 0, 0, 2);

    private static HealthState.Result result(int secondsAfterStart, int exitCode) {
        Instant at = STARTED.plusSeconds(secondsAfterStart);
        return new HealthState.Result(at, at.plusMillis(5), exitCode, "out" + secondsAfterStart);
    }

    private static ContainerConfig config(ContainerConfig.Healthcheck h) {
        return ContainerConfig.builder().healthcheck(h).build();
    }

    @Test
    void onlyCmdAndCmdShellRunProbes() {
        assertThat(HealthChecks.probes(ContainerConfig.EMPTY)).isFalse();
        assertThat(HealthChecks.probes(config(new ContainerConfig.Healthcheck(List.of("NONE"), 0, 0, 0, 0)))).isFalse();
        assertThat(HealthChecks.probes(config(new ContainerConfig.Healthcheck(List.of("WHAT", "x"), 0, 0, 0, 0)))).isFalse();
        assertThat(HealthChecks.probes(config(new ContainerConfig.Healthcheck(List.of(), 0, 0, 0, 0)))).isFalse();
        assertThat(HealthChecks.probes(config(new ContainerConfig.Healthcheck(List.of("CMD", "true"), 0, 0, 0, 0)))).isTrue();
        assertThat(HealthChecks.probes(config(TWO_RETRIES))).isTrue();
    }

    @Test
    void cmdRunsItsArgumentsAndCmdShellGoesThroughTheShell() {
        assertThat(HealthChecks.command(config(new ContainerConfig.Healthcheck(List.of("CMD", "test", "-f", "/x"), 0, 0, 0, 0))))
                .containsExactly("test", "-f", "/x");
        assertThat(HealthChecks.command(config(new ContainerConfig.Healthcheck(List.of("CMD-SHELL", "test -f /x"), 0, 0, 0, 0))))
                .containsExactly("/bin/sh", "-c", "test -f /x");
        ContainerConfig withShell = ContainerConfig.builder().shell(List.of("/bin/ash", "-ec"))
                .healthcheck(new ContainerConfig.Healthcheck(List.of("CMD-SHELL", "true"), 0, 0, 0, 0)).build();
        assertThat(HealthChecks.command(withShell)).containsExactly("/bin/ash", "-ec", "true");
        assertThat(HealthChecks.command(config(new ContainerConfig.Healthcheck(List.of("CMD"), 0, 0, 0, 0)))).isEmpty();
    }

    @Test
    void zeroMeansDockersDefaults() {
        ContainerConfig.Healthcheck zero = new ContainerConfig.Healthcheck(List.of("CMD", "true"), 0, 0, 0, 0);
        assertThat(HealthChecks.interval(zero)).isEqualTo(Duration.ofSeconds(30));
        assertThat(HealthChecks.timeout(zero)).isEqualTo(Duration.ofSeconds(30));
        assertThat(HealthChecks.startPeriod(zero)).isEqualTo(Duration.ZERO);
        assertThat(HealthChecks.retries(zero)).isEqualTo(3);
        ContainerConfig.Healthcheck set = new ContainerConfig.Healthcheck(List.of("CMD", "true"), 200_000_000, 1_000_000_000,
                5_000_000_000L, 2);
        assertThat(HealthChecks.interval(set)).isEqualTo(Duration.ofMillis(200));
        assertThat(HealthChecks.timeout(set)).isEqualTo(Duration.ofSeconds(1));
        assertThat(HealthChecks.startPeriod(set)).isEqualTo(Duration.ofSeconds(5));
        assertThat(HealthChecks.retries(set)).isEqualTo(2);
    }

    @Test
    void startingBecomesHealthyAtTheFirstSuccessAndUnhealthyAfterItsRetries() {
        HealthState h = HealthChecks.starting(null);
        assertThat(h.healthStatus()).isEqualTo(HealthStatus.STARTING);
        h = HealthChecks.recorded(h, result(1, 1), TWO_RETRIES, STARTED);
        assertThat(h.healthStatus()).isEqualTo(HealthStatus.STARTING);
        assertThat(h.failingStreak()).isEqualTo(1);
        h = HealthChecks.recorded(h, result(2, 1), TWO_RETRIES, STARTED);
        assertThat(h.healthStatus()).isEqualTo(HealthStatus.UNHEALTHY);
        assertThat(h.failingStreak()).isEqualTo(2);
        h = HealthChecks.recorded(h, result(3, 0), TWO_RETRIES, STARTED);
        assertThat(h.healthStatus()).isEqualTo(HealthStatus.HEALTHY);
        assertThat(h.failingStreak()).isZero();
        h = HealthChecks.recorded(h, result(4, 2), TWO_RETRIES, STARTED);
        assertThat(h.healthStatus()).isEqualTo(HealthStatus.HEALTHY);
        assertThat(h.failingStreak()).isEqualTo(1);
        h = HealthChecks.recorded(h, result(5, -1), TWO_RETRIES, STARTED);
        assertThat(h.healthStatus()).isEqualTo(HealthStatus.UNHEALTHY);
    }

    @Test
    void failuresInTheStartPeriodDoNotCountWhileStarting() {
        ContainerConfig.Healthcheck tenSeconds = new ContainerConfig.Healthcheck(List.of("CMD", "false"), 0, 0,
                10_000_000_000L, 1);
        HealthState h = HealthChecks.recorded(HealthChecks.starting(null), result(3, 1), tenSeconds, STARTED);
        assertThat(h.healthStatus()).isEqualTo(HealthStatus.STARTING);
        assertThat(h.failingStreak()).isZero();
        assertThat(h.log()).hasSize(1);
        h = HealthChecks.recorded(h, result(10, 1), tenSeconds, STARTED);
        assertThat(h.healthStatus()).isEqualTo(HealthStatus.UNHEALTHY);
        assertThat(h.failingStreak()).isEqualTo(1);
        // Once healthy, the start period no longer shields a failure.
        HealthState healthy = HealthChecks.recorded(HealthChecks.starting(null), result(1, 0), tenSeconds, STARTED);
        assertThat(HealthChecks.recorded(healthy, result(2, 1), tenSeconds, STARTED).healthStatus())
                .isEqualTo(HealthStatus.UNHEALTHY);
    }

    @Test
    void theLogKeepsTheLastFiveResults() {
        HealthState h = HealthChecks.starting(null);
        for (int i = 1; i <= 7; i++) {
            h = HealthChecks.recorded(h, result(i, 0), TWO_RETRIES, STARTED);
        }
        assertThat(h.log()).extracting(HealthState.Result::output).containsExactly("out3", "out4", "out5", "out6", "out7");
    }

    @Test
    void aRestartStartsOverFromStartingAndAStopMakesItUnhealthyTheLogKept() {
        HealthState h = HealthChecks.recorded(HealthChecks.starting(null), result(1, 1), TWO_RETRIES, STARTED);
        HealthState stopped = HealthChecks.stopped(h);
        assertThat(stopped.healthStatus()).isEqualTo(HealthStatus.UNHEALTHY);
        assertThat(stopped.log()).hasSize(1);
        HealthState again = HealthChecks.starting(stopped);
        assertThat(again.healthStatus()).isEqualTo(HealthStatus.STARTING);
        assertThat(again.failingStreak()).isZero();
        assertThat(again.log()).hasSize(1);
    }

    @Test
    void outputIsCutAt4096BytesAndATimeoutSaysSoInDockersWords() {
        HealthChecks.Output out = new HealthChecks.Output();
        out.write("a".repeat(4000).getBytes());
        out.write("b".repeat(200).getBytes());
        assertThat(out.toString()).hasSize(4099).endsWith("bbb...").startsWith("aaa");
        assertThat(HealthChecks.timedOut(Duration.ofSeconds(1), "")).isEqualTo("Health check exceeded timeout (1s)");
        assertThat(HealthChecks.timedOut(Duration.ofMillis(200), "partial\n"))
                .isEqualTo("Health check exceeded timeout (200ms): partial\n");
    }

    @Test
    void durationsAreWrittenAsGoWritesThem() {
        assertThat(GoDurations.format(0)).isEqualTo("0s");
        assertThat(GoDurations.format(200_000_000)).isEqualTo("200ms");
        assertThat(GoDurations.format(1_500_000_000)).isEqualTo("1.5s");
        assertThat(GoDurations.format(30_000_000_000L)).isEqualTo("30s");
        assertThat(GoDurations.format(90_000_000_000L)).isEqualTo("1m30s");
        assertThat(GoDurations.format(7_200_000_000_000L)).isEqualTo("2h0m0s");
        assertThat(GoDurations.format(1_500)).isEqualTo("1.5µs");
        assertThat(GoDurations.format(42)).isEqualTo("42ns");
        assertThat(GoDurations.format(-2_000_000_000L)).isEqualTo("-2s");
        assertThat(GoDurations.format(61_250_000_000L)).isEqualTo("1m1.25s");
    }

    @Test
    void flagsOverrideTheImagesFieldsOneByOne() {
        ContainerConfig.Healthcheck image = new ContainerConfig.Healthcheck(List.of("CMD", "image-check"), 5_000_000_000L,
                3_000_000_000L, 1_000_000_000L, 4);
        assertThat(ContainerCreation.healthcheck(null, image)).isEqualTo(image);
        assertThat(ContainerCreation.healthcheck(new ContainerConfig.Healthcheck(null, 1_000_000_000L, 0, 0, 0), image))
                .isEqualTo(new ContainerConfig.Healthcheck(List.of("CMD", "image-check"), 1_000_000_000L, 3_000_000_000L,
                        1_000_000_000L, 4));
        ContainerConfig.Healthcheck none = new ContainerConfig.Healthcheck(List.of("NONE"), 0, 0, 0, 0);
        assertThat(ContainerCreation.healthcheck(none, image).test()).containsExactly("NONE");
        ContainerConfig.Healthcheck mine = new ContainerConfig.Healthcheck(List.of("CMD-SHELL", "true"), 0, 0, 0, 2);
        assertThat(ContainerCreation.healthcheck(mine, null)).isEqualTo(mine);
    }

    @Test
    void durationsUnder1msAndNegativeRetriesAreRefusedInDockersWords() {
        assertThatThrownBy(() -> ContainerCreation.healthcheck(new ContainerConfig.Healthcheck(null, 500_000, 0, 0, 0), null))
                .isInstanceOf(InvalidArgumentException.class).hasMessage("Interval in Healthcheck cannot be less than 1ms");
        assertThatThrownBy(() -> ContainerCreation.healthcheck(new ContainerConfig.Healthcheck(null, 0, 10, 0, 0), null))
                .hasMessage("Timeout in Healthcheck cannot be less than 1ms");
        assertThatThrownBy(() -> ContainerCreation.healthcheck(new ContainerConfig.Healthcheck(null, 0, 0, 0, -1), null))
                .hasMessage("Retries in Healthcheck cannot be negative");
        assertThatThrownBy(() -> ContainerCreation.healthcheck(new ContainerConfig.Healthcheck(null, 0, 0, 1, 0), null))
                .hasMessage("StartPeriod in Healthcheck cannot be less than 1ms");
    }
}
