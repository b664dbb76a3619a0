package io.berth.image.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.api.InvalidArgumentException;
import io.berth.api.image.ContainerConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Dockerfile instructions {@code import -c} and {@code commit -c} apply to an image's config:
 * CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, STOPSIGNAL, USER, VOLUME, WORKDIR.
 */
public final class DockerfileChanges {
    private static final List<String> SUPPORTED = List.of("CMD", "ENTRYPOINT", "ENV", "EXPOSE", "LABEL", "ONBUILD",
            "STOPSIGNAL", "USER", "VOLUME", "WORKDIR");

    private DockerfileChanges() {
    }

    /**
     * Applies instructions in order.
     *
     * @throws InvalidArgumentException for an unknown or malformed instruction
     */
    public static ContainerConfig apply(ContainerConfig base, List<String> changes) {
        ContainerConfig c = base;
        for (String change : changes) {
            c = applyOne(c, change.strip());
        }
        return c;
    }

    private static ContainerConfig applyOne(ContainerConfig c, String change) {
        int space = indexOfWhitespace(change);
        String instruction = (space < 0 ? change : change.substring(0, space)).toUpperCase(Locale.ROOT);
        String rest = space < 0 ? "" : change.substring(space).strip();
        if (!SUPPORTED.contains(instruction)) {
            // docker's words (the instruction lower-cased), whatever it is: FROM, RUN, a typo.
            throw new InvalidArgumentException(instruction.toLowerCase(Locale.ROOT) + " is not a valid change command");
        }
        if (rest.isEmpty()) {
            throw new InvalidArgumentException("invalid change \"" + change + "\": " + instruction + " needs an argument");
        }
        List<String> env = c.env() == null ? new ArrayList<>() : new ArrayList<>(c.env());
        Map<String, String> labels = c.labels() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(c.labels());
        LinkedHashSet<String> ports = c.exposedPorts() == null ? new LinkedHashSet<>() : new LinkedHashSet<>(c.exposedPorts());
        LinkedHashSet<String> volumes = c.volumes() == null ? new LinkedHashSet<>() : new LinkedHashSet<>(c.volumes());
        List<String> onBuild = c.onBuild() == null ? new ArrayList<>() : new ArrayList<>(c.onBuild());
        List<String> cmd = c.cmd();
        List<String> entrypoint = c.entrypoint();
        String user = c.user();
        String workdir = c.workingDir();
        String stopSignal = c.stopSignal();
        switch (instruction) {
            case "CMD" -> cmd = execOrShell(rest, change);
            case "ENTRYPOINT" -> entrypoint = execOrShell(rest, change);
            case "ENV" -> {
                for (Map.Entry<String, String> e : pairs(rest, change, true).entrySet()) {
                    env.removeIf(v -> v.startsWith(e.getKey() + "="));
                    env.add(e.getKey() + "=" + e.getValue());
                }
            }
            case "LABEL" -> labels.putAll(pairs(rest, change, false));
            case "EXPOSE" -> {
                for (String p : rest.split("\\s+")) {
                    if (!p.matches("\\d+(-\\d+)?(/(tcp|udp|sctp))?")) {
                        throw new InvalidArgumentException("invalid change \"" + change + "\": invalid port " + p);
                    }
                    ports.add(p.contains("/") ? p : p + "/tcp");
                }
            }
            case "VOLUME" -> volumes.addAll(rest.startsWith("[") ? json(rest, change) : List.of(rest.split("\\s+")));
            case "USER" -> user = rest;
            case "WORKDIR" -> workdir = rest.startsWith("/") ? rest
                    : (workdir.isEmpty() ? "/" : workdir.endsWith("/") ? workdir : workdir + "/") + rest;
            case "STOPSIGNAL" -> stopSignal = rest;
            case "ONBUILD" -> onBuild.add(rest);
            default -> throw new IllegalStateException(instruction);
        }
        return c.toBuilder().user(user).exposedPorts(ports.isEmpty() ? null : List.copyOf(ports))
                .env(env.isEmpty() ? null : env).cmd(cmd).volumes(volumes.isEmpty() ? null : List.copyOf(volumes))
                .workingDir(workdir).entrypoint(entrypoint).onBuild(onBuild.isEmpty() ? null : onBuild)
                .labels(labels.isEmpty() ? c.labels() : labels).stopSignal(stopSignal).build();
    }

    private static List<String> execOrShell(String rest, String change) {
        if (rest.startsWith("[")) {
            return json(rest, change);
        }
        return List.of("/bin/sh", "-c", rest);
    }

    private static List<String> json(String rest, String change) {
        try {
            JsonNode n = ImageJson.MAPPER.readTree(rest);
            if (n == null || !n.isArray()) {
                throw new InvalidArgumentException("invalid change \"" + change + "\": expected a JSON array");
            }
            List<String> out = new ArrayList<>();
            for (JsonNode v : n) {
                if (!v.isTextual()) {
                    throw new InvalidArgumentException("invalid change \"" + change + "\": array elements must be strings");
                }
                out.add(v.asText());
            }
            return out;
        } catch (java.io.IOException e) {
            throw new InvalidArgumentException("invalid change \"" + change + "\": malformed JSON array");
        }
    }

    /** {@code k=v k2="v 2"}, or (ENV only) the old {@code KEY value with spaces} form. */
    private static Map<String, String> pairs(String rest, String change, boolean allowSpaceForm) {
        Map<String, String> out = new LinkedHashMap<>();
        int firstSpace = indexOfWhitespace(rest);
        int firstEq = rest.indexOf('=');
        if (allowSpaceForm && (firstEq < 0 || (firstSpace >= 0 && firstSpace < firstEq))) {
            if (firstSpace < 0) {
                throw new InvalidArgumentException("invalid change \"" + change + "\": ENV needs a value");
            }
            out.put(rest.substring(0, firstSpace), rest.substring(firstSpace).strip());
            return out;
        }
        int i = 0;
        while (i < rest.length()) {
            while (i < rest.length() && Character.isWhitespace(rest.charAt(i))) {
                i++;
            }
            if (i >= rest.length()) {
                break;
            }
            StringBuilder key = new StringBuilder();
            while (i < rest.length() && rest.charAt(i) != '=' && !Character.isWhitespace(rest.charAt(i))) {
                key.append(rest.charAt(i++));
            }
            if (i >= rest.length() || rest.charAt(i) != '=' || key.length() == 0) {
                throw new InvalidArgumentException("invalid change \"" + change + "\": expected KEY=VALUE");
            }
            i++;
            StringBuilder value = new StringBuilder();
            char quote = 0;
            while (i < rest.length()) {
                char ch = rest.charAt(i);
                if (quote == 0 && Character.isWhitespace(ch)) {
                    break;
                }
                if (quote == 0 && (ch == '"' || ch == '\'')) {
                    quote = ch;
                } else if (quote != 0 && ch == quote) {
                    quote = 0;
                } else if (ch == '\\' && i + 1 < rest.length() && quote != '\'') {
                    value.append(rest.charAt(++i));
                } else {
                    value.append(ch);
                }
                i++;
            }
            if (quote != 0) {
                throw new InvalidArgumentException("invalid change \"" + change + "\": unterminated quote");
            }
            out.put(key.toString(), value.toString());
        }
        return out;
    }

    private static int indexOfWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }
}
