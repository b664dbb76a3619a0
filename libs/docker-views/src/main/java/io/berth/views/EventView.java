package io.berth.views;

import io.berth.api.event.Event;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An event as docker's {@code events.Message}: the legacy {@code status}, {@code id} and
 * {@code from} of container and image events, {@code Type}, {@code Action}, {@code Actor},
 * {@code scope}, {@code time} and {@code timeNano}; and its line as the docker CLI prints it.
 */
public final class EventView {
    /** Go's RFC3339NanoFixed, which the CLI prints events' times with. */
    private static final DateTimeFormatter FIXED = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSSXXX");

    private EventView() {
    }

    public static Map<String, Object> message(Event e) {
        Map<String, Object> m = new LinkedHashMap<>();
        boolean legacy = e.type().equals(Event.CONTAINER) || e.type().equals(Event.IMAGE);
        if (legacy) {
            m.put("status", e.action());
            m.put("id", e.actorId());
            String from = e.attributes().get("image");
            if (e.type().equals(Event.CONTAINER) && from != null) {
                m.put("from", from);
            }
        }
        m.put("Type", e.type());
        m.put("Action", e.action());
        Map<String, Object> actor = new LinkedHashMap<>();
        actor.put("ID", e.actorId());
        actor.put("Attributes", new java.util.TreeMap<>(e.attributes()));
        m.put("Actor", actor);
        m.put("scope", e.scope());
        m.put("time", e.time().getEpochSecond());
        m.put("timeNano", e.time().getEpochSecond() * 1_000_000_000L + e.time().getNano());
        return m;
    }

    /**
     * The same message with the names of the Go struct's fields, which {@code --format} templates
     * use ({@code {{.Status}}}, {@code {{.ID}}}, {@code {{.From}}}, {@code {{.Scope}}},
     * {@code {{.Time}}}, {@code {{.TimeNano}}}); the JSON names are lower case.
     */
    public static Map<String, Object> fields(Event e) {
        Map<String, Object> json = message(e);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Status", json.getOrDefault("status", ""));
        m.put("ID", json.getOrDefault("id", ""));
        m.put("From", json.getOrDefault("from", ""));
        m.put("Type", json.get("Type"));
        m.put("Action", json.get("Action"));
        m.put("Actor", json.get("Actor"));
        m.put("Scope", json.get("scope"));
        m.put("Time", json.get("time"));
        m.put("TimeNano", json.get("timeNano"));
        return m;
    }

    /** The line {@code docker events} prints: time, type, action, actor and its attributes sorted. */
    public static String line(Event e, ZoneId zone) {
        StringBuilder out = new StringBuilder(FIXED.format(e.time().atZone(zone))).append(' ')
                .append(e.type()).append(' ').append(e.action()).append(' ').append(e.actorId());
        if (!e.attributes().isEmpty()) {
            out.append(" (");
            boolean first = true;
            for (Map.Entry<String, String> a : new java.util.TreeMap<>(e.attributes()).entrySet()) {
                out.append(first ? "" : ", ").append(a.getKey()).append('=').append(a.getValue());
                first = false;
            }
            out.append(')');
        }
        return out.toString();
    }
}
