package io.berth.containers.internal;

import io.berth.api.container.HostConfig;
import io.berth.api.image.ContainerConfig;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What an image committed from a container keeps of the container's config, as docker's commit keeps it. */
class CommitsTest {
    @Test
    void theImageKeepsTheProcessNotThisContainersTerminalOrHostname() {
        ContainerConfig c = ContainerConfig.builder().hostname("f00d").user("user").attachStdin(true).attachStdout(true)
                .attachStderr(true).tty(true).openStdin(true).stdinOnce(true).env(List.of("A=1")).cmd(List.of("sh"))
                .entrypoint(List.of("/init")).workingDir("/w").labels(Map.of("k", "v")).stopSignal("SIGINT")
                .stopTimeout(3).exposedPorts(List.of("80/tcp")).volumes(List.of("/data")).image("busybox").build();
        ContainerRecord r = new ContainerRecord("a".repeat(64), "c", Instant.now().toString(), "busybox",
                "sha256:" + "1".repeat(64), "/init", List.of("sh"), c, HostConfig.DEFAULT, "overlay", "a".repeat(64), "init", null, null, null);
        ContainerConfig image = Commits.imageConfig(r);
        assertThat(image).isEqualTo(ContainerConfig.builder().user("user").env(List.of("A=1")).cmd(List.of("sh"))
                .entrypoint(List.of("/init")).workingDir("/w").labels(Map.of("k", "v")).stopSignal("SIGINT").stopTimeout(3)
                .exposedPorts(List.of("80/tcp")).volumes(List.of("/data")).image("sha256:" + "1".repeat(64)).build());
    }
}
