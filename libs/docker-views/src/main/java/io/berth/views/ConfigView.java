package io.berth.views;

import io.berth.api.image.ContainerConfig;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Docker's {@code Config} object, the one writer of it: in {@code container inspect} and
 * {@code image inspect} ({@code Config}, {@code ContainerConfig}), and in the image configs the
 * image store writes (their {@code config} and {@code container_config}), whose bytes are the
 * image's id. Fields in docker's order; {@code null} where docker has {@code null}; maps (ports,
 * volumes, labels) sorted by key as Go writes them; a health check's zero durations and retries
 * left out, as Go's {@code omitempty} leaves them.
 */
public final class ConfigView {
    private ConfigView() {
    }

    /** The {@code Config} object of a container or image. */
    public static Map<String, Object> of(ContainerConfig c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Hostname", c.hostname());
        m.put("Domainname", c.domainname());
        m.put("User", c.user());
        m.put("AttachStdin", c.attachStdin());
        m.put("AttachStdout", c.attachStdout());
        m.put("AttachStderr", c.attachStderr());
        if (c.exposedPorts() != null) {
            m.put("ExposedPorts", emptyObjects(c.exposedPorts()));
        }
        m.put("Tty", c.tty());
        m.put("OpenStdin", c.openStdin());
        m.put("StdinOnce", c.stdinOnce());
        m.put("Env", c.env());
        m.put("Cmd", c.cmd());
        if (c.healthcheck() != null) {
            m.put("Healthcheck", healthcheck(c.healthcheck()));
        }
        if (c.argsEscaped()) {
            m.put("ArgsEscaped", true);
        }
        m.put("Image", c.image());
        m.put("Volumes", c.volumes() == null ? null : emptyObjects(c.volumes()));
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

    private static Map<String, Object> healthcheck(ContainerConfig.Healthcheck h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Test", h.test());
        if (h.interval() != 0) {
            m.put("Interval", h.interval());
        }
        if (h.timeout() != 0) {
            m.put("Timeout", h.timeout());
        }
        if (h.startPeriod() != 0) {
            m.put("StartPeriod", h.startPeriod());
        }
        if (h.retries() != 0) {
            m.put("Retries", h.retries());
        }
        return m;
    }

    /** Docker's sets as JSON: each key mapped to an empty object, keys sorted. */
    private static Map<String, Object> emptyObjects(List<String> keys) {
        Map<String, Object> m = new TreeMap<>();
        keys.forEach(k -> m.put(k, Map.of()));
        return m;
    }
}
