package io.berth.events.internal;

import io.berth.api.InvalidArgumentException;
import io.berth.api.event.Event;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * docker's event filters (moby's {@code daemon/events/filter.go}): the values of one filter are
 * alternatives, all filters apply. {@code container}, {@code network}, {@code volume} and
 * {@code daemon} match an event of that type by id or name, a prefix of either being enough;
 * {@code image} an image's id or name, or a container's image, with or without its tag;
 * {@code event} the action ({@code health_status}, {@code exec_create} and {@code exec_start} by
 * prefix); {@code label} the actor's attributes ({@code key} or {@code key=value}).
 */
final class EventFilter {
    static final Set<String> KEYS = Set.of("config", "container", "daemon", "event", "image", "label", "network",
            "node", "plugin", "scope", "secret", "service", "type", "volume");
    private static final Set<String> PREFIX_EVENTS = Set.of("health_status", "exec_create", "exec_start");

    private final Map<String, List<String>> filters;

    EventFilter(Map<String, List<String>> filters) {
        for (String key : filters.keySet()) {
            if (!KEYS.contains(key)) {
                throw new InvalidArgumentException("Invalid filter '" + key + "'");
            }
        }
        this.filters = filters;
    }

    boolean includes(Event e) {
        return matchEvent(e)
                && exact("type", e.type())
                && exact("scope", e.scope())
                && byName(e, "daemon")
                && byName(e, Event.CONTAINER)
                && byName(e, "plugin")
                && byName(e, Event.VOLUME)
                && byName(e, Event.NETWORK)
                && matchImage(e)
                && byName(e, "node")
                && byName(e, "service")
                && byName(e, "secret")
                && byName(e, "config")
                && matchLabels(e.attributes());
    }

    private boolean matchEvent(Event e) {
        List<String> wanted = filters.get("event");
        if (wanted == null || wanted.isEmpty()) {
            return true;
        }
        if (wanted.stream().anyMatch(PREFIX_EVENTS::contains)) {
            return fuzzy("event", e.action());
        }
        return wanted.contains(e.action());
    }

    /** The filter named after an event type matches an event by its actor's id or name. */
    private boolean byName(Event e, String type) {
        return fuzzy(type, e.actorId()) || fuzzy(type, e.attributes().get("name"));
    }

    private boolean matchImage(Event e) {
        String name = e.attributes().get(e.type().equals(Event.IMAGE) ? "name" : "image");
        return exact("image", e.actorId()) || exact("image", name) || exact("image", stripTag(e.actorId()))
                || exact("image", stripTag(name));
    }

    private boolean matchLabels(Map<String, String> attributes) {
        List<String> wanted = filters.get("label");
        if (wanted == null || wanted.isEmpty()) {
            return true;
        }
        for (String w : wanted) {
            int eq = w.indexOf('=');
            String key = eq < 0 ? w : w.substring(0, eq);
            String value = attributes.get(key);
            if (value == null || (eq >= 0 && !value.equals(w.substring(eq + 1)))) {
                return false;
            }
        }
        return true;
    }

    /** No such filter, or one of its values is {@code source}. */
    private boolean exact(String key, String source) {
        List<String> wanted = filters.get(key);
        return wanted == null || wanted.isEmpty() || (source != null && wanted.contains(source));
    }

    /** No such filter, or one of its values is {@code source} or begins it. */
    private boolean fuzzy(String key, String source) {
        List<String> wanted = filters.get(key);
        if (wanted == null || wanted.isEmpty()) {
            return true;
        }
        if (source == null) {
            return false;
        }
        for (String w : wanted) {
            if (source.startsWith(w)) {
                return true;
            }
        }
        return false;
    }

    /** {@code busybox:1.36} as {@code busybox}; a digest reference and an id as they are. */
    private static String stripTag(String image) {
        if (image == null || image.contains("@") || image.startsWith("sha256:")) {
            return image;
        }
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        return colon > slash ? image.substring(0, colon) : image;
    }
}
