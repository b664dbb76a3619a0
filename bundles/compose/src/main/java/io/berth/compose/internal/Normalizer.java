package io.berth.compose.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.api.InvalidArgumentException;
import io.berth.api.NotFoundException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Puts a validated model in compose v2's canonical form (compose-go {@code loader/normalize.go} and
 * its transforms): every service on {@code default} unless it names networks or a network mode;
 * resource names {@code <project>_<key>} unless external or named; ports, volumes, secrets,
 * depends_on and healthcheck in their long forms; environment (with env_file read under it) and
 * labels as mappings; commands split into words; durations as Go prints them; relative paths made
 * absolute against the project directory. Idempotent.
 */
final class Normalizer {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Set<String> BOOLEANS = Set.of("init", "privileged", "read_only", "tty", "stdin_open", "oom_kill_disable");
    private static final Set<String> INTEGERS = Set.of("scale", "pids_limit", "cpu_shares", "oom_score_adj", "shm_size");

    private Normalizer() {
    }

    static ObjectNode normalize(ObjectNode model, String project, Path dir, Map<String, String> env, boolean resolve) {
        ObjectNode out = F.objectNode();
        out.put("name", project);
        ObjectNode services = F.objectNode();
        boolean usesDefault = false;
        JsonNode in = model.path("services");
        for (var it = in.fields(); it.hasNext(); ) {
            var e = it.next();
            ObjectNode s = service(e.getKey(), (ObjectNode) e.getValue().deepCopy(), dir, env, resolve);
            usesDefault |= s.path("networks").has("default");
            services.set(e.getKey(), sorted(s));
        }
        out.set("services", services);
        ObjectNode networks = resources(model.path("networks"), project);
        if (usesDefault && !networks.has("default")) {
            ObjectNode d = F.objectNode();
            d.put("name", project + "_default");
            networks.set("default", d);
        }
        if (networks.size() > 0) {
            out.set("networks", networks);
        }
        for (String section : List.of("volumes", "secrets", "configs")) {
            ObjectNode r = resources(model.path(section), project);
            if (!section.equals("volumes")) {
                r.fields().forEachRemaining(e -> {
                    if (e.getValue().has("file")) {
                        ((ObjectNode) e.getValue()).put("file", absolute(dir, e.getValue().get("file").asText(), env));
                    }
                });
            }
            if (r.size() > 0) {
                out.set(section, r);
            }
        }
        checkResources(out);
        return out;
    }

    private static ObjectNode resources(JsonNode in, String project) {
        ObjectNode out = F.objectNode();
        in.fields().forEachRemaining(e -> {
            ObjectNode r = e.getValue().isObject() ? (ObjectNode) e.getValue().deepCopy() : F.objectNode();
            boolean external = r.path("external").asBoolean(false) || "true".equals(r.path("external").asText());
            if (external) {
                r.put("external", true);
            }
            if (!r.hasNonNull("name")) {
                r.put("name", external ? e.getKey() : project + "_" + e.getKey());
            }
            out.set(e.getKey(), r);
        });
        return out;
    }

    /** Undefined networks, volumes and secrets a service uses: v2's words. */
    private static void checkResources(ObjectNode project) {
        project.path("services").fields().forEachRemaining(e -> {
            String name = e.getKey();
            e.getValue().path("networks").fieldNames().forEachRemaining(n -> {
                if (!project.path("networks").has(n)) {
                    throw new InvalidArgumentException("service \"" + name + "\" refers to undefined network " + n
                            + ": invalid compose project");
                }
            });
            for (JsonNode v : e.getValue().path("volumes")) {
                if ("volume".equals(v.path("type").asText()) && v.hasNonNull("source")
                        && !project.path("volumes").has(v.get("source").asText())) {
                    throw new InvalidArgumentException("service \"" + name + "\" refers to undefined volume "
                            + v.get("source").asText() + ": invalid compose project");
                }
            }
            for (JsonNode s : e.getValue().path("secrets")) {
                if (!project.path("secrets").has(s.path("source").asText())) {
                    throw new InvalidArgumentException("service \"" + name + "\" refers to undefined secret "
                            + s.path("source").asText() + ": invalid compose project");
                }
            }
            JsonNode scale = e.getValue().get("scale");
            JsonNode replicas = e.getValue().path("deploy").get("replicas");
            if (scale != null && replicas != null && scale.asInt() != replicas.asInt()) {
                throw new InvalidArgumentException("services." + name + ": can't set distinct values on 'scale' and 'deploy.replicas'");
            }
        });
    }

    private static ObjectNode service(String name, ObjectNode s, Path dir, Map<String, String> env, boolean resolve) {
        for (String key : BOOLEANS) {
            if (s.has(key) && s.get(key).isTextual()) {
                s.put(key, bool(s.get(key).asText(), "services." + name + "." + key));
            }
        }
        for (String key : INTEGERS) {
            if (s.has(key) && s.get(key).isTextual() && s.get(key).asText().matches("-?[0-9]+")) {
                s.put(key, Long.parseLong(s.get(key).asText()));
            }
        }
        if (s.path("deploy").path("replicas").isTextual()) {
            ((ObjectNode) s.get("deploy")).put("replicas", Integer.parseInt(s.get("deploy").get("replicas").asText()));
        }
        for (String key : List.of("command", "entrypoint")) {
            if (s.has(key) && s.get(key).isTextual()) {
                ArrayNode words = F.arrayNode();
                ShellWords.split(s.get(key).asText()).forEach(words::add);
                s.set(key, words);
            }
        }
        if (s.has("build")) {
            JsonNode b = s.get("build");
            ObjectNode build = b.isTextual() ? F.objectNode().put("context", b.asText()) : (ObjectNode) b;
            String context = build.path("context").asText(".");
            build.put("context", context.contains("://") || context.startsWith("git@") ? context : absolute(dir, context, env));
            if (!build.has("dockerfile") && !build.has("dockerfile_inline")) {
                build.put("dockerfile", "Dockerfile");
            }
            s.set("build", build);
        }
        environment(s, dir, env, resolve);
        if (s.has("labels")) {
            s.set("labels", stringValues(Merger.asMapping(s.get("labels"))));
        }
        if (s.has("ports")) {
            ArrayNode ports = F.arrayNode();
            for (JsonNode p : s.get("ports")) {
                ports.addAll(ports(p));
            }
            s.set("ports", ports);
        }
        if (s.has("expose")) {
            ArrayNode expose = F.arrayNode();
            s.get("expose").forEach(x -> expose.add(x.asText()));
            s.set("expose", expose);
        }
        if (s.has("volumes")) {
            ArrayNode volumes = F.arrayNode();
            for (JsonNode v : s.get("volumes")) {
                volumes.add(volume(v, dir, env));
            }
            s.set("volumes", volumes);
        }
        if (s.has("secrets")) {
            ArrayNode secrets = F.arrayNode();
            s.get("secrets").forEach(x -> secrets.add(x.isTextual() ? F.objectNode().put("source", x.asText()) : x));
            s.set("secrets", secrets);
        }
        if (!s.has("networks") && !s.has("network_mode")) {
            s.set("networks", F.objectNode().putNull("default"));
        } else if (s.has("networks") && s.get("networks").isArray()) {
            ObjectNode networks = F.objectNode();
            s.get("networks").forEach(n -> networks.putNull(n.asText()));
            s.set("networks", networks);
        }
        if (s.has("depends_on")) {
            ObjectNode deps = F.objectNode();
            JsonNode d = s.get("depends_on");
            for (String dep : ProjectLoader.names(d)) {
                ObjectNode entry = d.isObject() && d.get(dep).isObject() ? (ObjectNode) d.get(dep).deepCopy() : F.objectNode();
                if (!entry.has("condition")) {
                    entry.put("condition", "service_started");
                }
                if (!entry.has("required")) {
                    entry.put("required", true);
                }
                deps.set(dep, entry);
            }
            s.set("depends_on", deps);
        }
        if (s.has("healthcheck")) {
            ObjectNode h = (ObjectNode) s.get("healthcheck");
            if (h.path("test").isTextual()) {
                h.set("test", F.arrayNode().add("CMD-SHELL").add(h.get("test").asText()));
            }
            for (String key : List.of("interval", "timeout", "start_period", "start_interval")) {
                duration(h, key, "services." + name + ".healthcheck." + key);
            }
            if (h.path("retries").isTextual()) {
                h.put("retries", Integer.parseInt(h.get("retries").asText()));
            }
        }
        duration(s, "stop_grace_period", "services." + name + ".stop_grace_period");
        for (String key : List.of("mem_limit", "mem_reservation", "memswap_limit", "shm_size")) {
            if (s.has(key) && s.get(key).isTextual()) {
                s.put(key, bytes(s.get(key).asText(), "services." + name + "." + key));
            }
        }
        if (s.path("cpus").isTextual()) {
            s.put("cpus", Double.parseDouble(s.get("cpus").asText()));
        }
        return s;
    }

    /** The environment as a mapping, with the service's env files read under it (environment wins). */
    private static void environment(ObjectNode s, Path dir, Map<String, String> env, boolean resolve) {
        ObjectNode merged = F.objectNode();
        if (s.has("env_file")) {
            JsonNode files = s.get("env_file");
            ArrayNode canonical = F.arrayNode();
            for (JsonNode f : files.isArray() ? files : F.arrayNode().add(files)) {
                String path = absolute(dir, f.isTextual() ? f.asText() : f.path("path").asText(), env);
                boolean required = !f.isObject() || f.path("required").asBoolean(true);
                canonical.add(F.objectNode().put("path", path).put("required", required));
                Path p = Path.of(path);
                if (!Files.isRegularFile(p)) {
                    if (required) {
                        throw new NotFoundException("env file " + path + " not found: stat " + path + ": no such file or directory");
                    }
                    continue;
                }
                EnvFiles.parse(path, ProjectLoader.read(p), env::get).forEach(merged::put);
            }
            s.set("env_file", canonical);
        }
        if (s.has("environment")) {
            Merger.asMapping(s.get("environment")).fields().forEachRemaining(e -> {
                JsonNode v = e.getValue();
                if (v.isNull() && resolve) {
                    String value = env.get(e.getKey());
                    if (value != null) {
                        merged.put(e.getKey(), value);
                    } else {
                        merged.putNull(e.getKey());
                    }
                } else {
                    merged.set(e.getKey(), v.isNull() ? v : F.textNode(v.isNumber() ? v.numberValue().toString() : v.asText()));
                }
            });
        }
        if (merged.size() > 0) {
            s.set("environment", sorted(merged));
        }
    }

    private static ObjectNode stringValues(ObjectNode m) {
        ObjectNode out = F.objectNode();
        m.fields().forEachRemaining(e -> {
            if (e.getValue().isNull()) {
                out.put(e.getKey(), "");
            } else {
                out.put(e.getKey(), e.getValue().asText());
            }
        });
        return sorted(out);
    }

    /** A port in its long form; a short one with ranges gives one entry per port. */
    static List<ObjectNode> ports(JsonNode p) {
        if (p.isObject()) {
            ObjectNode o = ((ObjectNode) p).deepCopy();
            if (!o.has("mode")) {
                o.put("mode", "ingress");
            }
            if (o.has("published")) {
                o.put("published", o.get("published").asText());
            }
            if (o.path("target").isTextual()) {
                o.put("target", Integer.parseInt(o.get("target").asText()));
            }
            if (!o.has("protocol")) {
                o.put("protocol", "tcp");
            }
            return List.of(sortedPort(o));
        }
        String spec = p.asText();
        String protocol = "tcp";
        int slash = spec.lastIndexOf('/');
        if (slash >= 0) {
            protocol = spec.substring(slash + 1);
            spec = spec.substring(0, slash);
        }
        String ip = null;
        String rest = spec;
        if (rest.startsWith("[")) {
            int end = rest.indexOf(']');
            ip = rest.substring(1, end);
            rest = rest.substring(end + 2);
        }
        String[] parts = rest.split(":", -1);
        String container = parts[parts.length - 1];
        String host = parts.length > 1 ? parts[parts.length - 2] : "";
        if (parts.length > 2) {
            ip = String.join(":", List.of(parts).subList(0, parts.length - 2));
        }
        int[] targets = range(container, spec);
        int[] published = host.isEmpty() ? null : range(host, spec);
        List<ObjectNode> out = new ArrayList<>();
        for (int i = 0; i <= targets[1] - targets[0]; i++) {
            ObjectNode o = F.objectNode();
            o.put("mode", "ingress");
            if (ip != null && !ip.isEmpty()) {
                o.put("host_ip", ip);
            }
            o.put("target", targets[0] + i);
            if (published != null) {
                if (published[1] - published[0] == targets[1] - targets[0]) {
                    o.put("published", Integer.toString(published[0] + i));
                } else {
                    o.put("published", published[0] == published[1] ? Integer.toString(published[0])
                            : published[0] + "-" + published[1]);
                }
            }
            o.put("protocol", protocol);
            out.add(sortedPort(o));
        }
        return out;
    }

    private static ObjectNode sortedPort(ObjectNode o) {
        return ordered(o, List.of("name", "mode", "host_ip", "target", "published", "protocol", "app_protocol"));
    }

    /** {@code o}'s fields, those of {@code first} first in that order, the others after them as they were. */
    private static ObjectNode ordered(ObjectNode o, List<String> first) {
        ObjectNode out = F.objectNode();
        for (String k : first) {
            if (o.has(k)) {
                out.set(k, o.get(k));
            }
        }
        o.fields().forEachRemaining(e -> {
            if (!out.has(e.getKey())) {
                out.set(e.getKey(), e.getValue());
            }
        });
        return out;
    }

    private static int[] range(String text, String spec) {
        try {
            int dash = text.indexOf('-');
            if (dash < 0) {
                int v = Integer.parseInt(text);
                return new int[] {v, v};
            }
            return new int[] {Integer.parseInt(text.substring(0, dash)), Integer.parseInt(text.substring(dash + 1))};
        } catch (NumberFormatException e) {
            throw new InvalidArgumentException("invalid port specification: \"" + spec + "\"");
        }
    }

    /** A volume in its long form: {@code type}, {@code source}, {@code target}, options; binds absolute. */
    static ObjectNode volume(JsonNode v, Path dir, Map<String, String> env) {
        ObjectNode o;
        if (v.isObject()) {
            o = ((ObjectNode) v).deepCopy();
        } else {
            String spec = v.asText();
            String[] parts = spec.split(":", -1);
            o = F.objectNode();
            if (parts.length == 1) {
                o.put("type", "volume");
                o.put("target", parts[0]);
                o.set("volume", F.objectNode());
            } else {
                String source = parts[0];
                boolean bind = source.startsWith(".") || source.startsWith("/") || source.startsWith("~");
                o.put("type", bind ? "bind" : "volume");
                o.put("source", source);
                o.put("target", parts[1]);
                String mode = parts.length > 2 ? parts[2] : "";
                ObjectNode options = F.objectNode();
                for (String m : mode.split(",")) {
                    switch (m) {
                        case "ro" -> o.put("read_only", true);
                        case "z", "Z" -> options.put("selinux", m);
                        case "nocopy" -> options.put("nocopy", true);
                        case "shared", "rshared", "slave", "rslave", "private", "rprivate" -> options.put("propagation", m);
                        default -> { }
                    }
                }
                if (bind) {
                    options.put("create_host_path", true);
                }
                o.set(bind ? "bind" : "volume", options);
            }
        }
        if ("bind".equals(o.path("type").asText()) && o.hasNonNull("source")) {
            o.put("source", absolute(dir, o.get("source").asText(), env));
        }
        if (o.has("target")) {
            o.put("target", Path.of(o.get("target").asText()).normalize().toString());
        }
        return ordered(o, List.of("type", "source", "target", "read_only"));
    }

    static String absolute(Path dir, String path, Map<String, String> env) {
        if (path.equals("~") || path.startsWith("~/")) {
            String home = env.getOrDefault("HOME", System.getProperty("user.home"));
            return Path.of(home + path.substring(1)).normalize().toString();
        }
        return dir.resolve(path).normalize().toString();
    }

    private static void duration(ObjectNode o, String key, String path) {
        JsonNode v = o.get(key);
        if (v != null && v.isTextual()) {
            try {
                o.put(key, Durations.format(Durations.parse(v.asText())));
            } catch (InvalidArgumentException e) {
                throw new InvalidArgumentException(path + ": " + e.getMessage());
            }
        }
    }

    private static boolean bool(String text, String path) {
        switch (text.toLowerCase(Locale.ROOT)) {
            case "y", "yes", "true", "on", "1":
                return true;
            case "n", "no", "false", "off", "0":
                return false;
            default:
                throw new InvalidArgumentException(path + ": failed to cast to expected type: invalid boolean: " + text);
        }
    }

    /** Compose byte values: {@code 64m}, {@code 1gb}, {@code 512k}, {@code 1024}. */
    static long bytes(String text, String path) {
        var m = java.util.regex.Pattern.compile("(?i)([0-9.]+)\\s*([kmgtp]?)i?b?").matcher(text.strip());
        if (!m.matches()) {
            throw new InvalidArgumentException(path + ": invalid size: '" + text + "'");
        }
        double n = Double.parseDouble(m.group(1));
        int power = "kmgtp".indexOf(m.group(2).toLowerCase(Locale.ROOT)) + 1;
        return (long) (n * Math.pow(1024, power));
    }

    /** A mapping with its keys in order. */
    static ObjectNode sorted(ObjectNode o) {
        ObjectNode out = F.objectNode();
        new TreeMap<String, JsonNode>() {{
            o.fields().forEachRemaining(e -> put(e.getKey(), e.getValue()));
        }}.forEach(out::set);
        return out;
    }
}
