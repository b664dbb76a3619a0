package io.berth.shell.internal.output;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class JsonTest {
    @Test
    void prettyPrintsAsDockerInspect() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Id", "x");
        m.put("RepoDigests", List.of());
        m.put("Labels", Map.of());
        m.put("Env", List.of("A=1"));
        m.put("Cmd", null);
        assertThat(Json.pretty(List.of(m))).isEqualTo("""
                [
                    {
                        "Id": "x",
                        "RepoDigests": [],
                        "Labels": {},
                        "Env": [
                            "A=1"
                        ],
                        "Cmd": null
                    }
                ]""");
        assertThat(Json.line(m)).isEqualTo("{\"Id\":\"x\",\"RepoDigests\":[],\"Labels\":{},\"Env\":[\"A=1\"],\"Cmd\":null}");
    }
}
