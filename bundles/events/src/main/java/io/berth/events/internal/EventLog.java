package io.berth.events.internal;

import io.berth.api.InvalidArgumentException;
import io.berth.api.event.Event;
import io.berth.api.event.EventQuery;
import io.berth.api.event.EventService;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The event stream: the last {@value #HELD} events held (docker holds as many), and each
 * subscriber fed from a queue of its own by a thread of its own, so a slow one holds up neither
 * the publisher nor the others. Published as the {@link EventService}.
 */
@Component(service = EventService.class, immediate = true)
public final class EventLog implements EventService {
    static final int HELD = 256;

    private final Clock clock;
    private final ArrayDeque<Event> held = new ArrayDeque<>();
    private final List<Feed> feeds = new CopyOnWriteArrayList<>();

    public EventLog() {
        this(Clock.systemUTC());
    }

    EventLog(Clock clock) {
        this.clock = clock;
    }

    /** Ends every subscription: the stream goes with the bundle. */
    @Deactivate
    void close() {
        for (Feed f : feeds) {
            f.close();
        }
    }

    @Override
    public void publish(Event event) {
        synchronized (held) {
            held.addLast(event);
            if (held.size() > HELD) {
                held.removeFirst();
            }
            // Under the same lock as a new subscriber's replay, so it sees each event once.
            for (Feed f : feeds) {
                f.offer(event);
            }
        }
    }

    @Override
    public Subscription subscribe(EventQuery query, Consumer<Event> listener) {
        EventFilter filter = new EventFilter(query.filters());
        if (query.since() != null && query.until() != null && query.since().isAfter(query.until())) {
            throw new InvalidArgumentException("`since` time (" + query.since() + ") cannot be after `until` time ("
                    + query.until() + ")");
        }
        Feed feed = new Feed(query, filter, listener);
        synchronized (held) {
            if (query.since() != null) {
                for (Event e : held) {
                    if (!e.time().isBefore(query.since())) {
                        feed.offer(e);
                    }
                }
            }
            feeds.add(feed);
        }
        feed.start();
        return feed;
    }

    /** The events held now, oldest first. */
    List<Event> held() {
        synchronized (held) {
            return new ArrayList<>(held);
        }
    }

    /** One subscriber: its queue, and the thread that hands it what the query lets through. */
    private final class Feed implements Subscription {
        private final EventQuery query;
        private final EventFilter filter;
        private final Consumer<Event> listener;
        private final LinkedBlockingQueue<Event> queue = new LinkedBlockingQueue<>();
        private final CountDownLatch ended = new CountDownLatch(1);
        private final Thread thread;
        private volatile boolean closed;

        Feed(EventQuery query, EventFilter filter, Consumer<Event> listener) {
            this.query = query;
            this.filter = filter;
            this.listener = listener;
            this.thread = new Thread(this::run, "berth-events");
            thread.setDaemon(true);
        }

        void offer(Event e) {
            if (!closed && filter.includes(e)) {
                queue.add(e);
            }
        }

        void start() {
            thread.start();
        }

        private void run() {
            try {
                while (!closed) {
                    Event e;
                    if (query.until() == null) {
                        e = queue.take();
                    } else {
                        long left = Duration.between(clock.instant(), query.until()).toMillis();
                        e = queue.poll(Math.max(0, left), TimeUnit.MILLISECONDS);
                        if (e == null && left <= 0) {
                            break;
                        }
                        if (e == null) {
                            continue;
                        }
                    }
                    if (query.until() != null && e.time().isAfter(query.until())) {
                        break;
                    }
                    if (!closed) {
                        listener.accept(e);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                feeds.remove(this);
                ended.countDown();
            }
        }

        @Override
        public void awaitEnd() throws InterruptedException {
            ended.await();
        }

        @Override
        public void close() {
            closed = true;
            feeds.remove(this);
            thread.interrupt();
        }
    }
}
