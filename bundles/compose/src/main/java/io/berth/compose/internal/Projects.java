package io.berth.compose.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.api.compose.ComposeProject;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The typed records of a normalised model. */
final class Projects {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Projects() {
    }

    static ComposeProject toProject(String name, Path dir, List<Path> files, List<Path> envFiles, ObjectNode model,
                                    List<String> disabled, List<String> warnings) {
        Map<String, ComposeProject.Service> services = new LinkedHashMap<>();
        model.path("services").fields().forEachRemaining(e -> services.put(e.getKey(), service(e.getKey(), e.getValue())));
        Map<String, ComposeProject.Network> networks = new LinkedHashMap<>();
        model.path("networks").fields().forEachRemaining(e -> {
            JsonNode n = e.getValue();
            networks.put(e.getKey(), new ComposeProject.Network(e.getKey(), n.path("name").asText(),
                    text(n, "driver"), strings(n.path("driver_opts")), n.path("external").asBoolean(),
                    n.path("internal").asBoolean(), n.path("attachable").asBoolean(), n.path("enable_ipv6").asBoolean(),
                    strings(Merger.asMapping(n.path("labels"))), map(n.path("ipam"))));
        });
        Map<String, ComposeProject.Volume> volumes = new LinkedHashMap<>();
        model.path("volumes").fields().forEachRemaining(e -> {
            JsonNode v = e.getValue();
            volumes.put(e.getKey(), new ComposeProject.Volume(e.getKey(), v.path("name").asText(), text(v, "driver"),
                    strings(v.path("driver_opts")), v.path("external").asBoolean(), strings(Merger.asMapping(v.path("labels")))));
        });
        Map<String, ComposeProject.Secret> secrets = new LinkedHashMap<>();
        model.path("secrets").fields().forEachRemaining(e -> {
            JsonNode v = e.getValue();
            secrets.put(e.getKey(), new ComposeProject.Secret(e.getKey(), v.path("name").asText(), text(v, "file"),
                    text(v, "environment"), v.path("external").asBoolean()));
        });
        return new ComposeProject(name, dir, List.copyOf(files), List.copyOf(envFiles), services, List.copyOf(disabled),
                networks, volumes, secrets, map(model), List.copyOf(warnings));
    }

    private static ComposeProject.Service service(String name, JsonNode s) {
        List<ComposeProject.Port> ports = new ArrayList<>();
        s.path("ports").forEach(p -> ports.add(new ComposeProject.Port(text(p, "mode"), text(p, "host_ip"),
                p.path("target").asInt(), text(p, "published"), text(p, "protocol"))));
        List<ComposeProject.Mount> mounts = new ArrayList<>();
        s.path("volumes").forEach(v -> {
            String type = v.path("type").asText();
            mounts.add(new ComposeProject.Mount(type, text(v, "source"), text(v, "target"), v.path("read_only").asBoolean(),
                    map(v.path(type))));
        });
        Map<String, ComposeProject.ServiceNetwork> networks = new LinkedHashMap<>();
        s.path("networks").fields().forEachRemaining(e -> networks.put(e.getKey(), new ComposeProject.ServiceNetwork(
                list(e.getValue().path("aliases")), text(e.getValue(), "ipv4_address"), text(e.getValue(), "ipv6_address"))));
        Map<String, ComposeProject.Dependency> deps = new LinkedHashMap<>();
        s.path("depends_on").fields().forEachRemaining(e -> deps.put(e.getKey(), new ComposeProject.Dependency(
                e.getValue().path("condition").asText(), e.getValue().path("restart").asBoolean(),
                e.getValue().path("required").asBoolean(true))));
        ComposeProject.Healthcheck health = null;
        JsonNode h = s.get("healthcheck");
        if (h != null) {
            health = new ComposeProject.Healthcheck(list(h.path("test")), duration(h, "interval"), duration(h, "timeout"),
                    h.has("retries") ? h.get("retries").asInt() : null, duration(h, "start_period"),
                    duration(h, "start_interval"), h.path("disable").asBoolean());
        }
        Map<String, String> environment = new LinkedHashMap<>();
        s.path("environment").fields().forEachRemaining(e -> environment.put(e.getKey(),
                e.getValue().isNull() ? null : e.getValue().asText()));
        Integer replicas = s.has("scale") ? Integer.valueOf(s.get("scale").asInt())
                : s.path("deploy").has("replicas") ? Integer.valueOf(s.get("deploy").get("replicas").asInt()) : null;
        List<ComposeProject.ServiceSecret> secrets = new ArrayList<>();
        s.path("secrets").forEach(x -> secrets.add(new ComposeProject.ServiceSecret(x.path("source").asText(),
                text(x, "target"), text(x, "uid"), text(x, "gid"), x.has("mode") ? x.get("mode").asInt() : null)));
        return new ComposeProject.Service(name, text(s, "image"), s.has("build") ? map(s.get("build")) : null,
                s.has("command") ? list(s.get("command")) : null, s.has("entrypoint") ? list(s.get("entrypoint")) : null,
                environment, ports, list(s.path("expose")), mounts, list(s.path("tmpfs")), networks, text(s, "network_mode"),
                deps, health, text(s, "restart"), replicas, text(s, "container_name"), text(s, "hostname"),
                text(s, "working_dir"), text(s, "user"), strings(s.path("labels")), text(s, "stop_signal"),
                duration(s, "stop_grace_period"), s.has("init") ? s.get("init").asBoolean() : null, list(s.path("profiles")),
                list(s.path("extra_hosts")), list(s.path("dns")), list(s.path("cap_add")), list(s.path("cap_drop")),
                s.path("privileged").asBoolean(), s.path("read_only").asBoolean(), list(s.path("security_opt")),
                s.has("mem_limit") ? s.get("mem_limit").asLong() : null, s.has("cpus") ? s.get("cpus").asDouble() : null,
                s.has("pids_limit") ? s.get("pids_limit").asLong() : null, secrets, map(s));
    }

    private static String text(JsonNode n, String key) {
        JsonNode v = n.get(key);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Duration duration(JsonNode n, String key) {
        String t = text(n, key);
        return t == null ? null : Durations.parse(t);
    }

    private static List<String> list(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n.isArray()) {
            n.forEach(x -> out.add(x.asText()));
        } else if (n.isTextual()) {
            out.add(n.asText());
        }
        return out;
    }

    private static Map<String, String> strings(JsonNode n) {
        Map<String, String> out = new LinkedHashMap<>();
        n.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText()));
        return out;
    }

    static Map<String, Object> map(JsonNode n) {
        if (n == null || !n.isObject()) {
            return Map.of();
        }
        return MAPPER.convertValue(n, new TypeReference<LinkedHashMap<String, Object>>() { });
    }
}
