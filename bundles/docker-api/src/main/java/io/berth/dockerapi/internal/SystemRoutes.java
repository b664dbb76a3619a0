package io.berth.dockerapi.internal;

import io.berth.api.InvalidArgumentException;
import io.berth.api.event.EventQuery;
import io.berth.api.event.EventService;
import io.berth.views.EventView;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

final class SystemRoutes {
    private final Services services;

    SystemRoutes(Services services) {
        this.services = services;
    }

    void register(Router r) {
        r.get("/_ping", (x, m) -> ping(x));
        r.head("/_ping", (x, m) -> ping(x));
        r.get("/version", (x, m) -> x.json(200, ApiViews.version(services.engine())));
        r.get("/info", (x, m) -> x.json(200, ApiViews.info(services)));
        r.get("/events", (x, m) -> events(x));
    }

    private void ping(Exchange x) throws IOException {
        x.full(200, "text/plain; charset=utf-8", "OK".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                Map.of("Cache-Control", "no-cache, no-store, must-revalidate", "Pragma", "no-cache",
                        "Swarm", "inactive"));
    }

    /**
     * docker's event stream: what is kept since {@code since}, then what happens, until
     * {@code until} or the client goes; one JSON object per line, each flushed.
     */
    private void events(Exchange x) throws Exception {
        EventService events = services.events();
        Instant now = Instant.now();
        Instant since = x.query("since").filter(s -> !s.isBlank()).map(s -> unixTime(s, "since")).orElse(null);
        Instant until = x.query("until").filter(s -> !s.isBlank()).map(s -> unixTime(s, "until")).orElse(null);
        if (since != null && until != null && since.isAfter(until)) {
            throw new InvalidArgumentException("`since` time (" + x.query("since").get() + ") cannot be after `until` time ("
                    + x.query("until").get() + ")");
        }
        Map<String, List<String>> filters = x.filters().asMap();
        Exchange.Stream out = x.stream(200, "application/json");
        AtomicBoolean gone = new AtomicBoolean();
        EventService.Subscription[] holder = new EventService.Subscription[1];
        try (EventService.Subscription s = events.subscribe(new EventQuery(since == null ? now : since, until, filters), e -> {
            if (gone.get()) {
                return;
            }
            try {
                out.writeJsonLine(EventView.message(e));
            } catch (IOException io) {
                gone.set(true);
                EventService.Subscription sub = holder[0];
                if (sub != null) {
                    sub.close();
                }
            }
        })) {
            holder[0] = s;
            // A client that goes ends the subscription even when no event comes to find out.
            x.clientGone().addListener(f -> s.close());
            s.awaitEnd();
        }
        out.close();
    }

    /** docker's API times: unix seconds, with a fraction of up to nine digits. */
    static Instant unixTime(String value, String what) {
        try {
            BigDecimal d = new BigDecimal(value.strip());
            long seconds = d.longValue();
            int nanos = d.subtract(BigDecimal.valueOf(seconds)).movePointRight(9).intValue();
            return Instant.ofEpochSecond(seconds, nanos);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new InvalidArgumentException("invalid value for " + what + ": " + value);
        }
    }
}
