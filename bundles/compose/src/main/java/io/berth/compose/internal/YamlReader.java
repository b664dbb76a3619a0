package io.berth.compose.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.StringReader;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads a compose file into a Jackson tree, keeping where each key and item was written. SnakeYAML
 * composes the node graph (anchors and aliases resolved, marks kept); scalars are then typed by YAML
 * 1.2's core schema as go-yaml v3 (compose v2) types them, so {@code yes} and {@code 22:22} stay
 * strings; {@code <<} merge keys are applied (explicit keys win, then the merged maps in order); a key
 * twice in one mapping is an error as in v2. Jackson's own YAML parser is not used because it applies
 * no merge keys.
 */
final class YamlReader {
    private static final Pattern NULL = Pattern.compile("~|null|Null|NULL|");
    private static final Pattern BOOL = Pattern.compile("true|True|TRUE|false|False|FALSE");
    private static final Pattern INT = Pattern.compile("[-+]?[0-9]+");
    private static final Pattern HEX = Pattern.compile("0x[0-9a-fA-F]+");
    private static final Pattern OCT = Pattern.compile("0o[0-7]+");
    private static final Pattern FLOAT = Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
    /** compose's tags for merging: {@code !reset} drops a value, {@code !override} replaces instead of merging. */
    static final String RESET = "!reset";
    static final String OVERRIDE = "!override";

    /** A file read: its tree, where each path was written, and the paths tagged {@code !reset}/{@code !override}. */
    record Document(ObjectNode root, Map<String, Location> locations, Map<String, String> tags) {
    }

    private final String file;
    private final Map<String, Location> locations = new HashMap<>();
    private final Map<String, String> tags = new HashMap<>();

    private YamlReader(String file) {
        this.file = file;
    }

    /** Reads {@code text}; {@code file} names it in errors and locations. An empty file is an empty mapping. */
    static Document read(String file, String text) {
        YamlReader reader = new YamlReader(file);
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(10_000);
        Node node;
        try {
            node = new Yaml(options).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String problem = e.getProblem() == null ? e.getMessage() : e.getProblem();
            if (e.getContext() != null) {
                problem = e.getContext() + ": " + problem;
            }
            throw ComposeFileException.at(mark == null ? null : new Location(file, mark.getLine() + 1, mark.getColumn() + 1),
                    null, "yaml: " + problem.replace('\n', ' ').trim());
        } catch (YAMLException e) {
            throw ComposeFileException.at(null, null, file + ": yaml: " + e.getMessage());
        }
        if (node == null) {
            return new Document(JsonNodeFactory.instance.objectNode(), reader.locations, reader.tags);
        }
        JsonNode root = reader.convert(node, "");
        if (!root.isObject()) {
            throw ComposeFileException.at(reader.location(node), null, "top-level object must be a mapping");
        }
        return new Document((ObjectNode) root, reader.locations, reader.tags);
    }

    private Location location(Node node) {
        Mark m = node.getStartMark();
        return new Location(file, m.getLine() + 1, m.getColumn() + 1);
    }

    private JsonNode convert(Node node, String path) {
        String tag = node.getTag().getValue();
        if (tag.equals(RESET) || tag.equals(OVERRIDE)) {
            tags.put(path, tag);
        }
        if (node instanceof MappingNode mapping) {
            return mapping(mapping, path);
        }
        if (node instanceof SequenceNode sequence) {
            ArrayNode array = JsonNodeFactory.instance.arrayNode();
            List<Node> items = sequence.getValue();
            for (int i = 0; i < items.size(); i++) {
                String p = path + "[" + i + "]";
                locations.put(p, location(items.get(i)));
                array.add(convert(items.get(i), p));
            }
            return array;
        }
        return scalar((ScalarNode) node);
    }

    private ObjectNode mapping(MappingNode mapping, String path) {
        ObjectNode merged = JsonNodeFactory.instance.objectNode();
        ObjectNode explicit = JsonNodeFactory.instance.objectNode();
        Map<String, Integer> lines = new HashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            Node keyNode = tuple.getKeyNode();
            Node valueNode = tuple.getValueNode();
            if (keyNode instanceof ScalarNode k && (k.getTag().equals(Tag.MERGE) || "<<".equals(k.getValue())
                    && k.getScalarStyle() == org.yaml.snakeyaml.DumperOptions.ScalarStyle.PLAIN)) {
                List<Node> sources = valueNode instanceof SequenceNode s ? s.getValue() : List.of(valueNode);
                for (Node source : sources) {
                    if (!(source instanceof MappingNode sourceMapping)) {
                        throw ComposeFileException.at(location(source), path, "map merge requires map or sequence of maps as the value");
                    }
                    ObjectNode values = mapping(sourceMapping, path);
                    values.fields().forEachRemaining(e -> {
                        if (!merged.has(e.getKey())) {
                            merged.set(e.getKey(), e.getValue());
                        }
                    });
                }
                continue;
            }
            if (!(keyNode instanceof ScalarNode k)) {
                throw ComposeFileException.at(location(keyNode), path, "mapping keys must be strings");
            }
            String key = k.getValue();
            Integer previous = lines.put(key, keyNode.getStartMark().getLine() + 1);
            String p = path.isEmpty() ? key : path + "." + key;
            if (previous != null) {
                throw ComposeFileException.at(location(keyNode), p,
                        "mapping key \"" + key + "\" already defined at line " + previous);
            }
            locations.put(p, location(keyNode));
            explicit.set(key, convert(valueNode, p));
        }
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        merged.fields().forEachRemaining(e -> result.set(e.getKey(), e.getValue()));
        explicit.fields().forEachRemaining(e -> result.set(e.getKey(), e.getValue()));
        return result;
    }

    private static JsonNode scalar(ScalarNode node) {
        String v = node.getValue();
        String tag = node.getTag().getValue();
        if (node.getScalarStyle() != org.yaml.snakeyaml.DumperOptions.ScalarStyle.PLAIN || tag.startsWith("!")) {
            return JsonNodeFactory.instance.textNode(v);
        }
        JsonNode typed = core(v);
        // SnakeYAML (YAML 1.1) would have typed every core-schema value itself: a string tag on one is an explicit !!str.
        return tag.equals(Tag.STR.getValue()) && !typed.isTextual() ? JsonNodeFactory.instance.textNode(v) : typed;
    }

    /** A plain scalar typed by YAML 1.2's core schema, as go-yaml v3 does. */
    static JsonNode core(String v) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (NULL.matcher(v).matches()) {
            return f.nullNode();
        }
        if (BOOL.matcher(v).matches()) {
            return f.booleanNode(v.equalsIgnoreCase("true"));
        }
        if (INT.matcher(v).matches()) {
            return integer(new BigInteger(v.startsWith("+") ? v.substring(1) : v));
        }
        if (HEX.matcher(v).matches()) {
            return integer(new BigInteger(v.substring(2), 16));
        }
        if (OCT.matcher(v).matches()) {
            return integer(new BigInteger(v.substring(2), 8));
        }
        if (FLOAT.matcher(v).matches()) {
            return f.numberNode(Double.parseDouble(v));
        }
        return f.textNode(v);
    }

    private static JsonNode integer(BigInteger i) {
        return i.bitLength() < 63 ? JsonNodeFactory.instance.numberNode(i.longValue()) : JsonNodeFactory.instance.numberNode(i);
    }
}
