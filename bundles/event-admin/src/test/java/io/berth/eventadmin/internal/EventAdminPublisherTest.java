package io.berth.eventadmin.internal;

import io.berth.api.event.Event;
import io.berth.api.event.EventTopics;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class EventAdminPublisherTest {
    @Test
    void anEngineEventBecomesAnEventAdminEvent() {
        var die = EventAdminPublisher.toOsgi(Event.of("container", "die", "abc", Map.of("name", "web", "exitCode", "3",
                "image", "busybox", "type", "a label named type")));
        assertThat(die.getTopic()).isEqualTo("berth/container/die");
        assertThat(die.getProperty(EventTopics.EXIT_CODE)).isEqualTo(3);
        assertThat(die.getProperty(EventTopics.NAME)).isEqualTo("web");
        assertThat(die.getProperty(EventTopics.ID)).isEqualTo("abc");
        // The fixed properties win over a label of the same name, which stays in the attributes.
        assertThat(die.getProperty(EventTopics.TYPE)).isEqualTo("container");
        assertThat(die.getProperty(EventTopics.ATTRIBUTES)).isEqualTo(Map.of("name", "web", "exitCode", "3",
                "image", "busybox", "type", "a label named type"));
        assertThat(die.getProperty("timestamp")).isInstanceOf(Long.class);

        var health = EventAdminPublisher.toOsgi(Event.of("container", "health_status: healthy", "abc", Map.of()));
        assertThat(health.getTopic()).isEqualTo("berth/container/health_status");
        assertThat(health.getProperty(EventTopics.ACTION)).isEqualTo("health_status");
        assertThat(health.getProperty(EventTopics.DETAIL)).isEqualTo("healthy");
        assertThat(EventTopics.topic("image", "pull")).isEqualTo("berth/image/pull");
        assertThat(EventTopics.topic("container", "exec_start: sh -c 'x y'")).isEqualTo("berth/container/exec_start");
    }
}
