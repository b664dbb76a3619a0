package io.berth.compose.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.berth.api.InvalidArgumentException;
import io.berth.api.NotFoundException;
import io.berth.api.compose.ComposeProject;
import io.berth.api.compose.ComposeRequest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Loads a compose project as compose v2 does (compose-go {@code cli/options.go} and {@code loader}):
 * files found or named, project directory and name, {@code .env}, per file YAML, interpolation,
 * {@code extends} and {@code include}, then the files merged, profiles applied, the schema checked,
 * references checked, and the model normalised ({@link Normalizer}).
 */
final class ProjectLoader {
    static final List<String> FILE_NAMES = List.of("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml");
    static final List<String> OVERRIDE_NAMES = List.of("compose.override.yml", "compose.override.yaml",
            "docker-compose.override.yml", "docker-compose.override.yaml");

    private final ComposeRequest request;
    /** The files being loaded, outermost first: an {@code include} of one of them is a cycle. */
    private final List<Path> included;
    private final List<String> warnings = new ArrayList<>();
    private final Map<String, Location> locations = new HashMap<>();
    private Map<String, String> env;
    private Path projectDir;

    private ProjectLoader(ComposeRequest request, List<Path> included) {
        this.request = request;
        this.included = new ArrayList<>(included);
    }

    static ComposeProject load(ComposeRequest request) {
        return new ProjectLoader(request, List.of()).load();
    }

    /** {@code -f -}: the caller's standard input, named {@code -} beneath the working directory. */
    private Path stdin() {
        return request.workingDirectory().toAbsolutePath().normalize().resolve(ComposeRequest.STDIN);
    }

    /**
     * The compose files: {@code -f}, else {@code COMPOSE_FILE}, else found from the working
     * directory upwards (with an override file), warning as v2 when a directory has several.
     */
    private List<Path> files() {
        Path cwd = request.workingDirectory();
        List<String> named = request.files();
        if (named.isEmpty() && request.environment().get("COMPOSE_FILE") != null) {
            String sep = request.environment().getOrDefault("COMPOSE_PATH_SEPARATOR", ":");
            named = List.of(request.environment().get("COMPOSE_FILE").split(java.util.regex.Pattern.quote(sep)));
        }
        List<Path> files = new ArrayList<>();
        if (!named.isEmpty()) {
            for (String f : named) {
                if (f.equals(ComposeRequest.STDIN)) {
                    if (request.standardInput() == null) {
                        throw new InvalidArgumentException("-f -: no standard input to read the compose file from");
                    }
                    files.add(stdin());
                    continue;
                }
                Path p = cwd.resolve(f).normalize();
                if (!Files.isRegularFile(p)) {
                    throw new NotFoundException("open " + p + ": no such file or directory");
                }
                files.add(p);
            }
            return files;
        }
        for (Path dir = cwd.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            List<Path> found = existing(dir, FILE_NAMES);
            if (!found.isEmpty()) {
                files.add(chosen(found, "config"));
                List<Path> overrides = existing(dir, OVERRIDE_NAMES);
                if (!overrides.isEmpty()) {
                    files.add(chosen(overrides, "override"));
                }
                return files;
            }
        }
        throw new NotFoundException("no configuration file provided: not found");
    }

    private static List<Path> existing(Path dir, List<String> names) {
        return names.stream().map(dir::resolve).filter(Files::isRegularFile).toList();
    }

    private Path chosen(List<Path> candidates, String kind) {
        if (candidates.size() > 1) {
            warnings.add("Found multiple " + kind + " files with supported names: "
                    + String.join(", ", candidates.stream().map(Path::toString).toList()));
            warnings.add("Using " + candidates.get(0));
        }
        return candidates.get(0);
    }

    private ComposeProject load() {
        Path cwd = request.workingDirectory();
        List<Path> files = files();
        included.addAll(files);
        projectDir = request.projectDirectory() != null ? cwd.resolve(request.projectDirectory()).normalize()
                : files.get(0).getParent();
        List<Path> envFiles = new ArrayList<>();
        for (String e : request.envFiles()) {
            Path p = cwd.resolve(e).normalize();
            if (!Files.isRegularFile(p)) {
                throw new NotFoundException("Couldn't find env file: " + p);
            }
            envFiles.add(p);
        }
        if (envFiles.isEmpty() && !"true".equals(request.environment().get("COMPOSE_DISABLE_ENV_FILE"))
                && Files.isRegularFile(projectDir.resolve(".env"))) {
            envFiles.add(projectDir.resolve(".env"));
        }
        env = new HashMap<>();
        for (Path p : envFiles) {
            env.putAll(EnvFiles.parse(display(p), read(p), k -> request.environment().getOrDefault(k, env.get(k))));
        }
        env.putAll(request.environment());

        List<YamlReader.Document> documents = new ArrayList<>();
        for (Path f : files) {
            documents.add(YamlReader.read(display(f), f.equals(stdin()) ? request.standardInput() : read(f)));
        }
        String name = projectName(documents);
        env.put("COMPOSE_PROJECT_NAME", name);

        ObjectNode model = null;
        Map<String, String> tags = new HashMap<>();
        for (int i = 0; i < documents.size(); i++) {
            YamlReader.Document doc = documents.get(i);
            ObjectNode file = interpolate(doc);
            if (file.has("version")) {
                warnings.add(files.get(i) + ": the attribute `version` is obsolete, it will be ignored, please remove it to "
                        + "avoid potential confusion");
                file.remove("version");
            }
            Extends.apply(file, files.get(i), doc.locations(), this::readOther);
            include(file, files.get(i).getParent());
            locations.putAll(doc.locations());
            tags.putAll(doc.tags());
            model = model == null ? file : (ObjectNode) Merger.merge(model, file, null, doc.tags(), "");
        }
        removeExtensions(model);

        SchemaValidator.Error error = SchemaValidator.validate(model);
        if (error != null) {
            // An unknown key is shown where it is written; the path stays its parent's, as v2 names it.
            Location at = error.property() != null ? locate(join(error.path(), error.property())) : locate(error.path());
            throw ComposeFileException.at(at, error.path(), error.message());
        }
        List<String> disabled = applyProfiles(model);
        checkReferences(model);
        ObjectNode normalized = Normalizer.normalize(model, name, projectDir, env, request.interpolate());
        return Projects.toProject(name, projectDir, files, envFiles, normalized, disabled, warnings);
    }

    /** {@code -p}, then {@code COMPOSE_PROJECT_NAME}, then the files' {@code name:}, then the directory's name. */
    private String projectName(List<YamlReader.Document> documents) {
        if (request.projectName() != null) {
            return ProjectNames.checkExplicit(request.projectName());
        }
        if (env.get("COMPOSE_PROJECT_NAME") != null && !env.get("COMPOSE_PROJECT_NAME").isEmpty()) {
            return ProjectNames.checkExplicit(env.get("COMPOSE_PROJECT_NAME"));
        }
        String fromFile = "";
        for (YamlReader.Document d : documents) {
            JsonNode n = d.root().get("name");
            if (n != null && n.isTextual() && !n.asText().isEmpty()) {
                fromFile = request.interpolate() ? substitute(n.asText(), "name", d.locations().get("name")) : n.asText();
            }
        }
        String name = ProjectNames.normalize(fromFile);
        if (name.isEmpty()) {
            name = ProjectNames.normalize(projectDir.getFileName() == null ? "" : projectDir.getFileName().toString());
        }
        if (name.isEmpty()) {
            throw new InvalidArgumentException("project name must not be empty");
        }
        return name;
    }

    private ObjectNode interpolate(YamlReader.Document doc) {
        if (!request.interpolate()) {
            return doc.root().deepCopy();
        }
        return (ObjectNode) interpolate(doc.root(), "", doc.locations());
    }

    private JsonNode interpolate(JsonNode node, String path, Map<String, Location> where) {
        if (node.isTextual()) {
            return TextNode.valueOf(substitute(node.asText(), path, where.get(path)));
        }
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            node.fields().forEachRemaining(e -> {
                String p = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                out.set(e.getKey(), interpolate(e.getValue(), p, where));
            });
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            for (int i = 0; i < node.size(); i++) {
                out.add(interpolate(node.get(i), path + "[" + i + "]", where));
            }
            return out;
        }
        return node;
    }

    private String substitute(String value, String path, Location location) {
        try {
            return Template.substitute(value, env::get, unset -> warnings.add("The \"" + unset
                    + "\" variable is not set. Defaulting to a blank string."));
        } catch (Template.InvalidTemplateException e) {
            throw ComposeFileException.at(location, path, "invalid interpolation format: \"" + e.template
                    + "\" (you may need to escape any $ with another $)");
        } catch (Template.MissingRequiredException e) {
            throw ComposeFileException.at(location, path, e.getMessage());
        }
    }

    /** Another compose file named by {@code extends.file}: read and interpolated like the project's. */
    private YamlReader.Document readOther(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new NotFoundException("open " + file + ": no such file or directory");
        }
        YamlReader.Document d = YamlReader.read(display(file), read(file));
        return new YamlReader.Document(interpolate(d), d.locations(), d.tags());
    }

    /** {@code include}: each entry is a project of its own (its own directory and env files), its resources added. */
    private void include(ObjectNode file, Path dir) {
        JsonNode include = file.remove("include");
        if (include == null || include.isNull()) {
            return;
        }
        for (JsonNode entry : include) {
            List<String> paths = new ArrayList<>();
            String projectDirectory = null;
            List<String> envFiles = new ArrayList<>();
            if (entry.isTextual()) {
                paths.add(entry.asText());
            } else {
                JsonNode p = entry.path("path");
                if (p.isArray()) {
                    p.forEach(x -> paths.add(x.asText()));
                } else {
                    paths.add(p.asText());
                }
                if (entry.hasNonNull("project_directory")) {
                    projectDirectory = dir.resolve(entry.get("project_directory").asText()).toString();
                }
                JsonNode ef = entry.path("env_file");
                if (ef.isArray()) {
                    ef.forEach(x -> envFiles.add(dir.resolve(x.asText()).toString()));
                } else if (ef.isTextual()) {
                    envFiles.add(dir.resolve(ef.asText()).toString());
                }
            }
            List<String> absolute = paths.stream().map(p -> dir.resolve(p).normalize().toString()).toList();
            Path main = Path.of(absolute.get(0));
            if (included.contains(main)) {
                List<String> chain = new ArrayList<>(included.stream().map(Path::toString).toList());
                chain.add(main.toString());
                throw new InvalidArgumentException("include cycle detected:\n" + chain.get(0) + "\n include "
                        + String.join("\n include ", chain.subList(1, chain.size())));
            }
            if (projectDirectory == null) {
                projectDirectory = Path.of(absolute.get(0)).getParent().toString();
            }
            ComposeRequest sub = new ComposeRequest(dir, request.environment(), absolute, projectDirectory,
                    env.get("COMPOSE_PROJECT_NAME"), List.of("*"), envFiles, request.interpolate());
            ComposeProject imported = new ProjectLoader(sub, included).load();
            ObjectNode model = new ObjectMapper().valueToTree(imported.model());
            for (String section : List.of("services", "networks", "volumes", "secrets", "configs")) {
                JsonNode resources = model.get(section);
                if (resources == null) {
                    continue;
                }
                ObjectNode target = file.has(section) && file.get(section).isObject() ? (ObjectNode) file.get(section)
                        : file.putObject(section);
                Iterator<Map.Entry<String, JsonNode>> it = resources.fields();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (section.equals("networks") && e.getKey().equals("default")) {
                        continue;
                    }
                    if (target.has(e.getKey()) && !target.get(e.getKey()).equals(e.getValue())) {
                        throw new InvalidArgumentException(section + "." + e.getKey() + " conflicts with imported resource");
                    }
                    target.set(e.getKey(), e.getValue());
                }
            }
        }
    }

    private static void removeExtensions(ObjectNode model) {
        model.fieldNames().forEachRemaining(k -> { });
        List<String> keys = new ArrayList<>();
        model.fieldNames().forEachRemaining(keys::add);
        keys.stream().filter(k -> k.startsWith("x-")).forEach(model::remove);
    }

    /** Drops the services whose profiles are all inactive; a service they are required by is an error. */
    private List<String> applyProfiles(ObjectNode model) {
        Set<String> active = new LinkedHashSet<>(request.profiles());
        if (active.isEmpty() && request.environment().get("COMPOSE_PROFILES") != null) {
            for (String p : request.environment().get("COMPOSE_PROFILES").split(",")) {
                if (!p.isBlank()) {
                    active.add(p.strip());
                }
            }
        }
        ObjectNode services = services(model);
        List<String> disabled = new ArrayList<>();
        Map<String, List<String>> profilesOf = new HashMap<>();
        services.fields().forEachRemaining(e -> {
            JsonNode profiles = e.getValue().path("profiles");
            if (profiles.isArray() && profiles.size() > 0) {
                List<String> ps = new ArrayList<>();
                profiles.forEach(p -> ps.add(p.asText()));
                profilesOf.put(e.getKey(), ps);
                if (!active.contains("*") && ps.stream().noneMatch(active::contains)) {
                    disabled.add(e.getKey());
                }
            }
        });
        disabled.forEach(services::remove);
        services.fields().forEachRemaining(e -> {
            JsonNode deps = e.getValue().path("depends_on");
            for (String dep : names(deps)) {
                if (disabled.contains(dep) && deps.path(dep).path("required").asBoolean(true)) {
                    throw new InvalidArgumentException("service " + dep + " is required by " + e.getKey()
                            + " but is disabled. Can be enabled by profiles " + profilesOf.get(dep));
                }
            }
        });
        return disabled;
    }

    /** Unknown services in {@code depends_on} and {@code links}, and dependency cycles, with v2's words. */
    private void checkReferences(ObjectNode model) {
        ObjectNode services = services(model);
        Map<String, List<String>> graph = new LinkedHashMap<>();
        services.fields().forEachRemaining(e -> {
            List<String> deps = new ArrayList<>(names(e.getValue().path("depends_on")));
            int declared = deps.size();
            for (JsonNode link : e.getValue().path("links")) {
                deps.add(link.asText().split(":")[0]);
            }
            for (int i = 0; i < deps.size(); i++) {
                String dep = deps.get(i);
                if (!services.has(dep)) {
                    String path = "services." + e.getKey() + (i < declared ? ".depends_on" : ".links");
                    throw ComposeFileException.at(locate(path), path, "service \"" + e.getKey()
                            + "\" depends on undefined service \"" + dep + "\": invalid compose project");
                }
            }
            graph.put(e.getKey(), deps);
        });
        Set<String> done = new HashSet<>();
        for (String service : graph.keySet()) {
            cycle(service, graph, new ArrayList<>(), done);
        }
    }

    private void cycle(String service, Map<String, List<String>> graph, List<String> stack, Set<String> done) {
        if (done.contains(service)) {
            return;
        }
        int at = stack.indexOf(service);
        if (at >= 0) {
            List<String> loop = new ArrayList<>(stack.subList(at, stack.size()));
            loop.add(service);
            String path = "services." + loop.get(0) + ".depends_on";
            throw ComposeFileException.at(locate(path), path, "dependency cycle detected: " + String.join(" -> ", loop));
        }
        stack.add(service);
        for (String dep : graph.getOrDefault(service, List.of())) {
            cycle(dep, graph, stack, done);
        }
        stack.remove(stack.size() - 1);
        done.add(service);
    }

    static List<String> names(JsonNode listOrMap) {
        List<String> names = new ArrayList<>();
        if (listOrMap.isArray()) {
            listOrMap.forEach(n -> names.add(n.asText()));
        } else if (listOrMap.isObject()) {
            listOrMap.fieldNames().forEachRemaining(names::add);
        }
        return names;
    }

    static ObjectNode services(ObjectNode model) {
        JsonNode s = model.get("services");
        return s instanceof ObjectNode o ? o : model.putObject("services");
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** Where {@code path} (or, failing that, its nearest parent) was written. */
    private Location locate(String path) {
        for (String p = path; ; ) {
            Location l = locations.get(p);
            if (l != null || p.isEmpty()) {
                return l;
            }
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            p = cut < 0 ? "" : p.substring(0, cut);
        }
    }

    /** A file as the user knows it: relative to the caller's directory when beneath it. */
    private String display(Path file) {
        Path cwd = request.workingDirectory().toAbsolutePath().normalize();
        Path abs = file.toAbsolutePath().normalize();
        return abs.startsWith(cwd) ? cwd.relativize(abs).toString() : abs.toString();
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static Function<String, String> lookup(Map<String, String> env) {
        return env::get;
    }
}
