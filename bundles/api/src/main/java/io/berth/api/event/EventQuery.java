package io.berth.api.event;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Which events a subscriber wants.
 *
 * @param since   events from this time on, those still held included ({@code null}: from now on)
 * @param until   none after this time; the subscription ends then ({@code null}: until it is closed)
 * @param filters docker's event filters ({@code container}, {@code event}, {@code image},
 *                {@code label}, {@code network}, {@code scope}, {@code type}, {@code volume},
 *                {@code daemon}): values of one filter are alternatives, filters all apply
 */
public record EventQuery(Instant since, Instant until, Map<String, List<String>> filters) {
    public EventQuery {
        filters = filters == null ? Map.of() : Map.copyOf(filters);
    }

    /** Every event from now on. */
    public static final EventQuery ALL = new EventQuery(null, null, Map.of());
}
