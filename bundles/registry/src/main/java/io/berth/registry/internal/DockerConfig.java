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
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * Registry credentials in docker's {@code config.json} ({@code $DOCKER_CONFIG/config.json}, else
 * {@code ~/.docker/config.json}): the {@code auths} map of registry to base64
 * {@code user:password}, so that {@code docker login} and {@code berth login} share them. Other
 * settings in the file are kept as they are; the file is replaced atomically, mode 0600.
 */
public final class DockerConfig {
    /** The key docker uses for Docker Hub. */
    static final String DOCKER_HUB = "https://index.docker.io/v1/";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    public DockerConfig(Path file) {
        this.file = file;
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
        JsonNode auths = read().path("auths");
        String wanted = key(registry);
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
        ObjectNode auths = root.has("auths") && root.get("auths").isObject() ? (ObjectNode) root.get("auths") : root.putObject("auths");
        removeEntries(auths, key(registry));
        auths.putObject(key(registry)).put("auth",
                Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8)));
        write(root);
    }

    /** Forgets a registry's credentials; returns whether there were any. */
    public boolean remove(String registry) throws IOException {
        ObjectNode root = read();
        JsonNode auths = root.get("auths");
        if (!(auths instanceof ObjectNode o) || !removeEntries(o, key(registry))) {
            return false;
        }
        write(root);
        return true;
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
