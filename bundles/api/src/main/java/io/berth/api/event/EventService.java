package io.berth.api.event;

import org.osgi.annotation.versioning.ProviderType;

import java.util.function.Consumer;

/**
 * The engine's event stream: services publish what happened; {@code events}, the Docker API and
 * embedders subscribe. The most recent events are held (docker holds 256), so a subscriber can
 * ask for those since a time before it came.
 */
@ProviderType
public interface EventService {
    /** Records an event and hands it to the subscribers it matches. Never blocks on a subscriber. */
    void publish(Event event);

    /**
     * Hands {@code listener} the held events the query matches, oldest first, then each new one
     * as it comes, in order, until the query's {@code until} passes or the subscription is
     * closed. Then {@code listener} gets nothing more and {@link Subscription#awaitEnd} returns.
     *
     * @throws io.berth.api.InvalidArgumentException for a filter docker does not know, or
     *         {@code since} after {@code until}
     */
    Subscription subscribe(EventQuery query, Consumer<Event> listener);

    /** A subscriber's hold on the stream. */
    interface Subscription extends AutoCloseable {
        /** Waits until the query's {@code until} has passed (or the subscription was closed). */
        void awaitEnd() throws InterruptedException;

        @Override
        void close();
    }
}
