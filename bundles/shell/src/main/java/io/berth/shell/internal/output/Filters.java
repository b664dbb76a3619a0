package io.berth.shell.internal.output;

import io.berth.api.InvalidArgumentException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** {@code -f key=value} filters, as docker takes them: several values of a key match any of them. */
public final class Filters {
    private final Map<String, List<String>> values;

    private Filters(Map<String, List<String>> values) {
        this.values = values;
    }

    /**
     * Parses filters.
     *
     * @param allowed the keys the command knows
     * @throws InvalidArgumentException for a filter without {@code =} or with an unknown key
     */
    public static Filters parse(List<String> filters, Set<String> allowed) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (String f : filters) {
            int eq = f.indexOf('=');
            if (eq <= 0) {
                throw new InvalidArgumentException("bad format of filter (expected name=value)");
            }
            String key = f.substring(0, eq).strip().toLowerCase(java.util.Locale.ROOT);
            if (!allowed.contains(key)) {
                throw new InvalidArgumentException("invalid filter '" + key + "'");
            }
            values.computeIfAbsent(key, k -> new ArrayList<>()).add(f.substring(eq + 1));
        }
        return new Filters(values);
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    public List<String> get(String key) {
        return values.getOrDefault(key, List.of());
    }

    /** A boolean filter's value ({@code dangling=true}). */
    public boolean bool(String key) {
        String v = get(key).get(get(key).size() - 1).toLowerCase(java.util.Locale.ROOT);
        if (!v.equals("true") && !v.equals("false") && !v.equals("1") && !v.equals("0")) {
            throw new InvalidArgumentException("invalid filter '" + key + "=" + v + "': expected true or false");
        }
        return v.equals("true") || v.equals("1");
    }

    /** Whether labels match every {@code label} filter ({@code key} or {@code key=value}). */
    public boolean labelsMatch(Map<String, String> labels) {
        for (String f : get("label")) {
            int eq = f.indexOf('=');
            if (eq < 0 ? !labels.containsKey(f) : !f.substring(eq + 1).equals(labels.get(f.substring(0, eq)))) {
                return false;
            }
        }
        return true;
    }

    /** Go's {@code path.Match}: {@code *} and {@code ?} within a path element, {@code [...]} classes. */
    public static boolean globMatches(String pattern, String text) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            switch (c) {
                case '*' -> regex.append("[^/]*");
                case '?' -> regex.append("[^/]");
                case '[' -> {
                    int end = pattern.indexOf(']', i + 1);
                    if (end < 0) {
                        regex.append("\\[");
                    } else {
                        String cls = pattern.substring(i + 1, end);
                        regex.append('[').append(cls.startsWith("^") ? "^" + cls.substring(1) : cls).append(']');
                        i = end;
                    }
                }
                case '\\' -> {
                    if (i + 1 < pattern.length()) {
                        regex.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
                    }
                }
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.matches(regex.toString(), text);
    }
}
