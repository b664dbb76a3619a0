package io.berth.views;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sizes as docker's flags and options take them ({@code 10m}, {@code 1.5g}, {@code 512KiB}): powers of 1024. */
public final class Sizes {
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgtp]?)(i?b)?");

    private Sizes() {
    }

    /**
     * The bytes {@code text} stands for.
     *
     * @throws IllegalArgumentException naming the text when it is not a size
     */
    public static long parseBytes(String text) {
        Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid size: '" + text + "'");
        }
        double number = Double.parseDouble(m.group(1));
        int power = "kmgtp".indexOf(m.group(2).isEmpty() ? ' ' : m.group(2).charAt(0)) + 1;
        return (long) (number * Math.pow(1024, power));
    }
}
