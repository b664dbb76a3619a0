package io.berth.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The fixture is checked by real tools: skopeo reads both forms, umoci unpacks the layout. */
class BusyboxImageTest {
    @TempDir
    Path tmp;

    @Test
    void isDeterministicAndHasTwoLayers() throws IOException {
        Requirements.require(BusyboxImage.available(), "busybox is not installed (apt-get install busybox-static)");
        BusyboxImage a = BusyboxImage.build();
        BusyboxImage b = BusyboxImage.build();
        assertThat(a.id()).isEqualTo(b.id());
        assertThat(a.layers()).hasSize(2);
        assertThat(a.diffIds()).hasSize(2).doesNotHaveDuplicates();
    }

    @Test
    void skopeoReadsTheOciLayoutAndTheDockerArchive() throws Exception {
        Requirements.require(BusyboxImage.available(), "busybox is not installed (apt-get install busybox-static)");
        Requirements.requireTool("skopeo", "skopeo");
        BusyboxImage image = BusyboxImage.build();
        image.writeOciLayout(tmp.resolve("layout"), "latest");
        image.writeDockerArchive(tmp.resolve("busybox.tar"), "busybox:latest");

        JsonNode oci = new ObjectMapper().readTree(run("skopeo", "inspect", "oci:" + tmp.resolve("layout") + ":latest"));
        assertThat(oci.get("Layers")).hasSize(2);
        assertThat(oci.get("Os").asText()).isEqualTo("linux");

        JsonNode archive = new ObjectMapper().readTree(run("skopeo", "inspect", "--config",
                "docker-archive:" + tmp.resolve("busybox.tar")));
        assertThat(archive.get("rootfs").get("diff_ids")).hasSize(2);
        assertThat(archive.get("config").get("Cmd").get(0).asText()).isEqualTo("sh");
    }

    @Test
    void umociUnpacksTheLayoutWithTheWhiteoutApplied() throws Exception {
        Requirements.require(BusyboxImage.available(), "busybox is not installed (apt-get install busybox-static)");
        Requirements.requireTool("umoci", "umoci");
        Requirements.require(Requirements.isRoot(), "umoci unpack keeps file owners only as root");
        BusyboxImage image = BusyboxImage.build();
        image.writeOciLayout(tmp.resolve("layout"), "latest");
        run("umoci", "unpack", "--image", tmp.resolve("layout") + ":latest", tmp.resolve("bundle").toString());
        Path rootfs = tmp.resolve("bundle/rootfs");
        assertThat(rootfs.resolve("bin/sh")).exists();
        assertThat(Files.isSameFile(rootfs.resolve("bin/sh"), rootfs.resolve("bin/busybox"))).isTrue();
        assertThat(rootfs.resolve(BusyboxImage.ADDED_FILE)).exists();
        assertThat(rootfs.resolve(BusyboxImage.DELETED_FILE)).doesNotExist();
        assertThat(rootfs.resolve(BusyboxImage.LONG_NAME)).hasContent("long name");
        assertThat(Files.getAttribute(rootfs.resolve("home/user"), "unix:uid")).isEqualTo(1000);
        assertThat(run(rootfs.resolve("bin/busybox").toString(), "echo", "hello")).isEqualTo("hello\n");
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + " said: " + out).isZero();
        return out;
    }
}
