package io.berth.launcher;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the distribution's {@code conf/} files. */
final class Configuration {
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^}]+)}");

    /**
     * A bundle to install at start.
     *
     * @param path the bundle file
     * @param startLevel its start level
     */
    record StartupBundle(Path path, int startLevel) {
    }

    private Configuration() {
    }

    /** Reads a properties file; a missing file reads as empty. */
    static Map<String, String> properties(Path file) throws IOException {
        Map<String, String> result = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return result;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        for (String name : p.stringPropertyNames()) {
            result.put(name, p.getProperty(name).strip());
        }
        return result;
    }

    /**
     * Replaces {@code ${name}} in every value by the value of {@code name} in the map itself, or
     * else from {@code outer}; unknown names are left as they are.
     */
    static Map<String, String> interpolate(Map<String, String> values, Function<String, String> outer) {
        Map<String, String> result = new LinkedHashMap<>(values);
        for (int round = 0; round < 8; round++) {
            boolean changed = false;
            for (Map.Entry<String, String> e : result.entrySet()) {
                String replaced = substitute(e.getValue(), name -> result.containsKey(name) ? result.get(name) : outer.apply(name));
                if (!replaced.equals(e.getValue())) {
                    e.setValue(replaced);
                    changed = true;
                }
            }
            if (!changed) {
                break;
            }
        }
        return result;
    }

    private static String substitute(String value, Function<String, String> lookup) {
        Matcher m = VARIABLE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement = lookup.apply(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(replacement != null ? replacement : m.group()));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * Reads {@code startup.properties}: {@code bundle/FILE.jar = LEVEL} lines, in order.
     *
     * @throws IOException naming the line when one is malformed or its bundle is missing
     */
    static List<StartupBundle> startupBundles(Path file, Path home) throws IOException {
        List<StartupBundle> bundles = new ArrayList<>();
        int number = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            number++;
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            int eq = t.indexOf('=');
            if (eq < 0) {
                throw new IOException(file + ":" + number + ": expected 'bundle/FILE.jar = LEVEL'");
            }
            Path path = home.resolve(t.substring(0, eq).strip());
            int level;
            try {
                level = Integer.parseInt(t.substring(eq + 1).strip());
            } catch (NumberFormatException e) {
                throw new IOException(file + ":" + number + ": start level '" + t.substring(eq + 1).strip()
                        + "' is not a number");
            }
            if (!Files.isRegularFile(path)) {
                throw new IOException(file + ":" + number + ": bundle " + path + " does not exist");
            }
            bundles.add(new StartupBundle(path, level));
        }
        return bundles;
    }

    /** The names of a comma-separated list ({@code a, b}), stripped, empty ones left out; none for {@code null}. */
    static Set<String> names(String list) {
        if (list == null) {
            return Set.of();
        }
        Set<String> names = new LinkedHashSet<>();
        for (String name : list.split(",")) {
            if (!name.isBlank()) {
                names.add(name.strip());
            }
        }
        return names;
    }
}
