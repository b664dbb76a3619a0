package io.berth.itests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.testing.BusyboxImage;
import io.berth.testing.Requirements;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The image commands through bin/berth, checked against skopeo, an independent reader. */
class ImagesIT {
    private Installation berth;
    private BusyboxImage busybox;
    private Path archive;

    @BeforeEach
    void setUp() throws Exception {
        Requirements.require(Requirements.isRoot(), "the daemon unpacks layers as root");
        Requirements.require(BusyboxImage.available(), "busybox is not installed (apt-get install busybox-static)");
        berth = new Installation();
        busybox = BusyboxImage.build();
        archive = berth.root.resolveSibling("busybox.tar");
        busybox.writeDockerArchive(archive, "busybox:latest");
        berth.startDaemon();
    }

    @AfterEach
    void tearDown() throws Exception {
        berth.close();
    }

    private Installation.Result ok(String... args) throws Exception {
        Installation.Result r = berth.berth(args);
        assertThat(r.status()).as("berth " + String.join(" ", args) + ": " + r.err()).isZero();
        return r;
    }

    @Test
    void loadTagInspectHistorySaveRemoveAndLoadAgain() throws Exception {
        assertThat(ok("load", "-i", archive.toString()).out()).isEqualTo("Loaded image: busybox:latest\n");
        ok("tag", "busybox", "mybox:1.0");
        String short12 = busybox.id().substring(7, 19);
        assertThat(ok("images").out()).isEqualTo("""
                REPOSITORY   TAG       IMAGE ID       CREATED       SIZE
                busybox      latest    %s   2 years ago   %s
                mybox        1.0       %s   2 years ago   %s
                """.formatted(short12, size(), short12, size()));
        assertThat(ok("images", "-q", "mybox").out()).isEqualTo(short12 + "\n");

        JsonNode inspect = new ObjectMapper().readTree(ok("inspect", "busybox").out());
        assertThat(inspect).hasSize(1);
        JsonNode image = inspect.get(0);
        assertThat(image.get("Id").asText()).isEqualTo(busybox.id());
        assertThat(image.get("RepoTags")).extracting(JsonNode::asText).containsExactly("busybox:latest", "mybox:1.0");
        assertThat(image.get("RootFS").get("Layers")).extracting(JsonNode::asText).isEqualTo(busybox.diffIds());
        assertThat(image.get("GraphDriver").get("Name").asText()).isEqualTo("overlay");
        assertThat(image.get("Config").get("Cmd")).extracting(JsonNode::asText).containsExactly("sh");
        assertThat(ok("image", "inspect", "-f", "{{.Os}}/{{.Architecture}}", "mybox:1.0").out()).isEqualTo("linux/amd64\n");

        List<String> history = ok("history", "busybox").out().lines().toList();
        assertThat(history).hasSize(4);
        assertThat(history.get(0)).startsWith("IMAGE          CREATED       CREATED BY");
        assertThat(history.get(1)).startsWith(short12).contains("CMD [\"sh\"]").contains("0B");
        assertThat(history.get(2)).startsWith("<missing>").endsWith("second layer");

        Path saved = berth.root.resolveSibling("saved.tar");
        Path savedOci = berth.root.resolveSibling("saved-oci.tar");
        ok("save", "-o", saved.toString(), "busybox");
        ok("save", "--format", "oci", "-o", savedOci.toString(), "mybox:1.0");
        String skopeoArchive = HostCommands.run("skopeo", "inspect", "--config", "docker-archive:" + saved);
        assertThat(skopeoArchive).contains(busybox.diffIds().get(0));
        String skopeoStore = HostCommands.run("skopeo", "inspect", "oci:" + berth.root.resolve("content") + ":docker.io/library/busybox:latest");
        assertThat(skopeoStore).contains("\"Layers\"");

        // As docker: the image, then its layers by chain id, the top one first.
        String chain0 = busybox.diffIds().get(0);
        String chain1 = "sha256:" + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest((chain0 + " " + busybox.diffIds().get(1)).getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        assertThat(ok("rmi", "busybox", "mybox:1.0").out()).isEqualTo("Untagged: busybox:latest\nUntagged: mybox:1.0\nDeleted: "
                + busybox.id() + "\nDeleted: " + chain1 + "\nDeleted: " + chain0 + "\n");
        assertThat(ok("images", "-q").out()).isEmpty();
        assertThat(ok("load", "-i", saved.toString()).out()).isEqualTo("Loaded image: busybox:latest\n");
        assertThat(ok("load", "-i", savedOci.toString()).out()).isEqualTo("Loaded image: mybox:1.0\n");
        assertThat(ok("images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}").out().lines())
                .containsExactlyInAnyOrder("busybox:latest " + short12, "mybox:1.0 " + short12);
        // Loading a tag another image has: docker's words for it.
        ok("run", "--name", "changed", "busybox", "touch", "/changed");
        ok("commit", "changed", "bb:1");
        Path other = berth.root.resolveSibling("bb.tar");
        ok("save", "-o", other.toString(), "bb:1");
        ok("tag", "busybox", "bb:1");
        assertThat(ok("load", "-i", other.toString()).out()).isEqualTo("The image bb:1 already exists, renaming the old one "
                + "with ID sha256:" + ok("inspect", "-f", "{{.Id}}", "busybox").out().strip().substring(7)
                + " to empty string\nLoaded image: bb:1\n");
        assertThat(ok("load", "-i", other.toString()).out()).isEqualTo("Loaded image: bb:1\n");
        ok("rm", "changed");
    }

    @Test
    void importFromStandardInputWithChangesAndErrorsAsDocker() throws Exception {
        Installation.Result imported = berth.run(Map.of("BERTH_HOST", berth.host()), busybox.layers().get(0),
                "import", "-c", "CMD [\"sh\"]", "-m", "from a test", "-", "base:v1");
        assertThat(imported.status()).as(imported.err()).isZero();
        assertThat(imported.out()).startsWith("sha256:");
        assertThat(ok("inspect", "-f", "{{json .Config.Cmd}} {{.Comment}}", "base:v1").out()).isEqualTo("[\"sh\"] from a test\n");

        Installation.Result missing = berth.berth("inspect", "nosuch");
        assertThat(missing.status()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("Error: No such object: nosuch\n");
        assertThat(missing.out()).isEqualTo("[]\n");
        Installation.Result noFile = berth.berth("load", "-i", "/nonexistent.tar");
        assertThat(noFile.status()).isEqualTo(1);
        assertThat(noFile.err()).isEqualTo("open /nonexistent.tar: no such file or directory\n");
        Installation.Result badRef = berth.berth("tag", "base:v1", "UPPER");
        assertThat(badRef.status()).isEqualTo(1);
        assertThat(badRef.err()).startsWith("Error parsing reference: \"UPPER\" is not a valid repository/tag: invalid reference format");
        Installation.Result notAnArchive = berth.run(Map.of("BERTH_HOST", berth.host()), "garbage".repeat(100).getBytes(),
                "load");
        assertThat(notAnArchive.status()).isEqualTo(1);
        assertThat(notAnArchive.err()).isEqualTo("Error processing tar file(exit status 1): archive/tar: invalid tar header\n");
        assertThat(ok("images", "-q").out().lines()).hasSize(1);
    }

    /** The fixture's size as docker shows it (1.98MB): its layers' files, regular files and link targets, not the tars. */
    private String size() throws java.io.IOException {
        long total = 0;
        for (byte[] layer : busybox.layers()) {
            io.berth.layers.tar.TarReader r = new io.berth.layers.tar.TarReader(new java.io.ByteArrayInputStream(layer));
            for (io.berth.layers.tar.TarHeader h = r.next(); h != null; h = r.next()) {
                total += h.isRegular() ? h.size : h.type == io.berth.layers.tar.TarHeader.SYMLINK ? h.linkName.length() : 0;
            }
        }
        return new java.math.BigDecimal(total / 1e6).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString() + "MB";
    }

}
