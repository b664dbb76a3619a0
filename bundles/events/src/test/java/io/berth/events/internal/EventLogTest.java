package io.berth.events.internal;

import io.berth.api.InvalidArgumentException;
import io.berth.api.event.Event;
import io.berth.api.event.EventQuery;
import io.berth.api.event.EventService;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventLogTest {
    private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

    private static Event container(String action, String id, String name, int second) {
        return new Event(Event.CONTAINER, action, id, Map.of("name", name, "image", "busybox:latest", "team", "a"),
                T0.plusSeconds(second));
    }

    @Test
    void replaysWhatIsHeldSinceATimeThenEndsAtUntil() throws Exception {
        EventLog log = new EventLog();
        log.publish(container("create", "aaa111", "one", 0));
        log.publish(container("start", "aaa111", "one", 1));
        log.publish(container("die", "aaa111", "one", 2));
        List<String> seen = new CopyOnWriteArrayList<>();
        EventService.Subscription s = log.subscribe(new EventQuery(T0.plusSeconds(1), T0.plusSeconds(2), Map.of()),
                e -> seen.add(e.action()));
        s.awaitEnd();
        assertThat(seen).containsExactly("start", "die");
    }

    @Test
    void newEventsComeInOrderUntilTheSubscriptionIsClosed() throws Exception {
        EventLog log = new EventLog();
        log.publish(container("create", "aaa111", "one", 0));
        List<String> seen = new CopyOnWriteArrayList<>();
        CountDownLatch three = new CountDownLatch(3);
        EventService.Subscription s = log.subscribe(EventQuery.ALL, e -> {
            seen.add(e.action());
            three.countDown();
        });
        Instant now = Instant.now();
        for (String a : List.of("start", "pause", "unpause")) {
            log.publish(new Event(Event.CONTAINER, a, "aaa111", Map.of(), now));
        }
        assertThat(three.await(10, TimeUnit.SECONDS)).isTrue();
        s.close();
        s.awaitEnd();
        log.publish(new Event(Event.CONTAINER, "stop", "aaa111", Map.of(), now));
        // Nothing from before it came (no since), nothing after it closed.
        assertThat(seen).containsExactly("start", "pause", "unpause");
    }

    @Test
    void holdsTheLast256() {
        EventLog log = new EventLog();
        for (int i = 0; i < 300; i++) {
            log.publish(container("start", "id" + i, "c" + i, i));
        }
        assertThat(log.held()).hasSize(256);
        assertThat(log.held().get(0).actorId()).isEqualTo("id44");
    }

    @Test
    void filtersAsDockersAndRefusesOnesItDoesNotKnow() throws Exception {
        EventLog log = new EventLog();
        log.publish(container("create", "aaa111", "web", 0));
        log.publish(container("health_status: healthy", "aaa111", "web", 1));
        log.publish(container("exec_start: sh -c true", "bbb222", "db", 2));
        log.publish(new Event(Event.IMAGE, "tag", "sha256:ccc", Map.of("name", "busybox:1.36"), T0.plusSeconds(3)));
        log.publish(new Event(Event.NETWORK, "create", "ddd444", Map.of("name", "app", "type", "bridge"), T0.plusSeconds(4)));
        log.publish(new Event(Event.VOLUME, "create", "data", Map.of("driver", "local"), T0.plusSeconds(5)));

        assertThat(actions(log, Map.of("container", List.of("web")))).containsExactly("create", "health_status: healthy");
        assertThat(actions(log, Map.of("container", List.of("bbb")))).containsExactly("exec_start: sh -c true");
        assertThat(actions(log, Map.of("event", List.of("health_status", "exec_start"))))
                .containsExactly("health_status: healthy", "exec_start: sh -c true");
        assertThat(actions(log, Map.of("event", List.of("create")))).containsExactly("create", "create", "create");
        assertThat(actions(log, Map.of("type", List.of("network", "volume")))).containsExactly("create", "create");
        assertThat(actions(log, Map.of("image", List.of("busybox")))).containsExactly("create", "health_status: healthy",
                "exec_start: sh -c true", "tag");
        assertThat(actions(log, Map.of("label", List.of("team=a"), "container", List.of("web", "db"))))
                .containsExactly("create", "health_status: healthy", "exec_start: sh -c true");
        assertThat(actions(log, Map.of("volume", List.of("data")))).containsExactly("create");
        assertThatThrownBy(() -> log.subscribe(new EventQuery(T0, T0, Map.of("colour", List.of("red"))), e -> { }))
                .isInstanceOf(InvalidArgumentException.class).hasMessage("Invalid filter 'colour'");
        assertThatThrownBy(() -> log.subscribe(new EventQuery(T0.plusSeconds(1), T0, Map.of()), e -> { }))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("cannot be after `until`");
    }

    private static List<String> actions(EventLog log, Map<String, List<String>> filters) throws InterruptedException {
        List<String> seen = new CopyOnWriteArrayList<>();
        log.subscribe(new EventQuery(T0, T0.plusSeconds(5), filters), e -> seen.add(e.action())).awaitEnd();
        return seen;
    }
}
