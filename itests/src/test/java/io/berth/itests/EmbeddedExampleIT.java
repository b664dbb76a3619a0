package io.berth.itests;

import io.berth.shim.Subreaper;
import io.berth.testing.BusyboxImage;
import io.berth.testing.Requirements;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * examples/embedded as its README says to run it: its launcher starts Apache Felix, then Eclipse
 * Equinox, with Berth's bundles and the example's own, which loads busybox, runs a container and
 * prints its log through ContainerService and ImageStore; Berth's bundles are tied to neither.
 */
class EmbeddedExampleIT {
    @ParameterizedTest
    @ValueSource(strings = {"org.apache.felix.framework.jar", "org.eclipse.osgi.jar"})
    void theExampleRunsAContainerInTheFramework(String framework) throws Exception {
        Requirements.require(Requirements.isRoot(), "containers need root");
        Requirements.require(BusyboxImage.available(), "busybox is not installed (apt-get install busybox-static)");
        Path example = Path.of(System.getProperty("berth.example.embedded", "../examples/embedded/target"));
        Path jar = example.resolve("berth-embedded-example-0.1.0-SNAPSHOT.jar");
        Requirements.require(Files.exists(jar), "the example is not built at " + jar);
        Subreaper.start();
        Path work = Files.createTempDirectory("berth-embedded");
        try {
            Path image = work.resolve("busybox.tar");
            BusyboxImage.build().writeDockerArchive(image, "busybox:latest");
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    jar + ":" + example.resolve("frameworks").resolve(framework), "org.example.berth.embedded.Launcher",
                    example.resolve("bundles").toString(), image.toString(), work.resolve("engine").toString());
            Installation.Result r = Installation.run(pb, null, "the embedded example on " + framework);
            assertThat(r.status()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("framework: " + (framework.contains("felix") ? "org.apache.felix.framework"
                    : "org.eclipse.osgi")).contains("hello from a container of an embedded Berth\nLinux\nexit status 0\n")
                    .contains("result: ok");
            assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(work.toString());
        } finally {
            new ProcessBuilder("rm", "-rf", "--", work.toString()).inheritIO().start().waitFor();
        }
    }
}
