package io.berth.compose.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The compose spec's merge rules (13-merge.md), as compose-go's {@code override} package applies them
 * to several {@code -f} files and to {@code extends}: mappings merge key by key; sequences are
 * appended; {@code command}, {@code entrypoint} and {@code healthcheck.test} are replaced; {@code ports}
 * are unique by ip, target, published port and protocol, {@code volumes} by target, {@code secrets}
 * and {@code configs} by source, and a later entry replaces an earlier one; {@code environment},
 * {@code labels} and the like merge as mappings whatever form each side is written in. A value tagged
 * {@code !override} replaces, {@code !reset} removes.
 */
final class Merger {
    private static final Set<String> REPLACED = Set.of("command", "entrypoint", "healthcheck.test", "dns", "dns_search",
            "tmpfs", "env_file", "profiles");
    private static final Set<String> MAPPINGS = Set.of("environment", "labels", "annotations", "sysctls", "extra_hosts",
            "build.args", "build.labels", "deploy.labels");

    private Merger() {
    }

    /**
     * Merges {@code override} into a copy of {@code base}.
     *
     * @param path the dotted path of the two values within a service ({@code ""} for a service itself),
     *             or of the file ({@code null} for whole files)
     * @param tags the paths of {@code override} tagged {@code !reset} or {@code !override}, by full path
     * @param full the full path of {@code override} (for {@code tags})
     */
    static JsonNode merge(JsonNode base, JsonNode override, String path, Map<String, String> tags, String full) {
        String tag = tags.get(full);
        if (YamlReader.RESET.equals(tag)) {
            return null;
        }
        if (base == null || base.isNull() || YamlReader.OVERRIDE.equals(tag)) {
            return override.deepCopy();
        }
        if (path != null && MAPPINGS.contains(path)) {
            ObjectNode merged = asMapping(base);
            asMapping(override).fields().forEachRemaining(e -> merged.set(e.getKey(), e.getValue()));
            return merged;
        }
        if (path != null && REPLACED.contains(path)) {
            return override.deepCopy();
        }
        if (base.isObject() && override.isObject()) {
            ObjectNode merged = ((ObjectNode) base).deepCopy();
            override.fields().forEachRemaining(e -> {
                String childPath = childPath(path, full, e.getKey());
                String childFull = full.isEmpty() ? e.getKey() : full + "." + e.getKey();
                JsonNode value = merge(merged.get(e.getKey()), e.getValue(), childPath, tags, childFull);
                if (value == null) {
                    merged.remove(e.getKey());
                } else {
                    merged.set(e.getKey(), value);
                }
            });
            return merged;
        }
        if (base.isArray() && override.isArray()) {
            if (path != null && (path.equals("ports") || path.equals("volumes") || path.equals("secrets")
                    || path.equals("configs"))) {
                Map<String, JsonNode> unique = new LinkedHashMap<>();
                base.forEach(v -> unique.put(key(path, v), v));
                override.forEach(v -> {
                    unique.remove(key(path, v));
                    unique.put(key(path, v), v);
                });
                ArrayNode out = JsonNodeFactory.instance.arrayNode();
                unique.values().forEach(out::add);
                return out;
            }
            ArrayNode out = ((ArrayNode) base).deepCopy();
            override.forEach(v -> {
                if (path == null || !path.equals("depends_on") && !path.equals("networks") || !contains(out, v)) {
                    out.add(v);
                }
            });
            return out;
        }
        if (path != null && (path.equals("depends_on") || path.equals("networks")) && (base.isObject() || override.isObject())) {
            ObjectNode merged = asMapping(base);
            asMapping(override).fields().forEachRemaining(e -> merged.set(e.getKey(), e.getValue()));
            return merged;
        }
        return override.deepCopy();
    }

    private static boolean contains(ArrayNode a, JsonNode v) {
        for (JsonNode x : a) {
            if (x.equals(v)) {
                return true;
            }
        }
        return false;
    }

    /** The path within a service: files and {@code services.NAME} are the roots. */
    private static String childPath(String path, String full, String key) {
        if (path == null) {
            String f = full.isEmpty() ? key : full + "." + key;
            String[] parts = f.split("\\.", 3);
            if (parts.length == 2 && parts[0].equals("services")) {
                return "";
            }
            return null;
        }
        return path.isEmpty() ? key : path + "." + key;
    }

    /** A list ({@code KEY=VALUE} or {@code KEY}) or a mapping, as a mapping. */
    static ObjectNode asMapping(JsonNode node) {
        if (node.isObject()) {
            return ((ObjectNode) node).deepCopy();
        }
        ObjectNode m = JsonNodeFactory.instance.objectNode();
        if (node.isArray()) {
            for (JsonNode item : node) {
                String s = item.asText();
                int eq = s.indexOf('=');
                if (eq < 0) {
                    m.putNull(s);
                } else {
                    m.put(s.substring(0, eq), s.substring(eq + 1));
                }
            }
        }
        return m;
    }

    private static String key(String path, JsonNode v) {
        switch (path) {
            case "volumes":
                if (v.isObject()) {
                    return v.path("target").asText();
                }
                String[] parts = v.asText().split(":");
                return parts.length == 1 ? parts[0] : parts[1];
            case "secrets":
            case "configs":
                return v.isObject() ? v.path("source").asText() : v.asText();
            default:
                if (v.isObject()) {
                    return v.path("host_ip").asText() + "|" + v.path("target").asText() + "|"
                            + v.path("published").asText() + "|" + v.path("protocol").asText("tcp");
                }
                return v.asText();
        }
    }
}
