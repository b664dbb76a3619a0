package io.berth.shell.internal.output;

import io.berth.api.content.Digest;
import io.berth.api.image.ContainerConfig;
import io.berth.api.image.ImageConfig;
import io.berth.api.image.ImageDetails;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Berth's objects in the shapes docker's CLI prints them, field for field. */
public final class DockerView {
    /** Docker's zero time, shown for times never set. */
    public static final String ZERO_TIME = "0001-01-01T00:00:00Z";
    private static final DateTimeFormatter GO_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss Z 'UTC'")
            .withZone(ZoneOffset.UTC);

    private DockerView() {
    }

    /** RFC 3339 with nanoseconds, as docker's JSON has times. */
    public static String time(Instant t) {
        return t == null ? ZERO_TIME : DateTimeFormatter.ISO_INSTANT.format(t);
    }

    /** Go's default time format, as docker's {@code --format} fields show it: {@code 2021-03-25 22:33:44 +0000 UTC}. */
    public static String goTime(Instant t) {
        return t == null ? "" : GO_TIME.format(t);
    }

    /** A short id: 12 hexadecimal characters. */
    public static String shortId(Digest d) {
        return d.shortHex();
    }

    /** {@code docker image inspect}'s object. */
    public static Map<String, Object> image(ImageDetails d) {
        ImageConfig c = d.config();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Id", d.image().id().toString());
        m.put("RepoTags", d.image().repoTags());
        m.put("RepoDigests", d.image().repoDigests());
        m.put("Parent", d.parent() == null ? "" : d.parent().toString());
        m.put("Comment", c.comment());
        m.put("Created", time(c.created()));
        m.put("Container", c.container());
        m.put("ContainerConfig", containerConfig(c.containerConfig() == null ? ContainerConfig.EMPTY : c.containerConfig()));
        m.put("DockerVersion", c.dockerVersion());
        m.put("Author", c.author());
        m.put("Config", containerConfig(c.config()));
        m.put("Architecture", c.architecture());
        if (c.variant() != null) {
            m.put("Variant", c.variant());
        }
        m.put("Os", c.os());
        m.put("Size", d.image().size());
        m.put("VirtualSize", d.image().size());
        Map<String, Object> graph = new LinkedHashMap<>();
        graph.put("Data", d.graphData().isEmpty() ? null : new TreeMap<>(d.graphData()));
        graph.put("Name", d.storageDriver() == null ? "" : d.storageDriver());
        m.put("GraphDriver", graph);
        Map<String, Object> rootfs = new LinkedHashMap<>();
        rootfs.put("Type", "layers");
        List<String> layers = new ArrayList<>();
        c.diffIds().forEach(x -> layers.add(x.toString()));
        rootfs.put("Layers", layers);
        m.put("RootFS", rootfs);
        m.put("Metadata", Map.of("LastTagTime", time(d.lastTagTime())));
        return m;
    }

    /** Docker's {@code Config} object: every field, nulls where docker has them. */
    public static Map<String, Object> containerConfig(ContainerConfig c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Hostname", c.hostname());
        m.put("Domainname", c.domainname());
        m.put("User", c.user());
        m.put("AttachStdin", c.attachStdin());
        m.put("AttachStdout", c.attachStdout());
        m.put("AttachStderr", c.attachStderr());
        if (c.exposedPorts() != null) {
            Map<String, Object> ports = new TreeMap<>();
            c.exposedPorts().forEach(p -> ports.put(p, Map.of()));
            m.put("ExposedPorts", ports);
        }
        m.put("Tty", c.tty());
        m.put("OpenStdin", c.openStdin());
        m.put("StdinOnce", c.stdinOnce());
        m.put("Env", c.env());
        m.put("Cmd", c.cmd());
        if (c.healthcheck() != null) {
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("Test", c.healthcheck().test());
            h.put("Interval", c.healthcheck().interval());
            h.put("Timeout", c.healthcheck().timeout());
            h.put("StartPeriod", c.healthcheck().startPeriod());
            h.put("Retries", c.healthcheck().retries());
            m.put("Healthcheck", h);
        }
        if (c.argsEscaped()) {
            m.put("ArgsEscaped", true);
        }
        m.put("Image", c.image());
        if (c.volumes() == null) {
            m.put("Volumes", null);
        } else {
            Map<String, Object> v = new TreeMap<>();
            c.volumes().forEach(x -> v.put(x, Map.of()));
            m.put("Volumes", v);
        }
        m.put("WorkingDir", c.workingDir());
        m.put("Entrypoint", c.entrypoint());
        m.put("OnBuild", c.onBuild());
        m.put("Labels", c.labels() == null ? null : new TreeMap<>(c.labels()));
        if (c.stopSignal() != null) {
            m.put("StopSignal", c.stopSignal());
        }
        if (c.stopTimeout() != null) {
            m.put("StopTimeout", c.stopTimeout());
        }
        if (c.shell() != null) {
            m.put("Shell", c.shell());
        }
        return m;
    }

    /** Docker's truncation of long cells: at most {@code width} characters, the last an ellipsis. */
    public static String ellipsis(String s, int width) {
        if (s.codePointCount(0, s.length()) <= width) {
            return s;
        }
        return s.substring(0, s.offsetByCodePoints(0, width - 1)) + "…";
    }
}
