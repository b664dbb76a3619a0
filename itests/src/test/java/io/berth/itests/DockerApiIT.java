package io.berth.itests;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.testing.LocalRegistry;
import io.berth.testing.Requirements;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Docker Engine API on {@code <runRoot>/docker.sock}, driven by the real docker CLI (28, as the
 * machine has it, or Debian's docker.io): containers from run to rm with their streams, images
 * through a registry on loopback, networks, volumes, events, and a container's terminal.
 */
class DockerApiIT extends DaemonWithBusybox {
    private Path config;

    @BeforeEach
    void cli() throws Exception {
        Requirements.requireTool("docker", "docker.io");
        config = Files.createDirectories(berth.root.resolveSibling("docker-config"));
    }

    private Path socket() {
        return berth.runRoot.resolve("docker.sock");
    }

    private Installation.Result docker(String... args) throws Exception {
        return docker(null, args);
    }

    private Installation.Result docker(byte[] stdin, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("docker", "-H", "unix://" + socket()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("DOCKER_HOST");
        pb.environment().put("DOCKER_CONFIG", config.toString());
        return Installation.run(pb, stdin, "docker " + String.join(" ", args));
    }

    private Installation.Result dockerOk(String... args) throws Exception {
        Installation.Result r = docker(args);
        assertThat(r.status()).as("docker " + String.join(" ", args) + ": " + r.out() + r.err()).isZero();
        return r;
    }

    @Test
    void theSocketAnswersAsDockerdDoes() throws Exception {
        assertThat(Files.getPosixFilePermissions(socket())).hasSize(4); // rw-rw----
        String version = dockerOk("version").out();
        assertThat(version).containsPattern("API version: +1\\.41 \\(minimum version 1\\.24\\)").containsPattern("Version: +20\\.10\\.24\\+berth\\.");
        assertThat(dockerOk("info", "--format", "{{.OSType}} {{.Swarm.LocalNodeState}} {{.Images}} {{.Driver}}").out())
                .isEqualTo("linux inactive 1 overlay\n");
        // Every version from 1.24 to 1.47 is served; outside, docker's 400.
        assertThat(curl("/v1.24/_ping")).endsWith("OK");
        assertThat(curl("/v1.44/version")).contains("\"ApiVersion\":\"1.41\"");
        assertThat(curl("/v1.99/version")).contains("HTTP/1.1 400")
                .contains("{\"message\":\"client version 1.99 is too new. Maximum supported API version is 1.47\"}");
        assertThat(curl("/v1.41/nosuch")).contains("HTTP/1.1 404").contains("{\"message\":\"page not found\"}");
        assertThat(curl("/_ping")).contains("Api-Version: 1.41").contains("Ostype: linux")
                .contains("Docker-Experimental: false").contains("Server: Docker/20.10.24 (linux)");
    }

    /** A request through curl on the socket: the status line, headers and body. */
    private String curl(String path) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("curl", "-s", "-i", "--unix-socket", socket().toString(), "http://docker" + path);
        Installation.Result r = Installation.run(pb, null, "curl " + path);
        return r.out().replace("\r\n", "\n").strip();
    }

    @Test
    void containersFromRunToRm() throws Exception {
        assertThat(dockerOk("run", "--rm", "busybox", "echo", "hi").out()).isEqualTo("hi\n");
        Installation.Result failed = docker("run", "--rm", "busybox", "sh", "-c", "echo out; echo err >&2; exit 3");
        assertThat(failed.status()).isEqualTo(3);
        assertThat(failed.out()).isEqualTo("out\n");
        assertThat(failed.err()).isEqualTo("err\n");
        assertThat(docker("hello\n".getBytes(StandardCharsets.UTF_8), "run", "-i", "--rm", "busybox", "cat").out())
                .isEqualTo("hello\n");
        Installation.Result missing = docker("run", "--rm", "busybox", "nosuchcommand");
        assertThat(missing.status()).isEqualTo(127);
        assertThat(missing.err()).contains("nosuchcommand");

        String id = dockerOk("run", "-d", "--name", "web", "-p", "127.0.0.1::80", "-e", "A=1", "-l", "app=x",
                "busybox", "sh", "-c", "echo started; exec sleep 300").out().strip();
        assertThat(id).matches("[0-9a-f]{64}");
        assertThat(dockerOk("ps", "--format", "{{.Names}} {{.Image}} {{.Labels}}").out()).contains("web busybox app=x");
        assertThat(dockerOk("ps", "-q", "--filter", "label=app=x").out().strip()).isEqualTo(id.substring(0, 12));
        assertThat(dockerOk("ps", "-q", "--filter", "label=app=y").out()).isEmpty();
        Conditions.await("web's first line", Duration.ofSeconds(30), () -> docker("logs", "web").out().equals("started\n"));
        Installation.Result exec = docker("exec", "web", "sh", "-c", "echo in $A; exit 2");
        assertThat(exec.status()).isEqualTo(2);
        assertThat(exec.out()).isEqualTo("in 1\n");
        assertThat(docker("piped\n".getBytes(StandardCharsets.UTF_8), "exec", "-i", "web", "cat").out()).isEqualTo("piped\n");
        JsonNode inspect = JSON.readTree(dockerOk("inspect", "web").out()).get(0);
        assertThat(inspect.at("/State/Running").asBoolean()).isTrue();
        assertThat(inspect.at("/Config/Env").toString()).contains("A=1");
        String port = inspect.at("/NetworkSettings/Ports/80~1tcp/0/HostPort").asText();
        assertThat(dockerOk("port", "web").out()).isEqualTo("80/tcp -> 127.0.0.1:" + port + "\n");
        assertThat(dockerOk("top", "web").out()).contains("sleep 300");
        dockerOk("pause", "web");
        assertThat(dockerOk("ps", "--format", "{{.Status}}").out()).contains("(Paused)");
        dockerOk("unpause", "web");
        dockerOk("rename", "web", "web2");
        dockerOk("stop", "-t", "1", "web2");
        assertThat(dockerOk("wait", "web2").out()).isEqualTo("137\n");
        dockerOk("start", "web2");
        dockerOk("kill", "web2");
        assertThat(dockerOk("wait", "web2").out()).isEqualTo("137\n");
        dockerOk("rm", "web2");

        // docker's words for what is not there, and its exit statuses.
        Installation.Result inspectMissing = docker("inspect", "nosuch");
        assertThat(inspectMissing.status()).isEqualTo(1);
        assertThat(inspectMissing.err()).contains("No such object: nosuch");
        Installation.Result rmMissing = docker("rm", "nosuch");
        assertThat(rmMissing.status()).isEqualTo(1);
        assertThat(rmMissing.err()).contains("Error response from daemon: No such container: nosuch");

        // logs -f follows until the container ends.
        dockerOk("run", "-d", "--name", "lines", "busybox", "sh", "-c", "for i in 1 2 3; do echo line $i; sleep 0.3; done");
        assertThat(dockerOk("logs", "-f", "lines").out()).isEqualTo("line 1\nline 2\nline 3\n");
        dockerOk("rm", "lines");
    }

    @Test
    void imagesNetworksVolumesAndEvents() throws Exception {
        assertThat(dockerOk("images", "--format", "{{.Repository}}:{{.Tag}}").out()).isEqualTo("busybox:latest\n");
        try (LocalRegistry registry = new LocalRegistry(Files.createDirectories(berth.root.resolveSibling("registry")))) {
            String name = registry.host() + "/api/busybox:1";
            dockerOk("tag", "busybox", name);
            Installation.Result push = dockerOk("push", name);
            assertThat(push.out()).contains("The push refers to repository [" + registry.host() + "/api/busybox]")
                    .containsPattern("1: digest: sha256:[0-9a-f]{64} size: [0-9]+");
            assertThat(dockerOk("rmi", name).out()).contains("Untagged: " + name);
            Installation.Result pull = dockerOk("pull", name);
            assertThat(pull.out()).contains("Status: Downloaded newer image for " + name);
            assertThat(dockerOk("images", "--format", "{{.Repository}}:{{.Tag}}", registry.host() + "/api/busybox").out())
                    .isEqualTo(name + "\n");
            Installation.Result missingTag = docker("pull", registry.host() + "/api/busybox:nosuch");
            assertThat(missingTag.status()).isEqualTo(1);
            assertThat(missingTag.err()).contains("manifest for " + registry.host() + "/api/busybox:nosuch not found");
            dockerOk("rmi", name);
        }
        assertThat(dockerOk("history", "busybox").out()).contains("IMAGE").contains("CREATED BY");

        dockerOk("network", "create", "apinet");
        assertThat(dockerOk("network", "ls", "--format", "{{.Name}}").out()).contains("apinet\n").contains("bridge\n");
        assertThat(dockerOk("run", "--rm", "--network", "apinet", "--name", "n1", "busybox", "cat", "/etc/hostname").out())
                .isNotBlank();
        dockerOk("run", "-d", "--name", "c1", "busybox", "sleep", "300");
        dockerOk("network", "connect", "apinet", "c1");
        assertThat(dockerOk("network", "inspect", "apinet", "--format", "{{range .Containers}}{{.Name}}{{end}}").out())
                .isEqualTo("c1\n");
        dockerOk("network", "disconnect", "apinet", "c1");
        dockerOk("rm", "-f", "c1");
        dockerOk("network", "rm", "apinet");

        dockerOk("volume", "create", "--label", "k=v", "vol1");
        assertThat(dockerOk("volume", "ls", "--format", "{{.Name}} {{.Driver}}").out()).contains("vol1 local");
        assertThat(dockerOk("run", "--rm", "-v", "vol1:/data", "busybox", "sh", "-c", "echo kept > /data/f").status()).isZero();
        assertThat(dockerOk("run", "--rm", "-v", "vol1:/data:ro", "busybox", "cat", "/data/f").out()).isEqualTo("kept\n");
        assertThat(dockerOk("volume", "inspect", "vol1", "--format", "{{.Labels}}").out()).isEqualTo("map[k:v]\n");
        dockerOk("volume", "rm", "vol1");

        // Events of what happened, from --since to --until.
        long since = System.currentTimeMillis() / 1000 - 1;
        dockerOk("run", "--rm", "--name", "evone", "busybox", "true");
        long until = System.currentTimeMillis() / 1000 + 1;
        String events = dockerOk("events", "--since", Long.toString(since), "--until", Long.toString(until), "--filter",
                "container=evone", "--format", "{{.Type}} {{.Action}} {{.Actor.Attributes.name}}").out();
        assertThat(events.lines().toList()).containsSubsequence("container create evone", "container start evone",
                "container die evone", "container destroy evone");
    }

    @Test
    void aContainersTerminal() throws Exception {
        String docker = "docker -H unix://" + socket();
        Map<String, String> env = Map.of("DOCKER_CONFIG", config.toString());
        try (TerminalSession t = new TerminalSession(docker + " run -it --rm --name term busybox sh", 30, 100, env)) {
            int at = t.await("# ", 0);
            t.type("stty size; echo $((6*7))\r");
            at = t.await("30 100", at);
            at = t.await("42", at);
            t.type("exit 5\r");
            assertThat(t.waitFor()).isEqualTo(5);
        }
        dockerOk("run", "-d", "--name", "host", "busybox", "sleep", "300");
        try (TerminalSession t = new TerminalSession(docker + " exec -it host sh", 24, 80, env)) {
            int at = t.await("# ", 0);
            t.type("tty; exit 3\r");
            t.await("/dev/pts/", at);
            assertThat(t.waitFor()).isEqualTo(3);
        }
        dockerOk("rm", "-f", "host");
    }
}
