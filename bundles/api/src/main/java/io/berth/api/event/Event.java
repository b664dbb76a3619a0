package io.berth.api.event;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One event, as docker's {@code events.Message}: what ({@code type}, {@code action}), to what
 * ({@code actorId} and its attributes: a container's {@code name}, {@code image} and labels, an
 * exit code...), and when.
 *
 * @param type       {@link #CONTAINER}, {@link #IMAGE}, {@link #NETWORK} or {@link #VOLUME}
 * @param action     docker's action: {@code create}, {@code start}, {@code die}, {@code health_status: healthy}...
 * @param actorId    the object's id (a container's, a network's), or its name where docker uses it (a volume, a pulled image)
 * @param attributes the object's attributes, sorted by name
 * @param time       when it happened
 */
public record Event(String type, String action, String actorId, Map<String, String> attributes, Instant time) {
    public static final String CONTAINER = "container";
    public static final String IMAGE = "image";
    public static final String NETWORK = "network";
    public static final String VOLUME = "volume";

    public Event {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(action, "action");
        actorId = actorId == null ? "" : actorId;
        attributes = attributes == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(attributes));
        time = time == null ? Instant.now() : time;
    }

    /** An event that happens now. */
    public static Event of(String type, String action, String actorId, Map<String, String> attributes) {
        return new Event(type, action, actorId, attributes, Instant.now());
    }

    /** Always {@code local} for Berth's objects, as docker's scope. */
    public String scope() {
        return "local";
    }
}
