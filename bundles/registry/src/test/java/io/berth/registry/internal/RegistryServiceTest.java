package io.berth.registry.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.api.NotFoundException;
import io.berth.api.ProgressEvent;
import io.berth.api.ProgressListener;
import io.berth.api.content.Digest;
import io.berth.api.image.Image;
import io.berth.api.image.ImageReference;
import io.berth.api.image.ImportOptions;
import io.berth.api.registry.SearchResult;
import io.berth.testing.BusyboxImage;
import io.berth.testing.FaultProxy;
import io.berth.testing.LocalRegistry;
import io.berth.testing.Requirements;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Pull, push, login and search through the registry service into a real image store with the
 * overlay and vfs drivers, against Debian's docker-registry on loopback, with skopeo and umoci as
 * the independent clients that push what Berth pulls and pull what Berth pushes.
 */
class RegistryServiceTest {
    @TempDir
    static Path tmp;
    private static LocalRegistry registry;
    private static Path layout;
    private static BusyboxImage busybox;
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        Requirements.require(BusyboxImage.available(), "busybox is not installed (apt-get install busybox-static)");
        Requirements.require(Requirements.isRoot(), "the overlay driver needs root");
        registry = new LocalRegistry(tmp.resolve("registry"));
        layout = tmp.resolve("layout");
        busybox = BusyboxImage.build();
        busybox.writeOciLayout(layout, "busybox");
        Tools.skopeo(tmp, "copy", "--quiet", "--dest-tls-verify=false", "oci:" + layout + ":busybox",
                "docker://" + registry.host() + "/library/busybox:latest");
    }

    @AfterAll
    static void stop() throws Exception {
        if (registry != null) {
            registry.close();
        }
    }

    /** Collects progress as the lines a plain (non-terminal) display prints. */
    static final class Lines implements ProgressListener {
        final List<String> lines = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void progress(ProgressEvent e) {
            if (e.current() < 0) {
                lines.add(e.id() == null ? e.status() : e.id() + ": " + e.status());
            }
        }

        List<String> of(String id) {
            synchronized (lines) {
                return lines.stream().filter(l -> l.startsWith(id + ": ")).map(l -> l.substring(id.length() + 2)).toList();
            }
        }
    }

    private static String manifestDigest(String reference) throws Exception {
        return Tools.skopeo(tmp, "inspect", "--tls-verify=false", "--format", "{{.Digest}}", "docker://" + reference).strip();
    }

    private static List<String> layerIds(String reference) throws Exception {
        JsonNode m = JSON.readTree(Tools.skopeo(tmp, "inspect", "--tls-verify=false", "--raw", "docker://" + reference));
        List<String> ids = new ArrayList<>();
        m.get("layers").forEach(l -> ids.add(Digest.parse(l.get("digest").asText()).shortHex()));
        return ids;
    }

    @Test
    void pullsWhatSkopeoPushedUnpackedAsUmociUnpacksIt() throws Exception {
        String ref = registry.host() + "/library/busybox:latest";
        try (TestStore store = new TestStore(tmp.resolve("pull-vfs"))) {
            store.defaultStorage = "vfs";
            Lines progress = new Lines();
            Image image = store.registry.pull(ImageReference.parse(registry.host() + "/library/busybox"), progress);

            assertThat(image.id().toString()).isEqualTo(busybox.id());
            assertThat(image.repoTags()).containsExactly(ref);
            assertThat(image.repoDigests()).containsExactly(registry.host() + "/library/busybox@" + manifestDigest(ref));
            assertThat(progress.lines).startsWith("Using default tag: latest", "latest: Pulling from library/busybox");
            for (String id : layerIds(ref)) {
                assertThat(progress.of(id)).containsExactly("Pulling fs layer", "Verifying Checksum", "Download complete",
                        "Extracting", "Pull complete");
            }
            assertThat(progress.lines).endsWith("Digest: " + manifestDigest(ref),
                    "Status: Downloaded newer image for " + ref);

            // The same tree as umoci makes of what skopeo pulls.
            String top = store.images.unpack(ref, "vfs", ProgressListener.NONE);
            Path berthTree = Path.of(store.vfs.graphData(top).get("Dir"));
            Tools.skopeo(tmp, "copy", "--quiet", "--src-tls-verify=false", "docker://" + ref, "oci:" + tmp.resolve("skopeo-oci") + ":bb");
            Tools.run(tmp, Requirements.requireTool("umoci", "umoci").toString(), "unpack", "--image",
                    tmp.resolve("skopeo-oci") + ":bb", tmp.resolve("umoci-bundle").toString());
            assertThat(Tools.tree(berthTree)).isEqualTo(Tools.tree(tmp.resolve("umoci-bundle/rootfs")));

            // Again: nothing to fetch, and (as docker) nothing said of the layers of an image that is here.
            Lines again = new Lines();
            store.registry.pull(ImageReference.parse(ref), again);
            for (String id : layerIds(ref)) {
                assertThat(again.of(id)).isEmpty();
            }
            assertThat(again.lines).last().isEqualTo("Status: Image is up to date for " + ref);
        }
    }

    @Test
    void pushesWhatSkopeoReadsMountsAcrossRepositoriesAndUploadsInChunks() throws Exception {
        String pulled = registry.host() + "/library/busybox:latest";
        try (TestStore store = new TestStore(tmp.resolve("push"))) {
            Image image = store.registry.pull(ImageReference.parse(pulled), ProgressListener.NONE);

            // To another repository of the same registry: the layers are mounted, not sent again.
            String mine = registry.host() + "/team/busybox:v1";
            store.images.tag(pulled, ImageReference.parse(mine));
            Lines progress = new Lines();
            store.registry.push(ImageReference.parse(mine), progress);
            String digest = manifestDigest(mine);
            assertThat(progress.lines).first().isEqualTo("The push refers to repository [" + registry.host() + "/team/busybox]");
            for (String id : layerIds(mine)) {
                assertThat(progress.of(id)).containsExactly("Preparing", "Mounted from library/busybox");
            }
            assertThat(progress.lines).last().asString().startsWith("v1: digest: " + digest + " size: ");
            assertThat(store.images.get(mine).repoDigests()).contains(registry.host() + "/team/busybox@" + digest);
            // Pushing again sends nothing.
            Lines again = new Lines();
            store.registry.push(ImageReference.parse(mine), again);
            for (String id : layerIds(mine)) {
                assertThat(again.of(id)).containsExactly("Preparing", "Layer already exists");
            }

            // An imported image (one layer the registry has never seen), pushed in 64 KiB chunks
            // through a proxy that counts them; skopeo copies it back and Berth pulls it anew.
            try (FaultProxy proxy = new FaultProxy(registry.host())) {
                String imported = proxy.host() + "/team/imported:1";
                Image made = store.images.importRootfs(new ByteArrayInputStream(rootfsTar(300_000)),
                        new ImportOptions(ImageReference.parse(imported), "", List.of(), "-"));
                store.registry.chunkSize(64 * 1024);
                store.registry.push(ImageReference.parse(imported), ProgressListener.NONE);
                assertThat(proxy.count("PATCH /v2/team/imported/blobs/uploads/")).isGreaterThan(2);
                Tools.skopeo(tmp, "copy", "--quiet", "--src-tls-verify=false", "docker://" + imported,
                        "oci:" + tmp.resolve("imported-oci") + ":1");
                try (TestStore fresh = new TestStore(tmp.resolve("push-fresh"))) {
                    Image back = fresh.registry.pull(ImageReference.parse(imported), ProgressListener.NONE);
                    assertThat(back.id()).isEqualTo(made.id());
                    Image bb = fresh.registry.pull(ImageReference.parse(mine), ProgressListener.NONE);
                    assertThat(bb.id()).isEqualTo(image.id());
                }
            }
        }
    }

    /** A gzip'd rootfs tar with one file of random (incompressible) bytes. */
    private static byte[] rootfsTar(int size) throws IOException {
        byte[] data = new byte[size];
        new Random(42).nextBytes(data);
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        byte[] header = new byte[512];
        byte[] name = "random.bin".getBytes();
        System.arraycopy(name, 0, header, 0, name.length);
        put(header, 100, "0000644");
        put(header, 108, "0000000");
        put(header, 116, "0000000");
        put(header, 124, String.format("%011o", size));
        put(header, 136, String.format("%011o", 1_700_000_000L));
        header[156] = '0';
        put(header, 257, "ustar");
        put(header, 263, "00");
        java.util.Arrays.fill(header, 148, 156, (byte) ' ');
        int sum = 0;
        for (byte b : header) {
            sum += b & 0xff;
        }
        put(header, 148, String.format("%06o", sum));
        header[154] = 0;
        tar.write(header);
        tar.write(data);
        tar.write(new byte[(512 - size % 512) % 512]);
        tar.write(new byte[1024]);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(tar.toByteArray());
        }
        return gz.toByteArray();
    }

    private static void put(byte[] header, int at, String s) {
        byte[] b = s.getBytes();
        System.arraycopy(b, 0, header, at, b.length);
    }

    @Test
    void aBrokenDownloadListsNothingAndTheNextPullReusesTheCompleteBlobs() throws Exception {
        String upstreamRef = registry.host() + "/library/busybox:latest";
        List<String> layers = layerIds(upstreamRef);
        JsonNode manifest = JSON.readTree(Tools.skopeo(tmp, "inspect", "--tls-verify=false", "--raw", "docker://" + upstreamRef));
        String big = manifest.get("layers").get(0).get("digest").asText();
        String small = manifest.get("layers").get(1).get("digest").asText();
        try (FaultProxy proxy = new FaultProxy(registry.host()); TestStore store = new TestStore(tmp.resolve("faults"))) {
            String ref = proxy.host() + "/library/busybox:latest";
            for (FaultProxy.Fault fault : List.of(FaultProxy.Fault.TRUNCATE, FaultProxy.Fault.CORRUPT, FaultProxy.Fault.RESET)) {
                proxy.fault(fault, "/blobs/" + big);
                assertThatThrownBy(() -> store.registry.pull(ImageReference.parse(ref), ProgressListener.NONE))
                        .as(fault.name())
                        .hasMessageStartingWith("pull " + ref + ": ")
                        .hasMessageContaining(fault == FaultProxy.Fault.CORRUPT ? "digest mismatch"
                                : fault == FaultProxy.Fault.TRUNCATE ? "has " : "download cut")
                        .hasMessageNotContaining("\n");
                assertThat(store.images.list()).as(fault.name()).isEmpty();
                assertThat(store.content.exists(Digest.parse(big))).isFalse();
                try (var ingest = Files.list(tmp.resolve("faults/content/ingest"))) {
                    assertThat(ingest).as("half-written blobs").isEmpty();
                }
            }
            proxy.fault(null, null);
            int smallFetches = proxy.count("GET /v2/library/busybox/blobs/" + small);
            Lines progress = new Lines();
            Image image = store.registry.pull(ImageReference.parse(ref), progress);
            assertThat(image.id().toString()).isEqualTo(busybox.id());
            // The small layer came whole the first time; it is not fetched again.
            assertThat(proxy.count("GET /v2/library/busybox/blobs/" + small)).isEqualTo(smallFetches).isEqualTo(1);
            assertThat(progress.of(layers.get(1))).containsExactly("Already exists");
            assertThat(progress.of(layers.get(0))).contains("Pull complete");
        }
    }

    @Test
    void tooManyRequestsIsRetriedOnceAfterRetryAfter() throws Exception {
        try (FaultProxy proxy = new FaultProxy(registry.host()); TestStore store = new TestStore(tmp.resolve("429"))) {
            String ref = proxy.host() + "/library/busybox:latest";
            proxy.fault(FaultProxy.Fault.TOO_MANY_ONCE, "/manifests/");
            long start = System.nanoTime();
            store.registry.pull(ImageReference.parse(ref), ProgressListener.NONE);
            assertThat(System.nanoTime() - start).as("waited for Retry-After").isGreaterThanOrEqualTo(1_000_000_000L);
            assertThat(proxy.count("GET /v2/library/busybox/manifests/latest")).isEqualTo(2);

            proxy.fault(FaultProxy.Fault.TOO_MANY_ALWAYS, "/manifests/");
            store.images.remove(ref, true, false);
            assertThatThrownBy(() -> store.registry.pull(ImageReference.parse(ref), ProgressListener.NONE))
                    .hasMessage("pull " + ref + ": " + proxy.host() + ": manifest library/busybox:latest: too many requests (HTTP 429)");
        }
    }

    @Test
    void errorsNameTheImageAndTheCauseAndLeaveTheStoreAlone() throws Exception {
        try (FaultProxy proxy = new FaultProxy(registry.host()); TestStore store = new TestStore(tmp.resolve("errors"))) {
            int closed;
            try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                closed = s.getLocalPort();
            }
            assertThatThrownBy(() -> store.registry.pull(ImageReference.parse("127.0.0.1:" + closed + "/busybox"),
                    ProgressListener.NONE))
                    .hasMessage("pull 127.0.0.1:" + closed + "/busybox:latest: 127.0.0.1:" + closed
                            + ": manifest busybox:latest: connection refused");
            assertThatThrownBy(() -> store.registry.pull(ImageReference.parse("berth-no-such-host.invalid/busybox"),
                    ProgressListener.NONE))
                    .hasMessageStartingWith("pull berth-no-such-host.invalid/busybox:latest: ")
                    .hasMessageEndingWith("no such host");
            assertThatThrownBy(() -> store.registry.pull(ImageReference.parse(registry.host() + "/library/busybox:nope"),
                    ProgressListener.NONE))
                    .isInstanceOf(RegistryException.class)
                    .hasMessage("manifest for " + registry.host() + "/library/busybox:nope not found: "
                            + "manifest unknown: manifest unknown");
            proxy.fault(FaultProxy.Fault.MALFORMED_MANIFEST, "/manifests/");
            assertThatThrownBy(() -> store.registry.pull(ImageReference.parse(proxy.host() + "/library/busybox"),
                    ProgressListener.NONE))
                    .hasMessageStartingWith("pull " + proxy.host() + "/library/busybox:latest: ")
                    .hasMessageContaining("is not valid JSON");
            assertThat(store.images.list()).isEmpty();
            assertThatThrownBy(() -> store.registry.push(ImageReference.parse(registry.host() + "/nothing:here"),
                    ProgressListener.NONE))
                    .isInstanceOf(NotFoundException.class)
                    .hasMessage("An image does not exist locally with the tag: " + registry.host() + "/nothing");
        }
    }

    @Test
    void basicAuthLoginSharesDockersConfigAndLogoutForgets() throws Exception {
        try (LocalRegistry secured = new LocalRegistry(tmp.resolve("basic"), "alice", "s3cret");
             TestStore store = new TestStore(tmp.resolve("basic-store"))) {
            Tools.skopeo(tmp, "copy", "--quiet", "--dest-tls-verify=false", "--dest-creds", "alice:s3cret",
                    "oci:" + layout + ":busybox", "docker://" + secured.host() + "/team/busybox:1");
            String ref = secured.host() + "/team/busybox:1";
            assertThatThrownBy(() -> store.registry.pull(ImageReference.parse(ref), ProgressListener.NONE))
                    .hasMessage("pull access denied for " + secured.host() + "/team/busybox, repository does not exist or "
                            + "may require 'berth login': unauthorized: authentication required");
            assertThatThrownBy(() -> store.registry.login(secured.host(), "alice", "wrong"))
                    .hasMessage("login to " + secured.host() + ": unauthorized: incorrect username or password");
            assertThat(store.dockerConfig().resolve("config.json")).doesNotExist();

            assertThat(store.registry.login(secured.host(), "alice", "s3cret")).isEqualTo("Login Succeeded");
            JsonNode config = JSON.readTree(store.dockerConfig().resolve("config.json").toFile());
            assertThat(config.at("/auths/" + secured.host().replace("/", "~1") + "/auth").asText())
                    .isEqualTo(java.util.Base64.getEncoder().encodeToString("alice:s3cret".getBytes()));
            Image image = store.registry.pull(ImageReference.parse(ref), ProgressListener.NONE);
            assertThat(image.id().toString()).isEqualTo(busybox.id());
            // skopeo reads the same file (docker's format) and may push with it.
            Tools.skopeo(tmp, "copy", "--quiet", "--dest-tls-verify=false", "--authfile",
                    store.dockerConfig().resolve("config.json").toString(), "oci:" + layout + ":busybox",
                    "docker://" + secured.host() + "/team/busybox:2");
            store.images.tag(ref, ImageReference.parse(secured.host() + "/team/busybox:3"));
            store.registry.push(ImageReference.parse(secured.host() + "/team/busybox:3"), ProgressListener.NONE);
            List<SearchResult> found = store.registry.search(secured.host(), "busy", 25);
            assertThat(found).extracting(SearchResult::name).containsExactly(secured.host() + "/team/busybox");

            store.registry.logout(secured.host());
            assertThat(JSON.readTree(store.dockerConfig().resolve("config.json").toFile()).path("auths").size()).isZero();
            // Nothing to forget is no error (docker 28's CLI says the same either way).
            store.registry.logout(secured.host());
            assertThat(store.registry.unencryptedCredentials(secured.host()))
                    .contains(store.dockerConfig().resolve("config.json"));
        }
    }

    @Test
    void httpsWithTheCertificateAuthorityOfCertsD() throws Exception {
        Path pki = Tools.pki(tmp.resolve("service-pki"));
        try (LocalRegistry secure = new LocalRegistry(tmp.resolve("tls-registry"), null, null,
                new Path[] {pki.resolve("server.crt"), pki.resolve("server.key")});
             TestStore store = new TestStore(tmp.resolve("tls-store"))) {
            // Without the CA: HTTPS is spoken (loopback or not), and the certificate is not trusted.
            assertThatThrownBy(() -> store.registry.pull(ImageReference.parse(secure.host() + "/library/busybox:tls"),
                    ProgressListener.NONE))
                    .hasMessageStartingWith("pull " + secure.host() + "/library/busybox:tls: " + secure.host()
                            + ": manifest library/busybox:tls: TLS failure: ");
            Path certs = Files.createDirectories(store.dockerConfig().resolve("certs.d").resolve(secure.host()));
            Files.copy(pki.resolve("ca.crt"), certs.resolve("ca.crt"));
            Tools.skopeo(tmp, "copy", "--quiet", "--dest-cert-dir", certs.toString(), "oci:" + layout + ":busybox",
                    "docker://" + secure.host() + "/library/busybox:tls");
            Image image = store.registry.pull(ImageReference.parse(secure.host() + "/library/busybox:tls"), ProgressListener.NONE);
            assertThat(image.id().toString()).isEqualTo(busybox.id());
            store.images.tag(image.id().toString(), ImageReference.parse(secure.host() + "/library/busybox:back"));
            store.registry.push(ImageReference.parse(secure.host() + "/library/busybox:back"), ProgressListener.NONE);
        }
    }

    @Test
    void bearerTokensFromTheRegistrysTokenServiceCachedPerScopeAndRenewedWhenRefused() throws Exception {
        try (TokenServer tokens = new TokenServer(tmp.resolve("token-service"), "bob", "hunter2");
             LocalRegistry guarded = LocalRegistry.withAuth(tmp.resolve("token-registry"), tokens.registryAuth());
             TestStore store = new TestStore(tmp.resolve("token-store"))) {
            String ref = guarded.host() + "/team/busybox:1";
            Tools.skopeo(tmp, "copy", "--quiet", "--dest-tls-verify=false", "--dest-creds", "bob:hunter2",
                    "oci:" + layout + ":busybox", "docker://" + ref);
            // Anonymous callers get a token without access: the registry refuses.
            assertThatThrownBy(() -> store.registry.pull(ImageReference.parse(ref), ProgressListener.NONE))
                    .hasMessageStartingWith("pull access denied for " + guarded.host() + "/team/busybox");
            assertThatThrownBy(() -> store.registry.login(guarded.host(), "bob", "wrong"))
                    .hasMessage("login to " + guarded.host() + ": unauthorized: incorrect username or password");
            assertThat(store.registry.login(guarded.host(), "bob", "hunter2")).isEqualTo("Login Succeeded");

            int before = tokens.issued.get();
            Image image = store.registry.pull(ImageReference.parse(ref), ProgressListener.NONE);
            assertThat(image.id().toString()).isEqualTo(busybox.id());
            // One token for the repository's pull scope serves the manifest and every blob.
            assertThat(tokens.issued.get() - before).isEqualTo(1);
            assertThat(tokens.scopes).contains("repository:team/busybox:pull");

            // Push to another repository: a pull,push token for it, and the layers mounted.
            String other = guarded.host() + "/team/copy:1";
            store.images.tag(ref, ImageReference.parse(other));
            Lines progress = new Lines();
            store.registry.push(ImageReference.parse(other), progress);
            assertThat(tokens.scopes).contains("repository:team/copy:pull,push");
            Tools.skopeo(tmp, "inspect", "--tls-verify=false", "--creds", "bob:hunter2", "docker://" + other);

            // A token the registry no longer accepts (it allows 60 s past exp) is replaced when the
            // registry challenges again, though the client thought it good for a while yet.
            tokens.lifetime = -55;
            RegistryComponent client = new RegistryComponent(store, store.images, store.content);
            store.images.remove(ref, true, false);
            store.images.remove(other, true, false);
            client.pull(ImageReference.parse(ref), ProgressListener.NONE);
            Thread.sleep(6_000);
            tokens.lifetime = 300;
            int stale = tokens.issued.get();
            store.images.remove(ref, true, false);
            client.pull(ImageReference.parse(ref), ProgressListener.NONE);
            assertThat(tokens.issued.get()).isGreaterThan(stale);
        }
    }

    @Test
    void thePlatformIsChosenFromAnIndexAndTheIndexDigestRecorded() throws Exception {
        Tools.skopeo(tmp, "copy", "--quiet", "--src-tls-verify=false", "--dest-tls-verify=false",
                "docker://" + registry.host() + "/library/busybox:latest", "docker://" + registry.host() + "/library/multi:one");
        RegistryClient client = RegistryClient.of(registry.host(), true, null);
        RegistryClient.Manifest m = client.manifest("library/multi", "one");
        // An index with the host's platform and another, both naming the one image.
        String entry = "{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%d,\"platform\":{\"os\":\"linux\","
                + "\"architecture\":\"%s\"%s}}";
        String index = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
                + String.format(entry, m.mediaType(), m.digest(), m.bytes().length, "arm64", ",\"variant\":\"v8\"") + ","
                + String.format(entry, m.mediaType(), m.digest(), m.bytes().length, io.berth.api.content.Platform.host().architecture(), "")
                + "]}";
        Digest indexDigest = client.putManifest("library/multi", "latest", "application/vnd.oci.image.index.v1+json",
                index.getBytes());
        assertThat(indexDigest).isEqualTo(Digest.sha256(index.getBytes()));
        String ref = registry.host() + "/library/multi:latest";
        try (TestStore store = new TestStore(tmp.resolve("platforms"))) {
            Image image = store.registry.pull(ImageReference.parse(ref), ProgressListener.NONE);
            assertThat(image.id().toString()).isEqualTo(busybox.id());
            assertThat(image.repoDigests()).containsExactly(registry.host() + "/library/multi@" + indexDigest);
            Image arm = store.registry.pull(ImageReference.parse(ref),
                    new io.berth.api.registry.PullOptions(io.berth.api.content.Platform.parse("linux/arm64/v8"), null),
                    ProgressListener.NONE);
            assertThat(arm.id()).isEqualTo(image.id());
            assertThatThrownBy(() -> store.registry.pull(ImageReference.parse(ref),
                    new io.berth.api.registry.PullOptions(io.berth.api.content.Platform.parse("linux/s390x"), null),
                    ProgressListener.NONE))
                    .isInstanceOf(NotFoundException.class)
                    .hasMessage("pull " + ref + ": no matching manifest for linux/s390x in the manifest list entries");
        }
    }

    @Test
    void plainHttpOnlyForLoopbackAndConfiguredInsecureRegistries() throws Exception {
        try (TestStore store = new TestStore(tmp.resolve("insecure"))) {
            store.insecure = List.of("registry.example:5000", "10.1.2.3");
            assertThat(store.registry.plainHttp("127.0.0.1:5000")).isTrue();
            assertThat(store.registry.plainHttp("127.1.2.3")).isTrue();
            assertThat(store.registry.plainHttp("localhost:5000")).isTrue();
            assertThat(store.registry.plainHttp("[::1]:5000")).isTrue();
            assertThat(store.registry.plainHttp("registry.example:5000")).isTrue();
            assertThat(store.registry.plainHttp("10.1.2.3:443")).isTrue();
            assertThat(store.registry.plainHttp("registry.example:5001")).isFalse();
            assertThat(store.registry.plainHttp("docker.io")).isFalse();
            assertThat(store.registry.plainHttp("10.1.2.4")).isFalse();
        }
    }

    @Test
    void searchOfDockerHubReadsItsIndexApi() throws Exception {
        // Docker Hub cannot be reached from here: a server on loopback answers as its v1 search API.
        com.sun.net.httpserver.HttpServer hub = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 4);
        List<String> queries = Collections.synchronizedList(new ArrayList<>());
        hub.createContext("/v1/search", ex -> {
            queries.add(ex.getRequestURI().getRawQuery());
            byte[] body = ("{\"num_results\":2,\"query\":\"ubuntu\",\"results\":["
                    + "{\"name\":\"ubuntu\",\"description\":\"Ubuntu is a Debian-based Linux operating system\","
                    + "\"star_count\":12423,\"is_official\":true,\"is_automated\":false},"
                    + "{\"name\":\"dorowu/ubuntu-desktop-lxde-vnc\",\"description\":\"Docker image to provide HTML5 VNC\","
                    + "\"star_count\":543,\"is_official\":false,\"is_automated\":true}]}").getBytes();
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        hub.start();
        try (TestStore store = new TestStore(tmp.resolve("hub"))) {
            store.registry.hubSearch("http://127.0.0.1:" + hub.getAddress().getPort() + "/v1/search");
            List<SearchResult> found = store.registry.search(null, "ubuntu", 25);
            assertThat(found).containsExactly(
                    new SearchResult("ubuntu", "Ubuntu is a Debian-based Linux operating system", 12423, true, false),
                    new SearchResult("dorowu/ubuntu-desktop-lxde-vnc", "Docker image to provide HTML5 VNC", 543, false, true));
            assertThat(store.registry.search("docker.io", "ubuntu", 1)).hasSize(1);
            assertThat(queries).containsExactly("q=ubuntu&n=25", "q=ubuntu&n=1");
        } finally {
            hub.stop(0);
        }
    }
}
