package io.berth.views;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.api.image.ContainerConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Docker's {@code Config} object, as docker's daemon writes it (Go's encoding/json of its struct). */
class ConfigViewTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyFieldInDockersOrderWithItsNulls() throws Exception {
        assertThat(JSON.writeValueAsString(ConfigView.of(ContainerConfig.EMPTY))).isEqualTo("{\"Hostname\":\"\","
                + "\"Domainname\":\"\",\"User\":\"\",\"AttachStdin\":false,\"AttachStdout\":false,\"AttachStderr\":false,"
                + "\"Tty\":false,\"OpenStdin\":false,\"StdinOnce\":false,\"Env\":null,\"Cmd\":null,\"Image\":\"\","
                + "\"Volumes\":null,\"WorkingDir\":\"\",\"Entrypoint\":null,\"OnBuild\":null,\"Labels\":null}");
    }

    @Test
    void mapsAreSortedAndAHealthChecksZeroesLeftOut() throws Exception {
        ContainerConfig c = ContainerConfig.builder().exposedPorts(List.of("8080/tcp", "443/tcp")).volumes(List.of("/z", "/a"))
                .labels(Map.of("b", "2", "a", "1")).healthcheck(new ContainerConfig.Healthcheck(List.of("CMD", "true"), 0,
                        3_000_000_000L, 0, 0)).stopSignal("SIGINT").stopTimeout(5).build();
        String json = JSON.writeValueAsString(ConfigView.of(c));
        assertThat(json).contains("\"ExposedPorts\":{\"443/tcp\":{},\"8080/tcp\":{}}")
                .contains("\"Volumes\":{\"/a\":{},\"/z\":{}}").contains("\"Labels\":{\"a\":\"1\",\"b\":\"2\"}")
                .contains("\"Healthcheck\":{\"Test\":[\"CMD\",\"true\"],\"Timeout\":3000000000}")
                .endsWith("\"StopSignal\":\"SIGINT\",\"StopTimeout\":5}");
    }
}
