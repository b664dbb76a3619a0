package io.berth.eventadmin.internal;

import io.berth.api.event.Event;
import io.berth.api.event.EventQuery;
import io.berth.api.event.EventService;
import io.berth.api.event.EventTopics;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.EventAdmin;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Posts each of the engine's events, as it happens, on Event Admin under {@code berth/TYPE/ACTION}
 * with the properties {@link EventTopics} documents. It reads the stream {@code events} and the
 * Docker API read (a subscription to {@link EventService} from its activation on), so all of them
 * see the same events in the same order; posting is asynchronous, so a slow handler holds up
 * nothing of the engine.
 */
@Component(immediate = true)
public class EventAdminPublisher {
    private final EventService.Subscription subscription;

    @Activate
    public EventAdminPublisher(@Reference EventService events, @Reference EventAdmin admin) {
        this.subscription = events.subscribe(new EventQuery(Instant.now(), null, Map.of()), e -> admin.postEvent(toOsgi(e)));
    }

    @Deactivate
    void deactivate() {
        subscription.close();
    }

    /** An engine event as Event Admin's: its topic, and its fields and attributes as properties. */
    static org.osgi.service.event.Event toOsgi(Event e) {
        Map<String, Object> properties = new HashMap<>();
        // Actor attributes first: the fixed properties below win over a label of the same name.
        properties.putAll(e.attributes());
        String action = e.action();
        int colon = action.indexOf(':');
        properties.put(EventTopics.TYPE, e.type());
        properties.put(EventTopics.ACTION, colon < 0 ? action : action.substring(0, colon));
        if (colon >= 0) {
            properties.put(EventTopics.DETAIL, action.substring(colon + 1).strip());
        }
        properties.put(EventTopics.ID, e.actorId());
        properties.put(EventTopics.ATTRIBUTES, Map.copyOf(e.attributes()));
        properties.put(org.osgi.service.event.EventConstants.TIMESTAMP, e.time().toEpochMilli());
        String exitCode = e.attributes().get("exitCode");
        if (exitCode != null) {
            try {
                properties.put(EventTopics.EXIT_CODE, Integer.parseInt(exitCode));
            } catch (NumberFormatException notANumber) {
                // Left as the attribute says it.
            }
        }
        return new org.osgi.service.event.Event(EventTopics.topic(e.type(), action), properties);
    }
}
