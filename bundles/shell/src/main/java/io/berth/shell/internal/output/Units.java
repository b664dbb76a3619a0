package io.berth.shell.internal.output;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;

/**
 * Sizes and durations as docker prints them (its go-units library): {@code 197MB},
 * {@code 1.23kB}, {@code 3 months ago}.
 */
public final class Units {
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

    /**
     * A duration in words, as docker's {@code CREATED} and {@code STATUS} columns show it:
     * {@code Less than a second}, {@code 5 seconds}, {@code About a minute}, {@code 3 hours},
     * {@code 2 weeks}, {@code 3 months}, {@code 2 years}.
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
    public static String ago(java.time.Instant then, java.time.Instant now) {
        Duration d = Duration.between(then, now);
        return humanDuration(d.isNegative() ? Duration.ZERO : d) + " ago";
    }

    /**
     * Parses a size as docker's flags take it ({@code 32m}, {@code 1g}, {@code 512k}, {@code 100}):
     * binary units, case-insensitive, optional trailing {@code b}.
     *
     * @throws IllegalArgumentException if the text is not a size
     */
    public static long parseBytes(String text) {
        String s = text.trim().toLowerCase(java.util.Locale.ROOT);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgtp]?)(i?b)?").matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid size: '" + text + "'");
        }
        double number = Double.parseDouble(m.group(1));
        int power = "kmgtp".indexOf(m.group(2).isEmpty() ? ' ' : m.group(2).charAt(0)) + 1;
        return (long) (number * Math.pow(1024, power));
    }
}
