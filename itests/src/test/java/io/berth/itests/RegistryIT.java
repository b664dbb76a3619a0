package io.berth.itests;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.testing.BusyboxImage;
import io.berth.testing.FaultProxy;
import io.berth.testing.LocalRegistry;
import io.berth.testing.Requirements;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seed's registry commands through bin/berth against Debian's docker-registry on loopback:
 * {@code run} pulling what is missing, {@code pull}, {@code push}, {@code search}, {@code login}
 * with {@code --password-stdin}, {@code logout}; and a daemon killed in the middle of a pull.
 */
class RegistryIT extends DaemonWithBusybox {
    private Path work() throws Exception {
        return Files.createDirectories(berth.root.resolveSibling("registry-it"));
    }

    private static void skopeoPush(Path layout, String target, String... extra) throws Exception {
        Path skopeo = Requirements.requireTool("skopeo", "skopeo");
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(skopeo.toString(), "copy", "--quiet",
                "--dest-tls-verify=false"));
        command.addAll(java.util.List.of(extra));
        command.addAll(java.util.List.of("oci:" + layout + ":busybox", "docker://" + target));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as("skopeo: " + out).isZero();
    }

    @Test
    void runPullsWhatIsMissingAndPushPullSearchWork() throws Exception {
        Path work = work();
        Path layout = work.resolve("layout");
        BusyboxImage.build().writeOciLayout(layout, "busybox");
        try (LocalRegistry registry = new LocalRegistry(work.resolve("registry"))) {
            String name = registry.host() + "/library/busybox";
            skopeoPush(layout, name + ":latest");
            // The same image is loaded as busybox: without it, the pull has its layers to fetch (as docker, a pull
            // of an image that is here fetches nothing).
            ok("rmi", "busybox");

            // As the seed: `docker run` of an image that is not there pulls it first.
            Installation.Result run = berth.berth("run", "--rm", name, "echo", "pulled and ran");
            assertThat(run.status()).as(run.err()).isZero();
            assertThat(run.out()).isEqualTo("pulled and ran\n");
            assertThat(run.err()).startsWith("Unable to find image '" + name + ":latest' locally\n"
                            + "latest: Pulling from library/busybox\n")
                    .contains(": Pulling fs layer\n", ": Download complete\n", ": Pull complete\n", "\nDigest: sha256:")
                    .endsWith("Status: Downloaded newer image for " + name + ":latest\n");

            Installation.Result pull = ok("pull", name);
            assertThat(pull.out()).startsWith("Using default tag: latest\nlatest: Pulling from library/busybox\n")
                    .doesNotContain("Already exists")
                    .endsWith("Status: Image is up to date for " + name + ":latest\n" + name + ":latest\n");
            assertThat(ok("images", "--digests", "--format", "{{.Repository}} {{.Tag}} {{.Digest}}").out())
                    .contains(name + " latest sha256:");
            assertThat(ok("pull", "-q", name + ":latest").out()).isEqualTo(name + ":latest\n");

            // --pull never and an image nowhere.
            Installation.Result never = berth.berth("run", "--pull", "never", registry.host() + "/nothing", "true");
            assertThat(never.status()).isEqualTo(125);
            assertThat(never.err()).isEqualTo("Error: No such image: " + registry.host() + "/nothing:latest\n");
            Installation.Result missing = berth.berth("run", registry.host() + "/nothing", "true");
            assertThat(missing.status()).isEqualTo(125);
            assertThat(missing.err()).contains("Error: manifest for " + registry.host() + "/nothing:latest not found: ");
            assertThat(missing.err().lines().filter(l -> l.startsWith("Error")).count()).isEqualTo(1);

            // A committed image pushed, and pulled back after removal.
            String container = ok("run", "-d", name, "sh", "-c", "echo committed > /greeting; sleep 60").out().strip();
            ok("stop", "-t", "0", container);
            String committed = registry.host() + "/team/greeter:1";
            ok("commit", container, committed);
            Installation.Result push = ok("push", committed);
            assertThat(push.out()).startsWith("The push refers to repository [" + registry.host() + "/team/greeter]\n")
                    .contains(": Pushed\n")
                    .containsPattern("1: digest: sha256:[0-9a-f]{64} size: \\d+\n$");
            ok("rm", container);
            ok("rmi", committed);
            assertThat(ok("run", "--rm", committed, "cat", "/greeting").out()).isEqualTo("committed\n");

            Installation.Result search = ok("search", registry.host() + "/greet");
            List<String> lines = search.out().lines().toList();
            assertThat(lines).hasSize(2);
            assertThat(lines.get(0).split(" +")).containsExactly("NAME", "DESCRIPTION", "STARS", "OFFICIAL", "AUTOMATED");
            assertThat(lines.get(1).strip().split(" +")).containsExactly(registry.host() + "/team/greeter", "0");
            assertThat(lines.get(1).indexOf(" 0")).isEqualTo(lines.get(0).indexOf("STARS") - 1);
        }
    }

    @Test
    void loginWithPasswordStdinKeepsDockersConfigAndLogoutForgets() throws Exception {
        Path work = work();
        Path layout = work.resolve("layout");
        BusyboxImage.build().writeOciLayout(layout, "busybox");
        Path dockerConfig = work.resolve("docker-config");
        berth.configure("registryConfig", dockerConfig.toString(), "RegistryConfigDir");
        try (LocalRegistry registry = new LocalRegistry(work.resolve("basic"), "alice", "s3cret")) {
            skopeoPush(layout, registry.host() + "/team/busybox:1", "--dest-creds", "alice:s3cret");
            Installation.Result denied = berth.berth("pull", registry.host() + "/team/busybox:1");
            assertThat(denied.status()).isEqualTo(1);
            assertThat(denied.err()).startsWith("Error: pull access denied for " + registry.host() + "/team/busybox, ");

            Installation.Result wrong = berth.run(Map.of("BERTH_HOST", berth.host()), "nope\n".getBytes(),
                    "login", "-u", "alice", "--password-stdin", registry.host());
            assertThat(wrong.status()).isEqualTo(1);
            assertThat(wrong.err()).isEqualTo("Error: login to " + registry.host()
                    + ": unauthorized: incorrect username or password\n");
            Installation.Result login = berth.run(Map.of("BERTH_HOST", berth.host()), "s3cret\n".getBytes(),
                    "login", "-u", "alice", "--password-stdin", registry.host());
            assertThat(login.status()).as(login.err()).isZero();
            assertThat(login.out()).isEqualTo("Login Succeeded\n");
            assertThat(login.err()).isEqualTo("\nWARNING! Your credentials are stored unencrypted in '"
                    + dockerConfig.resolve("config.json") + "'.\nConfigure a credential helper to remove this warning. See\n"
                    + "https://docs.docker.com/go/credential-store/\n\n");
            assertThat(Files.readString(dockerConfig.resolve("config.json"))).contains("\"" + registry.host() + "\"")
                    .contains(java.util.Base64.getEncoder().encodeToString("alice:s3cret".getBytes()));
            assertThat(Files.getPosixFilePermissions(dockerConfig.resolve("config.json")))
                    .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
            ok("pull", registry.host() + "/team/busybox:1");

            Installation.Result noTty = berth.berth("login", registry.host());
            assertThat(noTty.status()).isEqualTo(1);
            assertThat(noTty.err()).isEqualTo("Error: Cannot perform an interactive login from a non TTY device\n");

            assertThat(ok("logout", registry.host()).out()).isEqualTo("Removing login credentials for " + registry.host() + "\n");
            // As docker 28's CLI: the same words when there was nothing to forget.
            assertThat(ok("logout", registry.host()).out()).isEqualTo("Removing login credentials for " + registry.host() + "\n");
            assertThat(Files.readString(dockerConfig.resolve("config.json"))).doesNotContain(registry.host());
        }
    }

    @Test
    void aDaemonKilledInTheMiddleOfAPullListsNothingAndThePullAfterReusesWhatWasComplete() throws Exception {
        Path work = work();
        Path layout = work.resolve("layout");
        BusyboxImage.build().writeOciLayout(layout, "busybox");
        try (LocalRegistry registry = new LocalRegistry(work.resolve("registry"));
             FaultProxy proxy = new FaultProxy(registry.host())) {
            skopeoPush(layout, registry.host() + "/library/busybox:slow");
            ok("rmi", "busybox");
            String ref = proxy.host() + "/library/busybox:slow";
            JsonNode manifest = JSON.readTree(skopeoInspectRaw(registry.host() + "/library/busybox:slow"));
            String big = manifest.get("layers").get(0).get("digest").asText();
            String small = manifest.get("layers").get(1).get("digest").asText();
            // The big layer crawls; the small one comes whole at once.
            proxy.fault(FaultProxy.Fault.SLOW, "/blobs/" + big);
            ProcessBuilder pb = new ProcessBuilder(berth.home.resolve("bin/berth").toString(), "pull", ref)
                    .redirectErrorStream(true).redirectOutput(work.resolve("pull.out").toFile());
            pb.environment().put("BERTH_HOST", berth.host());
            Process pull = pb.start();
            pull.getOutputStream().close();
            Path blobs = berth.root.resolve("content/blobs/sha256");
            Path ingest = berth.root.resolve("content/ingest");
            Conditions.await("the small layer stored and the big one on its way", java.time.Duration.ofSeconds(30), () ->
                    Files.exists(blobs.resolve(small.substring(7))) && Files.list(ingest).findAny().isPresent());
            daemon.destroyForcibly().waitFor();
            pull.waitFor();
            assertThat(pull.exitValue()).isNotZero();

            daemon = berth.startDaemon();
            assertThat(ok("images", "-q", ref).out()).isEmpty();
            try (var leftovers = Files.list(ingest)) {
                assertThat(leftovers).as("half-written blobs after the restart").isEmpty();
            }
            proxy.fault(null, null);
            int smallFetches = proxy.count("GET /v2/library/busybox/blobs/" + small);
            Installation.Result again = ok("pull", ref);
            assertThat(again.out()).doesNotContain(small.substring(7, 19) + ": Download complete")
                    .contains(big.substring(7, 19) + ": Download complete\n", big.substring(7, 19) + ": Pull complete\n");
            assertThat(proxy.count("GET /v2/library/busybox/blobs/" + small)).isEqualTo(smallFetches);
            assertThat(ok("run", "--rm", ref, "echo", "whole").out()).isEqualTo("whole\n");
        }
    }

    private static String skopeoInspectRaw(String reference) throws Exception {
        Process p = new ProcessBuilder(Requirements.requireTool("skopeo", "skopeo").toString(), "inspect", "--raw",
                "--tls-verify=false", "docker://" + reference).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).isZero();
        return out;
    }
}
