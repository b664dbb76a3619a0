package io.berth.containers.internal;

import io.berth.api.event.Event;
import io.berth.api.event.EventService;

import java.util.HashMap;
import java.util.Map;

/**
 * The container events docker publishes, with its attributes: the container's labels, its
 * {@code image} as the user named it and its {@code name}, plus what the action adds
 * ({@code exitCode}, {@code signal}, {@code oldName}...). Without an event service, nothing.
 */
final class ContainerEvents {
    private volatile EventService service;

    synchronized void service(EventService s) {
        service = s;
    }

    /** The service left: unless another took its place already. */
    synchronized void gone(EventService s) {
        if (service == s) {
            service = null;
        }
    }

    void publish(ContainerRecord r, String action) {
        publish(r, action, Map.of());
    }

    void publish(ContainerRecord r, String action, Map<String, String> extra) {
        EventService s = service;
        if (s == null) {
            return;
        }
        Map<String, String> attributes = new HashMap<>(r.config().labels());
        attributes.put("image", r.image());
        attributes.put("name", r.name());
        attributes.putAll(extra);
        s.publish(Event.of(Event.CONTAINER, action, r.id(), attributes));
    }
}
