package io.berth.compose.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.api.InvalidArgumentException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A service's {@code extends} (same file: {@code extends: base} or {@code {service: base}}; another
 * file: {@code {file: other.yaml, service: base}}), applied per file before files are merged, as
 * compose-go does. The base is merged under the service with the spec's merge rules; the relative
 * paths of a base from another file are made absolute against that file's directory first.
 */
final class Extends {
    private final Function<Path, YamlReader.Document> reader;
    private final Map<Path, ObjectNode> resolved = new HashMap<>();

    private Extends(Function<Path, YamlReader.Document> reader) {
        this.reader = reader;
    }

    static void apply(ObjectNode file, Path path, Map<String, Location> locations, Function<Path, YamlReader.Document> reader) {
        JsonNode services = file.get("services");
        if (!(services instanceof ObjectNode s)) {
            return;
        }
        Extends ext = new Extends(reader);
        List<String> names = new ArrayList<>();
        s.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            s.set(name, ext.resolve(s, path, name, new ArrayList<>(), locations));
        }
    }

    private JsonNode resolve(ObjectNode services, Path file, String name, List<String> chain, Map<String, Location> locations) {
        JsonNode service = services.get(name);
        if (!(service instanceof ObjectNode svc) || !svc.has("extends")) {
            return service;
        }
        String key = file + "#" + name;
        if (chain.contains(key)) {
            chain.add(key);
            throw new InvalidArgumentException("services." + name + ".extends: circular reference: "
                    + String.join(" -> ", chain.stream().map(c -> c.substring(c.indexOf('#') + 1)).toList()));
        }
        chain.add(key);
        JsonNode ext = svc.get("extends");
        String baseName = ext.isTextual() ? ext.asText() : ext.path("service").asText();
        Path baseFile = file;
        ObjectNode baseServices = services;
        boolean other = ext.isObject() && ext.hasNonNull("file");
        if (other) {
            baseFile = file.getParent().resolve(ext.get("file").asText()).normalize();
            baseServices = resolved.computeIfAbsent(baseFile, f -> {
                JsonNode s = reader.apply(f).root().get("services");
                return s instanceof ObjectNode o ? o : services.objectNode();
            });
        }
        if (!baseServices.has(baseName)) {
            String path = "services." + name + ".extends";
            throw ComposeFileException.at(locations.get(path), path, "cannot extend service \"" + name + "\" in "
                    + baseFile.getFileName() + ": service \"" + baseName + "\" not found");
        }
        JsonNode base = resolve(baseServices, baseFile, baseName, chain, other ? Map.of() : locations);
        base = base.deepCopy();
        if (other) {
            absolutePaths((ObjectNode) base, baseFile.getParent());
        }
        ObjectNode own = svc.deepCopy();
        own.remove("extends");
        ObjectNode merged = (ObjectNode) Merger.merge(base, own, "", Map.of(), "");
        merged.remove("extends");
        return merged;
    }

    /** Relative bind sources, env files and build contexts of a service made absolute against {@code dir}. */
    static void absolutePaths(ObjectNode service, Path dir) {
        JsonNode volumes = service.get("volumes");
        if (volumes instanceof ArrayNode list) {
            for (int i = 0; i < list.size(); i++) {
                JsonNode v = list.get(i);
                if (v.isTextual() && v.asText().startsWith(".")) {
                    String s = v.asText();
                    int colon = s.indexOf(':');
                    String src = colon < 0 ? s : s.substring(0, colon);
                    list.set(i, com.fasterxml.jackson.databind.node.TextNode.valueOf(dir.resolve(src).normalize() + (colon < 0 ? "" : s.substring(colon))));
                } else if (v instanceof ObjectNode o && o.path("source").asText().startsWith(".")) {
                    o.put("source", dir.resolve(o.get("source").asText()).normalize().toString());
                }
            }
        }
        JsonNode envFile = service.get("env_file");
        if (envFile != null && envFile.isTextual()) {
            service.put("env_file", dir.resolve(envFile.asText()).normalize().toString());
        } else if (envFile instanceof ArrayNode list) {
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i).isTextual()) {
                    list.set(i, com.fasterxml.jackson.databind.node.TextNode.valueOf(dir.resolve(list.get(i).asText()).normalize().toString()));
                } else if (list.get(i) instanceof ObjectNode o && o.has("path")) {
                    o.put("path", dir.resolve(o.get("path").asText()).normalize().toString());
                }
            }
        }
        JsonNode build = service.get("build");
        if (build != null && build.isTextual()) {
            service.put("build", dir.resolve(build.asText()).normalize().toString());
        } else if (build instanceof ObjectNode o && o.has("context")) {
            o.put("context", dir.resolve(o.get("context").asText()).normalize().toString());
        }
    }
}
