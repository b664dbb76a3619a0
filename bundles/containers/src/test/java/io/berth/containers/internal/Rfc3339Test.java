package io.berth.containers.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Rfc3339Test {
    @Test
    void readsWhatInstantWritesAsInstantReadsIt() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 20_000; i++) {
            // 1900 to 2200, every precision Instant.toString writes: none, millis, micros, nanos.
            long seconds = random.nextLong(-2_208_988_800L, 7_258_118_400L);
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            };
            String text = Instant.ofEpochSecond(seconds, nanos).toString();
            assertThat(Rfc3339.parse(text)).as(text).isEqualTo(Instant.parse(text));
        }
        for (String text : new String[] {"2024-02-29T23:59:59.999999999Z", "1970-01-01T00:00:00Z", "2000-03-01T00:00:00.5Z",
                "2026-12-05T23:59:15+01:00", "2026-12-05t23:59:15Z"}) {
            assertThat(Rfc3339.parse(text)).as(text).isEqualTo(Instant.parse(text.replace('t', 'T')));
        }
    }

    @Test
    void oddAndInvalidTextsGoAsInstantParseTakesThem() {
        // Instant.parse takes 24:00 and a dot without digits, and wants the seconds (OffsetDateTime,
        // which the log reader falls back on, does not); the rest fails, here as there.
        for (String text : new String[] {"", "x", "2026-13-01T00:00:00Z", "2023-02-29T00:00:00Z", "2026-12-05T24:00:00Z",
                "2026-12-05T23:59:15.Z", "2026-12-05T23:59:15.1234567890Z", "2026-12-05 23:59:15Z", "2026-12-05T23:59:15",
                "+12026-12-05T23:59:15Z", "2026-12-05T23:59:15\u00e9Z", "2026-12-05T23:59Z", "2026-12-05T23:59+01:00"}) {
            Object expected;
            try {
                expected = Instant.parse(text);
            } catch (DateTimeParseException e) {
                assertThatThrownBy(() -> Rfc3339.parse(text)).as(text).isInstanceOf(DateTimeParseException.class);
                continue;
            }
            assertThat(Rfc3339.parse(text)).as(text).isEqualTo(expected);
        }
    }
}
