package io.berth.views;

import io.berth.api.volume.Volume;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Volumes as docker's daemon gives them: {@code volume inspect}'s object ({@code GET /volumes/NAME},
 * docker's {@code types.Volume}) and the fields of {@code volume ls --format}.
 */
public final class VolumeView {
    /** Every Berth volume is local to this engine, as docker's volumes outside a swarm. */
    public static final String SCOPE = "local";

    /** Go's {@code time.RFC3339}: seconds, and the zone as an offset or {@code Z}. */
    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssXXX");

    private VolumeView() {
    }

    /** {@code docker volume inspect}'s object, its time in the engine's zone, as docker's daemon gives it. */
    public static Map<String, Object> inspect(Volume v) {
        return inspect(v, ZoneId.systemDefault());
    }

    /**
     * {@code docker volume inspect}'s object: fields in docker's order, {@code Labels} and
     * {@code Options} {@code null} when there are none, maps sorted by key as Go writes them.
     *
     * @param zone the zone of {@code CreatedAt} (docker's daemon gives its own local time)
     */
    public static Map<String, Object> inspect(Volume v, ZoneId zone) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (v.created() != null) {
            m.put("CreatedAt", createdAt(v.created(), zone));
        }
        m.put("Driver", v.driver());
        m.put("Labels", v.labels().isEmpty() ? null : new TreeMap<>(v.labels()));
        m.put("Mountpoint", v.mountpoint() == null ? "" : v.mountpoint());
        m.put("Name", v.name());
        m.put("Options", v.options().isEmpty() ? null : new TreeMap<>(v.options()));
        m.put("Scope", SCOPE);
        return m;
    }

    /** A volume's {@code CreatedAt}: Go's RFC 3339 in seconds, with the zone ({@code 2026-05-01T10:20:30+02:00}). */
    public static String createdAt(Instant t, ZoneId zone) {
        return RFC3339.format(t.atZone(zone));
    }

    /**
     * The fields of {@code volume ls --format} (and {@code system df -v}), docker's
     * {@code volumeContext}: {@code Links} and {@code Size} are {@code N/A} where docker has no
     * usage data (its {@code volume ls} has none).
     *
     * @param links how many containers refer to it, or {@code null} when not known
     * @param size its size as the front end prints sizes, or {@code null} when not known
     */
    public static Map<String, Object> row(Volume v, Integer links, String size) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Driver", v.driver());
        List<String> labels = new ArrayList<>();
        new TreeMap<>(v.labels()).forEach((k, value) -> labels.add(k + "=" + value));
        m.put("Labels", String.join(",", labels));
        m.put("Links", links == null ? "N/A" : links.toString());
        m.put("Mountpoint", v.mountpoint() == null ? "" : v.mountpoint());
        m.put("Name", v.name());
        m.put("Scope", SCOPE);
        m.put("Size", size == null ? "N/A" : size);
        return m;
    }
}
