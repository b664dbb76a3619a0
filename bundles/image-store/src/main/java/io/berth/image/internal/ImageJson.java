package io.berth.image.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.api.InvalidArgumentException;
import io.berth.api.content.Descriptor;
import io.berth.api.content.Digest;
import io.berth.api.content.MediaTypes;
import io.berth.api.content.Platform;
import io.berth.api.image.ContainerConfig;
import io.berth.api.image.History;
import io.berth.api.image.ImageConfig;
import io.berth.views.ConfigView;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads and writes the JSON of image configs, manifests and indexes (OCI and Docker schema 2).
 * Reading is strict where a wrong value would mislead (digests, sizes, media types) and lenient
 * where docker is (absent fields).
 */
public final class ImageJson {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private ImageJson() {
    }

    /** A manifest: its config and layers. */
    public record Manifest(String mediaType, Descriptor config, List<Descriptor> layers, Map<String, String> annotations) {
    }

    /** Parses JSON, reporting malformed input as an invalid argument naming {@code what}. */
    public static JsonNode parse(byte[] bytes, String what) {
        try {
            JsonNode n = MAPPER.readTree(bytes);
            if (n == null || !n.isObject()) {
                throw new InvalidArgumentException(what + " is not a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new InvalidArgumentException(what + " is not valid JSON: " + firstLine(e.getMessage()));
        }
    }

    /** Reads a single-platform manifest (OCI or Docker schema 2). */
    public static Manifest manifest(byte[] bytes, String what) {
        JsonNode n = parse(bytes, what);
        if (n.path("schemaVersion").asInt(0) != 2) {
            throw new InvalidArgumentException(what + ": unsupported schemaVersion " + n.path("schemaVersion"));
        }
        String mediaType = n.path("mediaType").asText(MediaTypes.OCI_MANIFEST);
        if (MediaTypes.isIndex(mediaType) || n.has("manifests")) {
            throw new InvalidArgumentException(what + " is an index, not a manifest");
        }
        if (!n.path("config").isObject() || !n.path("layers").isArray()) {
            throw new InvalidArgumentException(what + " has no config or no layers");
        }
        Descriptor config = descriptor(n.get("config"), what + " config");
        List<Descriptor> layers = new ArrayList<>();
        for (JsonNode l : n.get("layers")) {
            Descriptor d = descriptor(l, what + " layer");
            if (!MediaTypes.isLayer(d.mediaType())) {
                throw new InvalidArgumentException(what + ": layer " + d.digest() + " has media type " + d.mediaType());
            }
            layers.add(d);
        }
        return new Manifest(mediaType, config, List.copyOf(layers),
                java.util.Collections.unmodifiableMap(strings(n.get("annotations"))));
    }

    /** Reads an index or manifest list: its entries. */
    public static List<Descriptor> index(byte[] bytes, String what) {
        JsonNode n = parse(bytes, what);
        if (!n.path("manifests").isArray()) {
            throw new InvalidArgumentException(what + " has no manifests");
        }
        List<Descriptor> entries = new ArrayList<>();
        for (JsonNode m : n.get("manifests")) {
            entries.add(descriptor(m, what + " entry"));
        }
        return entries;
    }

    /** Reads a descriptor. */
    public static Descriptor descriptor(JsonNode n, String what) {
        if (!n.isObject() || !n.path("digest").isTextual() || !n.path("size").isIntegralNumber()) {
            throw new InvalidArgumentException(what + " is not a descriptor (digest and size)");
        }
        Digest digest = Digest.parse(n.get("digest").asText());
        long size = n.get("size").asLong();
        if (size < 0) {
            throw new InvalidArgumentException(what + " has a negative size");
        }
        Platform platform = null;
        JsonNode p = n.get("platform");
        if (p != null && p.isObject()) {
            List<String> features = new ArrayList<>();
            p.path("os.features").forEach(f -> features.add(f.asText()));
            platform = new Platform(p.path("os").asText(""), p.path("architecture").asText(""),
                    p.hasNonNull("variant") ? p.get("variant").asText() : null,
                    p.hasNonNull("os.version") ? p.get("os.version").asText() : null, features);
        }
        List<String> urls = new ArrayList<>();
        n.path("urls").forEach(u -> urls.add(u.asText()));
        return new Descriptor(n.path("mediaType").asText(""), digest, size, strings(n.get("annotations")), platform, urls);
    }

    /** Writes a descriptor. */
    public static ObjectNode descriptor(Descriptor d) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("mediaType", d.mediaType());
        n.put("digest", d.digest().toString());
        n.put("size", d.size());
        if (!d.annotations().isEmpty()) {
            ObjectNode a = n.putObject("annotations");
            new TreeMap<>(d.annotations()).forEach(a::put);
        }
        if (d.platform() != null) {
            ObjectNode p = n.putObject("platform");
            p.put("architecture", d.platform().architecture());
            p.put("os", d.platform().os());
            if (d.platform().variant() != null) {
                p.put("variant", d.platform().variant());
            }
        }
        return n;
    }

    /** An OCI image manifest. */
    public static byte[] manifest(Descriptor config, List<Descriptor> layers) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("schemaVersion", 2);
        n.put("mediaType", MediaTypes.OCI_MANIFEST);
        n.set("config", descriptor(config));
        ArrayNode l = n.putArray("layers");
        layers.forEach(d -> l.add(descriptor(d)));
        return bytes(n);
    }

    /** Reads an image config. */
    public static ImageConfig config(byte[] bytes, String what) {
        JsonNode n = parse(bytes, what);
        if (!n.path("rootfs").isObject()) {
            throw new InvalidArgumentException(what + " has no rootfs");
        }
        List<Digest> diffIds = new ArrayList<>();
        for (JsonNode d : n.path("rootfs").path("diff_ids")) {
            diffIds.add(Digest.parse(d.asText()));
        }
        List<History> history = new ArrayList<>();
        for (JsonNode h : n.path("history")) {
            history.add(new History(instant(h.get("created")), text(h, "created_by"), text(h, "author"),
                    text(h, "comment"), h.path("empty_layer").asBoolean(false)));
        }
        return new ImageConfig(n.path("architecture").asText(""), n.path("os").asText(""),
                n.hasNonNull("variant") ? n.get("variant").asText() : null, instant(n.get("created")), text(n, "author"),
                containerConfig(n.get("config")), diffIds, history, text(n, "comment"), text(n, "container"),
                n.path("container_config").isObject() ? containerConfig(n.get("container_config")) : null,
                text(n, "docker_version"),
                n.hasNonNull("parent") && Digest.isDigest(n.get("parent").asText()) ? Digest.parse(n.get("parent").asText()) : null);
    }

    /** Writes an image config, fields in the order docker writes them. */
    public static byte[] config(ImageConfig c) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("architecture", c.architecture());
        if (!c.author().isEmpty()) {
            n.put("author", c.author());
        }
        if (!c.comment().isEmpty()) {
            n.put("comment", c.comment());
        }
        n.set("config", containerConfig(c.config()));
        if (!c.container().isEmpty()) {
            n.put("container", c.container());
        }
        if (c.containerConfig() != null) {
            n.set("container_config", containerConfig(c.containerConfig()));
        }
        if (c.created() != null) {
            n.put("created", c.created().toString());
        }
        if (!c.dockerVersion().isEmpty()) {
            n.put("docker_version", c.dockerVersion());
        }
        ArrayNode history = n.putArray("history");
        for (History h : c.history()) {
            ObjectNode e = history.addObject();
            if (h.created() != null) {
                e.put("created", h.created().toString());
            }
            if (!h.author().isEmpty()) {
                e.put("author", h.author());
            }
            e.put("created_by", h.createdBy());
            if (!h.comment().isEmpty()) {
                e.put("comment", h.comment());
            }
            if (h.emptyLayer()) {
                e.put("empty_layer", true);
            }
        }
        n.put("os", c.os());
        if (c.parent() != null) {
            n.put("parent", c.parent().toString());
        }
        ObjectNode rootfs = n.putObject("rootfs");
        rootfs.put("type", "layers");
        ArrayNode ids = rootfs.putArray("diff_ids");
        c.diffIds().forEach(d -> ids.add(d.toString()));
        if (c.variant() != null) {
            n.put("variant", c.variant());
        }
        return bytes(n);
    }

    /** Reads the {@code config} object (docker's {@code ContainerConfig}). */
    public static ContainerConfig containerConfig(JsonNode n) {
        if (n == null || !n.isObject()) {
            return ContainerConfig.EMPTY;
        }
        ContainerConfig.Healthcheck health = null;
        JsonNode h = n.get("Healthcheck");
        if (h != null && h.isObject()) {
            health = new ContainerConfig.Healthcheck(strings(h.get("Test"), true), h.path("Interval").asLong(0),
                    h.path("Timeout").asLong(0), h.path("StartPeriod").asLong(0), h.path("Retries").asInt(0));
        }
        return ContainerConfig.builder().hostname(text(n, "Hostname")).domainname(text(n, "Domainname")).user(text(n, "User"))
                .attachStdin(n.path("AttachStdin").asBoolean()).attachStdout(n.path("AttachStdout").asBoolean())
                .attachStderr(n.path("AttachStderr").asBoolean()).exposedPorts(keys(n.get("ExposedPorts")))
                .tty(n.path("Tty").asBoolean()).openStdin(n.path("OpenStdin").asBoolean())
                .stdinOnce(n.path("StdinOnce").asBoolean()).env(strings(n.get("Env"), true)).cmd(strings(n.get("Cmd"), true))
                .healthcheck(health).argsEscaped(n.path("ArgsEscaped").asBoolean()).image(text(n, "Image"))
                .volumes(keys(n.get("Volumes"))).workingDir(text(n, "WorkingDir"))
                .entrypoint(strings(n.get("Entrypoint"), true)).onBuild(strings(n.get("OnBuild"), true))
                .labels(n.path("Labels").isObject() ? strings(n.get("Labels")) : null)
                .stopSignal(n.hasNonNull("StopSignal") ? n.get("StopSignal").asText() : null)
                .stopTimeout(n.hasNonNull("StopTimeout") ? n.get("StopTimeout").asInt() : null)
                .shell(strings(n.get("Shell"), true)).build();
    }

    /** The {@code config} object in docker's shape, as {@link ConfigView} writes it for every front end too. */
    public static JsonNode containerConfig(ContainerConfig c) {
        return MAPPER.valueToTree(ConfigView.of(c));
    }

    public static byte[] bytes(JsonNode n) {
        try {
            return MAPPER.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void array(ObjectNode n, String name, List<String> values) {
        if (values == null) {
            n.putNull(name);
        } else {
            ArrayNode a = n.putArray(name);
            values.forEach(a::add);
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v == null || v.isNull() ? "" : v.asText();
    }

    private static Instant instant(JsonNode n) {
        if (n == null || !n.isTextual() || n.asText().isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(n.asText());
        } catch (DateTimeParseException e) {
            try {
                return java.time.OffsetDateTime.parse(n.asText()).toInstant();
            } catch (DateTimeParseException again) {
                return null;
            }
        }
    }

    private static List<String> strings(JsonNode n, boolean nullable) {
        if (n == null || n.isNull() || !n.isArray()) {
            return nullable ? null : List.of();
        }
        List<String> out = new ArrayList<>();
        n.forEach(v -> out.add(v.asText()));
        return out;
    }

    private static List<String> keys(JsonNode n) {
        if (n == null || !n.isObject()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    static Map<String, String> strings(JsonNode n) {
        Map<String, String> out = new LinkedHashMap<>();
        if (n != null && n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.put(e.getKey(), e.getValue().asText());
            }
        }
        return out;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
