package io.berth.shell.internal.output;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Sizes and durations as docker prints them (its go-units library): {@code 197MB},
 * {@code 1.23kB}, {@code 3 months ago}.
 */
public final class Units {
    private static final java.time.format.DateTimeFormatter GO_TIME =
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss Z 'UTC'").withZone(java.time.ZoneOffset.UTC);
    private static final String[] DECIMAL_UNITS = {"B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};

    private Units() {
    }

    /**
     * A size in decimal units with three significant digits, as docker's {@code images},
     * {@code history} and {@code ps -s} show it: {@code 0B}, {@code 7B}, {@code 195kB},
     * {@code 197MB}, {@code 1.5GB}.
     */
    public static String humanSize(double size) {
        return humanSize(size, 3);
    }

    /** A size in decimal units with {@code precision} significant digits. */
    public static String humanSize(double size, int precision) {
        int unit = 0;
        while (size >= 1000.0 && unit < DECIMAL_UNITS.length - 1) {
            size /= 1000.0;
            unit++;
        }
        return formatG(size, precision) + DECIMAL_UNITS[unit];
    }

    private static final String[] BINARY_UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"};

    /** A size in binary units with four significant digits, as docker's {@code stats}: {@code 1.23MiB}, {@code 23.4GiB}. */
    public static String binarySize(double size) {
        int unit = 0;
        while (size >= 1024.0 && unit < BINARY_UNITS.length - 1) {
            size /= 1024.0;
            unit++;
        }
        return formatG(size, 4) + BINARY_UNITS[unit];
    }

    /**
     * Formats as Go's {@code %.<precision>g}: at most {@code precision} significant digits,
     * trailing zeros removed, exponent notation when the exponent is below -4 or at least the
     * precision ({@code 999.5} with precision 3 is {@code 1e+03}, exactly as docker prints it).
     */
    static String formatG(double value, int precision) {
        if (value == 0) {
            return "0";
        }
        BigDecimal rounded = new BigDecimal(value).round(new MathContext(precision, RoundingMode.HALF_EVEN));
        int exponent = rounded.precision() - rounded.scale() - 1;
        if (exponent < -4 || exponent >= precision) {
            BigDecimal mantissa = rounded.movePointLeft(exponent).stripTrailingZeros();
            String m = mantissa.scale() <= 0 ? mantissa.setScale(0, RoundingMode.UNNECESSARY).toPlainString()
                    : mantissa.toPlainString();
            return m + "e" + (exponent < 0 ? "-" : "+") + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
        }
        BigDecimal plain = rounded.stripTrailingZeros();
        return plain.scale() < 0 ? plain.setScale(0, RoundingMode.UNNECESSARY).toPlainString() : plain.toPlainString();
    }

    /** Go's default time format, as docker's {@code --format} fields show it: {@code 2021-03-25 22:33:44 +0000 UTC}. */
    public static String goTime(java.time.Instant t) {
        return t == null ? "" : GO_TIME.format(t);
    }

    /**
     * Go's {@code time.Time.String()} of a time with nanoseconds, as docker's {@code --format}
     * shows a network's {@code CreatedAt}: {@code 2021-03-25 22:33:44.1234 +0000 UTC}, the fraction's
     * trailing zeros dropped.
     */
    public static String goTimeNanos(java.time.Instant t) {
        if (t == null) {
            return "";
        }
        String base = GO_TIME.format(t);
        String fraction = String.format(java.util.Locale.ROOT, "%09d", t.getNano()).replaceAll("0+$", "");
        if (fraction.isEmpty()) {
            return base;
        }
        int space = base.indexOf(' ', base.indexOf(' ') + 1);
        return base.substring(0, space) + "." + fraction + base.substring(space);
    }

    /** Docker's truncation of long cells: at most {@code width} characters, the last an ellipsis. */
    public static String ellipsis(String s, int width) {
        if (s.codePointCount(0, s.length()) <= width) {
            return s;
        }
        return s.substring(0, s.offsetByCodePoints(0, width - 1)) + "…";
    }

    /**
     * Parses a size as docker's flags take it ({@code 32m}, {@code 1g}, {@code 512k}, {@code 100}):
     * binary units, case-insensitive, optional trailing {@code b}.
     *
     * @throws IllegalArgumentException if the text is not a size
     */
    public static long parseBytes(String text) {
        return io.berth.views.Sizes.parseBytes(text);
    }
}
