package io.berth.registry.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.api.InvalidArgumentException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Registry credentials in docker's {@code config.json} ({@code $DOCKER_CONFIG/config.json}, else
 * {@code ~/.docker/config.json}): the {@code auths} map of registry to base64
 * {@code user:password}, so that {@code docker login} and {@code berth login} share them. Other
 * settings in the file are kept as they are; the file is replaced atomically, mode 0600.
 *
 * <p>A registry named in {@code credHelpers}, or every registry when {@code credsStore} is set,
 * keeps its credentials in a credential helper instead, as with docker: the program
 * {@code docker-credential-NAME} on the PATH, asked with {@code get}, {@code store} and
 * {@code erase} (the server on stdin, JSON {@code ServerURL}/{@code Username}/{@code Secret}).
 */
public final class DockerConfig {
    /** The key docker uses for Docker Hub. */
    static final String DOCKER_HUB = "https://index.docker.io/v1/";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What a helper prints when it has nothing for a server (docker-credential-helpers' message). */
    private static final String NOT_FOUND = "credentials not found in native keychain";

    private final Path file;
    private final List<Path> helperPath;

    public DockerConfig(Path file) {
        this(file, searchPath());
    }

    /** @param helperPath the directories credential helpers are looked for in */
    DockerConfig(Path file, List<Path> helperPath) {
        this.file = file;
        this.helperPath = helperPath;
    }

    private static List<Path> searchPath() {
        String path = System.getenv("PATH");
        List<Path> dirs = new ArrayList<>();
        for (String d : (path == null || path.isEmpty() ? "/usr/local/bin:/usr/bin:/bin" : path).split(":")) {
            if (!d.isEmpty()) {
                dirs.add(Path.of(d));
            }
        }
        return dirs;
    }

    /** The file credentials are written to when no helper keeps them. */
    public Path file() {
        return file;
    }

    /** The credential helper that keeps a registry's credentials, or {@code null} for the file. */
    private static String helperFor(JsonNode root, String key) {
        String host = hostOf(key);
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("credHelpers").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (key(e.getKey()).equals(key) || hostOf(e.getKey()).equals(host)) {
                return e.getValue().asText("").isEmpty() ? null : e.getValue().asText();
            }
        }
        String store = root.path("credsStore").asText("");
        return store.isEmpty() ? null : store;
    }

    /** Whether a registry's credentials are written to the file, unencrypted (no helper keeps them). */
    public boolean keptInFile(String registry) throws IOException {
        return helperFor(read(), key(registry)) == null;
    }

    /** Runs {@code docker-credential-NAME ACTION} with {@code input}; its output, or why it failed. */
    private HelperResult helper(String name, String action, String input) throws IOException {
        Path program = null;
        for (Path dir : helperPath) {
            Path candidate = dir.resolve("docker-credential-" + name);
            if (Files.isExecutable(candidate)) {
                program = candidate;
                break;
            }
        }
        if (program == null) {
            throw new InvalidArgumentException(file + ": credential helper docker-credential-" + name
                    + " not found on the PATH");
        }
        Process p = new ProcessBuilder(program.toString(), action).redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(input.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        try {
            if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("docker-credential-" + name + " " + action + " did not answer in 30 s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("docker-credential-" + name + " " + action + " interrupted");
        }
        return new HelperResult(p.exitValue(), out);
    }

    private record HelperResult(int status, String output) {
        IOException failure(String name, String action) {
            return new IOException("docker-credential-" + name + " " + action + ": "
                    + (output.isEmpty() ? "exit status " + status : output));
        }
    }

    /** The key of a registry in {@code auths}: docker's for Docker Hub, else {@code host[:port]}. */
    static String key(String registry) {
        String host = hostOf(registry);
        return host.equals("docker.io") || host.equals("index.docker.io") || host.equals("registry-1.docker.io") ? DOCKER_HUB : host;
    }

    private static String hostOf(String entry) {
        String s = entry.strip();
        int scheme = s.indexOf("://");
        if (scheme >= 0) {
            s = s.substring(scheme + 3);
        }
        int slash = s.indexOf('/');
        return slash >= 0 ? s.substring(0, slash) : s;
    }

    /** The credentials saved for a registry, whatever form its key takes in the file. */
    public Optional<RegistryClient.Credentials> credentials(String registry) throws IOException {
        ObjectNode root = read();
        String wanted = key(registry);
        String helper = helperFor(root, wanted);
        if (helper != null) {
            HelperResult r = helper(helper, "get", wanted);
            if (r.status() != 0) {
                if (r.output().contains(NOT_FOUND)) {
                    return Optional.empty();
                }
                throw r.failure(helper, "get");
            }
            JsonNode answer;
            try {
                answer = JSON.readTree(r.output());
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IOException("docker-credential-" + helper + " get: not JSON: " + e.getOriginalMessage());
            }
            String user = answer.path("Username").asText("");
            // "<token>" is an identity token for an OAuth exchange, which Berth does not make.
            return user.isEmpty() || user.equals("<token>") ? Optional.empty()
                    : Optional.of(new RegistryClient.Credentials(user, answer.path("Secret").asText("")));
        }
        JsonNode auths = root.path("auths");
        for (Iterator<Map.Entry<String, JsonNode>> it = auths.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!key(e.getKey()).equals(wanted)) {
                continue;
            }
            JsonNode entry = e.getValue();
            String auth = entry.path("auth").asText("");
            if (!auth.isEmpty()) {
                String decoded;
                try {
                    decoded = new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException ex) {
                    throw new InvalidArgumentException(file + ": the auth of " + e.getKey() + " is not base64");
                }
                int colon = decoded.indexOf(':');
                if (colon < 0) {
                    throw new InvalidArgumentException(file + ": the auth of " + e.getKey() + " is not user:password");
                }
                return Optional.of(new RegistryClient.Credentials(decoded.substring(0, colon), decoded.substring(colon + 1)));
            }
            String user = entry.path("username").asText("");
            if (!user.isEmpty()) {
                return Optional.of(new RegistryClient.Credentials(user, entry.path("password").asText("")));
            }
        }
        return Optional.empty();
    }

    /** Saves credentials for a registry, replacing what was saved for it. */
    public void save(String registry, String username, String password) throws IOException {
        ObjectNode root = read();
        String key = key(registry);
        ObjectNode auths = root.has("auths") && root.get("auths").isObject() ? (ObjectNode) root.get("auths") : root.putObject("auths");
        removeEntries(auths, key);
        String helper = helperFor(root, key);
        if (helper != null) {
            ObjectNode request = JSON.createObjectNode().put("ServerURL", key).put("Username", username)
                    .put("Secret", password);
            HelperResult r = helper(helper, "store", JSON.writeValueAsString(request));
            if (r.status() != 0) {
                throw r.failure(helper, "store");
            }
        } else {
            auths.putObject(key).put("auth",
                    Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        write(root);
    }

    /** Forgets a registry's credentials, wherever they are kept; nothing to forget is no error. */
    public void remove(String registry) throws IOException {
        ObjectNode root = read();
        String key = key(registry);
        String helper = helperFor(root, key);
        if (helper != null) {
            HelperResult r = helper(helper, "erase", key);
            if (r.status() != 0 && !r.output().contains(NOT_FOUND)) {
                throw r.failure(helper, "erase");
            }
        }
        JsonNode auths = root.get("auths");
        if (auths instanceof ObjectNode o && removeEntries(o, key)) {
            write(root);
        }
    }

    private static boolean removeEntries(ObjectNode auths, String key) {
        boolean removed = false;
        for (Iterator<Map.Entry<String, JsonNode>> it = auths.fields(); it.hasNext(); ) {
            if (key(it.next().getKey()).equals(key)) {
                it.remove();
                removed = true;
            }
        }
        return removed;
    }

    private ObjectNode read() throws IOException {
        try {
            JsonNode node = JSON.readTree(Files.readAllBytes(file));
            if (node == null || node.isMissingNode()) {
                return JSON.createObjectNode();
            }
            if (!(node instanceof ObjectNode o)) {
                throw new InvalidArgumentException(file + ": not a JSON object");
            }
            return o;
        } catch (NoSuchFileException e) {
            return JSON.createObjectNode();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InvalidArgumentException(file + ": not valid JSON: " + e.getOriginalMessage());
        }
    }

    private void write(ObjectNode root) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }
}
