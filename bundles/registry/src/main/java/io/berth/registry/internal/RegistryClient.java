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
                throw new RegistryException(status, host + ": " + what + ": " + describe(status, body));
            }
            return r;
        }
    }

    private HttpResponse<InputStream> exchange(HttpRequest request, String what) throws IOException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted: " + what);
        } catch (java.net.ConnectException e) {
            throw new RegistryException(0, host + ": " + what + ": connection refused");
        } catch (javax.net.ssl.SSLException e) {
            throw new RegistryException(0, host + ": " + what + ": TLS failure: " + e.getMessage());
        }
    }

    /** The registry's error, in its own words when it gave them (the API's {"errors":[...]}). */
    private static String describe(int status, String body) {
        try {
            JsonNode errors = JSON.readTree(body).get("errors");
            if (errors != null && errors.isArray() && errors.size() > 0) {
                JsonNode e = errors.get(0);
                String code = e.path("code").asText("");
                String message = e.path("message").asText("");
                return (code.isEmpty() ? "" : code.toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ": ") + message
                        + " (HTTP " + status + ")";
            }
        } catch (IOException | RuntimeException e) {
            // Not the API's error body.
        }
        return switch (status) {
            case 401 -> "unauthorized (HTTP 401)";
            case 403 -> "denied (HTTP 403)";
            case 404 -> "not found (HTTP 404)";
            case 429 -> "too many requests (HTTP 429)";
            default -> "HTTP " + status;
        };
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
                throw new RegistryException(401, host + ": " + what + ": unauthorized: authentication required");
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
        if (!wanted.isEmpty()) {
            url.append("scope=").append(URLEncoder.encode(wanted, StandardCharsets.UTF_8));
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
