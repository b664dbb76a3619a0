package io.berth.networks.internal;

import io.berth.api.InvalidArgumentException;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** docker's {@code until} filter: a Unix time, an RFC 3339 time, or a Go duration before now ({@code 24h}). */
final class Until {
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

    private Until() {
    }

    static Instant parse(String value) {
        if (value.matches("\\d+(\\.\\d+)?")) {
            double seconds = Double.parseDouble(value);
            return Instant.ofEpochMilli((long) (seconds * 1000));
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            // a duration, below
        }
        Matcher m = DURATION.matcher(value);
        long nanos = 0;
        int end = 0;
        while (m.find() && m.start() == end) {
            double n = Double.parseDouble(m.group(1));
            nanos += (long) (n * switch (m.group(2)) {
                case "ns" -> 1L;
                case "us", "µs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            });
            end = m.end();
        }
        if (end == 0 || end != value.length()) {
            throw new InvalidArgumentException("failed to parse value as time or duration: \"" + value + "\"");
        }
        return Instant.now().minus(Duration.ofNanos(nanos));
    }
}
