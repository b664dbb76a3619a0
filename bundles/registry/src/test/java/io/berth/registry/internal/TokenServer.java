package io.berth.registry.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.berth.testing.Requirements;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small token service, as Docker Hub's auth server, for a registry configured with
 * {@code auth: token:}: it checks Basic credentials of one user, grants that user every scope
 * asked for (anonymous callers get nothing), and signs RS256 JWTs with a key and self-signed
 * certificate made by openssl, the certificate named in the token's {@code x5c} header and given
 * to the registry as its {@code rootcertbundle}. The registry itself is the real one.
 */
final class TokenServer implements AutoCloseable {
    static final String ISSUER = "berth-test-issuer";
    static final String SERVICE = "berth-test-registry";

    private final HttpServer server;
    private final PrivateKey key;
    private final String certificate;
    private final String user;
    private final String password;
    /** Seconds a token is valid for the registry (its exp claim). */
    volatile long lifetime = 300;
    final AtomicInteger issued = new AtomicInteger();
    final List<String> scopes = java.util.Collections.synchronizedList(new ArrayList<>());
    final Path certificateFile;

    TokenServer(Path dir, String user, String password) throws Exception {
        this.user = user;
        this.password = password;
        Files.createDirectories(dir);
        Path openssl = Requirements.requireTool("openssl", "openssl");
        Tools.run(dir, openssl.toString(), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "token.key", "-out",
                "token.crt", "-days", "1", "-subj", "/CN=berth-token-signer");
        certificateFile = dir.resolve("token.crt");
        X509Certificate cert;
        try (var in = Files.newInputStream(certificateFile)) {
            cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        certificate = Base64.getEncoder().encodeToString(cert.getEncoded());
        String pem = Files.readString(dir.resolve("token.key")).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        server = HttpServer.create(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/token", this::token);
        server.start();
    }

    String realm() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    /** The registry's auth section for this service. */
    String registryAuth() {
        return "auth:\n  token:\n    realm: " + realm() + "\n    service: " + SERVICE + "\n    issuer: " + ISSUER
                + "\n    rootcertbundle: " + certificateFile + "\n";
    }

    private void token(HttpExchange ex) throws IOException {
        try (ex) {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            String subject = "";
            if (auth != null) {
                String expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
                if (!auth.equals(expected)) {
                    byte[] body = "{\"details\":\"incorrect username or password\"}".getBytes();
                    ex.sendResponseHeaders(401, body.length);
                    ex.getResponseBody().write(body);
                    return;
                }
                subject = user;
            }
            List<String> wanted = new ArrayList<>();
            String query = ex.getRequestURI().getRawQuery();
            for (String pair : query == null ? new String[0] : query.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).equals("scope")) {
                    wanted.add(URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
            scopes.addAll(wanted);
            ObjectMapper json = new ObjectMapper();
            ObjectNode header = json.createObjectNode().put("typ", "JWT").put("alg", "RS256");
            header.putArray("x5c").add(certificate);
            long now = Instant.now().getEpochSecond();
            ObjectNode claims = json.createObjectNode().put("iss", ISSUER).put("sub", subject).put("aud", SERVICE)
                    .put("exp", now + lifetime).put("nbf", now - 10).put("iat", now).put("jti", UUID.randomUUID().toString());
            ArrayNode access = claims.putArray("access");
            if (!subject.isEmpty()) {
                for (String scope : wanted) {
                    // type:name:actions, where the name may hold a port's colon.
                    int first = scope.indexOf(':');
                    int last = scope.lastIndexOf(':');
                    if (first < 0 || last <= first) {
                        continue;
                    }
                    ObjectNode a = access.addObject().put("type", scope.substring(0, first))
                            .put("name", scope.substring(first + 1, last));
                    ArrayNode actions = a.putArray("actions");
                    for (String action : scope.substring(last + 1).split(",")) {
                        actions.add(action);
                    }
                }
            }
            Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
            String signingInput = url.encodeToString(json.writeValueAsBytes(header)) + "."
                    + url.encodeToString(json.writeValueAsBytes(claims));
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(key);
            rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            String jwt = signingInput + "." + url.encodeToString(rsa.sign());
            issued.incrementAndGet();
            byte[] body = json.writeValueAsBytes(json.createObjectNode().put("token", jwt).put("access_token", jwt)
                    .put("expires_in", 300).put("issued_at", Instant.now().toString()));
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
