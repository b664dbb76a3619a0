package io.berth.registry.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.api.InvalidArgumentException;
import io.berth.api.NotFoundException;
import io.berth.api.ProgressEvent;
import io.berth.api.ProgressListener;
import io.berth.api.UnavailableException;
import io.berth.api.content.ContentStore;
import io.berth.api.content.Descriptor;
import io.berth.api.content.Digest;
import io.berth.api.content.MediaTypes;
import io.berth.api.engine.Engine;
import io.berth.api.engine.EngineSettings;
import io.berth.api.image.BlobSource;
import io.berth.api.image.Image;
import io.berth.api.image.ImageReference;
import io.berth.api.image.ImageStore;
import io.berth.api.image.ReceiveRequest;
import io.berth.api.registry.PullOptions;
import io.berth.api.registry.Registry;
import io.berth.api.registry.SearchResult;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferenceCardinality;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The {@link Registry} service: pull, push, search, login and logout against OCI Distribution
 * registries, with docker's conventions: {@code docker.io} is reached at
 * {@code registry-1.docker.io}; credentials are those in {@code <registryConfig>/config.json},
 * shared with {@code docker login}; HTTPS trusts the system's authorities plus
 * {@code certs.d/HOST/ca.crt} (in the registry config directory, then {@code /etc/docker/certs.d});
 * plain HTTP is spoken only to loopback addresses and configured insecure registries.
 */
@Component(service = Registry.class)
public class RegistryComponent implements Registry {
    /** Where Docker Hub's registry API is. */
    static final String DOCKER_HUB_API = "registry-1.docker.io";
    /** Docker Hub's search API. */
    static final String DOCKER_HUB_SEARCH = "https://index.docker.io/v1/search";
    /** Blobs above this go up in chunks of this size. */
    static final long CHUNK = 32L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Engine engine;
    private final ImageStore images;
    private final ContentStore content;
    private final Map<String, RegistryClient> clients = new ConcurrentHashMap<>();
    private volatile long chunkSize = CHUNK;
    private volatile String hubSearch = DOCKER_HUB_SEARCH;

    @Activate
    public RegistryComponent(@Reference Engine engine, @Reference ImageStore images, @Reference ContentStore content) {
        this.engine = engine;
        this.images = images;
        this.content = content;
    }

    /** For tests: where Docker Hub's search API is. */
    void hubSearch(String url) {
        this.hubSearch = url;
    }

    /** For tests: the size above which blobs are uploaded in chunks. */
    void chunkSize(long bytes) {
        this.chunkSize = bytes;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile io.berth.api.event.EventService events;

    /** docker's pull and push events: the reference for the id and the name. */
    private void publish(String action, String reference) {
        io.berth.api.event.EventService s = events;
        if (s != null) {
            s.publish(io.berth.api.event.Event.of(io.berth.api.event.Event.IMAGE, action, reference,
                    Map.of("name", reference)));
        }
    }

    // ---------------------------------------------------------------- pull

    @Override
    public Image pull(ImageReference reference, ProgressListener progress) throws IOException, InterruptedException {
        return pull(reference, PullOptions.DEFAULT, progress);
    }

    @Override
    public Image pull(ImageReference reference, PullOptions options, ProgressListener progress)
            throws IOException, InterruptedException {
        ProgressListener out = progress == null ? ProgressListener.NONE : progress;
        ImageReference ref = reference.withDefaultTag();
        if (reference.tag() == null && reference.digest() == null) {
            out.progress(ProgressEvent.of(null, "Using default tag: " + ImageReference.DEFAULT_TAG));
        }
        String wanted = ref.digest() != null ? ref.digest().toString() : ref.tag();
        Digest before = currentId(ref);
        EngineSettings settings = engine.settings();
        try {
            RegistryClient client = client(ref.domain());
            RegistryClient.Manifest m = client.manifest(ref.path(), wanted);
            // Once the registry has the manifest, as docker says it.
            out.progress(ProgressEvent.of(null, wanted + ": Pulling from " + ref.path()));
            BlobSource source = d -> MediaTypes.isIndex(d.mediaType()) || MediaTypes.isManifest(d.mediaType())
                    ? new ByteArrayInputStream(client.manifest(ref.path(), d.digest().toString()).bytes())
                    : client.unverifiedBlob(ref.path(), d.digest());
            Image image = images.receive(new ReceiveRequest(ref, new Descriptor(m.mediaType(), m.digest(), m.bytes().length),
                    m.bytes(), options.platform(), options.storageDriver(), settings.maxConcurrentDownloads()), source, out);
            out.progress(ProgressEvent.of(null, "Digest: " + m.digest()));
            out.progress(ProgressEvent.of(null, "Status: " + (image.id().equals(before) ? "Image is up to date for "
                    : "Downloaded newer image for ") + ref.familiar()));
            publish("pull", ref.familiar());
            return image;
        } catch (RegistryException e) {
            throw failure("pull", ref, e);
        } catch (InvalidArgumentException e) {
            throw new InvalidArgumentException("pull " + ref.familiar() + ": " + e.getMessage());
        } catch (NotFoundException e) {
            throw new NotFoundException("pull " + ref.familiar() + ": " + e.getMessage());
        } catch (java.io.InterruptedIOException e) {
            throw new InterruptedException("pull " + ref.familiar() + " interrupted");
        } catch (IOException e) {
            throw new RegistryException(0, "pull " + ref.familiar() + ": "
                    + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()));
        }
    }

    // ---------------------------------------------------------------- inspect

    /** The most of an image config read to find its platform. */
    private static final int MAX_CONFIG = 4 << 20;

    @Override
    public io.berth.api.registry.DistributionInspect inspect(ImageReference reference)
            throws IOException, InterruptedException {
        ImageReference ref = reference.withDefaultTag();
        String wanted = ref.digest() != null ? ref.digest().toString() : ref.tag();
        try {
            RegistryClient client = client(ref.domain());
            RegistryClient.Manifest m = client.manifest(ref.path(), wanted);
            JsonNode manifest = JSON.readTree(m.bytes());
            List<io.berth.api.content.Platform> platforms = new ArrayList<>();
            if (MediaTypes.isIndex(m.mediaType())) {
                for (JsonNode entry : manifest.path("manifests")) {
                    JsonNode p = entry.get("platform");
                    if (p != null && p.isObject()) {
                        platforms.add(platform(p));
                    }
                }
            } else {
                String config = manifest.path("config").path("digest").asText("");
                if (!config.startsWith("sha256:")) {
                    throw new InvalidArgumentException("manifest " + m.digest() + " names no config");
                }
                byte[] bytes;
                try (InputStream in = client.blob(ref.path(), Digest.parse(config))) {
                    bytes = in.readNBytes(MAX_CONFIG + 1);
                    if (bytes.length > MAX_CONFIG) {
                        throw new InvalidArgumentException("config " + config + " is larger than " + MAX_CONFIG + " bytes");
                    }
                    in.transferTo(java.io.OutputStream.nullOutputStream());
                }
                platforms.add(platform(JSON.readTree(bytes)));
            }
            return new io.berth.api.registry.DistributionInspect(
                    new Descriptor(m.mediaType(), m.digest(), m.bytes().length), platforms);
        } catch (RegistryException e) {
            if (e.status() == 404) {
                // dockerd says the registry's error alone here.
                throw new NotFoundException(e.registryError() != null ? e.registryError()
                        : "manifest for " + ref.familiar() + " not found: " + e.getMessage());
            }
            throw failure("inspect", ref, e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InvalidArgumentException("inspect " + ref.familiar() + ": malformed JSON: " + e.getOriginalMessage());
        } catch (InvalidArgumentException e) {
            throw new InvalidArgumentException("inspect " + ref.familiar() + ": " + e.getMessage());
        }
    }

    /** An OCI platform object (an index entry's, or an image config's own fields). */
    private static io.berth.api.content.Platform platform(JsonNode p) {
        List<String> features = new ArrayList<>();
        p.path("os.features").forEach(f -> features.add(f.asText()));
        String variant = p.path("variant").asText("");
        String osVersion = p.path("os.version").asText("");
        return new io.berth.api.content.Platform(p.path("os").asText(""), p.path("architecture").asText(""),
                variant.isEmpty() ? null : variant, osVersion.isEmpty() ? null : osVersion, features);
    }

    private Digest currentId(ImageReference ref) throws IOException {
        try {
            return images.get(ref.toString()).id();
        } catch (NotFoundException e) {
            return null;
        }
    }

    /** A registry's refusal, as one line that names the image, in docker's words where it has them. */
    private static RegistryException failure(String operation, ImageReference ref, RegistryException e) {
        String cause = e.registryError() != null ? e.registryError() : e.getMessage();
        if ((e.status() == 401 || e.status() == 403) && operation.equals("pull")) {
            return new RegistryException(e.status(), "pull access denied for " + ref.familiarName()
                    + ", repository does not exist or may require 'berth login': " + cause);
        }
        if (e.status() == 404 && operation.equals("pull")) {
            return new RegistryException(404, "manifest for " + ref.familiar() + " not found: " + cause);
        }
        return new RegistryException(e.status(), operation + " " + ref.familiar() + ": " + e.getMessage());
    }

    // ---------------------------------------------------------------- push

    @Override
    public void push(ImageReference reference, ProgressListener progress) throws IOException, InterruptedException {
        ProgressListener out = progress == null ? ProgressListener.NONE : progress;
        ImageReference ref = reference.digest() != null ? reference : reference.withDefaultTag();
        if (reference.tag() == null && reference.digest() == null) {
            out.progress(ProgressEvent.of(null, "Using default tag: " + ImageReference.DEFAULT_TAG));
        }
        // First, as docker says it before it looks for the image.
        out.progress(ProgressEvent.of(null, "The push refers to repository [" + ref.name() + "]"));
        Descriptor manifestDesc;
        Image image;
        try {
            image = images.get(ref.toString());
            manifestDesc = images.manifest(ref.toString());
        } catch (NotFoundException e) {
            throw new NotFoundException("An image does not exist locally with the tag: " + ref.familiarName());
        }
        byte[] manifestBytes = content.read(manifestDesc.digest());
        JsonNode manifest = JSON.readTree(manifestBytes);
        List<Descriptor> blobs = new ArrayList<>();
        for (JsonNode l : manifest.path("layers")) {
            blobs.add(descriptor(l));
        }
        Descriptor config = descriptor(manifest.path("config"));
        String repo = ref.path();
        List<String> mountSources = new ArrayList<>();
        for (String rd : image.repoDigests()) {
            ImageReference other = ImageReference.parse(rd);
            if (other.domain().equals(ref.domain()) && !other.path().equals(repo) && !mountSources.contains(other.path())) {
                mountSources.add(other.path());
            }
        }
        try {
            RegistryClient client = client(ref.domain());
            // Top layer first, as docker lists them.
            List<Descriptor> layers = new ArrayList<>(new LinkedHashSet<>(blobs));
            java.util.Collections.reverse(layers);
            for (Descriptor l : layers) {
                out.progress(ProgressEvent.of(l.digest().shortHex(), "Preparing"));
            }
            Map<Digest, Descriptor> sent = new ConcurrentHashMap<>();
            ExecutorService pool = Executors.newFixedThreadPool(Math.min(engine.settings().maxConcurrentUploads(),
                    Math.max(1, layers.size())), r -> {
                Thread t = new Thread(r, "berth-push");
                t.setDaemon(true);
                return t;
            });
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (Descriptor l : layers) {
                    futures.add(pool.submit(() -> {
                        sent.put(l.digest(), sendLayer(client, repo, l, mountSources, out));
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    try {
                        f.get();
                    } catch (ExecutionException e) {
                        futures.forEach(x -> x.cancel(true));
                        if (e.getCause() instanceof IOException io) {
                            throw io;
                        }
                        if (e.getCause() instanceof RuntimeException re) {
                            throw re;
                        }
                        throw new IOException(e.getCause());
                    }
                }
            } finally {
                pool.shutdownNow();
            }
            sendBlob(client, repo, config, content.path(config.digest()), mountSources, out, false);
            byte[] pushedBytes = withLayers(manifest, manifestBytes, sent);
            String tag = ref.tag() != null ? ref.tag() : ref.digest().toString();
            Digest pushed = client.putManifest(repo, tag, manifestDesc.mediaType(), pushedBytes);
            out.progress(ProgressEvent.of(null, tag + ": digest: " + pushed + " size: " + pushedBytes.length));
            images.addRepoDigest(ref.toString(), ImageReference.parse(ref.name()).withDigest(pushed));
            publish("push", ref.familiar());
        } catch (RegistryException e) {
            throw failure("push", ref, e);
        }
    }

    /**
     * Sends one layer; an uncompressed one is gzip'd first, as docker pushes them (the same bytes
     * each time, so a second push finds it there).
     *
     * @return the layer as sent
     */
    private Descriptor sendLayer(RegistryClient client, String repo, Descriptor layer, List<String> mountSources,
                                 ProgressListener out) throws IOException {
        String gzipType = layer.mediaType().equals(MediaTypes.OCI_LAYER) ? MediaTypes.OCI_LAYER_GZIP
                : layer.mediaType().equals(MediaTypes.DOCKER_LAYER) ? MediaTypes.DOCKER_LAYER_GZIP : null;
        if (gzipType == null) {
            sendBlob(client, repo, layer, content.path(layer.digest()), mountSources, out, true);
            return layer;
        }
        Path tmp = Files.createDirectories(engine.settings().root().resolve("tmp"));
        Path gz = Files.createTempFile(tmp, "push-", ".tar.gz");
        try {
            java.security.MessageDigest sha256;
            try {
                sha256 = java.security.MessageDigest.getInstance("SHA-256");
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            try (InputStream in = content.open(layer.digest());
                 java.io.OutputStream file = new java.security.DigestOutputStream(
                         new java.io.BufferedOutputStream(Files.newOutputStream(gz), 256 * 1024), sha256);
                 java.util.zip.GZIPOutputStream zip = new java.util.zip.GZIPOutputStream(file, 256 * 1024)) {
                in.transferTo(zip);
            }
            Descriptor compressed = new Descriptor(gzipType, new Digest(Digest.SHA256,
                    java.util.HexFormat.of().formatHex(sha256.digest())), Files.size(gz));
            sendBlob(client, repo, compressed, gz, mountSources, out, true, layer.digest().shortHex());
            return compressed;
        } finally {
            Files.deleteIfExists(gz);
        }
    }

    /** The manifest with the layers as they were sent. */
    private static byte[] withLayers(JsonNode manifest, byte[] stored, Map<Digest, Descriptor> sent) throws IOException {
        boolean changed = false;
        com.fasterxml.jackson.databind.node.ObjectNode copy = manifest.deepCopy();
        for (JsonNode l : copy.path("layers")) {
            Descriptor s = sent.get(Digest.parse(l.path("digest").asText()));
            if (s != null && !s.digest().toString().equals(l.path("digest").asText())) {
                com.fasterxml.jackson.databind.node.ObjectNode o = (com.fasterxml.jackson.databind.node.ObjectNode) l;
                o.put("mediaType", s.mediaType());
                o.put("digest", s.digest().toString());
                o.put("size", s.size());
                changed = true;
            }
        }
        return changed ? JSON.writeValueAsBytes(copy) : stored;
    }

    private void sendBlob(RegistryClient client, String repo, Descriptor blob, Path file, List<String> mountSources,
                          ProgressListener out, boolean report) throws IOException {
        sendBlob(client, repo, blob, file, mountSources, out, report, blob.digest().shortHex());
    }

    private void sendBlob(RegistryClient client, String repo, Descriptor blob, Path file, List<String> mountSources,
                          ProgressListener out, boolean report, String id) throws IOException {
        if (client.hasBlob(repo, blob.digest())) {
            if (report) {
                out.progress(ProgressEvent.of(id, "Layer already exists"));
            }
            return;
        }
        for (String from : mountSources) {
            if (client.mountBlob(repo, blob.digest(), from)) {
                if (report) {
                    out.progress(ProgressEvent.of(id, "Mounted from " + from));
                }
                return;
            }
        }
        if (report) {
            out.progress(new ProgressEvent(id, "Pushing", 0, blob.size()));
        }
        client.uploadBlob(repo, blob.digest(), file, chunkSize);
        if (report) {
            out.progress(ProgressEvent.of(id, "Pushed"));
        }
    }

    private static Descriptor descriptor(JsonNode n) {
        if (!n.path("digest").isTextual()) {
            throw new InvalidArgumentException("the stored manifest has a descriptor without digest");
        }
        return new Descriptor(n.path("mediaType").asText(""), Digest.parse(n.get("digest").asText()), n.path("size").asLong());
    }

    // ---------------------------------------------------------------- search, login

    @Override
    public List<SearchResult> search(String registry, String term, int limit) throws IOException, InterruptedException {
        String host = registry == null || registry.isBlank() ? ImageReference.DEFAULT_DOMAIN : registry;
        if (host.equals(ImageReference.DEFAULT_DOMAIN) || host.equals("index.docker.io")) {
            return searchHub(term, limit);
        }
        List<SearchResult> out = new ArrayList<>();
        try {
            String needle = term.toLowerCase(Locale.ROOT);
            for (String repo : client(host).catalog()) {
                if (repo.toLowerCase(Locale.ROOT).contains(needle)) {
                    out.add(new SearchResult(host + "/" + repo, "", 0, false, false));
                    if (out.size() >= limit) {
                        break;
                    }
                }
            }
        } catch (RegistryException e) {
            throw new RegistryException(e.status(), "search " + host + " for " + term + ": " + e.getMessage());
        }
        return out;
    }

    private List<SearchResult> searchHub(String term, int limit) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        URI uri = URI.create(hubSearch + "?q=" + URLEncoder.encode(term, StandardCharsets.UTF_8) + "&n=" + limit);
        HttpResponse<byte[]> r;
        try {
            r = http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (java.net.ConnectException e) {
            throw new UnavailableException("search docker.io for " + term + ": cannot reach index.docker.io: "
                    + (e.getCause() instanceof java.nio.channels.UnresolvedAddressException ? "no such host" : "connection refused"));
        }
        if (r.statusCode() != 200) {
            throw new UnavailableException("search docker.io for " + term + ": index.docker.io answered HTTP " + r.statusCode());
        }
        List<SearchResult> out = new ArrayList<>();
        for (JsonNode n : JSON.readTree(r.body()).path("results")) {
            out.add(new SearchResult(n.path("name").asText(), n.path("description").asText(""), n.path("star_count").asInt(),
                    n.path("is_official").asBoolean(), n.path("is_automated").asBoolean()));
            if (out.size() >= limit) {
                break;
            }
        }
        return out;
    }

    @Override
    public String login(String registry, String username, String password) throws IOException, InterruptedException {
        String host = registryHost(registry);
        RegistryClient client = newClient(host, new RegistryClient.Credentials(username, password));
        try {
            client.ping();
        } catch (RegistryException e) {
            if (e.status() == 401 || e.status() == 403) {
                throw new RegistryException(e.status(), "login to " + host + ": unauthorized: incorrect username or password");
            }
            throw new RegistryException(e.status(), "login to " + host + ": " + e.getMessage());
        }
        config().save(host, username, password);
        clients.clear();
        return "Login Succeeded";
    }

    @Override
    public void logout(String registry) throws IOException {
        config().remove(registryHost(registry));
        clients.clear();
    }

    @Override
    public Optional<Path> unencryptedCredentials(String registry) throws IOException {
        DockerConfig config = config();
        return config.keptInFile(registryHost(registry)) ? Optional.of(config.file()) : Optional.empty();
    }

    private static String registryHost(String registry) {
        if (registry == null || registry.isBlank()) {
            return ImageReference.DEFAULT_DOMAIN;
        }
        String host = registry.strip();
        int scheme = host.indexOf("://");
        if (scheme >= 0) {
            host = host.substring(scheme + 3);
        }
        int slash = host.indexOf('/');
        if (slash >= 0) {
            host = host.substring(0, slash);
        }
        return host.equals("index.docker.io") || host.equals(DOCKER_HUB_API) ? ImageReference.DEFAULT_DOMAIN : host;
    }

    // ---------------------------------------------------------------- clients

    private DockerConfig config() {
        return new DockerConfig(engine.settings().registryConfig().resolve("config.json"));
    }

    /** A client for a registry, with the saved credentials; kept so tokens are reused. */
    RegistryClient client(String domain) throws IOException {
        Optional<RegistryClient.Credentials> credentials = config().credentials(domain);
        // A changed setting, login or certificate makes a new client.
        String key = domain + "|" + credentials.map(c -> c.username() + ":" + c.password().hashCode()).orElse("") + "|"
                + plainHttp(domain) + "|" + engine.settings().registryConfig() + "|" + certificateStamp(domain);
        RegistryClient c = clients.get(key);
        if (c == null) {
            c = newClient(domain, credentials.orElse(null));
            clients.put(key, c);
        }
        return c;
    }

    private static String apiHost(String domain) {
        return domain.equals(ImageReference.DEFAULT_DOMAIN) ? DOCKER_HUB_API : domain;
    }

    /** The certs.d directory that has the registry's CA: the registry config's, else docker's. */
    private Path certsDir(String apiHost) {
        Path certs = engine.settings().registryConfig().resolve("certs.d");
        return Files.isDirectory(certs.resolve(apiHost)) ? certs : Path.of("/etc/docker/certs.d");
    }

    private String certificateStamp(String domain) {
        Path ca = certsDir(apiHost(domain)).resolve(apiHost(domain)).resolve("ca.crt");
        try {
            return ca + "@" + Files.getLastModifiedTime(ca).toMillis();
        } catch (IOException e) {
            return "";
        }
    }

    private RegistryClient newClient(String domain, RegistryClient.Credentials credentials) {
        String apiHost = apiHost(domain);
        Path certs = certsDir(apiHost);
        if (!plainHttp(domain)) {
            return RegistryClient.of(apiHost, false, credentials, certs);
        }
        // As docker does with insecure registries: HTTPS if the registry speaks it, else plain HTTP.
        if (RegistryClient.speaksTls(apiHost)) {
            return RegistryClient.of(apiHost, false, credentials, certs);
        }
        return RegistryClient.of(apiHost, true, credentials, certs);
    }

    /** Plain HTTP for loopback addresses and the configured insecure registries, as docker. */
    boolean plainHttp(String domain) {
        List<String> insecure = engine.settings().insecureRegistries();
        String host = hostPart(domain);
        if (insecure.contains(domain) || insecure.contains(host)) {
            return true;
        }
        if (host.equals("localhost")) {
            return true;
        }
        if (host.matches("[0-9.]+") || host.contains(":")) {
            try {
                return InetAddress.getByName(host).isLoopbackAddress();
            } catch (java.net.UnknownHostException e) {
                return false;
            }
        }
        return false;
    }

    private static String hostPart(String domain) {
        if (domain.startsWith("[")) {
            int end = domain.indexOf(']');
            return end > 0 ? domain.substring(1, end) : domain;
        }
        int colon = domain.lastIndexOf(':');
        return colon > 0 ? domain.substring(0, colon) : domain;
    }
}
