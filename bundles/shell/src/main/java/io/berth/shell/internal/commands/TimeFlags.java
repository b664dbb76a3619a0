package io.berth.shell.internal.commands;

import io.berth.api.InvalidArgumentException;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Times as docker's {@code --since} and {@code --until} flags take them. */
final class TimeFlags {
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

    private TimeFlags() {
    }

    /**
     * An RFC 3339 time ({@code 2013-01-02T13:23:37Z}, with or without zone or seconds), a date, a
     * Unix timestamp ({@code 1360000000.5}), or a Go duration before now ({@code 42m}, {@code 1h30m}), which
     * the docker CLI turns into whole seconds.
     */
    static Instant parse(String text, Instant now, String flag) {
        String s = text.strip();
        if (s.matches("\\d+(\\.\\d{1,9})?")) {
            BigDecimal seconds = new BigDecimal(s);
            return Instant.ofEpochSecond(seconds.longValue(),
                    seconds.remainder(BigDecimal.ONE).movePointRight(9).longValue());
        }
        if (s.matches("(\\d+(\\.\\d+)?(ns|us|µs|ms|s|m|h))+")) {
            Matcher m = DURATION.matcher(s);
            long nanos = 0;
            while (m.find()) {
                BigDecimal n = new BigDecimal(m.group(1));
                long unit = switch (m.group(2)) {
                    case "ns" -> 1L;
                    case "us", "µs" -> 1_000L;
                    case "ms" -> 1_000_000L;
                    case "s" -> 1_000_000_000L;
                    case "m" -> 60_000_000_000L;
                    default -> 3_600_000_000_000L;
                };
                nanos += n.multiply(BigDecimal.valueOf(unit)).longValue();
            }
            // As the docker CLI sends it: in whole seconds.
            return Instant.ofEpochSecond(now.minusNanos(nanos).getEpochSecond());
        }
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            // Next form.
        }
        for (String pattern : new String[]{"yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm"}) {
            try {
                return LocalDateTime.parse(s, DateTimeFormatter.ofPattern(pattern)).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                // Next form.
            }
        }
        try {
            return LocalDate.parse(s).atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new InvalidArgumentException("invalid value for \"" + flag + "\": failed to parse value as time or duration: \""
                    + text + "\"");
        }
    }
}
