package io.berth.views;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class TimesTest {
    @Test
    void durationsAsDockerShowsThem() {
        assertThat(Times.humanDuration(Duration.ofMillis(300))).isEqualTo("Less than a second");
        assertThat(Times.humanDuration(Duration.ofSeconds(1))).isEqualTo("1 second");
        assertThat(Times.humanDuration(Duration.ofSeconds(59))).isEqualTo("59 seconds");
        assertThat(Times.humanDuration(Duration.ofSeconds(90))).isEqualTo("About a minute");
        assertThat(Times.humanDuration(Duration.ofMinutes(45))).isEqualTo("45 minutes");
        assertThat(Times.humanDuration(Duration.ofMinutes(70))).isEqualTo("About an hour");
        assertThat(Times.humanDuration(Duration.ofHours(47))).isEqualTo("47 hours");
        assertThat(Times.humanDuration(Duration.ofDays(3))).isEqualTo("3 days");
        assertThat(Times.humanDuration(Duration.ofDays(20))).isEqualTo("2 weeks");
        assertThat(Times.humanDuration(Duration.ofDays(95))).isEqualTo("3 months");
        assertThat(Times.humanDuration(Duration.ofDays(800))).isEqualTo("2 years");
        Instant now = Instant.now();
        assertThat(Times.ago(now.minus(Duration.ofDays(95)), now)).isEqualTo("3 months ago");
        assertThat(Times.ago(now.plusSeconds(5), now)).isEqualTo("Less than a second ago");
    }

    @Test
    void rfc3339AsDockersJson() {
        assertThat(Times.rfc3339(null)).isEqualTo("0001-01-01T00:00:00Z");
        assertThat(Times.rfc3339(Instant.parse("2021-03-25T22:33:44.123456789Z"))).isEqualTo("2021-03-25T22:33:44.123456789Z");
        // Go's RFC3339Nano drops trailing zeros, and the fraction when it is zero.
        assertThat(Times.rfc3339(Instant.parse("2021-03-25T22:33:44.100Z"))).isEqualTo("2021-03-25T22:33:44.1Z");
        assertThat(Times.rfc3339(Instant.parse("2021-03-25T22:33:44Z"))).isEqualTo("2021-03-25T22:33:44Z");
    }

    @Test
    void rfc3339FixedAsDockersLogTimestamps() {
        assertThat(Times.rfc3339Fixed(Instant.parse("2021-03-25T22:33:44.1Z"))).isEqualTo("2021-03-25T22:33:44.100000000Z");
        assertThat(Times.rfc3339Fixed(Instant.parse("2021-03-25T22:33:44Z"))).isEqualTo("2021-03-25T22:33:44.000000000Z");
        assertThat(Times.rfc3339Fixed(Instant.parse("2021-03-25T22:33:44.123456789Z"))).isEqualTo("2021-03-25T22:33:44.123456789Z");
    }
}
