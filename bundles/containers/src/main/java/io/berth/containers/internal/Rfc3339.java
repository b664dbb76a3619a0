package io.berth.containers.internal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Parses the times of log lines ({@code 2026-12-02T22:41:19.123456789Z}, as Go's RFC3339Nano
 * writes them) without the general parser, which would cost more than the rest of a line; other
 * forms of RFC 3339 (an offset instead of {@code Z}) go to the general one.
 */
final class Rfc3339 {
    private Rfc3339() {
    }

    /**
     * As {@link Instant#parse}, for the times the engine records ({@link Instant#toString}'s, as
     * {@code ps} and {@code inspect} read them for every container): the same instant, or the same
     * exception for what is not a time.
     */
    static Instant parse(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        Instant at = utc(b, 0, b.length);
        return at != null ? at : Instant.parse(s);
    }

    /** The instant, or {@code null} if it is not an RFC 3339 time. */
    static Instant parse(byte[] b, int off, int len) {
        Instant at = utc(b, off, len);
        if (at != null) {
            return at;
        }
        try {
            return OffsetDateTime.parse(new String(b, off, len, StandardCharsets.US_ASCII)).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** The instant of a UTC time with seconds ({@code Z}, up to nine digits of fraction), or {@code null}. */
    private static Instant utc(byte[] b, int off, int len) {
        int end = off + len;
        if (len >= 20 && b[end - 1] == 'Z' && b[off + 4] == '-' && b[off + 7] == '-' && (b[off + 10] == 'T' || b[off + 10] == 't')
                && b[off + 13] == ':' && b[off + 16] == ':') {
            int year = digits(b, off, 4);
            int month = digits(b, off + 5, 2);
            int day = digits(b, off + 8, 2);
            int hour = digits(b, off + 11, 2);
            int minute = digits(b, off + 14, 2);
            int second = digits(b, off + 17, 2);
            int nanos = 0;
            boolean ok = year >= 0 && month >= 1 && month <= 12 && day >= 1
                    && day <= java.time.Month.of(month).length(java.time.Year.isLeap(year)) && hour >= 0 && hour < 24
                    && minute >= 0 && minute < 60 && second >= 0 && second < 60;
            int i = off + 19;
            if (ok && i < end - 1) {
                if (b[i] != '.' || end - 1 - (i + 1) < 1 || end - 1 - (i + 1) > 9) {
                    ok = false;
                } else {
                    int scale = 100_000_000;
                    for (int k = i + 1; k < end - 1; k++) {
                        int d = b[k] - '0';
                        if (d < 0 || d > 9) {
                            ok = false;
                            break;
                        }
                        nanos += d * scale;
                        scale /= 10;
                    }
                }
            }
            if (ok) {
                long seconds = epochDay(year, month, day) * 86_400L + hour * 3600L + minute * 60L + second;
                return Instant.ofEpochSecond(seconds, nanos);
            }
        }
        return null;
    }

    private static int digits(byte[] b, int off, int n) {
        int v = 0;
        for (int i = off; i < off + n; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (the days-from-civil algorithm). */
    static long epochDay(int year, int month, int day) {
        long y = month <= 2 ? year - 1 : year;
        long era = Math.floorDiv(y, 400);
        long yoe = y - era * 400;
        long doy = (153L * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097 + doe - 719_468;
    }
}
