package io.berth.itests;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seed notes' walkthrough, step by step through bin/berth on a real terminal: an interactive
 * container, its changes committed as an image, the image's listing, history and inspect, a run of
 * the new image, rmi refused while a container holds the images, and the dangling image that
 * {@code rmi -f} leaves.
 */
class SeedWalkthroughIT extends DaemonWithBusybox {
    @Test
    void runCommitImagesHistoryInspectRunRmiAsTheSeedDoes() throws Exception {
        // docker run -i -t --name commit_test ubuntu:14.04 (busybox here): create a file, delete one, exit.
        try (TerminalSession t = new TerminalSession(berth.home.resolve("bin/berth") + " run -i -t --name commit_test busybox",
                30, 100, Map.of("BERTH_HOST", berth.host()))) {
            int at = t.await("/ # ", 0);
            t.type("echo made-by-commit-test > /first; rm /bin/vi; ls /\r");
            t.await("first", at);
            t.type("exit\r");
            assertThat(t.waitFor()).isZero();
        }
        assertThat(ok("diff", "commit_test").out()).isEqualTo("C /bin\nD /bin/vi\nA /first\n");

        // docker commit -a "pkeugine" -m "my first commit" commit_test commit_test:1.0.0
        String id = ok("commit", "-a", "pkeugine", "-m", "my first commit", "commit_test", "commit_test:1.0.0").out().strip();
        assertThat(id).matches("sha256:[0-9a-f]{64}");

        String images = ok("images").out();
        assertThat(images).containsPattern("commit_test +1\\.0\\.0 +" + id.substring(7, 19));

        String[] history = ok("history", "commit_test:1.0.0").out().split("\n");
        String[] base = ok("history", "busybox").out().split("\n");
        assertThat(history).hasSize(base.length + 1);
        assertThat(history[1]).startsWith(id.substring(7, 19)).contains("sh").endsWith("my first commit");
        for (int i = 1; i < base.length; i++) {
            // The base's entries follow, the same but for the image id shown only on the top one.
            assertThat(history[i + 1].substring(15).strip().split(" {2,}"))
                    .isEqualTo(base[i].substring(15).strip().split(" {2,}"));
        }

        JsonNode image = JSON.readTree(ok("inspect", "commit_test:1.0.0").out()).get(0);
        JsonNode busybox = JSON.readTree(ok("inspect", "--type", "image", "busybox").out()).get(0);
        assertThat(image.get("Author").asText()).isEqualTo("pkeugine");
        assertThat(image.get("Comment").asText()).isEqualTo("my first commit");
        assertThat(image.get("Parent").asText()).isEqualTo(busybox.get("Id").asText());
        assertThat(image.get("Container").asText()).isEqualTo(inspect("commit_test").get("Id").asText());
        assertThat(image.get("RootFS").get("Layers")).hasSize(busybox.get("RootFS").get("Layers").size() + 1);
        assertThat(image.get("Config").get("Cmd").get(0).asText()).isEqualTo("sh");

        // The new image has the changes; the base image has not.
        assertThat(ok("run", "--rm", "commit_test:1.0.0", "sh", "-c", "cat /first; ls /bin/vi 2>&1 || true").out())
                .isEqualTo("made-by-commit-test\nls: /bin/vi: No such file or directory\n");
        assertThat(ok("run", "--rm", "busybox", "sh", "-c", "ls /first 2>&1; ls /bin/vi").out())
                .isEqualTo("ls: /first: No such file or directory\n/bin/vi\n");

        // While commit_test exists, its image does not go; the image committed from it does, as with docker.
        Installation.Result rmiBase = berth.berth("rmi", "busybox");
        assertThat(rmiBase.status()).isEqualTo(1);
        assertThat(rmiBase.err()).startsWith("Error: conflict: unable to remove repository reference \"busybox\" (must force)");
        assertThat(ok("rmi", "commit_test:1.0.0").out()).startsWith("Untagged: commit_test:1.0.0\nDeleted: " + id);
        ok("rm", "commit_test");

        // rmi -f of a tag a container still uses only takes the name: the image stays, dangling.
        ok("run", "-d", "--name", "holder", "busybox", "sleep", "300");
        assertThat(ok("rmi", "-f", "busybox").out()).isEqualTo("Untagged: busybox:latest\n");
        String dangling = ok("images", "-f", "dangling=true").out();
        assertThat(dangling).containsPattern("<none> +<none> +" + busybox.get("Id").asText().substring(7, 19));
        assertThat(ok("ps", "--format", "{{.Names}} {{.Status}}").out()).startsWith("holder Up");
    }
}
