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
    private volatile java.util.function.Supplier<EventService> service = () -> null;

    /** Where events go from now on: the event service as it is when each is published. */
    void service(java.util.function.Supplier<EventService> s) {
        service = s;
    }

    void publish(ContainerRecord r, String action) {
        publish(r, action, Map.of());
    }

    void publish(ContainerRecord r, String action, Map<String, String> extra) {
        EventService s = service.get();
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
