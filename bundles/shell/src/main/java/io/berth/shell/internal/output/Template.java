package io.berth.shell.internal.output;

import static io.berth.shell.internal.output.GoFormat.print;
import static io.berth.shell.internal.output.GoFormat.printWithNames;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The part of Go's text/template that {@code --format} users write, evaluated over JSON trees:
 * fields ({@code {{.Id}}}, {@code {{.Config.Env}}}), pipelines ({@code {{.Name | upper}}}),
 * {@code if}/{@code else}/{@code range}/{@code with}/{@code end}, variables ({@code {{$x := .Name}}},
 * {@code {{range $k, $v := .Labels}}}, {@code $} for the data), parentheses, string and number
 * literals, and the functions docker adds: {@code json}, {@code join}, {@code split},
 * {@code lower}, {@code upper}, {@code title}, {@code pad}, {@code truncate}, plus Go's
 * {@code index}, {@code len}, {@code print}, {@code printf}, {@code println}, {@code eq},
 * {@code ne}, {@code not}, {@code and}, {@code or}. A leading {@code table} makes a table with a
 * header row; {@code \t} and {@code \n} in the text stand for tab and newline, as in docker.
 *
 * <p>Docker's format contexts also have methods that take arguments ({@code {{.Label "com.x"}}}).
 * A row gives such a method as a map under the key {@link #method(String) NAME()}, which a call
 * indexes with its arguments ({@code ""} for a key it lacks, as docker's methods answer); those
 * keys are not fields, and no JSON of the row shows them.
 */
public final class Template {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final List<Node> nodes;
    private final boolean table;
    private final String source;

    private Template(String source, List<Node> nodes, boolean table) {
        this.source = source;
        this.nodes = nodes;
        this.table = table;
    }

    /**
     * Parses a format.
     *
     * @throws IllegalArgumentException with a message naming the problem ({@code template: ...})
     */
    public static Template parse(String format) {
        String text = format.strip();
        boolean table = false;
        if (text.startsWith("table ") || text.equals("table")) {
            table = true;
            text = text.substring(5).strip();
        }
        Parser parser = new Parser(text);
        List<Node> nodes = parser.parseList(false);
        if (parser.pos < parser.src.length()) {
            throw error("unexpected {{end}} or {{else}}");
        }
        return new Template(text, nodes, table);
    }

    /** The key under which a row gives a method that takes arguments: {@code Label()} for {@code .Label "k"}. */
    public static String method(String name) {
        return name + "()";
    }

    /** Whether a row's key is a {@link #method(String) method}'s, which its JSON leaves out. */
    static boolean isMethod(String key) {
        return key.endsWith("()");
    }

    /** A row's tree without its methods, for its JSON. */
    public static JsonNode withoutMethods(JsonNode row) {
        if (!row.isObject()) {
            return row;
        }
        boolean any = false;
        for (java.util.Iterator<String> it = row.fieldNames(); it.hasNext(); ) {
            any |= isMethod(it.next());
        }
        if (!any) {
            return row;
        }
        com.fasterxml.jackson.databind.node.ObjectNode copy = NODES.objectNode();
        row.fields().forEachRemaining(e -> {
            if (!isMethod(e.getKey())) {
                copy.set(e.getKey(), e.getValue());
            }
        });
        return copy;
    }

    /** The tree with its maps' keys sorted, as Go's encoding/json writes a map. */
    private static JsonNode sortedMaps(JsonNode v) {
        if (v.isObject()) {
            com.fasterxml.jackson.databind.node.ObjectNode o = NODES.objectNode();
            Iterable<Map.Entry<String, JsonNode>> entries = v::fields;
            java.util.Collection<Map.Entry<String, JsonNode>> ordered = new ArrayList<>();
            entries.forEach(ordered::add);
            if (v instanceof MapNode) {
                ordered = new TreeMap<String, JsonNode>(ordered.stream().collect(java.util.stream.Collectors.toMap(
                        Map.Entry::getKey, Map.Entry::getValue))).entrySet();
            }
            ordered.forEach(e -> {
                if (!(e.getValue() instanceof OmittedNil)) {
                    o.set(e.getKey(), sortedMaps(e.getValue()));
                }
            });
            return o;
        }
        if (v.isArray()) {
            ArrayNode a = NODES.arrayNode();
            v.forEach(e -> a.add(sortedMaps(e)));
            return a;
        }
        return v;
    }

    /** Whether the format began with {@code table}. */
    public boolean isTable() {
        return table;
    }

    /** The template text, without {@code table}. */
    public String source() {
        return source;
    }

    /**
     * Evaluates the template with {@code data} as dot.
     *
     * @throws IllegalArgumentException for an execution error ({@code template: … executing …}),
     *         such as a field the data does not have
     */
    public String execute(JsonNode data) {
        return render(typed(data, null, null), Run.TYPES);
    }

    /**
     * Evaluates the template as docker's client does for {@code inspect}: on the object's type
     * first, and if that fails (a field its Go type lacks, or names otherwise than its JSON, as
     * {@code .Id} or {@code .HostConfig.CpuShares}), on its JSON decoded as maps, where a missing
     * key is an error and maps' keys print sorted.
     *
     * @throws IllegalArgumentException for an execution error of the second run
     */
    public String executeInspect(JsonNode data) {
        try {
            return render(typed(data, null, null), Run.INSPECT_TYPES);
        } catch (IllegalArgumentException typedFailed) {
            return render(asMaps(data), Run.RAW);
        }
    }

    /** How a run sees the data: docker's types; inspect's types (with their Go names); raw JSON decoded as maps. */
    private enum Run { TYPES, INSPECT_TYPES, RAW }

    private String render(JsonNode data, Run run) {
        StringBuilder out = new StringBuilder();
        Vars vars = Vars.of(data, run);
        for (Node n : nodes) {
            n.render(data, vars, out);
        }
        return out.toString();
    }

    /**
     * The JSON keys of docker's inspect types whose Go fields are named otherwise ({@code ID
     * json:"Id"}, {@code CPUShares json:"CpuShares"}…): a template naming them fails on the type.
     */
    private static final java.util.Set<String> GO_RENAMED = java.util.Set.of("Id", "CpuShares", "NanoCpus", "CpuPeriod",
            "CpuQuota", "CpuRealtimePeriod", "CpuRealtimeRuntime", "CpuCount", "CpuPercent", "Dns", "DnsOptions",
            "DnsSearch");

    /** The tree with every object a map, as Go's encoding/json decodes JSON into interface{}. */
    private static JsonNode asMaps(JsonNode v) {
        if (v.isObject()) {
            MapNode m = new MapNode();
            v.fields().forEachRemaining(e -> {
                if (!isMethod(e.getKey())) {
                    m.set(e.getKey(), asMaps(e.getValue()));
                }
            });
            return m;
        }
        if (v.isArray()) {
            ArrayNode a = NODES.arrayNode();
            v.forEach(e -> a.add(asMaps(e)));
            return a;
        }
        return v;
    }

    /**
     * The JSON objects that are Go maps in docker's types (labels, options, port maps…), as
     * opposed to structs: a map prints as {@code map[k:v …]} and has {@code <no value>} for a key it
     * lacks; a struct prints its values as {@code {v1 v2 …}} and a field it lacks is an error, as
     * text/template has them. Known by the name they have in their parent.
     */
    private static final java.util.Set<String> MAP_FIELDS = java.util.Set.of("Labels", "Options", "Data", "Networks",
            "Ports", "PortBindings", "ExposedPorts", "Volumes", "Tmpfs", "Sysctls", "StorageOpt", "DriverOpts",
            "Annotations", "Containers", "Status", "Aliases", "Driver_opts", "UsageData", "Attributes");

    private static boolean isMap(String key, String parentKey) {
        return key != null && (MAP_FIELDS.contains(key) || (key.equals("Config") && "LogConfig".equals(parentKey)));
    }

    /** A JSON object that stands for a Go map. */
    static final class MapNode extends com.fasterxml.jackson.databind.node.ObjectNode {
        MapNode() {
            super(NODES);
        }
    }

    /**
     * The fields of docker's structs that its JSON omits when empty ({@code omitempty}), which a
     * template still sees, as zero values, in the struct's order; by parent and name.
     */
    private static final Map<String, List<String>> OMITTED_FIELDS = Map.of(
            "IPAM/Config", List.of("Subnet", "IPRange", "Gateway", "AuxiliaryAddresses"));

    /**
     * The pointers of docker's structs that its JSON omits when nil ({@code omitempty}), which a
     * template sees as {@code <nil>} after the struct's other fields; by parent ({@code ""} for the
     * top) and name.
     */
    private static final Map<String, List<String>> OMITTED_NIL_FIELDS = Map.of(
            "/HostConfig", List.of("Init"), "/State", List.of("Health"));

    /** A nil pointer that docker's JSON omits: {@code <nil>} to a template, left out of its {@code json}. */
    static final class OmittedNil extends NullNode {
        private static final long serialVersionUID = 1L;
        static final OmittedNil INSTANCE = new OmittedNil();
    }

    private static JsonNode typed(JsonNode v, String key, String parentKey) {
        if (v.isObject()) {
            com.fasterxml.jackson.databind.node.ObjectNode o = v instanceof MapNode || isMap(key, parentKey)
                    ? new MapNode() : NODES.objectNode();
            List<String> omitted = OMITTED_FIELDS.get(parentKey + "/" + key);
            if (omitted != null) {
                for (String f : omitted) {
                    o.set(f, f.equals("AuxiliaryAddresses") ? new MapNode() : TextNode.valueOf(""));
                }
            }
            v.fields().forEachRemaining(e -> o.set(e.getKey(), isMethod(e.getKey()) ? e.getValue()
                    : typed(e.getValue(), e.getKey(), key)));
            if (!(o instanceof MapNode)) {
                for (String f : OMITTED_NIL_FIELDS.getOrDefault((parentKey == null ? "" : parentKey) + "/" + key, List.of())) {
                    if (!o.has(f)) {
                        o.set(f, OmittedNil.INSTANCE);
                    }
                }
            }
            return o;
        }
        if (v.isArray()) {
            ArrayNode a = NODES.arrayNode();
            v.forEach(e -> a.add(typed(e, key, parentKey)));
            return a;
        }
        return v;
    }

    /**
     * Evaluates a table format's header: each field {@code .Name} is replaced by its header label
     * from {@code headers} (docker's column titles), or the field name itself.
     */
    public String header(Map<String, String> headers) {
        com.fasterxml.jackson.databind.node.ObjectNode fake = new MapNode();
        collectFields(nodes, fake, headers);
        return execute(fake);
    }

    private static void collectFields(List<Node> nodes, com.fasterxml.jackson.databind.node.ObjectNode into,
                                      Map<String, String> headers) {
        for (Node n : nodes) {
            if (n instanceof Action a) {
                for (Cmd c : a.pipe.cmds) {
                    for (Operand o : c.operands) {
                        if (o instanceof Field f && f.path.length > 0) {
                            String title = headers.getOrDefault(f.path[0], f.path[0].toUpperCase(Locale.ROOT));
                            into.put(f.path[0], title);
                            // A method's column is titled the same.
                            into.put(method(f.path[0]), title);
                        }
                    }
                }
            }
        }
    }

    private static IllegalArgumentException error(String message) {
        return new IllegalArgumentException("template: :1: " + message);
    }

    static boolean truth(JsonNode v) {
        if (v == null || v.isMissingNode() || v.isNull()) {
            return false;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isNumber()) {
            return v.doubleValue() != 0;
        }
        if (v.isTextual()) {
            return !v.textValue().isEmpty();
        }
        if (v.isObject() && !(v instanceof MapNode)) {
            return true; // a struct, as text/template has it
        }
        return v.size() > 0;
    }

    // ---- the tree ----

    private interface Node {
        void render(JsonNode dot, Vars vars, StringBuilder out);
    }

    /**
     * The variables in scope: {@code $} (the data) and those an action declared ({@code $x :=}),
     * which last until the end of the block that declares them, as text/template has them.
     */
    private static final class Vars {
        private final Vars outer;
        private final Map<String, JsonNode> own = new java.util.HashMap<>();
        /** How the data is typed: as docker's types, as inspect's types, or raw JSON as maps. */
        final Run run;

        Vars(Vars outer) {
            this(outer, outer.run);
        }

        private Vars(Vars outer, Run run) {
            this.outer = outer;
            this.run = run;
        }

        static Vars of(JsonNode data, Run run) {
            Vars v = new Vars(null, run);
            v.own.put("$", data);
            return v;
        }

        JsonNode get(String name) {
            for (Vars v = this; v != null; v = v.outer) {
                JsonNode x = v.own.get(name);
                if (x != null) {
                    return x;
                }
            }
            throw error("undefined variable \"" + name + "\"");
        }

        /** Declares {@code name} here ({@code :=}), or sets the one in scope ({@code =}). */
        void set(String name, JsonNode value, boolean declare) {
            for (Vars v = this; v != null && !declare; v = v.outer) {
                if (v.own.containsKey(name)) {
                    v.own.put(name, value);
                    return;
                }
            }
            own.put(name, value);
        }
    }

    private record Text(String text) implements Node {
        /** Docker lets {@code \t} and {@code \n} in the text outside actions stand for tab and newline. */
        Text {
            text = text.replace("\\t", "\t").replace("\\n", "\n");
        }

        public void render(JsonNode dot, Vars vars, StringBuilder out) {
            out.append(text);
        }
    }

    private record Action(Pipe pipe) implements Node {
        public void render(JsonNode dot, Vars vars, StringBuilder out) {
            JsonNode value = pipe.eval(dot, vars);
            if (pipe.variables.isEmpty()) {
                out.append(print(value));
            } else {
                vars.set(pipe.variables.get(0), value, pipe.declare);
            }
        }
    }

    private record Block(String kind, Pipe pipe, List<Node> body, List<Node> otherwise) implements Node {
        public void render(JsonNode dot, Vars vars, StringBuilder out) {
            JsonNode value = pipe.eval(dot, vars);
            Vars inner = new Vars(vars);
            if (!kind.equals("range") && !pipe.variables.isEmpty()) {
                inner.set(pipe.variables.get(0), value, true);
            }
            switch (kind) {
                case "if" -> renderAll(truth(value) ? body : otherwise, dot, inner, out);
                case "with" -> {
                    if (truth(value)) {
                        renderAll(body, value, inner, out);
                    } else {
                        renderAll(otherwise, dot, inner, out);
                    }
                }
                default -> {
                    if (!truth(value)) {
                        renderAll(otherwise, dot, inner, out);
                    } else if (value.isArray()) {
                        for (int i = 0; i < value.size(); i++) {
                            renderElement(IntNode.valueOf(i), value.get(i), vars, out);
                        }
                    } else if (value.isObject()) {
                        toMap(value).forEach((k, e) -> renderElement(TextNode.valueOf(k), e, vars, out));
                    } else {
                        throw error("range can't iterate over " + print(value));
                    }
                }
            }
        }

        private static Map<String, JsonNode> toMap(JsonNode v) {
            Map<String, JsonNode> m = new TreeMap<>();
            v.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue()));
            return m;
        }

        /** One turn of a range: dot is the element; {@code $k, $v :=} names key and element, {@code $v :=} the element. */
        private void renderElement(JsonNode key, JsonNode element, Vars vars, StringBuilder out) {
            Vars turn = new Vars(vars);
            List<String> names = pipe.variables;
            if (names.size() == 1) {
                turn.set(names.get(0), element, true);
            } else if (names.size() == 2) {
                turn.set(names.get(0), key, true);
                turn.set(names.get(1), element, true);
            }
            renderAll(body, element, turn, out);
        }

        private static void renderAll(List<Node> nodes, JsonNode dot, Vars vars, StringBuilder out) {
            for (Node n : nodes) {
                n.render(dot, vars, out);
            }
        }
    }

    /** A pipeline, and the variables it declares ({@code :=}) or sets ({@code =}) when it has some. */
    private record Pipe(List<String> variables, boolean declare, List<Cmd> cmds) {
        Pipe(List<Cmd> cmds) {
            this(List.of(), false, cmds);
        }

        JsonNode eval(JsonNode dot, Vars vars) {
            JsonNode last = null;
            boolean first = true;
            for (Cmd c : cmds) {
                last = c.eval(dot, vars, first ? null : last);
                first = false;
            }
            return last;
        }
    }

    private record Cmd(List<Operand> operands) {
        JsonNode eval(JsonNode dot, Vars vars, JsonNode piped) {
            Operand head = operands.get(0);
            if (head instanceof Func f) {
                List<JsonNode> args = new ArrayList<>();
                for (Operand o : operands.subList(1, operands.size())) {
                    args.add(o.eval(dot, vars));
                }
                if (piped != null) {
                    args.add(piped);
                }
                return Functions.call(f.name, args);
            }
            if (head instanceof Field f && f.path.length > 0 && (operands.size() > 1 || piped != null)) {
                List<JsonNode> args = new ArrayList<>();
                for (Operand o : operands.subList(1, operands.size())) {
                    args.add(o.eval(dot, vars));
                }
                if (piped != null) {
                    args.add(piped);
                }
                return f.call(dot, vars, args);
            }
            if (operands.size() > 1 || piped != null) {
                throw error("can't give argument to non-function " + head);
            }
            return head.eval(dot, vars);
        }
    }

    private interface Operand {
        JsonNode eval(JsonNode dot, Vars vars);
    }

    /** {@code .A.B} of dot, or {@code $x.A.B} of a variable ({@code variable} null for dot). */
    private record Field(String variable, String[] path, int column) implements Operand {
        Field(String variable, String[] path) {
            this(variable, path, 0);
        }

        public JsonNode eval(JsonNode dot, Vars vars) {
            JsonNode v = variable == null ? dot : vars.get(variable);
            for (String p : path) {
                if (v == null || !v.isObject()) {
                    return MissingNode.getInstance();
                }
                boolean struct = !(v instanceof MapNode);
                // A key docker's Go types spell otherwise is no field of theirs.
                JsonNode field = struct && vars.run == Run.INSPECT_TYPES && GO_RENAMED.contains(p) ? null : v.get(p);
                if (field == null && struct && v.get(method(p)) == null) {
                    throw new IllegalArgumentException("template: :1:" + column + ": executing \"\" at <" + this
                            + ">: can't evaluate field " + p);
                }
                if (field == null && vars.run == Run.RAW) {
                    throw new IllegalArgumentException("template: :1:" + column + ": executing \"\" at <" + this
                            + ">: map has no entry for key \"" + p + "\"");
                }
                v = field == null ? MissingNode.getInstance() : field;
            }
            // A JSON null in a map is a nil interface, which text/template prints as <no value>.
            return vars.run == Run.RAW && v.isNull() ? MissingNode.getInstance() : v;
        }

        /**
         * A method call: the map the row gives as the method, indexed by the arguments; in a
         * table's header, the column's title.
         */
        JsonNode call(JsonNode dot, Vars vars, List<JsonNode> args) {
            JsonNode owner = new Field(variable, java.util.Arrays.copyOf(path, path.length - 1)).eval(dot, vars);
            String name = path[path.length - 1];
            JsonNode v = owner.isObject() ? owner.get(method(name)) : null;
            if (v == null) {
                throw error("can't give argument to non-function " + this);
            }
            if (v.isTextual()) {
                // A table's header: the column's title.
                return v;
            }
            for (JsonNode key : args) {
                v = v.isObject() ? v.get(print(key)) : null;
                if (v == null) {
                    return TextNode.valueOf("");
                }
            }
            return v;
        }

        @Override
        public String toString() {
            if (variable == null) {
                return "." + String.join(".", path);
            }
            return path.length == 0 ? variable : variable + "." + String.join(".", path);
        }
    }

    private record Literal(JsonNode value) implements Operand {
        public JsonNode eval(JsonNode dot, Vars vars) {
            return value;
        }
    }

    private record Func(String name) implements Operand {
        public JsonNode eval(JsonNode dot, Vars vars) {
            return Functions.call(name, List.of());
        }
    }

    /** A parenthesised pipeline, and the fields taken of what it gives ({@code null}: none). */
    private record Sub(Pipe pipe, Field fields) implements Operand {
        public JsonNode eval(JsonNode dot, Vars vars) {
            JsonNode v = pipe.eval(dot, vars);
            return fields == null ? v : fields.eval(v, vars);
        }
    }

    // ---- functions ----

    private static final class Functions {
        static JsonNode call(String name, List<JsonNode> a) {
            return switch (name) {
                case "json" -> TextNode.valueOf(Json.line(sortedMaps(withoutMethods(arg(a, 0, name)))));
                case "join" -> {
                    List<String> parts = new ArrayList<>();
                    arg(a, 0, name).forEach(e -> parts.add(print(e)));
                    yield TextNode.valueOf(String.join(print(arg(a, 1, name)), parts));
                }
                case "split" -> {
                    ArrayNode r = NODES.arrayNode();
                    for (String s : print(arg(a, 0, name)).split(java.util.regex.Pattern.quote(print(arg(a, 1, name))), -1)) {
                        r.add(s);
                    }
                    yield r;
                }
                case "lower" -> TextNode.valueOf(print(arg(a, 0, name)).toLowerCase(Locale.ROOT));
                case "upper" -> TextNode.valueOf(print(arg(a, 0, name)).toUpperCase(Locale.ROOT));
                case "title" -> {
                    String s = print(arg(a, 0, name));
                    yield TextNode.valueOf(s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1));
                }
                case "pad" -> TextNode.valueOf(" ".repeat(arg(a, 1, name).asInt()) + print(arg(a, 0, name))
                        + " ".repeat(arg(a, 2, name).asInt()));
                case "truncate" -> TextNode.valueOf(GoFormat.runes(print(arg(a, 0, name)), arg(a, 1, name).asInt()));
                case "index" -> {
                    JsonNode v = arg(a, 0, name);
                    for (JsonNode key : a.subList(1, a.size())) {
                        v = key.isNumber() ? v.get(key.asInt()) : v.get(print(key));
                        if (v == null) {
                            yield MissingNode.getInstance();
                        }
                    }
                    yield v;
                }
                case "len" -> {
                    JsonNode v = arg(a, 0, name);
                    yield IntNode.valueOf(v.isTextual() ? v.textValue().length() : v.size());
                }
                case "print" -> TextNode.valueOf(joinPrinted(a, ""));
                case "println" -> TextNode.valueOf(joinPrinted(a, " ") + "\n");
                case "printf" -> TextNode.valueOf(GoFormat.sprintf(print(arg(a, 0, name)), a.subList(1, a.size())));
                case "eq" -> BooleanNode.valueOf(print(arg(a, 0, name)).equals(print(arg(a, 1, name))));
                case "ne" -> BooleanNode.valueOf(!print(arg(a, 0, name)).equals(print(arg(a, 1, name))));
                case "not" -> BooleanNode.valueOf(!truth(arg(a, 0, name)));
                case "and" -> {
                    JsonNode last = NullNode.getInstance();
                    for (JsonNode v : a) {
                        last = v;
                        if (!truth(v)) {
                            break;
                        }
                    }
                    yield last;
                }
                case "or" -> {
                    JsonNode last = NullNode.getInstance();
                    for (JsonNode v : a) {
                        last = v;
                        if (truth(v)) {
                            break;
                        }
                    }
                    yield last;
                }
                default -> throw error("function \"" + name + "\" not defined");
            };
        }

        private static String joinPrinted(List<JsonNode> args, String sep) {
            List<String> parts = new ArrayList<>();
            args.forEach(v -> parts.add(print(v)));
            return String.join(sep, parts);
        }

        private static JsonNode arg(List<JsonNode> a, int i, String name) {
            if (i >= a.size()) {
                throw error("wrong number of args for " + name);
            }
            return a.get(i);
        }
    }

    // ---- parsing ----

    private static final class Parser {
        final String src;
        int pos;
        /** The variables declared so far that are in scope here, {@code $} first. */
        final List<String> declared = new ArrayList<>(List.of("$"));

        Parser(String src) {
            this.src = src;
        }

        /** Parses until the end, or until {{else}}/{{end}} when nested (which are left unconsumed). */
        List<Node> parseList(boolean nested) {
            List<Node> nodes = new ArrayList<>();
            while (pos < src.length()) {
                int open = src.indexOf("{{", pos);
                if (open < 0) {
                    nodes.add(new Text(src.substring(pos)));
                    pos = src.length();
                    break;
                }
                boolean trimLeft = src.startsWith("{{- ", open);
                String text = src.substring(pos, open);
                if (trimLeft) {
                    text = text.stripTrailing();
                }
                if (!text.isEmpty()) {
                    nodes.add(new Text(text));
                }
                int close = src.indexOf("}}", open + 2);
                if (close < 0) {
                    throw error("unclosed action");
                }
                String body = src.substring(open + 2 + (trimLeft ? 2 : 0), close);
                boolean trimRight = body.endsWith(" -");
                if (trimRight) {
                    body = body.substring(0, body.length() - 2);
                }
                body = body.strip();
                int bodyAt = body.isEmpty() ? open + 2 : src.indexOf(body, open + 2);
                int after = close + 2;
                String keyword = body.split("\\s+", 2)[0];
                if (keyword.equals("end") || keyword.equals("else")) {
                    if (!nested) {
                        throw error("unexpected {{" + keyword + "}}");
                    }
                    return nodes;
                }
                pos = trimRight ? skipSpace(after) : after;
                if (keyword.equals("if") || keyword.equals("range") || keyword.equals("with")) {
                    int scope = declared.size();
                    Pipe pipe = new ActionParser(body.substring(keyword.length()), bodyAt + keyword.length(), declared).pipe();
                    if (pipe.variables.size() > (keyword.equals("range") ? 2 : 1) || (!pipe.variables.isEmpty() && !pipe.declare)) {
                        throw error("too many declarations in " + keyword);
                    }
                    List<Node> then = parseList(true);
                    List<Node> otherwise = List.of();
                    if (endKeyword().equals("else")) {
                        consumeAction();
                        otherwise = parseList(true);
                    }
                    if (!endKeyword().equals("end")) {
                        throw error("missing {{end}}");
                    }
                    consumeAction();
                    declared.subList(scope, declared.size()).clear();
                    nodes.add(new Block(keyword, pipe, then, otherwise));
                } else if (body.startsWith("/*")) {
                    continue;
                } else {
                    Pipe pipe = new ActionParser(body, bodyAt, declared).pipe();
                    if (pipe.variables.size() > 1) {
                        throw error("too many declarations in command");
                    }
                    nodes.add(new Action(pipe));
                }
            }
            if (nested) {
                throw error("missing {{end}}");
            }
            return nodes;
        }

        private int skipSpace(int i) {
            while (i < src.length() && Character.isWhitespace(src.charAt(i))) {
                i++;
            }
            return i;
        }

        private String endKeyword() {
            if (pos >= src.length()) {
                return "";
            }
            int open = src.indexOf("{{", pos);
            int close = src.indexOf("}}", open);
            String body = src.substring(open + 2, close).replaceFirst("^-\\s", "").replaceFirst("\\s-$", "").strip();
            return body.split("\\s+", 2)[0];
        }

        private void consumeAction() {
            int open = src.indexOf("{{", pos);
            int close = src.indexOf("}}", open);
            boolean trimRight = src.substring(open, close).endsWith(" -");
            pos = trimRight ? skipSpace(close + 2) : close + 2;
        }
    }

    private static final class ActionParser {
        private static final java.util.regex.Pattern DECLARATION = java.util.regex.Pattern.compile(
                "\\s*(\\$[A-Za-z0-9_]*)\\s*(?:,\\s*(\\$[A-Za-z0-9_]*)\\s*)?(:=|=)(?!=)");
        private final String s;
        private final int offset;
        private final List<String> declared;
        private int i;

        /**
         * @param offset   where {@code s} begins in the template, for the columns errors name
         * @param declared the variables in scope, to which a declaration here is added
         */
        ActionParser(String s, int offset, List<String> declared) {
            this.s = s;
            this.offset = offset;
            this.declared = declared;
        }

        Pipe pipe() {
            List<String> variables = new ArrayList<>();
            boolean declare = false;
            var m = DECLARATION.matcher(s);
            if (m.lookingAt()) {
                variables.add(m.group(1));
                if (m.group(2) != null) {
                    variables.add(m.group(2));
                }
                declare = m.group(3).equals(":=");
                i = m.end();
                if (!declare && !declared.contains(m.group(1))) {
                    throw error("undefined variable \"" + m.group(1) + "\"");
                }
            }
            Pipe p = pipeUntil('\0');
            skip();
            if (i < s.length()) {
                throw error("unexpected \"" + s.substring(i) + "\" in command");
            }
            // A declared variable is in scope after its declaration, not in it.
            if (declare) {
                declared.addAll(variables);
            }
            return new Pipe(variables, declare, p.cmds);
        }

        private Pipe pipeUntil(char end) {
            List<Cmd> cmds = new ArrayList<>();
            List<Operand> current = new ArrayList<>();
            while (true) {
                skip();
                if (i >= s.length() || (end != '\0' && s.charAt(i) == end)) {
                    break;
                }
                char c = s.charAt(i);
                if (c == '|') {
                    i++;
                    if (current.isEmpty()) {
                        throw error("missing command before |");
                    }
                    cmds.add(new Cmd(current));
                    current = new ArrayList<>();
                    continue;
                }
                current.add(operand());
            }
            if (current.isEmpty()) {
                throw error("missing value for command");
            }
            cmds.add(new Cmd(current));
            return new Pipe(cmds);
        }

        private Operand operand() {
            char c = s.charAt(i);
            if (c == '(') {
                i++;
                Pipe p = pipeUntil(')');
                if (i >= s.length()) {
                    throw error("unclosed left paren");
                }
                i++;
                // (pipeline).Field.Field: fields of what the pipeline gives.
                if (i < s.length() && s.charAt(i) == '.') {
                    int start = i;
                    while (i < s.length() && !Character.isWhitespace(s.charAt(i)) && "|()".indexOf(s.charAt(i)) < 0) {
                        i++;
                    }
                    String word = s.substring(start, i);
                    return new Sub(p, new Field(null, fieldPath(word, word.substring(1)), offset + start));
                }
                return new Sub(p, null);
            }
            if (c == '"') {
                int start = i++;
                while (i < s.length() && s.charAt(i) != '"') {
                    if (s.charAt(i) == '\\') {
                        i++;
                    }
                    i++;
                }
                if (i >= s.length()) {
                    throw error("unterminated quoted string");
                }
                i++;
                try {
                    return new Literal(TextNode.valueOf(Json.MAPPER.readValue(s.substring(start, i), String.class)));
                } catch (java.io.IOException e) {
                    throw error("bad string " + s.substring(start, i));
                }
            }
            if (c == '`') {
                int end = s.indexOf('`', i + 1);
                if (end < 0) {
                    throw error("unterminated raw quoted string");
                }
                String text = s.substring(i + 1, end);
                i = end + 1;
                return new Literal(TextNode.valueOf(text));
            }
            int start = i;
            while (i < s.length() && !Character.isWhitespace(s.charAt(i)) && "|()".indexOf(s.charAt(i)) < 0) {
                i++;
            }
            String word = s.substring(start, i);
            if (word.equals(".")) {
                return new Field(null, new String[0]);
            }
            if (word.startsWith("$")) {
                int dot = word.indexOf('.');
                String name = dot < 0 ? word : word.substring(0, dot);
                if (!name.matches("\\$[A-Za-z0-9_]*")) {
                    throw error("bad variable " + word);
                }
                if (!declared.contains(name)) {
                    throw error("undefined variable \"" + name + "\"");
                }
                return new Field(name, dot < 0 ? new String[0] : fieldPath(word, word.substring(dot + 1)), offset + start);
            }
            if (word.startsWith(".")) {
                return new Field(null, fieldPath(word, word.substring(1)), offset + start);
            }
            if (word.matches("-?\\d+")) {
                return new Literal(com.fasterxml.jackson.databind.node.LongNode.valueOf(Long.parseLong(word)));
            }
            if (word.matches("-?(\\d+\\.\\d*|\\.\\d+)([eE][-+]?\\d+)?|-?\\d+[eE][-+]?\\d+")) {
                return new Literal(com.fasterxml.jackson.databind.node.DoubleNode.valueOf(Double.parseDouble(word)));
            }
            if (word.equals("true") || word.equals("false")) {
                return new Literal(BooleanNode.valueOf(Boolean.parseBoolean(word)));
            }
            if (word.equals("nil")) {
                return new Literal(NullNode.getInstance());
            }
            if (word.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                return new Func(word);
            }
            throw error("unexpected \"" + word + "\" in command");
        }

        private static String[] fieldPath(String word, String path) {
            String[] names = path.split("\\.", -1);
            for (String p : names) {
                if (p.isEmpty()) {
                    throw error("bad field " + word);
                }
            }
            return names;
        }

        private void skip() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }
    }
}
