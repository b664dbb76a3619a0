package io.berth.compose.internal;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SmallPartsTest {
    @Test
    void projectNamesAreNormalisedAsV2() {
        assertThat(ProjectNames.normalize("My App.v2")).isEqualTo("myappv2");
        assertThat(ProjectNames.normalize("_-Foo.Bar_Baz-1")).isEqualTo("foobar_baz-1");
        assertThat(ProjectNames.checkExplicit("ok_1-a")).isEqualTo("ok_1-a");
        assertThatThrownBy(() -> ProjectNames.checkExplicit("Foo")).hasMessage("invalid project name \"Foo\": must consist "
                + "only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number");
        assertThatThrownBy(() -> ProjectNames.checkExplicit("_x")).hasMessageStartingWith("invalid project name \"_x\"");
    }

    @Test
    void durationsReadAndPrintAsGo() {
        assertThat(Durations.format(Durations.parse("90s"))).isEqualTo("1m30s");
        assertThat(Durations.format(Durations.parse("1h5m30s20ms"))).isEqualTo("1h5m30.02s");
        assertThat(Durations.format(Durations.parse("500ms"))).isEqualTo("500ms");
        assertThat(Durations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThatThrownBy(() -> Durations.parse("5x")).hasMessage("time: invalid duration \"5x\"");
    }

    @Test
    void envFilesReadAsDotenv() {
        Map<String, String> vars = EnvFiles.parse(".env", String.join("\n", "# comment", "A=1", "export B=two words # note",
                "C='${A} literal'", "D=\"x\\ny ${A}\"", "E=${A}${HOME_X:-h}", "F", "G=", "M=\"multi", "line\""),
                Map.of("F", "fromenv")::get);
        assertThat(vars).containsEntry("A", "1").containsEntry("B", "two words").containsEntry("C", "${A} literal")
                .containsEntry("D", "x\ny 1").containsEntry("E", "1h").containsEntry("F", "fromenv").containsEntry("G", "")
                .containsEntry("M", "multi\nline");
    }

    @Test
    void shellWordsSplitCommands() {
        assertThat(ShellWords.split("sh -c 'echo \"$A\" b'  x\\ y")).containsExactly("sh", "-c", "echo \"$A\" b", "x y");
    }

    @Test
    void shortPortsBecomeLongOnes() {
        assertThat(Normalizer.ports(com.fasterxml.jackson.databind.node.TextNode.valueOf("127.0.0.1:18080:8080")).toString())
                .isEqualTo("[{\"mode\":\"ingress\",\"host_ip\":\"127.0.0.1\",\"target\":8080,\"published\":\"18080\",\"protocol\":\"tcp\"}]");
        assertThat(Normalizer.ports(com.fasterxml.jackson.databind.node.TextNode.valueOf("9090-9091:8080-8081/udp"))).hasSize(2)
                .last().hasToString("{\"mode\":\"ingress\",\"target\":8081,\"published\":\"9091\",\"protocol\":\"udp\"}");
        assertThat(Normalizer.ports(com.fasterxml.jackson.databind.node.TextNode.valueOf("[::1]:6001:6001")).get(0).get("host_ip")
                .asText()).isEqualTo("::1");
    }
}
