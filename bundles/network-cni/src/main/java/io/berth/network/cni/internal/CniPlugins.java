package io.berth.network.cni.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.api.InvalidArgumentException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The CNI plugins of a set of directories, and how one is run: the CNI specification's exec
 * contract. A plugin is executed directly (no shell) with the {@code CNI_*} variables in its
 * environment and its request on stdin; it answers on stdout (a result, or an error object when it
 * exits non-zero) and logs freely on stderr, which is kept for the message when it says nothing
 * else. Each run may take at most the timeout; then the plugin and what it started are killed.
 */
final class CniPlugins {
    /** Where iptables and ip are, which plugins run by name; added to PATH when it lacks them. */
    private static final List<String> SYSTEM_PATH = List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin",
            "/usr/bin", "/sbin", "/bin");

    private final List<Path> dirs;
    private final String searchPath;
    private final Duration timeout;

    /**
     * @param searchPath the plugin directories, {@code :}-separated (CNI_PATH)
     * @param timeout how long one run may take
     */
    CniPlugins(String searchPath, Duration timeout) {
        this.searchPath = searchPath;
        this.dirs = Arrays.stream(searchPath.split(":")).filter(s -> !s.isEmpty()).map(Path::of).toList();
        this.timeout = timeout;
    }

    /** The plugin directories as CNI_PATH has them. */
    String searchPath() {
        return searchPath;
    }

    /** The executable of plugin {@code type}: the first directory's that has it; {@code null} if none has. */
    Path find(String type) {
        for (Path dir : dirs) {
            Path p = dir.resolve(type);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /**
     * Checks that every plugin the list runs is here and speaks its version ({@code VERSION}).
     *
     * @throws InvalidArgumentException {@code CNI config SOURCE: plugin "foo" not found in DIRS}, or the
     *         version the plugin does not support, one line
     */
    void check(CniConfigList config) throws IOException {
        String prefix = "CNI config " + config.source() + ": ";
        for (String type : config.binaries()) {
            if (find(type) == null) {
                throw new InvalidArgumentException(prefix + "plugin \"" + type + "\" not found in " + searchPath);
            }
        }
        for (String type : config.binaries()) {
            JsonNode answer;
            try {
                answer = run(type, Map.of("CNI_COMMAND", "VERSION"),
                        ("{\"cniVersion\":\"" + config.cniVersion() + "\"}").getBytes(StandardCharsets.UTF_8));
            } catch (CniPluginException e) {
                throw new InvalidArgumentException(prefix + "plugin \"" + type + "\" did not tell its versions: "
                        + e.detail(), e);
            }
            List<String> supported = new ArrayList<>();
            answer.path("supportedVersions").forEach(v -> supported.add(v.asText()));
            if (!supported.contains(config.cniVersion())) {
                throw new InvalidArgumentException(prefix + "plugin \"" + type + "\" does not support cniVersion "
                        + config.cniVersion() + " (it supports " + String.join(", ", supported) + ")");
            }
        }
    }

    /**
     * Runs plugin {@code type} once.
     *
     * @param env the {@code CNI_*} variables but CNI_PATH, which this adds
     * @param stdin the request
     * @return what it printed on success, parsed; {@code null} if it printed nothing (DEL)
     * @throws CniPluginException it failed, with its code and message
     * @throws IOException it could not be run
     */
    JsonNode run(String type, Map<String, String> env, byte[] stdin) throws IOException {
        Path binary = find(type);
        if (binary == null) {
            throw new CniPluginException(type, null, "not found in " + searchPath);
        }
        ProcessBuilder pb = new ProcessBuilder(binary.toString());
        Map<String, String> environment = pb.environment();
        environment.keySet().removeIf(k -> k.startsWith("CNI_"));
        environment.putAll(env);
        environment.put("CNI_PATH", searchPath);
        environment.put("PATH", withSystemPath(environment.get("PATH")));
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new CniPluginException(type, null, "cannot be run: " + e.getMessage());
        }
        Collector out = new Collector(p.getInputStream(), "cni " + type + " stdout");
        Collector err = new Collector(p.getErrorStream(), "cni " + type + " stderr");
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin);
        } catch (IOException e) {
            // It exited without reading its request: its exit status and output say why.
        }
        boolean exited;
        try {
            exited = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while plugin " + type + " ran", e);
        }
        if (!exited) {
            kill(p);
            throw new CniPluginException(type, null, "timed out after " + timeout.toSeconds() + " s");
        }
        byte[] stdout = out.bytes();
        String stderr = new String(err.bytes(), StandardCharsets.UTF_8);
        String text = new String(stdout, StandardCharsets.UTF_8).strip();
        if (p.exitValue() == 0) {
            if (text.isEmpty()) {
                return null;
            }
            try {
                return CniConfigList.JSON.readTree(text);
            } catch (IOException e) {
                throw new CniPluginException(type, null, "printed what is not JSON: "
                        + CniConfigList.oneLine(abbreviate(text)));
            }
        }
        JsonNode error = null;
        try {
            error = text.isEmpty() ? null : CniConfigList.JSON.readTree(text);
        } catch (IOException e) {
            // Not the error object the specification asks for: its output is the message.
        }
        if (error != null && error.isObject() && error.has("msg")) {
            String msg = error.path("msg").asText();
            String details = error.path("details").asText("");
            Integer code = error.path("code").canConvertToInt() ? error.path("code").asInt() : null;
            throw new CniPluginException(type, code, details.isEmpty() || details.equals(msg) ? msg : msg + ": " + details);
        }
        String said = lastLine(text.isEmpty() ? stderr : text);
        throw new CniPluginException(type, null, (said.isEmpty() ? "" : said + " ") + "(exit status " + p.exitValue() + ")");
    }

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String withSystemPath(String path) {
        List<String> parts = new ArrayList<>(path == null || path.isEmpty() ? List.of() : List.of(path.split(":")));
        for (String dir : SYSTEM_PATH) {
            if (!parts.contains(dir)) {
                parts.add(dir);
            }
        }
        return String.join(":", parts);
    }

    private static String lastLine(String s) {
        List<String> lines = s.strip().lines().filter(l -> !l.isBlank()).toList();
        return lines.isEmpty() ? "" : abbreviate(lines.get(lines.size() - 1).strip());
    }

    private static String abbreviate(String s) {
        return s.length() <= 500 ? s : s.substring(0, 500) + "…";
    }

    /** Reads a stream to its end on a thread of its own, so a full pipe never stops the plugin. */
    private static final class Collector {
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private final Thread thread;

        Collector(InputStream in, String name) {
            thread = new Thread(() -> {
                try (in) {
                    in.transferTo(buffer);
                } catch (IOException e) {
                    // The stream closes when the plugin is killed: what was read is kept.
                }
            }, name);
            thread.setDaemon(true);
            thread.start();
        }

        byte[] bytes() {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (buffer) {
                return buffer.toByteArray();
            }
        }
    }
}
