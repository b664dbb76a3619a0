package io.berth.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Docker's list filters ({@code ps -f status=exited -f label=a=b}, the API's {@code filters}
 * parameter): keys, each with one or more values; an item matches a key if it matches any of its
 * values, and it matches the filters if it matches every key. Immutable. The services that list
 * things say which keys they take and what the values mean; an unknown key is an error there, in
 * docker's words.
 */
public final class Filters {
    /** No filter: everything matches. */
    public static final Filters NONE = new Filters(Map.of());

    private final Map<String, List<String>> values;

    private Filters(Map<String, List<String>> values) {
        this.values = values;
    }

    /**
     * Filters given as {@code key=value} arguments, as {@code -f} takes them. Keys are lowercase.
     *
     * @throws InvalidArgumentException for an argument without {@code =}
     */
    public static Filters parse(List<String> arguments) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (String f : arguments) {
            int eq = f.indexOf('=');
            if (eq <= 0) {
                throw new InvalidArgumentException("bad format of filter (expected name=value)");
            }
            values.computeIfAbsent(f.substring(0, eq).strip().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(f.substring(eq + 1));
        }
        return of(values);
    }

    /** Filters from keys and their values, as the Docker API sends them. */
    public static Filters of(Map<String, List<String>> values) {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (!v.isEmpty()) {
                copy.put(k, List.copyOf(v));
            }
        });
        return copy.isEmpty() ? NONE : new Filters(java.util.Collections.unmodifiableMap(copy));
    }

    /**
     * Checks that every key is one the caller takes.
     *
     * @throws InvalidArgumentException {@code invalid filter 'KEY'}, as docker's daemon says it
     */
    public Filters requireKnown(Set<String> known) {
        for (String key : values.keySet()) {
            if (!known.contains(key)) {
                throw new InvalidArgumentException("invalid filter '" + key + "'");
            }
        }
        return this;
    }

    /** Whether there is no filter at all. */
    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** Whether the key is given. */
    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** The values of a key; empty if it is not given. */
    public List<String> get(String key) {
        return values.getOrDefault(key, List.of());
    }

    /** Every key with its values. */
    public Map<String, List<String>> asMap() {
        return values;
    }

    /**
     * A boolean key's value ({@code dangling=true}); the last one counts.
     *
     * @throws InvalidArgumentException if it is not {@code true}, {@code false}, {@code 1} or {@code 0}
     */
    public boolean bool(String key) {
        List<String> v = get(key);
        String last = v.get(v.size() - 1).toLowerCase(Locale.ROOT);
        if (!last.equals("true") && !last.equals("false") && !last.equals("1") && !last.equals("0")) {
            throw new InvalidArgumentException("invalid filter '" + key + "=" + v.get(v.size() - 1)
                    + "': expected true or false");
        }
        return last.equals("true") || last.equals("1");
    }

    /**
     * Whether labels match every {@code label} value: {@code key} (present, any value) or
     * {@code key=value}.
     */
    public boolean labelsMatch(Map<String, String> labels) {
        for (String f : get("label")) {
            int eq = f.indexOf('=');
            if (eq < 0 ? !labels.containsKey(f) : !f.substring(eq + 1).equals(labels.get(f.substring(0, eq)))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Filters f && values.equals(f.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
