package io.berth.registry.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.berth.api.content.Digest;
import io.berth.api.content.MediaTypes;
import io.berth.testing.BusyboxImage;
import io.berth.testing.LocalRegistry;
import io.berth.testing.Requirements;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The client against a real registry (Debian's docker-registry) on loopback, filled by skopeo,
 * and against a small proxy in front of it that corrupts or challenges.
 */
class RegistryClientTest {
    @TempDir
    static Path tmp;
    private static LocalRegistry registry;
    private static ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        Requirements.require(BusyboxImage.available(), "busybox is not installed (apt-get install busybox-static)");
        Path skopeo = Requirements.requireTool("skopeo", "skopeo");
        registry = new LocalRegistry(tmp.resolve("registry"));
        Path layout = tmp.resolve("layout");
        BusyboxImage.build().writeOciLayout(layout, "busybox");
        Process p = new ProcessBuilder(skopeo.toString(), "copy", "--quiet", "--dest-tls-verify=false",
                "oci:" + layout + ":busybox", "docker://" + registry.host() + "/library/busybox:latest")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as("skopeo copy: " + out).isZero();
    }

    @AfterAll
    static void stop() throws Exception {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void readsManifestsAndBlobsVerifiedTagsAndCatalog() throws Exception {
        RegistryClient client = RegistryClient.of(registry.host(), true, null);
        client.ping();
        RegistryClient.Manifest m = client.manifest("library/busybox", "latest");
        assertThat(m.mediaType()).isIn(MediaTypes.OCI_MANIFEST, MediaTypes.DOCKER_MANIFEST);
        // By digest, the same bytes.
        assertThat(client.manifest("library/busybox", m.digest().toString()).bytes()).isEqualTo(m.bytes());
        JsonNode manifest = json.readTree(m.bytes());
        Digest config = Digest.parse(manifest.get("config").get("digest").asText());
        byte[] configBytes;
        try (InputStream in = client.blob("library/busybox", config)) {
            configBytes = in.readAllBytes();
        }
        assertThat(Digest.sha256(configBytes)).isEqualTo(config);
        assertThat(new String(configBytes)).contains("\"org.berth.fixture\":\"busybox\"");
        for (JsonNode layer : manifest.get("layers")) {
            try (InputStream in = client.blob("library/busybox", Digest.parse(layer.get("digest").asText()))) {
                assertThat(in.readAllBytes()).hasSize(layer.get("size").asInt());
            }
        }
        assertThat(client.tags("library/busybox")).containsExactly("latest");
        assertThat(client.catalog()).contains("library/busybox");
    }

    @Test
    void errorsNameTheRegistryTheThingAndTheCause() throws Exception {
        RegistryClient client = RegistryClient.of(registry.host(), true, null);
        assertThatThrownBy(() -> client.manifest("library/busybox", "nope"))
                .isInstanceOf(RegistryException.class)
                .hasMessage(registry.host() + ": manifest library/busybox:nope: manifest unknown: manifest unknown (HTTP 404)");
        assertThatThrownBy(() -> client.manifest("library/nothing", "latest"))
                .hasMessageStartingWith(registry.host() + ": manifest library/nothing:latest: ");
        RegistryClient closed = RegistryClient.of("127.0.0.1:1", true, null);
        assertThatThrownBy(closed::ping).isInstanceOf(RegistryException.class)
                .hasMessage("127.0.0.1:1: ping: connection refused");
    }

    @Test
    void aBlobWithWrongBytesFailsAtItsEndAndBearerChallengesAreAnswered() throws Exception {
        // A proxy in front of the registry: it asks for a bearer token (served by itself), checks it,
        // and flips one byte of every blob.
        HttpClient upstream = HttpClient.newHttpClient();
        HttpServer proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        int port = proxy.getAddress().getPort();
        List<String> tokenRequests = new java.util.concurrent.CopyOnWriteArrayList<>();
        proxy.createContext("/token", ex -> {
            tokenRequests.add(ex.getRequestURI().getRawQuery());
            byte[] body = "{\"token\":\"t0ken\",\"expires_in\":300}".getBytes();
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        proxy.createContext("/v2/", ex -> {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (!"Bearer t0ken".equals(auth)) {
                ex.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"http://127.0.0.1:" + port
                        + "/token\",service=\"test-registry\",scope=\"repository:library/busybox:pull\"");
                ex.sendResponseHeaders(401, -1);
                ex.close();
                return;
            }
            try {
                HttpResponse<byte[]> r = upstream.send(HttpRequest.newBuilder(URI.create("http://" + registry.host()
                        + ex.getRequestURI())).headers(accept(ex.getRequestHeaders().getFirst("Accept"))).GET().build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                byte[] body = r.body();
                if (ex.getRequestURI().getPath().contains("/blobs/") && body.length > 0) {
                    body[body.length / 2] ^= 1;
                }
                r.headers().firstValue("Content-Type").ifPresent(t -> ex.getResponseHeaders().add("Content-Type", t));
                r.headers().firstValue("Docker-Content-Digest").ifPresent(t -> ex.getResponseHeaders().add("Docker-Content-Digest", t));
                ex.sendResponseHeaders(r.statusCode(), body.length == 0 ? -1 : body.length);
                ex.getResponseBody().write(body);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
        });
        proxy.start();
        try {
            RegistryClient client = RegistryClient.of("127.0.0.1:" + port, true, null);
            RegistryClient.Manifest m = client.manifest("library/busybox", "latest");
            assertThat(tokenRequests).hasSize(1);
            assertThat(tokenRequests.get(0)).contains("service=test-registry").contains("scope=repository%3Alibrary%2Fbusybox%3Apull");
            // The token is kept for its scope: no second token request.
            client.manifest("library/busybox", m.digest().toString());
            assertThat(tokenRequests).hasSize(1);
            Digest config = Digest.parse(json.readTree(m.bytes()).get("config").get("digest").asText());
            try (InputStream in = client.blob("library/busybox", config)) {
                assertThatThrownBy(in::readAllBytes).isInstanceOf(RegistryException.class)
                        .hasMessageStartingWith("127.0.0.1:" + port + ": blob " + config.shortHex()
                                + " of library/busybox: digest mismatch: the registry sent sha256:");
            }
        } finally {
            proxy.stop(0);
        }
    }

    @Test
    void basicAuthWithHtpasswdCredentials() throws Exception {
        try (LocalRegistry secured = new LocalRegistry(tmp.resolve("secured"), "alice", "s3cret")) {
            Path layout = tmp.resolve("layout");
            Process p = new ProcessBuilder(Requirements.requireTool("skopeo", "skopeo").toString(), "copy", "--quiet",
                    "--dest-tls-verify=false", "--dest-creds", "alice:s3cret", "oci:" + layout + ":busybox",
                    "docker://" + secured.host() + "/team/busybox:1").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor()).as("skopeo copy: " + out).isZero();

            assertThatThrownBy(() -> RegistryClient.of(secured.host(), true, null).ping())
                    .isInstanceOf(RegistryException.class)
                    .hasMessage(secured.host() + ": ping: unauthorized: authentication required");
            RegistryClient wrong = RegistryClient.of(secured.host(), true, new RegistryClient.Credentials("alice", "nope"));
            assertThatThrownBy(wrong::ping).isInstanceOf(RegistryException.class)
                    .satisfies(e -> assertThat(((RegistryException) e).status()).isEqualTo(401));
            RegistryClient alice = RegistryClient.of(secured.host(), true, new RegistryClient.Credentials("alice", "s3cret"));
            alice.ping();
            assertThat(alice.tags("team/busybox")).containsExactly("1");
            RegistryClient.Manifest m = alice.manifest("team/busybox", "1");
            Digest config = Digest.parse(json.readTree(m.bytes()).get("config").get("digest").asText());
            try (InputStream in = alice.blob("team/busybox", config)) {
                assertThat(Digest.sha256(in.readAllBytes())).isEqualTo(config);
            }
        }
    }

    @Test
    void tlsWithACertificateAuthorityFromCertsD() throws Exception {
        Path pki = Tools.pki(tmp.resolve("pki"));
        try (LocalRegistry secure = new LocalRegistry(tmp.resolve("tls"), null, null,
                new Path[] {pki.resolve("server.crt"), pki.resolve("server.key")})) {
            assertThatThrownBy(() -> RegistryClient.of(secure.host(), false, null).ping())
                    .isInstanceOf(RegistryException.class)
                    .hasMessageStartingWith(secure.host() + ": ping: TLS failure: ");
            Path certsD = tmp.resolve("certs.d");
            java.nio.file.Files.createDirectories(certsD.resolve(secure.host()));
            java.nio.file.Files.copy(pki.resolve("ca.crt"), certsD.resolve(secure.host()).resolve("ca.crt"));
            RegistryClient trusting = RegistryClient.of(secure.host(), false, null, certsD);
            trusting.ping();
            assertThat(trusting.catalog()).isEmpty();
        }
    }

    private static String[] accept(String value) {
        return value == null ? new String[] {"Accept", "*/*"} : new String[] {"Accept", value};
    }

    @Test
    void challengesParseAsRfc7235WritesThem() {
        Challenge c = Challenge.parse("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
                + "scope=\"repository:library/busybox:pull\"");
        assertThat(c.scheme()).isEqualTo("bearer");
        assertThat(c.parameters()).isEqualTo(Map.of("realm", "https://auth.docker.io/token", "service", "registry.docker.io",
                "scope", "repository:library/busybox:pull"));
        assertThat(Challenge.parse("Basic realm=\"Registry Realm\"").parameters()).containsEntry("realm", "Registry Realm");
        assertThat(Challenge.parse(null)).isNull();
    }
}
