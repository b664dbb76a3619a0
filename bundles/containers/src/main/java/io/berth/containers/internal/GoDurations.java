package io.berth.containers.internal;

/** Durations in Go's words ({@code time.Duration.String}), as docker's messages have them. */
final class GoDurations {
    private GoDurations() {
    }

    /**
     * {@code 1.5s}, {@code 200ms}, {@code 1m30s}, {@code 2h0m0s}, {@code 0s}: Go's format of a
     * duration in nanoseconds.
     */
    static String format(long nanos) {
        if (nanos == 0) {
            return "0s";
        }
        boolean negative = nanos < 0;
        // Long.MIN_VALUE has no positive counterpart; Go prints it through unsigned arithmetic.
        String body = nanos == Long.MIN_VALUE ? "2562047h47m16.854775808s" : body(Math.abs(nanos));
        return negative ? "-" + body : body;
    }

    private static String body(long u) {
        if (u < 1_000_000_000L) {
            // Below a second: the largest unit that keeps a whole part.
            if (u < 1_000) {
                return u + "ns";
            } else if (u < 1_000_000) {
                return fraction(u, 3) + "µs";
            }
            return fraction(u, 6) + "ms";
        }
        long seconds = u / 1_000_000_000L;
        long fractionNanos = u % 1_000_000_000L;
        String s = fraction(seconds * 1_000_000_000L + fractionNanos - (seconds / 60) * 60 * 1_000_000_000L, 9) + "s";
        long minutes = seconds / 60;
        if (minutes == 0) {
            return s;
        }
        long hours = minutes / 60;
        s = (minutes % 60) + "m" + s;
        return hours == 0 ? s : hours + "h" + s;
    }

    /** {@code v / 10^digits} with its fraction's trailing zeros dropped. */
    private static String fraction(long v, int digits) {
        long scale = (long) Math.pow(10, digits);
        long whole = v / scale;
        long frac = v % scale;
        if (frac == 0) {
            return Long.toString(whole);
        }
        String f = String.format("%0" + digits + "d", frac).replaceAll("0+$", "");
        return whole + "." + f;
    }
}
