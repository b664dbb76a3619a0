package io.berth.shell.internal.commands;

import io.berth.api.network.PortBinding;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code -p} and {@code --expose} as docker 20.10 reads them (go-connections v0.4.0's nat.ParsePortSpec). */
class PortSpecsTest {
    private static List<String> spec(String raw) {
        return PortSpecs.parsePortSpec(raw).stream()
                .map(m -> m.port() + " " + m.binding().hostIp() + "|" + m.binding().hostPort()).toList();
    }

    private static String error(String raw) {
        try {
            PortSpecs.parsePortSpec(raw);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        throw new AssertionError(raw + " was accepted");
    }

    @Test
    void theFormsOfAPortSpec() {
        assertThat(spec("80")).containsExactly("80/tcp |");
        assertThat(spec("8080:80")).containsExactly("80/tcp |8080");
        assertThat(spec("127.0.0.1:8080:80/udp")).containsExactly("80/udp 127.0.0.1|8080");
        assertThat(spec("127.0.0.1::80")).containsExactly("80/tcp 127.0.0.1|");
        assertThat(spec("[::1]:8080:80")).containsExactly("80/tcp ::1|8080");
        assertThat(spec("0.0.0.0:53:53/SCTP")).containsExactly("53/sctp 0.0.0.0|53");
        assertThat(spec("80/")).containsExactly("80/tcp |");
    }

    @Test
    void rangesOfEqualLengthPairUpAndAHostRangeForOnePortIsWhereToPick() {
        assertThat(spec("8000-8002:80-82")).containsExactly("80/tcp |8000", "81/tcp |8001", "82/tcp |8002");
        assertThat(spec("80-81")).containsExactly("80/tcp |", "81/tcp |");
        assertThat(spec("8000-8010:80")).containsExactly("80/tcp |8000-8010");
        assertThat(spec("127.0.0.1:7000-7001:70-71/udp")).containsExactly("70/udp 127.0.0.1|7000", "71/udp 127.0.0.1|7001");
    }

    @Test
    void errorsInDockersWords() {
        assertThat(error("x")).isEqualTo("Invalid containerPort: x");
        assertThat(error("8080:x")).isEqualTo("Invalid containerPort: x");
        assertThat(error("70000")).isEqualTo("Invalid containerPort: 70000");
        assertThat(error("x:80")).isEqualTo("Invalid hostPort: x");
        assertThat(error("8000-8001:80-82")).isEqualTo("Invalid ranges specified for container and host Ports: 80-82 and 8000-8001");
        assertThat(error("8080:80/icmp")).isEqualTo("Invalid proto: icmp");
        assertThat(error("1.2.3:8080:80")).isEqualTo("Invalid ip address: 1.2.3");
        assertThat(error("localhost:8080:80")).isEqualTo("Invalid ip address: localhost");
        assertThat(error("::1:8080:80")).isEqualTo("Invalid ip address ::1: address ::1:: too many colons in address");
        assertThat(error("8080:")).isEqualTo("No port specified: 8080:<empty>");
        assertThat(error("90-80")).isEqualTo("Invalid containerPort: 90-80");
    }

    @Test
    void aPortPublishedTwiceHasTwoBindingsAndIsExposedOnce() {
        PortSpecs.Published p = PortSpecs.parsePublish(List.of("8080:80", "127.0.0.1:9090:80", "443"));
        assertThat(p.exposed()).containsExactly("80/tcp", "443/tcp");
        assertThat(p.bindings()).isEqualTo(Map.of("80/tcp", List.of(new PortBinding("", "8080"),
                new PortBinding("127.0.0.1", "9090")), "443/tcp", List.of(new PortBinding("", ""))));
    }

    @Test
    void theLongSyntaxIsPutInStandardNotation() {
        assertThat(PortSpecs.toStandardNotation("published=8080,target=80")).isEqualTo("8080:80/tcp");
        assertThat(PortSpecs.toStandardNotation("target=53,published=5353,protocol=udp")).isEqualTo("5353:53/udp");
        assertThat(PortSpecs.toStandardNotation("8080:80")).isEqualTo("8080:80");
        assertThatThrownBy(() -> PortSpecs.toStandardNotation("published=8080,target"))
                .hasMessage("invalid publish opts format (should be name=value but got 'target')");
    }

    @Test
    void exposeTakesPortsAndRanges() {
        assertThat(PortSpecs.parseExpose("80")).containsExactly("80/tcp");
        assertThat(PortSpecs.parseExpose("53/udp")).containsExactly("53/udp");
        assertThat(PortSpecs.parseExpose("7000-7002")).containsExactly("7000/tcp", "7001/tcp", "7002/tcp");
        assertThatThrownBy(() -> PortSpecs.parseExpose("8080:80")).hasMessage("invalid port format for --expose: 8080:80");
        assertThatThrownBy(() -> PortSpecs.parseExpose("x"))
                .hasMessage("invalid range format for --expose: x, error: strconv.ParseUint: parsing \"x\": invalid syntax");
        assertThatThrownBy(() -> PortSpecs.parseExpose("99999")).hasMessage(
                "invalid range format for --expose: 99999, error: strconv.ParseUint: parsing \"99999\": value out of range");
        assertThatThrownBy(() -> PortSpecs.parseExpose("90-80"))
                .hasMessage("invalid range format for --expose: 90-80, error: Invalid range specified for the Port: 90-80");
    }

    @Test
    void portsArgumentDefaultsToTcp() {
        assertThat(PortSpecs.privatePort("80")).containsExactly("80/tcp", "80/tcp");
        assertThat(PortSpecs.privatePort("53/udp")).containsExactly("53/udp", "53/udp");
        // As docker's CLI: an empty protocol is not dropped, so "80/" is not a port.
        assertThatThrownBy(() -> PortSpecs.privatePort("80/")).hasMessage("strconv.ParseUint: parsing \"80/\": invalid syntax");
        assertThatThrownBy(() -> PortSpecs.privatePort("http")).hasMessage("strconv.ParseUint: parsing \"http\": invalid syntax");
    }
}
