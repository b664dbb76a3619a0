package io.berth.itests;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Testcontainers 2.0.5 (docker-java inside) against Berth's Docker API, unchanged: a container with an
 * exposed port and an HTTP wait strategy, a file copied in before it starts and out after, exec, logs,
 * and a second container reaching the first by its network alias. Ryuk and the start-up checks are
 * off (they need images from Docker Hub, which is not reachable here; the API reference's §8), and
 * the host is localhost, where published ports answer.
 */
class TestcontainersIT extends DaemonWithBusybox {
    @Test
    void aGenericContainerWithANetworkExecCopiesAndLogs() throws Exception {
        Path work = Files.createDirectories(berth.root.resolveSibling("testcontainers"));
        Path home = Files.createDirectories(work.resolve("home"));
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Duser.home=" + home, "-cp", System.getProperty("java.class.path"),
                TestcontainersScenario.class.getName(), work.toString());
        pb.environment().put("DOCKER_HOST", "unix://" + berth.runRoot.resolve("docker.sock"));
        pb.environment().put("TESTCONTAINERS_RYUK_DISABLED", "true");
        pb.environment().put("TESTCONTAINERS_CHECKS_DISABLE", "true");
        pb.environment().put("TESTCONTAINERS_HOST_OVERRIDE", "localhost");
        pb.environment().remove("DOCKER_CONFIG");
        pb.environment().put("DOCKER_CONFIG", Files.createDirectories(work.resolve("docker-config")).toString());
        pb.redirectErrorStream(true);
        Installation.Result r = Installation.run(pb, null, "Testcontainers");
        String checks = String.join("\n", r.out().lines().filter(l -> l.startsWith("ok ") || l.startsWith("FAILED ")
                || l.startsWith("testcontainers:")).toList());
        System.out.println(r.out());
        assertThat(r.status()).as(r.out()).isZero();
        assertThat(checks.lines().toList()).as(r.out()).containsExactly("ok http served", "ok exec 3 copied in to-stderr",
                "ok copied out served", "ok logs web starting", "ok by alias served", "testcontainers: all checks passed");
        // Nothing of it is left: its containers and its network are gone.
        assertThat(ok("ps", "-aq").out()).isEmpty();
        assertThat(ok("network", "ls", "--format", "{{.Name}}").out().lines().toList())
                .containsExactlyInAnyOrder("bridge", "host", "none");
    }
}
