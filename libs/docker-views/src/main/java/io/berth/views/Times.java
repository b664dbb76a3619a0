package io.berth.views;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;

/** Times as docker's daemon gives them: RFC 3339 in its JSON, words in a container's status. */
public final class Times {
    /** Docker's zero time, shown for times never set. */
    public static final String ZERO_TIME = "0001-01-01T00:00:00Z";

    private Times() {
    }

    /**
     * Go's RFC3339Nano, as docker's JSON and its logs' timestamps have times: nanoseconds with
     * trailing zeros dropped ({@code 2021-03-25T22:33:44.1Z}); {@link #ZERO_TIME} for {@code null}.
     */
    public static String rfc3339(Instant t) {
        if (t == null) {
            return ZERO_TIME;
        }
        String s = DateTimeFormatter.ISO_INSTANT.format(t);
        int dot = s.indexOf('.');
        if (dot < 0) {
            return s;
        }
        String fraction = s.substring(dot + 1, s.length() - 1).replaceAll("0+$", "");
        return s.substring(0, dot) + (fraction.isEmpty() ? "" : "." + fraction) + "Z";
    }

    private static final DateTimeFormatter NANO_FIXED = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'")
            .withZone(java.time.ZoneOffset.UTC);

    /**
     * Docker's RFC3339NanoFixed, as {@code logs --timestamps} prints times: always nine digits of
     * nanoseconds ({@code 2021-03-25T22:33:44.100000000Z}), so that the lines align.
     */
    public static String rfc3339Fixed(Instant t) {
        return NANO_FIXED.format(t);
    }

    /**
     * A duration in words, as docker's {@code units.HumanDuration} gives it for the {@code CREATED}
     * and {@code STATUS} columns: {@code Less than a second}, {@code 5 seconds}, {@code About a minute},
     * {@code 3 hours}, {@code 2 weeks}, {@code 3 months}, {@code 2 years}.
     */
    public static String humanDuration(Duration d) {
        long seconds = d.getSeconds();
        if (seconds < 1) {
            return "Less than a second";
        } else if (seconds == 1) {
            return "1 second";
        } else if (seconds < 60) {
            return seconds + " seconds";
        }
        long minutes = d.toMinutes();
        if (minutes == 1) {
            return "About a minute";
        } else if (minutes < 60) {
            return minutes + " minutes";
        }
        long hours = Math.round(d.toMillis() / 3_600_000.0);
        if (hours == 1) {
            return "About an hour";
        } else if (hours < 48) {
            return hours + " hours";
        } else if (hours < 24 * 7 * 2) {
            return hours / 24 + " days";
        } else if (hours < 24 * 30 * 2) {
            return hours / 24 / 7 + " weeks";
        } else if (hours < 24 * 365 * 2) {
            return hours / 24 / 30 + " months";
        }
        return d.toHours() / 24 / 365 + " years";
    }

    /** {@code 3 months ago}; for a time in the future (clock skew), {@code Less than a second ago}. */
    public static String ago(Instant then, Instant now) {
        Duration d = Duration.between(then, now);
        return humanDuration(d.isNegative() ? Duration.ZERO : d) + " ago";
    }
}
