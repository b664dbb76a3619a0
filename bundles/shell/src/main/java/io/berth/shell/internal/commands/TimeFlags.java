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

    /**
     * A duration flag's value in nanoseconds, read as Go's {@code time.ParseDuration} reads it
     * ({@code 1.5s}, {@code 200ms}, {@code 1m30s}, {@code -2s}, {@code 0}); a bad one is a flag error
     * (status 125) in Go's words: {@code time: missing unit in duration "5"}.
     */
    static long duration(String flag, String value) {
        try {
            return goDuration(value);
        } catch (IllegalArgumentException e) {
            throw io.berth.shell.internal.framework.UsageException.flag("invalid argument \"" + value + "\" for \"" + flag
                    + "\" flag: " + e.getMessage());
        }
    }

    /** Go's {@code time.ParseDuration}; its error message as the exception's. */
    static long goDuration(String orig) {
        String s = orig;
        boolean negative = false;
        if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            negative = s.charAt(0) == '-';
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return 0;
        }
        IllegalArgumentException invalid = new IllegalArgumentException("time: invalid duration \"" + orig + "\"");
        if (s.isEmpty()) {
            throw invalid;
        }
        BigDecimal total = BigDecimal.ZERO;
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != '.' && (c < '0' || c > '9')) {
                throw invalid;
            }
            int start = i;
            while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                i++;
            }
            boolean whole = i > start;
            String number = s.substring(start, i);
            boolean fraction = false;
            if (i < s.length() && s.charAt(i) == '.') {
                i++;
                int f = i;
                while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                    i++;
                }
                fraction = i > f;
                number = (whole ? number : "0") + "." + (fraction ? s.substring(f, i) : "0");
            }
            if (!whole && !fraction) {
                throw invalid;
            }
            int u = i;
            while (i < s.length() && s.charAt(i) != '.' && (s.charAt(i) < '0' || s.charAt(i) > '9')) {
                i++;
            }
            String unit = s.substring(u, i);
            if (unit.isEmpty()) {
                throw new IllegalArgumentException("time: missing unit in duration \"" + orig + "\"");
            }
            long nanos = switch (unit) {
                case "ns" -> 1L;
                case "us", "\u00b5s", "\u03bcs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                case "h" -> 3_600_000_000_000L;
                default -> throw new IllegalArgumentException("time: unknown unit \"" + unit + "\" in duration \"" + orig + "\"");
            };
            total = total.add(new BigDecimal(number).multiply(BigDecimal.valueOf(nanos)));
        }
        // Go truncates the fraction of a nanosecond.
        BigDecimal limit = BigDecimal.valueOf(Long.MAX_VALUE);
        if (total.compareTo(negative ? limit.add(BigDecimal.ONE) : limit) > 0) {
            throw invalid;
        }
        long n = total.setScale(0, java.math.RoundingMode.DOWN).longValue();
        return negative ? -n : n;
    }
}
