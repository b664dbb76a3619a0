package io.berth.network.cni.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.api.InvalidArgumentException;
import io.berth.api.network.IpamConfig;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A CNI network configuration list (a {@code .conflist}, or a single plugin's {@code .conf} read as a
 * list of one), checked, with the text it was read from.
 *
 * <p>The text is what a network keeps ({@link CniDriver#CONFLIST}): ADD and DEL of every container of
 * the network read the same configuration even if the file is edited or removed later, as the CNI
 * specification requires. Each plugin's request is derived from the list as the specification's
 * "Deriving request configuration" says ({@link #request}).
 *
 * <p>Plugins of type {@code loopback} are left out of the {@linkplain #chain() chain that is run}: the
 * engine makes each namespace with its loopback up, and the loopback plugin's result
 * ({@code 127.0.0.1/8}) would otherwise be taken for the container's address.
 */
final class CniConfigList {
    /** The specification versions whose results this driver reads (they share one result format). */
    static final List<String> VERSIONS = List.of("0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0");
    /** The file extensions libcni reads, in the order a name is tried with them. */
    static final List<String> EXTENSIONS = List.of(".conflist", ".conf", ".json");
    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** The specification's network name: an alphanumeric, then alphanumerics, '_', '.' or '-'. */
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.\\-]*");
    /** A plugin type is a file name in a plugin directory: no path. */
    private static final Pattern TYPE = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.+\\-]*");

    private final String source;
    private final String text;
    private final String name;
    private final String cniVersion;
    private final List<ObjectNode> plugins;

    private CniConfigList(String source, String text, String name, String cniVersion, List<ObjectNode> plugins) {
        this.source = source;
        this.text = text;
        this.name = name;
        this.cniVersion = cniVersion;
        this.plugins = plugins;
    }

    /**
     * The configuration {@code wanted} in {@code dir}: the file {@code wanted} itself if it has one of the
     * {@linkplain #EXTENSIONS extensions}, else {@code wanted.conflist}, {@code .conf} or {@code .json}, else
     * the first file (by file name) of those extensions whose {@code name} is {@code wanted}.
     *
     * @throws InvalidArgumentException one line naming the file (or the name and directory) and what is wrong
     */
    static CniConfigList find(Path dir, String wanted) throws IOException {
        if (wanted.isEmpty() || wanted.contains("/") || wanted.equals(".") || wanted.equals("..")) {
            throw new InvalidArgumentException("invalid CNI config name \"" + wanted + "\": the name of a file in "
                    + dir + " or of the network it configures");
        }
        if (!Files.isDirectory(dir)) {
            throw new InvalidArgumentException("CNI config \"" + wanted + "\" not found: " + dir + " is not a directory");
        }
        List<Path> candidates = new ArrayList<>();
        if (EXTENSIONS.stream().anyMatch(wanted::endsWith)) {
            candidates.add(dir.resolve(wanted));
        }
        for (String ext : EXTENSIONS) {
            candidates.add(dir.resolve(wanted + ext));
        }
        for (Path p : candidates) {
            if (Files.isRegularFile(p)) {
                return read(p);
            }
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> all = Files.newDirectoryStream(dir)) {
            for (Path p : all) {
                String file = p.getFileName().toString();
                if (EXTENSIONS.stream().anyMatch(file::endsWith) && Files.isRegularFile(p)) {
                    files.add(p);
                }
            }
        }
        files.sort(null);
        for (Path p : files) {
            JsonNode root;
            try {
                root = JSON.readTree(Files.readAllBytes(p));
            } catch (IOException e) {
                continue; // another file's problem; it is reported when it is asked for by its own name
            }
            if (root != null && wanted.equals(root.path("name").asText(null))) {
                return read(p);
            }
        }
        throw new InvalidArgumentException("CNI config \"" + wanted + "\" not found in " + dir + " (no "
                + String.join(", ", EXTENSIONS.stream().map(e -> wanted + e).toList())
                + " and no config whose name is " + wanted + ")");
    }

    /** The configuration in the file {@code p}. */
    static CniConfigList read(Path p) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(p);
        } catch (IOException e) {
            throw new InvalidArgumentException("CNI config " + p + ": cannot be read ("
                    + e.getClass().getSimpleName() + ")", e);
        }
        return parse(p.toString(), new String(bytes, StandardCharsets.UTF_8));
    }

    /**
     * Parses and checks a configuration: a list ({@code cniVersion}, {@code name}, {@code plugins} each with
     * a {@code type}) or a single plugin's configuration ({@code cniVersion}, {@code name}, {@code type}),
     * which becomes a list of one whose text is written anew.
     *
     * @param source what the text is, for messages: a file's path
     * @throws InvalidArgumentException {@code CNI config SOURCE: PROBLEM}, one line
     */
    static CniConfigList parse(String source, String text) {
        String prefix = "CNI config " + source + ": ";
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + " column " + at.getColumnNr();
            String problem = e.getOriginalMessage().startsWith("Trailing token") ? "more than one JSON value"
                    : oneLine(e.getOriginalMessage());
            throw new InvalidArgumentException(prefix + "invalid JSON" + where + ": " + problem, e);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidArgumentException(prefix + "not a JSON object");
        }
        JsonNode version = root.get("cniVersion");
        if (version == null || !version.isTextual() || version.asText().isEmpty()) {
            throw new InvalidArgumentException(prefix + "no \"cniVersion\"");
        }
        if (!VERSIONS.contains(version.asText())) {
            throw new InvalidArgumentException(prefix + "cniVersion \"" + version.asText() + "\" is not supported ("
                    + String.join(", ", VERSIONS) + ")");
        }
        JsonNode name = root.get("name");
        if (name == null || !name.isTextual() || name.asText().isEmpty()) {
            throw new InvalidArgumentException(prefix + "no \"name\"");
        }
        if (!NAME.matcher(name.asText()).matches()) {
            throw new InvalidArgumentException(prefix + "invalid name \"" + name.asText()
                    + "\": an alphanumeric followed by alphanumerics, '_', '.' or '-'");
        }
        List<ObjectNode> plugins = new ArrayList<>();
        JsonNode list = root.get("plugins");
        if (list == null) {
            if (!root.has("type")) {
                throw new InvalidArgumentException(prefix + "no \"plugins\" (a list) and no \"type\" (a single plugin)");
            }
            ObjectNode single = ((ObjectNode) root).deepCopy();
            single.remove("cniVersion");
            single.remove("name");
            checkPlugin(prefix, "the plugin", single);
            ObjectNode made = JSON.createObjectNode();
            made.put("cniVersion", version.asText());
            made.put("name", name.asText());
            made.putArray("plugins").add(single);
            try {
                text = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(made);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            plugins.add(single);
        } else {
            if (!list.isArray()) {
                throw new InvalidArgumentException(prefix + "\"plugins\" is not a list");
            }
            if (list.isEmpty()) {
                throw new InvalidArgumentException(prefix + "\"plugins\" is empty");
            }
            for (int i = 0; i < list.size(); i++) {
                JsonNode p = list.get(i);
                if (!p.isObject()) {
                    throw new InvalidArgumentException(prefix + "plugins[" + i + "] is not an object");
                }
                checkPlugin(prefix, "plugins[" + i + "]", p);
                plugins.add((ObjectNode) p);
            }
        }
        CniConfigList made = new CniConfigList(source, text, name.asText(), version.asText(), List.copyOf(plugins));
        if (made.chain().isEmpty()) {
            throw new InvalidArgumentException(prefix + "no plugin but loopback, which the engine does itself");
        }
        return made;
    }

    private static void checkPlugin(String prefix, String which, JsonNode p) {
        JsonNode type = p.get("type");
        if (type == null || !type.isTextual() || type.asText().isEmpty()) {
            throw new InvalidArgumentException(prefix + which + " has no \"type\"");
        }
        if (!TYPE.matcher(type.asText()).matches()) {
            throw new InvalidArgumentException(prefix + which + ": invalid type \"" + type.asText()
                    + "\": a plugin's file name");
        }
        JsonNode caps = p.get("capabilities");
        if (caps != null && !caps.isObject()) {
            throw new InvalidArgumentException(prefix + which + " (" + type.asText()
                    + "): \"capabilities\" is not an object");
        }
        JsonNode ipam = p.get("ipam");
        if (ipam != null && !ipam.isObject()) {
            throw new InvalidArgumentException(prefix + which + " (" + type.asText() + "): \"ipam\" is not an object");
        }
        if (ipam != null && ipam.has("type")) {
            String ipamType = ipam.get("type").asText("");
            if (!TYPE.matcher(ipamType).matches()) {
                throw new InvalidArgumentException(prefix + which + " (" + type.asText() + "): invalid IPAM type \""
                        + ipamType + "\": a plugin's file name");
            }
        }
    }

    /** What the configuration was read from, for messages. */
    String source() {
        return source;
    }

    /** The text to keep: the file's own for a list, a list written for a single plugin's configuration. */
    String text() {
        return text;
    }

    /** The CNI network's name, which plugins key their state by (host-local's directory, iptables chains). */
    String name() {
        return name;
    }

    String cniVersion() {
        return cniVersion;
    }

    /** Every plugin of the list, in order. */
    List<ObjectNode> plugins() {
        return plugins;
    }

    /** The plugins run for ADD (in this order) and DEL (in reverse): all but {@code loopback}. */
    List<ObjectNode> chain() {
        return plugins.stream().filter(p -> !"loopback".equals(type(p))).toList();
    }

    static String type(JsonNode plugin) {
        return plugin.path("type").asText();
    }

    /** The plugin types to find in the plugin directories: the chain's and their IPAM plugins'. */
    Set<String> binaries() {
        Set<String> out = new LinkedHashSet<>();
        for (ObjectNode p : chain()) {
            out.add(type(p));
            String ipam = p.path("ipam").path("type").asText("");
            if (!ipam.isEmpty()) {
                out.add(ipam);
            }
        }
        return out;
    }

    /**
     * One plugin's request: its configuration with the list's {@code cniVersion} and {@code name},
     * without {@code capabilities}, with {@code runtimeConfig} holding those of {@code runtimeConfig}'s
     * entries the plugin declares as capabilities (none: no {@code runtimeConfig}), and with
     * {@code prevResult} unless it is {@code null}.
     */
    ObjectNode request(ObjectNode plugin, ObjectNode runtimeConfig, JsonNode prevResult) {
        ObjectNode out = JSON.createObjectNode();
        out.put("cniVersion", cniVersion);
        out.put("name", name);
        ObjectNode copy = plugin.deepCopy();
        copy.remove(List.of("cniVersion", "name", "capabilities"));
        out.setAll(copy);
        ObjectNode granted = JSON.createObjectNode();
        JsonNode caps = plugin.path("capabilities");
        for (Iterator<Map.Entry<String, JsonNode>> it = caps.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> cap = it.next();
            if (cap.getValue().asBoolean(false) && runtimeConfig.has(cap.getKey())) {
                granted.set(cap.getKey(), runtimeConfig.get(cap.getKey()));
            }
        }
        if (!granted.isEmpty()) {
            out.set("runtimeConfig", granted);
        }
        if (prevResult != null) {
            out.set("prevResult", prevResult);
        }
        return out;
    }

    /** The names of the bridges the list's {@code bridge} plugins use ({@code cni0} when one names none). */
    Set<String> bridges() {
        Set<String> out = new LinkedHashSet<>();
        for (ObjectNode p : chain()) {
            if ("bridge".equals(type(p))) {
                out.add(p.path("bridge").asText("cni0"));
            }
        }
        return out;
    }

    /** Whether a {@code bridge} plugin of the list masquerades ({@code ipMasq}), making a nat chain per container. */
    boolean bridgeMasquerades() {
        return chain().stream().anyMatch(p -> "bridge".equals(type(p)) && p.path("ipMasq").asBoolean(false));
    }

    /**
     * The address ranges the list's IPAM hands out, for display: host-local's {@code ranges} (each range
     * set's ranges) or its older single {@code subnet}, with their gateways (a range's first address when it
     * names none, as host-local does). Empty when no plugin has such an IPAM section.
     */
    List<IpamConfig> ipam() {
        List<IpamConfig> out = new ArrayList<>();
        for (ObjectNode p : chain()) {
            JsonNode ipam = p.path("ipam");
            if (ipam.has("ranges") && ipam.get("ranges").isArray()) {
                for (JsonNode set : ipam.get("ranges")) {
                    for (JsonNode range : set.isArray() ? (ArrayNode) set : JSON.createArrayNode().add(set)) {
                        add(out, range);
                    }
                }
            } else if (ipam.has("subnet")) {
                add(out, ipam);
            }
        }
        return out;
    }

    private static void add(List<IpamConfig> out, JsonNode range) {
        String subnet = range.path("subnet").asText("");
        if (subnet.isEmpty()) {
            return;
        }
        String gateway = range.path("gateway").asText("");
        out.add(new IpamConfig(subnet, gateway.isEmpty() ? firstAddress(subnet) : gateway, null));
    }

    /** The first host address of a subnet ({@code 10.1.2.1} of {@code 10.1.2.0/24}), or {@code null} if malformed. */
    static String firstAddress(String subnet) {
        int slash = subnet.indexOf('/');
        if (slash < 0) {
            return null;
        }
        String literal = subnet.substring(0, slash);
        if (!literal.matches("[0-9a-fA-F:.]+")) {
            return null; // InetAddress would look a name up
        }
        try {
            byte[] base = InetAddress.getByName(literal).getAddress();
            int bits = Integer.parseInt(subnet.substring(slash + 1));
            int hostBits = base.length * 8 - bits;
            BigInteger network = new BigInteger(1, base).shiftRight(hostBits).shiftLeft(hostBits);
            byte[] first = network.add(BigInteger.ONE).toByteArray();
            byte[] address = new byte[base.length];
            int n = Math.min(first.length, address.length);
            System.arraycopy(first, first.length - n, address, address.length - n, n);
            return InetAddress.getByAddress(address).getHostAddress();
        } catch (UnknownHostException | NumberFormatException | ArithmeticException e) {
            return null;
        }
    }

    /** A message on one line: line breaks and the spaces around them become one space. */
    static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
