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

    /**
     * The socket listens from the start, its server (Netty) starts at the first connection, which
     * it serves; before that, no thread of the server runs.
     */
    @Test
    void theServerStartsAtTheFirstConnectionAndServesIt() throws Exception {
        assertThat(Files.readAttributes(socket(), java.nio.file.attribute.BasicFileAttributes.class).isOther()).as("a socket").isTrue();
        assertThat(threads()).contains("\"berth-docker-api-listen\"").doesNotContain("\"berth-docker-api-io");
        assertThat(curl("/_ping")).startsWith("HTTP/1.1 200 OK").endsWith("OK");
        String after = threads();
        // The waiting thread ends once the server has taken the socket, as the answer goes out.
        for (int i = 0; i < 50 && after.contains("\"berth-docker-api-listen\""); i++) {
            Thread.sleep(100);
            after = threads();
        }
        assertThat(after).contains("\"berth-docker-api-io").doesNotContain("\"berth-docker-api-listen\"");
        assertThat(dockerOk("version", "--format", "{{.Server.APIVersion}}").out()).isEqualTo("1.41\n");
    }

    /** The daemon's threads, as jcmd lists them. */
    private String threads() throws Exception {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Installation.Result r = Installation.run(new ProcessBuilder(jcmd, Long.toString(daemon.pid()), "Thread.print"), null,
                "jcmd Thread.print");
        assertThat(r.status()).as(r.err()).isZero();
        return r.out();
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

    @Test
    void tcpIsServedOnLoopbackOnly() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path cfg = berth.home.resolve("conf/berth.dockerapi.cfg");
        Files.writeString(cfg, "tcp = 127.0.0.1:" + port + "\n");
        String tcp = "tcp://127.0.0.1:" + port;
        Conditions.await("the API on " + tcp, Duration.ofSeconds(30), () -> tcpVersion(tcp).status() == 0);
        assertThat(tcpVersion(tcp).out()).isEqualTo("1.41\n");
        // Any other address is refused: nothing listens there, the unix socket still serves.
        int other;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            other = s.getLocalPort();
        }
        Files.writeString(cfg, "tcp = 0.0.0.0:" + other + "\n");
        Conditions.await("TCP on 127.0.0.1:" + port + " closed", Duration.ofSeconds(30), () -> tcpVersion(tcp).status() != 0);
        Conditions.await("the unix socket back", Duration.ofSeconds(30), () -> docker("version").status() == 0);
        assertThat(tcpVersion("tcp://127.0.0.1:" + other).status()).isNotZero();
        assertThat(Files.readString(berth.root.resolve("berth.log"))).contains("Docker API not served on TCP: berth.dockerapi tcp: 0.0.0.0:"
                + other + " is not a loopback address: without TLS, the API would give root's power to the network");
        Files.writeString(cfg, "tcp =\n");
    }

    /**
     * TLS as dockerd's {@code --tlsverify}: a CA, a server certificate for 127.0.0.1 and a client
     * certificate made with openssl; the docker CLI with its {@code --tlsverify} flags runs a
     * container through it; a client without a certificate is turned away.
     */
    @Test
    void tlsWithClientCertificates() throws Exception {
        Path tls = Files.createDirectories(berth.root.resolveSibling("tls"));
        String[][] steps = {
                {"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca-key.pem", "-out", "ca.pem",
                        "-days", "2", "-subj", "/CN=berth-test-ca"},
                {"openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server-key.pem", "-out", "server.csr",
                        "-subj", "/CN=127.0.0.1"},
                {"sh", "-c", "printf 'subjectAltName=IP:127.0.0.1\\nextendedKeyUsage=serverAuth\\n' > server.ext"},
                {"openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial",
                        "-out", "server.pem", "-days", "2", "-extfile", "server.ext"},
                {"openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out", "client.csr",
                        "-subj", "/CN=client"},
                {"sh", "-c", "printf 'extendedKeyUsage=clientAuth\\n' > client.ext"},
                {"openssl", "x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial",
                        "-out", "cert.pem", "-days", "2", "-extfile", "client.ext"}};
        for (String[] step : steps) {
            Installation.Result r = Installation.run(new ProcessBuilder(step).directory(tls.toFile()), null, String.join(" ", step));
            assertThat(r.status()).as(String.join(" ", step) + ": " + r.out() + r.err()).isZero();
        }
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        // With TLS, any address may be given; the clients' certificates are what is checked.
        Files.writeString(berth.home.resolve("conf/berth.dockerapi.cfg"), "tcp = 0.0.0.0:" + port + "\ntlsCert = "
                + tls.resolve("server.pem") + "\ntlsKey = " + tls.resolve("server-key.pem") + "\ntlsCaCert = "
                + tls.resolve("ca.pem") + "\n");
        String host = "tcp://127.0.0.1:" + port;
        List<String> verified = List.of("--tlsverify", "--tlscacert", tls.resolve("ca.pem").toString(), "--tlscert",
                tls.resolve("cert.pem").toString(), "--tlskey", tls.resolve("key.pem").toString());
        Conditions.await("the API with TLS on " + host, Duration.ofSeconds(30), () -> tlsDocker(host, verified, "version").status() == 0);
        assertThat(tlsDocker(host, verified, "run", "--rm", "busybox", "echo", "over tls").out()).isEqualTo("over tls\n");
        Installation.Result anonymous = tlsDocker(host, List.of("--tls", "--tlscacert", tls.resolve("ca.pem").toString()),
                "version");
        assertThat(anonymous.status()).isNotZero();
        Installation.Result plain = tlsDocker(host, List.of(), "version");
        assertThat(plain.status()).isNotZero();
        Files.writeString(berth.home.resolve("conf/berth.dockerapi.cfg"), "tcp =\n");
    }

    private Installation.Result tlsDocker(String host, List<String> flags, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("docker", "-H", host));
        command.addAll(flags);
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("DOCKER_HOST");
        pb.environment().remove("DOCKER_TLS_VERIFY");
        pb.environment().remove("DOCKER_CERT_PATH");
        pb.environment().put("DOCKER_CONFIG", config.toString());
        return Installation.run(pb, null, String.join(" ", command));
    }

    /** {@code attach/ws}: a WebSocket carrying a running container's input and output, raw. */
    @Test
    void attachOverAWebSocket() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.writeString(berth.home.resolve("conf/berth.dockerapi.cfg"), "tcp = 127.0.0.1:" + port + "\n");
        Conditions.await("the API on TCP", Duration.ofSeconds(30), () -> tcpVersion("tcp://127.0.0.1:" + port).status() == 0);
        dockerOk("run", "-d", "-i", "--name", "echoer", "busybox", "sh", "-c", "echo ready; exec cat");
        java.util.concurrent.LinkedBlockingQueue<String> received = new java.util.concurrent.LinkedBlockingQueue<>();
        java.net.http.WebSocket ws = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(java.net.URI.create("ws://127.0.0.1:" + port
                        + "/v1.41/containers/echoer/attach/ws?stream=1&stdin=1&stdout=1&stderr=1&logs=1"),
                        new java.net.http.WebSocket.Listener() {
                            @Override
                            public java.util.concurrent.CompletionStage<?> onBinary(java.net.http.WebSocket w,
                                                                                    java.nio.ByteBuffer data, boolean last) {
                                byte[] b = new byte[data.remaining()];
                                data.get(b);
                                received.add(new String(b, StandardCharsets.UTF_8));
                                w.request(1);
                                return null;
                            }
                        }).get(30, java.util.concurrent.TimeUnit.SECONDS);
        StringBuilder seen = new StringBuilder();
        Conditions.await("the log's first line through the WebSocket", Duration.ofSeconds(30), () -> {
            String piece = received.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
            if (piece != null) {
                seen.append(piece);
            }
            return seen.toString().contains("ready\n");
        });
        ws.sendText("typed in\n", true).get(30, java.util.concurrent.TimeUnit.SECONDS);
        Conditions.await("the echo through the WebSocket", Duration.ofSeconds(30), () -> {
            String piece = received.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
            if (piece != null) {
                seen.append(piece);
            }
            return seen.toString().contains("typed in\n");
        });
        ws.sendClose(java.net.http.WebSocket.NORMAL_CLOSURE, "").get(30, java.util.concurrent.TimeUnit.SECONDS);
        // Leaving the attachment leaves the container running.
        assertThat(dockerOk("inspect", "-f", "{{.State.Running}}", "echoer").out()).isEqualTo("true\n");
        dockerOk("rm", "-f", "echoer");
        Files.writeString(berth.home.resolve("conf/berth.dockerapi.cfg"), "tcp =\n");
    }

    private Installation.Result tcpVersion(String host) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("docker", "-H", host, "version", "--format", "{{.Server.APIVersion}}");
        pb.environment().remove("DOCKER_HOST");
        pb.environment().put("DOCKER_CONFIG", config.toString());
        return Installation.run(pb, null, "docker -H " + host + " version");
    }

    /** A POST with a body file through curl on the socket: the status line, headers and body. */
    private String curlPost(String path, Path body) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("curl", "-s", "-i", "--unix-socket", socket().toString(), "-X", "POST",
                "-H", "Content-Type: application/json", "--data-binary", "@" + body, "http://docker" + path);
        return Installation.run(pb, null, "curl POST " + path).out().replace("\r\n", "\n").strip();
    }

    @Test
    void badInputIsRefusedAndLeavesNothing() throws Exception {
        Path dir = Files.createDirectories(berth.root.resolveSibling("bad-input"));
        assertThat(curlPost("/v1.41/containers/create", Files.writeString(dir.resolve("malformed.json"), "{\"Image\": ")))
                .startsWith("HTTP/1.1 400").contains("{\"message\":\"invalid JSON: ");
        assertThat(curlPost("/v1.41/containers/create", Files.writeString(dir.resolve("type.json"),
                "{\"Image\":\"busybox\",\"Cmd\":5}"))).startsWith("HTTP/1.1 400")
                .contains("{\"message\":\"json: cannot unmarshal number into Go struct field Config.Cmd of type []string\"}");
        assertThat(curlPost("/v1.41/containers/create", Files.writeString(dir.resolve("unsupported.json"),
                "{\"Image\":\"busybox\",\"HostConfig\":{\"Sysctls\":{\"net.ipv4.ip_forward\":\"1\"}}}")))
                .startsWith("HTTP/1.1 400").contains("{\"message\":\"HostConfig.Sysctls is not supported by Berth\"}");
        Path huge = dir.resolve("huge.json");
        try (var out = Files.newBufferedWriter(huge)) {
            out.write("{\"Image\":\"busybox\",\"Env\":[");
            for (int i = 0; i < 600_000; i++) {
                out.write((i == 0 ? "" : ",") + "\"V" + i + "=xxxxxxxxxxxxxxxxxxx\"");
            }
            out.write("]}");
        }
        assertThat(Files.size(huge)).isGreaterThan(16 << 20);
        assertThat(curlPost("/v1.41/containers/create", huge)).startsWith("HTTP/1.1 400")
                .contains("request body too large: a JSON body is at most 16 MiB");
        assertThat(dockerOk("ps", "-aq").out()).isEmpty();

        // Clients that go in the middle of a stream end it; the API goes on serving.
        dockerOk("run", "-d", "--name", "talker", "busybox", "sh", "-c", "while true; do echo tick; sleep 0.1; done");
        for (String stream : List.of("/v1.41/containers/talker/logs?stdout=1&follow=1", "/v1.41/events",
                "/v1.41/containers/talker/stats")) {
            Process p = new ProcessBuilder("curl", "-s", "-N", "--unix-socket", socket().toString(), "http://docker" + stream)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            Thread.sleep(500);
            p.destroy();
            assertThat(p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }
        assertThat(dockerOk("logs", "--tail", "1", "talker").out()).isEqualTo("tick\n");
        dockerOk("rm", "-f", "talker");
        assertThat(dockerOk("version", "--format", "{{.Server.APIVersion}}").out()).isEqualTo("1.41\n");
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
            // What the registry has, nothing pulled: the manifest's descriptor and its config's platform, as dockerd says it.
            String digest = push.out().replaceAll("(?s).*digest: (sha256:[0-9a-f]{64}).*", "$1");
            assertThat(curl("/v1.41/distribution/" + name + "/json")).startsWith("HTTP/1.1 200").endsWith(
                    "{\"Descriptor\":{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\""
                            + digest + "\",\"size\":" + push.out().replaceAll("(?s).*digest: sha256:[0-9a-f]{64} size: (\\d+).*", "$1")
                            + "},\"Platforms\":[{\"architecture\":\"amd64\",\"os\":\"linux\"}]}");
            assertThat(curl("/v1.41/distribution/" + registry.host() + "/api/busybox:nosuch/json")).startsWith("HTTP/1.1 404")
                    .endsWith("{\"message\":\"manifest unknown: manifest unknown\"}");
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

    /**
     * docker-compose 1.29.2 (Debian's, docker-py inside) through the API: the compose issue's
     * 3-service project through the seed's steps, as its own v1 names and labels make it.
     */
    @Test
    void dockerCompose129DrivesTheReferenceProject() throws Exception {
        Requirements.requireTool("docker-compose", "docker-compose");
        ok("tag", "busybox:latest", "bb:latest");
        Path dir = Files.createDirectories(berth.root.resolveSibling("cp1").resolve("www"));
        dir = dir.getParent();
        try (var in = getClass().getResourceAsStream("/compose/cmpres.yml")) {
            Files.write(dir.resolve("docker-compose.yml"), in.readAllBytes());
        }
        Files.writeString(dir.resolve("www/index.html"), "hello from web\n");
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.writeString(dir.resolve(".env"), "WEB_PORT=" + port + "\nGREETING=hi\n");
        Path project = dir;
        java.util.function.Function<String[], Installation.Result> compose = args -> {
            List<String> command = new ArrayList<>(List.of("docker-compose", "-H", "unix://" + socket()));
            command.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(command).directory(project.toFile());
            pb.environment().remove("DOCKER_HOST");
            pb.environment().put("DOCKER_CONFIG", config.toString());
            try {
                Installation.Result r = Installation.run(pb, null, String.join(" ", command));
                assertThat(r.status()).as(String.join(" ", args) + ": " + r.out() + r.err()).isZero();
                return r;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
        compose.apply(new String[]{"up", "-d"});
        List<String> five = List.of("cp1_client_1", "cp1_web_1", "cp1_worker_1", "cp1_worker_2", "cp1_worker_3");
        assertThat(names()).isEqualTo(five);
        assertThat(compose.apply(new String[]{"ps"}).out()).containsPattern("cp1_web_1 .* Up \\(healthy\\) +127\\.0\\.0\\.1:"
                + port + "->8080/tcp");
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        assertThat(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("hello from web\n");
        // The client fetches web by its service name on the project's network.
        Conditions.await("the client's first fetch", Duration.ofSeconds(30),
                () -> compose.apply(new String[]{"logs", "--no-color", "client"}).out().contains("client_1  | hello from web"));
        assertThat(JSON.readTree(dockerOk("inspect", "cp1_web_1").out()).get(0).at("/Config/Labels/com.docker.compose.project")
                .asText()).isEqualTo("cp1");
        compose.apply(new String[]{"scale", "worker=5"});
        assertThat(names()).contains("cp1_worker_4", "cp1_worker_5").hasSize(7);
        // The seed's steps: stop everything, then remove the project's stopped containers and their volumes.
        List<String> stop = new ArrayList<>(List.of("stop"));
        stop.addAll(dockerOk("ps", "-q").out().lines().toList());
        dockerOk(stop.toArray(String[]::new));
        compose.apply(new String[]{"rm", "-v", "-f"});
        assertThat(dockerOk("ps", "-aq").out()).isEmpty();
        compose.apply(new String[]{"up", "-d"});
        assertThat(names()).isEqualTo(five);
        compose.apply(new String[]{"down", "-v"});
        assertThat(dockerOk("ps", "-aq").out()).isEmpty();
        assertThat(dockerOk("network", "ls", "--format", "{{.Name}}").out()).doesNotContain("cp1_default");
        assertThat(dockerOk("volume", "ls", "-q").out()).doesNotContain("cp1_webdata");
    }

    private List<String> names() throws Exception {
        return dockerOk("ps", "--format", "{{.Names}}").out().lines().sorted().toList();
    }
}
