package io.berth.shell.internal.output;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class UnitsTest {
    @Test
    void sizesAsDockerShowsThem() {
        assertThat(Units.humanSize(0)).isEqualTo("0B");
        assertThat(Units.humanSize(7)).isEqualTo("7B");
        assertThat(Units.humanSize(195_000)).isEqualTo("195kB");
        assertThat(Units.humanSize(196_513_448)).isEqualTo("197MB");
        assertThat(Units.humanSize(1_234)).isEqualTo("1.23kB");
        assertThat(Units.humanSize(1_500_000_000L)).isEqualTo("1.5GB");
        // Go's %.3g of 999.5 is 1e+03; docker prints exactly that.
        assertThat(Units.humanSize(999_500)).isEqualTo("1e+03kB");
        assertThat(Units.humanSize(196_513_448, 4)).isEqualTo("196.5MB");
    }

    @Test
    void goFormatG() {
        assertThat(Units.formatG(0.0001234, 3)).isEqualTo("0.000123");
        assertThat(Units.formatG(0.00001234, 3)).isEqualTo("1.23e-05");
        assertThat(Units.formatG(100, 3)).isEqualTo("100");
        assertThat(Units.formatG(1.0, 3)).isEqualTo("1");
    }

    @Test
    void durationsAsDockerShowsThem() {
        assertThat(Units.humanDuration(Duration.ofMillis(300))).isEqualTo("Less than a second");
        assertThat(Units.humanDuration(Duration.ofSeconds(1))).isEqualTo("1 second");
        assertThat(Units.humanDuration(Duration.ofSeconds(59))).isEqualTo("59 seconds");
        assertThat(Units.humanDuration(Duration.ofSeconds(90))).isEqualTo("About a minute");
        assertThat(Units.humanDuration(Duration.ofMinutes(45))).isEqualTo("45 minutes");
        assertThat(Units.humanDuration(Duration.ofMinutes(70))).isEqualTo("About an hour");
        assertThat(Units.humanDuration(Duration.ofHours(47))).isEqualTo("47 hours");
        assertThat(Units.humanDuration(Duration.ofDays(3))).isEqualTo("3 days");
        assertThat(Units.humanDuration(Duration.ofDays(20))).isEqualTo("2 weeks");
        assertThat(Units.humanDuration(Duration.ofDays(95))).isEqualTo("3 months");
        assertThat(Units.humanDuration(Duration.ofDays(800))).isEqualTo("2 years");
        Instant now = Instant.now();
        assertThat(Units.ago(now.minus(Duration.ofDays(95)), now)).isEqualTo("3 months ago");
        assertThat(Units.ago(now.plusSeconds(5), now)).isEqualTo("Less than a second ago");
    }

    @Test
    void parsesFlagSizes() {
        assertThat(Units.parseBytes("32m")).isEqualTo(32L * 1024 * 1024);
        assertThat(Units.parseBytes("1g")).isEqualTo(1024L * 1024 * 1024);
        assertThat(Units.parseBytes("512KB")).isEqualTo(512L * 1024);
        assertThat(Units.parseBytes("100")).isEqualTo(100);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Units.parseBytes("lots"))
                .hasMessage("invalid size: 'lots'");
    }
}
