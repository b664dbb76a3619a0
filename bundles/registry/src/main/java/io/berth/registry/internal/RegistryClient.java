package io.berth.registry.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.api.content.Digest;
import io.berth.api.content.MediaTypes;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The OCI Distribution API (Docker Registry HTTP API v2) of one registry: {@code /v2/} ping,
 * manifests, blobs, tags and the catalog. Authentication follows the registry's challenges:
 * none, Basic with the given credentials, or Bearer tokens from the realm it names (cached per
 * scope until they expire). Every manifest and blob read is checked against its digest: a blob
 * whose bytes do not match fails at its end, before its last byte is handed over.
 */
public final class RegistryClient {
    /** What a manifest request accepts: OCI and Docker, indexes and images. */
    static final String MANIFEST_ACCEPT = String.join(", ", MediaTypes.OCI_INDEX, MediaTypes.OCI_MANIFEST,
            MediaTypes.DOCKER_MANIFEST_LIST, MediaTypes.DOCKER_MANIFEST);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Manifests are small; a larger one means a confused or hostile registry. */
    private static final int MAX_MANIFEST = 4 << 20;

    /** Credentials for Basic auth and token requests, or none. */
    public record Credentials(String username, String password) {
        String basic() {
            return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A manifest as the registry sent it: its media type, bytes and digest (verified). */
    public record Manifest(String mediaType, byte[] bytes, Digest digest) {
    }

    private record Token(String value, Instant expires) {
    }

    private final HttpClient http;
    private final String host;
    private final URI base;
    private final Credentials credentials;
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();

    /**
     * @param host {@code host[:port]} of the registry's API
     * @param plainHttp whether to speak plain HTTP (insecure registries and loopback only)
     * @param credentials for Basic and token auth, or {@code null}
     */
    public RegistryClient(HttpClient http, String host, boolean plainHttp, Credentials credentials) {
        this.http = http;
        this.host = host;
        this.base = URI.create((plainHttp ? "http://" : "https://") + host + "/v2/");
        this.credentials = credentials;
    }

    /** A client with its own HTTP client (redirects handled here, so credentials never follow them). */
    public static RegistryClient of(String host, boolean plainHttp, Credentials credentials) {
        return of(host, plainHttp, credentials, null);
    }

    /**
     * A client that, over HTTPS, trusts the system's certificate authorities plus those in
     * {@code <certsDir>/<host>/ca.crt}, as docker's {@code certs.d} ({@code certsDir} may be null).
     */
    public static RegistryClient of(String host, boolean plainHttp, Credentials credentials, java.nio.file.Path certsDir) {
        HttpClient.Builder b = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(30));
        if (!plainHttp && certsDir != null) {
            java.nio.file.Path ca = certsDir.resolve(host).resolve("ca.crt");
            if (java.nio.file.Files.isRegularFile(ca)) {
                b.sslContext(TrustedCertificates.sslContext(ca));
            }
        }
        return new RegistryClient(b.build(), host, plainHttp, credentials);
    }

    /**
     * Whether a server completes a TLS handshake, whoever its certificate is from: how a registry
     * that may be reached over plain HTTP is told apart from one that speaks HTTPS (whose
     * certificate the client then verifies as usual). Nothing but the handshake is sent.
     */
    public static boolean speaksTls(String hostAndPort) {
        URI u = URI.create("https://" + hostAndPort);
        int port = u.getPort() < 0 ? 443 : u.getPort();
        try (java.net.Socket raw = new java.net.Socket()) {
            raw.connect(new java.net.InetSocketAddress(u.getHost(), port), 3000);
            raw.setSoTimeout(3000);
            javax.net.ssl.SSLContext any = javax.net.ssl.SSLContext.getInstance("TLS");
            any.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
                @Override
                public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {
                    // Only whether TLS is spoken is asked here; the real client checks the chain.
                }

                @Override
                public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                    return new java.security.cert.X509Certificate[0];
                }
            }}, null);
            try (javax.net.ssl.SSLSocket tls = (javax.net.ssl.SSLSocket) any.getSocketFactory()
                    .createSocket(raw, u.getHost(), port, false)) {
                tls.startHandshake();
                return true;
            }
        } catch (IOException | java.security.GeneralSecurityException e) {
            return false;
        }
    }

    /** Checks that the registry speaks the API, authenticating if it asks. */
    public void ping() throws IOException {
        HttpResponse<InputStream> r = send(HttpRequest.newBuilder(base).GET(), "", "ping");
        r.body().close();
    }

    /** Fetches a manifest by tag or digest. */
    public Manifest manifest(String repository, String reference) throws IOException {
        HttpResponse<InputStream> r = send(HttpRequest.newBuilder(base.resolve(repository + "/manifests/" + reference))
                .header("Accept", MANIFEST_ACCEPT).GET(), scope(repository, "pull"), "manifest " + repository + ":" + reference);
        byte[] bytes;
        try (InputStream in = r.body()) {
            bytes = in.readNBytes(MAX_MANIFEST + 1);
        }
        if (bytes.length > MAX_MANIFEST) {
            throw new RegistryException(r.statusCode(), host + ": manifest " + repository + ":" + reference + " is larger than "
                    + MAX_MANIFEST + " bytes");
        }
        Digest actual = Digest.sha256(bytes);
        Digest expected = reference.startsWith("sha256:") ? Digest.parse(reference)
                : r.headers().firstValue("Docker-Content-Digest").filter(d -> d.startsWith("sha256:")).map(Digest::parse)
                .orElse(null);
        if (expected != null && !expected.equals(actual)) {
            throw new RegistryException(r.statusCode(), host + ": manifest " + repository + ":" + reference + " has digest "
                    + actual + ", not " + expected);
        }
        String type = r.headers().firstValue("Content-Type").map(t -> t.split(";")[0].strip()).orElse("");
        if (type.isEmpty() || type.equals("application/json")) {
            // Some registries leave it out: the manifest says what it is.
            JsonNode mt = JSON.readTree(bytes).get("mediaType");
            type = mt != null && mt.isTextual() ? mt.asText() : MediaTypes.OCI_MANIFEST;
        }
        return new Manifest(type, bytes, actual);
    }

    /**
     * Opens a blob, following redirects (to another host without the registry's credentials).
     * The stream fails at its end if the bytes do not have {@code digest}.
     */
    public InputStream blob(String repository, Digest digest) throws IOException {
        String what = "blob " + digest.shortHex() + " of " + repository;
        HttpResponse<InputStream> r = send(HttpRequest.newBuilder(base.resolve(repository + "/blobs/" + digest)).GET(),
                scope(repository, "pull"), what);
        return new Verifying(r.body(), digest, host + ": " + what);
    }

    /**
     * Opens a blob as {@link #blob} does but without checking its digest, for a reader that
     * verifies what it reads itself (the image store).
     */
    public InputStream unverifiedBlob(String repository, Digest digest) throws IOException {
        return send(HttpRequest.newBuilder(base.resolve(repository + "/blobs/" + digest)).GET(),
                scope(repository, "pull"), "blob " + digest.shortHex() + " of " + repository).body();
    }

    // ---------------------------------------------------------------- push

    /** Whether the repository has the blob (HEAD). */
    public boolean hasBlob(String repository, Digest digest) throws IOException {
        try {
            HttpResponse<InputStream> r = send(HttpRequest.newBuilder(base.resolve(repository + "/blobs/" + digest))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()), scope(repository, "pull,push"),
                    "blob " + digest.shortHex() + " of " + repository);
            r.body().close();
            return true;
        } catch (RegistryException e) {
            if (e.status() == 404) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Asks the registry to mount a blob another of its repositories has (cross-repository mount).
     *
     * @return whether it was mounted; if not, the registry opened an upload, which is cancelled
     */
    public boolean mountBlob(String repository, Digest digest, String from) throws IOException {
        String query = "?mount=" + URLEncoder.encode(digest.toString(), StandardCharsets.UTF_8) + "&from="
                + URLEncoder.encode(from, StandardCharsets.UTF_8);
        HttpResponse<InputStream> r = send(HttpRequest.newBuilder(base.resolve(repository + "/blobs/uploads/" + query))
                .POST(HttpRequest.BodyPublishers.noBody()), scope(repository, "pull,push") + " " + scope(from, "pull"),
                "mount of blob " + digest.shortHex() + " from " + from + " into " + repository);
        r.body().close();
        if (r.statusCode() == 201) {
            return true;
        }
        r.headers().firstValue("Location").ifPresent(location -> {
            try {
                send(HttpRequest.newBuilder(r.request().uri().resolve(location)).DELETE(), scope(repository, "pull,push"),
                        "cancelled upload to " + repository).body().close();
            } catch (IOException e) {
                // The registry forgets abandoned uploads by itself.
            }
        });
        return false;
    }

    /**
     * Uploads a blob: in one request when it is at most {@code chunkSize} bytes, in chunks of that
     * size otherwise (PATCH with Content-Range, then the closing PUT with the digest).
     *
     * @param file where the blob's bytes are
     */
    public void uploadBlob(String repository, Digest digest, java.nio.file.Path file, long chunkSize) throws IOException {
        String what = "upload of blob " + digest.shortHex() + " to " + repository;
        String scope = scope(repository, "pull,push");
        HttpResponse<InputStream> started = send(HttpRequest.newBuilder(base.resolve(repository + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()), scope, what);
        started.body().close();
        URI location = uploadLocation(started, what);
        long size = java.nio.file.Files.size(file);
        if (size > chunkSize) {
            long offset = 0;
            while (offset < size) {
                long length = Math.min(chunkSize, size - offset);
                HttpResponse<InputStream> r = send(HttpRequest.newBuilder(location)
                        .header("Content-Type", "application/octet-stream")
                        .header("Content-Range", offset + "-" + (offset + length - 1))
                        .method("PATCH", slice(file, offset, length)), scope, what);
                r.body().close();
                location = uploadLocation(r, what);
                offset += length;
            }
            HttpResponse<InputStream> done = send(HttpRequest.newBuilder(withDigest(location, digest))
                    .PUT(HttpRequest.BodyPublishers.noBody()), scope, what);
            done.body().close();
        } else {
            HttpResponse<InputStream> done = send(HttpRequest.newBuilder(withDigest(location, digest))
                    .header("Content-Type", "application/octet-stream")
                    .PUT(HttpRequest.BodyPublishers.ofFile(file)), scope, what);
            done.body().close();
        }
    }

    /**
     * Puts a manifest under a tag or digest.
     *
     * @return the digest the registry reports
     */
    public Digest putManifest(String repository, String reference, String mediaType, byte[] bytes) throws IOException {
        HttpResponse<InputStream> r = send(HttpRequest.newBuilder(base.resolve(repository + "/manifests/" + reference))
                .header("Content-Type", mediaType).PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)),
                scope(repository, "pull,push"), "manifest " + repository + ":" + reference);
        r.body().close();
        Digest actual = Digest.sha256(bytes);
        return r.headers().firstValue("Docker-Content-Digest").filter(d -> d.startsWith("sha256:")).map(Digest::parse)
                .orElse(actual);
    }

    private URI uploadLocation(HttpResponse<?> r, String what) throws RegistryException {
        String location = r.headers().firstValue("Location").orElseThrow(() -> new RegistryException(r.statusCode(),
                host + ": " + what + ": the registry gave no upload location"));
        return r.request().uri().resolve(location);
    }

    private static URI withDigest(URI location, Digest digest) {
        String s = location.toString();
        return URI.create(s + (s.contains("?") ? "&" : "?") + "digest=" + URLEncoder.encode(digest.toString(), StandardCharsets.UTF_8));
    }

    private static HttpRequest.BodyPublisher slice(java.nio.file.Path file, long offset, long length) {
        return HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> {
            try {
                InputStream in = java.nio.file.Files.newInputStream(file);
                in.skipNBytes(offset);
                return new java.io.BufferedInputStream(new java.io.FilterInputStream(in) {
                    private long left = length;

                    @Override
                    public int read() throws IOException {
                        if (left <= 0) {
                            return -1;
                        }
                        int b = super.read();
                        if (b >= 0) {
                            left--;
                        }
                        return b;
                    }

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        if (left <= 0) {
                            return -1;
                        }
                        int n = super.read(b, off, (int) Math.min(len, left));
                        if (n > 0) {
                            left -= n;
                        }
                        return n;
                    }
                }, 256 * 1024);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }), length);
    }

    /** The repository's tags. */
    public List<String> tags(String repository) throws IOException {
        HttpResponse<InputStream> r = send(HttpRequest.newBuilder(base.resolve(repository + "/tags/list")).GET(),
                scope(repository, "pull"), "tags of " + repository);
        return strings(r, "tags");
    }

    /** The registry's repositories ({@code _catalog}). */
    public List<String> catalog() throws IOException {
        HttpResponse<InputStream> r = send(HttpRequest.newBuilder(base.resolve("_catalog?n=1000")).GET(),
                "registry:catalog:*", "catalog");
        return strings(r, "repositories");
    }

    private static List<String> strings(HttpResponse<InputStream> r, String field) throws IOException {
        JsonNode node;
        try (InputStream in = r.body()) {
            node = JSON.readTree(in.readNBytes(MAX_MANIFEST));
        }
        List<String> out = new ArrayList<>();
        JsonNode list = node == null ? null : node.get(field);
        if (list != null && list.isArray()) {
            list.forEach(n -> out.add(n.asText()));
        }
        return out;
    }

    private static String scope(String repository, String actions) {
        return "repository:" + repository + ":" + actions;
    }

    /**
     * Sends a request with what authentication the registry asked for before, answers a new
     * challenge once, follows redirects without credentials to other hosts, and turns error
     * statuses into {@link RegistryException}s.
     */
    private HttpResponse<InputStream> send(HttpRequest.Builder request, String scope, String what) throws IOException {
        String auth = cachedAuthorization(scope);
        boolean waited = false;
        for (int attempt = 0; ; attempt++) {
            HttpRequest.Builder b = request.copy();
            if (auth != null) {
                b.header("Authorization", auth);
            }
            HttpResponse<InputStream> r = exchange(b.build(), what);
            int status = r.statusCode();
            if (status == 401 && attempt == 0) {
                Challenge challenge = Challenge.parse(r.headers().firstValue("WWW-Authenticate").orElse(null));
                r.body().close();
                if (challenge == null) {
                    throw new RegistryException(401, host + ": " + what + ": unauthorized, and no way to authenticate offered");
                }
                auth = answer(challenge, scope, what);
                continue;
            }
            if (status == 429 && !waited) {
                // Too many requests: wait as long as the registry asks (within reason), once.
                waited = true;
                r.body().close();
                sleep(retryAfter(r.headers().firstValue("Retry-After").orElse(null)), what);
                continue;
            }
            if (status >= 300 && status < 400) {
                r.body().close();
                Optional<String> location = r.headers().firstValue("Location");
                if (location.isEmpty()) {
                    throw new RegistryException(status, host + ": " + what + ": redirect without a location");
                }
                URI to = r.request().uri().resolve(location.get());
                HttpRequest.Builder next = HttpRequest.newBuilder(to).GET();
                boolean sameHost = to.getAuthority() != null && to.getAuthority().equals(r.request().uri().getAuthority());
                if (sameHost && auth != null) {
                    next.header("Authorization", auth);
                }
                HttpResponse<InputStream> followed = exchange(next.build(), what);
                if (followed.statusCode() >= 300) {
                    followed.body().close();
                    throw new RegistryException(followed.statusCode(), host + ": " + what + ": HTTP " + followed.statusCode()
                            + " from " + to.getHost());
                }
                return followed;
            }
            if (status >= 400) {
                String body;
                try (InputStream in = r.body()) {
                    body = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
                }
                throw new RegistryException(status, host + ": " + what + ": " + describe(status, body), errorOf(body));
            }
            return r;
        }
    }

    /** Seconds of a Retry-After header (seconds or an HTTP date), between 1 and 60. */
    static long retryAfter(String header) {
        long seconds = 1;
        if (header != null) {
            try {
                seconds = Long.parseLong(header.strip());
            } catch (NumberFormatException e) {
                try {
                    seconds = Duration.between(Instant.now(), java.time.ZonedDateTime.parse(header.strip(),
                            java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toInstant()).toSeconds();
                } catch (java.time.format.DateTimeParseException bad) {
                    seconds = 1;
                }
            }
        }
        return Math.max(1, Math.min(60, seconds));
    }

    private static void sleep(long seconds, String what) throws IOException {
        try {
            Thread.sleep(seconds * 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted: " + what);
        }
    }

    private HttpResponse<InputStream> exchange(HttpRequest request, String what) throws IOException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted: " + what);
        } catch (java.net.http.HttpConnectTimeoutException e) {
            throw new RegistryException(0, host + ": " + what + ": connection timed out");
        } catch (java.net.ConnectException e) {
            if (e.getCause() instanceof java.nio.channels.UnresolvedAddressException || !resolves(request.uri().getHost())) {
                throw new RegistryException(0, host + ": " + what + ": no such host");
            }
            throw new RegistryException(0, host + ": " + what + ": connection refused");
        } catch (javax.net.ssl.SSLException e) {
            throw new RegistryException(0, host + ": " + what + ": TLS failure: " + e.getMessage());
        }
    }

    private static boolean resolves(String host) {
        try {
            java.net.InetAddress.getByName(host);
            return true;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** The registry's error, in its own words when it gave them (the API's {"errors":[...]}). */
    private static String describe(int status, String body) {
        String error = errorOf(body);
        if (error != null) {
            return error + " (HTTP " + status + ")";
        }
        return switch (status) {
            case 401 -> "unauthorized (HTTP 401)";
            case 403 -> "denied (HTTP 403)";
            case 404 -> "not found (HTTP 404)";
            case 429 -> "too many requests (HTTP 429)";
            default -> "HTTP " + status;
        };
    }

    /**
     * The first error of the API's error body as docker's errcode prints it (the code lowercased
     * with spaces, then the message), or {@code null} for another body.
     */
    private static String errorOf(String body) {
        try {
            JsonNode errors = JSON.readTree(body).get("errors");
            if (errors != null && errors.isArray() && errors.size() > 0) {
                JsonNode e = errors.get(0);
                String code = e.path("code").asText("");
                String message = e.path("message").asText("");
                return (code.isEmpty() ? "" : code.toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ": ") + message;
            }
        } catch (IOException | RuntimeException e) {
            // Not the API's error body.
        }
        return null;
    }

    private String cachedAuthorization(String scope) {
        Token t = tokens.get(scope);
        if (t != null && t.expires().isAfter(Instant.now())) {
            return "Bearer " + t.value();
        }
        Token basic = tokens.get("basic");
        return basic != null ? basic.value() : null;
    }

    /** The Authorization for a challenge: Basic credentials, or a Bearer token fetched from the realm. */
    private String answer(Challenge challenge, String scope, String what) throws IOException {
        if (challenge.scheme().equals("basic")) {
            if (credentials == null) {
                throw new RegistryException(401, host + ": " + what + ": unauthorized: authentication required",
                        "unauthorized: authentication required");
            }
            String value = credentials.basic();
            tokens.put("basic", new Token(value, Instant.MAX));
            return value;
        }
        if (!challenge.scheme().equals("bearer")) {
            throw new RegistryException(401, host + ": " + what + ": unsupported authentication scheme " + challenge.scheme());
        }
        String realm = challenge.parameters().get("realm");
        if (realm == null || realm.isEmpty()) {
            throw new RegistryException(401, host + ": " + what + ": bearer challenge without a realm");
        }
        StringBuilder url = new StringBuilder(realm).append(realm.contains("?") ? "&" : "?");
        String service = challenge.parameters().get("service");
        if (service != null) {
            url.append("service=").append(URLEncoder.encode(service, StandardCharsets.UTF_8)).append('&');
        }
        String wanted = challenge.parameters().getOrDefault("scope", scope);
        for (String one : wanted.split(" ")) {
            if (!one.isEmpty()) {
                url.append("scope=").append(URLEncoder.encode(one, StandardCharsets.UTF_8)).append('&');
            }
        }
        if (url.charAt(url.length() - 1) == '&' || url.charAt(url.length() - 1) == '?') {
            url.setLength(url.length() - 1);
        }
        HttpRequest.Builder tokenRequest = HttpRequest.newBuilder(URI.create(url.toString())).GET();
        if (credentials != null) {
            tokenRequest.header("Authorization", credentials.basic());
        }
        HttpResponse<InputStream> r = exchange(tokenRequest.build(), "token for " + what);
        JsonNode body;
        try (InputStream in = r.body()) {
            byte[] bytes = in.readNBytes(1 << 20);
            if (r.statusCode() != 200) {
                throw new RegistryException(r.statusCode(), host + ": " + what + ": the token service refused: "
                        + describe(r.statusCode(), new String(bytes, StandardCharsets.UTF_8)));
            }
            body = JSON.readTree(bytes);
        }
        String token = body.path("token").asText(body.path("access_token").asText(""));
        if (token.isEmpty()) {
            throw new RegistryException(401, host + ": " + what + ": the token service sent no token");
        }
        long seconds = Math.max(60, body.path("expires_in").asLong(60));
        // Refreshed a little before it expires.
        tokens.put(scope, new Token(token, Instant.now().plusSeconds(seconds - 10)));
        return "Bearer " + token;
    }

    /** Hands over a blob's bytes while hashing them; its end fails unless the digest matched. */
    private static final class Verifying extends FilterInputStream {
        private final MessageDigest sha256;
        private final Digest expected;
        private final String what;
        private boolean checked;

        Verifying(InputStream in, Digest expected, String what) {
            super(in);
            this.expected = expected;
            this.what = what;
            try {
                this.sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                sha256.update(b, off, n);
            } else if (n < 0 && !checked) {
                checked = true;
                String actual = "sha256:" + HexFormat.of().formatHex(sha256.digest());
                if (!actual.equals(expected.toString())) {
                    throw new RegistryException(0, what + ": digest mismatch: the registry sent " + actual);
                }
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            // Every byte is hashed: skipping reads.
            byte[] buffer = new byte[8192];
            long left = n;
            while (left > 0) {
                int r = read(buffer, 0, (int) Math.min(buffer.length, left));
                if (r < 0) {
                    break;
                }
                left -= r;
            }
            return n - left;
        }
    }
}
