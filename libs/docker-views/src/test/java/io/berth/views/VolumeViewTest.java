package io.berth.views;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.api.volume.Volume;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code volume inspect}'s object and {@code volume ls --format}'s fields, in docker 20.10's shape. */
class VolumeViewTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant CREATED = Instant.parse("2026-05-01T10:20:30.75Z");

    @Test
    void inspectAsDockersDaemonGivesIt() throws Exception {
        Volume v = new Volume("data", "local", "/var/lib/berth/volumes/data/_data", CREATED, Map.of("z", "1", "a", "2"),
                Map.of("type", "tmpfs", "device", "tmpfs"), false);
        assertThat(JSON.writeValueAsString(VolumeView.inspect(v, ZoneOffset.UTC))).isEqualTo("{"
                + "\"CreatedAt\":\"2026-05-01T10:20:30Z\",\"Driver\":\"local\",\"Labels\":{\"a\":\"2\",\"z\":\"1\"},"
                + "\"Mountpoint\":\"/var/lib/berth/volumes/data/_data\",\"Name\":\"data\","
                + "\"Options\":{\"device\":\"tmpfs\",\"type\":\"tmpfs\"},\"Scope\":\"local\"}");
    }

    @Test
    void noLabelsOrOptionsAreNullAndTheTimeHasTheEnginesZone() throws Exception {
        Volume v = new Volume("f".repeat(64), "local", "/v/_data", CREATED, null, null, true);
        assertThat(JSON.writeValueAsString(VolumeView.inspect(v, ZoneId.of("Europe/Paris")))).isEqualTo("{"
                + "\"CreatedAt\":\"2026-05-01T12:20:30+02:00\",\"Driver\":\"local\",\"Labels\":null,"
                + "\"Mountpoint\":\"/v/_data\",\"Name\":\"" + "f".repeat(64) + "\",\"Options\":null,\"Scope\":\"local\"}");
        // Without a creation time, docker's omitempty leaves CreatedAt out.
        assertThat(VolumeView.inspect(new Volume("x1", "nfs", null, null, null, null, false), ZoneOffset.UTC))
                .doesNotContainKey("CreatedAt").containsEntry("Mountpoint", "");
    }

    @Test
    void formatFieldsAsDockersVolumeContext() throws Exception {
        Volume v = new Volume("data", "local", "/m", CREATED, Map.of("tier", "db", "a", "1"), Map.of(), false);
        assertThat(JSON.writeValueAsString(VolumeView.row(v, null, null))).isEqualTo("{\"Driver\":\"local\","
                + "\"Labels\":\"a=1,tier=db\",\"Links\":\"N/A\",\"Mountpoint\":\"/m\",\"Name\":\"data\",\"Scope\":\"local\","
                + "\"Size\":\"N/A\"}");
        assertThat(VolumeView.row(v, 2, "1.5kB")).containsEntry("Links", "2").containsEntry("Size", "1.5kB");
    }
}
