package io.berth.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP proxy on loopback in front of a registry that passes everything through, counts the
 * requests per path, and injects one kind of fault into the responses it is told to.
 */
public final class FaultProxy implements AutoCloseable {
    /** What goes wrong. */
    public enum Fault {
        /** The body is cut to half its length, announced as such: a short blob. */
        TRUNCATE,
        /** One byte in the middle is changed: a digest mismatch. */
        CORRUPT,
        /** Half the body is sent, then the connection is dropped. */
        RESET,
        /** 429 Too Many Requests with Retry-After: 1 (once, or always). */
        TOO_MANY_ONCE, TOO_MANY_ALWAYS,
        /** A manifest that is not JSON, sent without a digest header. */
        MALFORMED_MANIFEST,
        /** The body comes at 256 KiB per second: a slow network, for interrupting a transfer. */
        SLOW
    }

    private static final Set<String> HOP = Set.of("host", "connection", "content-length", "transfer-encoding", "upgrade",
            "keep-alive", "expect");

    private final HttpServer server;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final String upstream;
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private volatile Fault fault;
    private volatile String faultPath;
    private final AtomicInteger tooMany = new AtomicInteger();
    private final java.util.concurrent.ExecutorService executor = java.util.concurrent.Executors.newCachedThreadPool();

    /** A proxy for the registry at {@code upstreamHost} ({@code host:port}). */
    public FaultProxy(String upstreamHost) throws IOException {
        this.upstream = "http://" + upstreamHost;
        server = HttpServer.create(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** {@code 127.0.0.1:PORT}. */
    public String host() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Injects {@code f} into responses for paths that contain {@code pathPart}; null clears. */
    public void fault(Fault f, String pathPart) {
        fault = f;
        faultPath = pathPart;
        tooMany.set(0);
    }

    /** The requests so far whose {@code METHOD PATH} contains {@code pathPart}. */
    public int count(String pathPart) {
        return requests.entrySet().stream().filter(e -> e.getKey().contains(pathPart)).mapToInt(e -> e.getValue().get()).sum();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getRawPath();
            String query = ex.getRequestURI().getRawQuery();
            requests.computeIfAbsent(ex.getRequestMethod() + " " + path, k -> new AtomicInteger()).incrementAndGet();
            Fault f = fault;
            boolean hit = f != null && faultPath != null && path.contains(faultPath) && ex.getRequestMethod().equals("GET");
            if (hit && (f == Fault.TOO_MANY_ALWAYS || (f == Fault.TOO_MANY_ONCE && tooMany.getAndIncrement() == 0))) {
                ex.getResponseHeaders().add("Retry-After", "1");
                ex.sendResponseHeaders(429, -1);
                return;
            }
            if (hit && f == Fault.MALFORMED_MANIFEST) {
                byte[] garbage = "{\"schemaVersion\": 2, \"config\": [not json".getBytes();
                ex.getResponseHeaders().add("Content-Type", "application/vnd.oci.image.manifest.v1+json");
                ex.sendResponseHeaders(200, garbage.length);
                ex.getResponseBody().write(garbage);
                return;
            }
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(upstream + path + (query == null ? "" : "?" + query)));
            for (Map.Entry<String, List<String>> h : ex.getRequestHeaders().entrySet()) {
                if (!HOP.contains(h.getKey().toLowerCase())) {
                    for (String v : h.getValue()) {
                        b.header(h.getKey(), v);
                    }
                }
            }
            byte[] body = ex.getRequestBody().readAllBytes();
            b.method(ex.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
            HttpResponse<InputStream> r;
            try {
                r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            for (Map.Entry<String, List<String>> h : r.headers().map().entrySet()) {
                if (!HOP.contains(h.getKey().toLowerCase()) && !h.getKey().startsWith(":")) {
                    String key = h.getKey();
                    List<String> values = h.getValue();
                    if (key.equalsIgnoreCase("location")) {
                        values = values.stream().map(v -> v.replace(upstream, "http://" + host())).toList();
                    }
                    values.forEach(v -> ex.getResponseHeaders().add(key, v));
                }
            }
            byte[] payload;
            try (InputStream in = r.body()) {
                payload = in.readAllBytes();
            }
            if (ex.getRequestMethod().equals("HEAD")) {
                long length = r.headers().firstValueAsLong("Content-Length").orElse(-1);
                if (length > 0) {
                    ex.getResponseHeaders().set("Content-Length", String.valueOf(length));
                }
                ex.sendResponseHeaders(r.statusCode(), -1);
                return;
            }
            if (hit && r.statusCode() == 200 && payload.length > 2) {
                OutputStream out;
                switch (f) {
                    case TRUNCATE -> {
                        ex.sendResponseHeaders(200, payload.length / 2);
                        ex.getResponseBody().write(payload, 0, payload.length / 2);
                        return;
                    }
                    case CORRUPT -> payload[payload.length / 2] ^= 0x5a;
                    case SLOW -> {
                        ex.sendResponseHeaders(200, payload.length);
                        out = ex.getResponseBody();
                        for (int at = 0; at < payload.length; at += 16 * 1024) {
                            out.write(payload, at, Math.min(16 * 1024, payload.length - at));
                            out.flush();
                            try {
                                Thread.sleep(62);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                return;
                            }
                        }
                        return;
                    }
                    case RESET -> {
                        ex.sendResponseHeaders(200, payload.length);
                        out = ex.getResponseBody();
                        out.write(payload, 0, payload.length / 2);
                        out.flush();
                        // Closing with bytes missing makes the server drop the connection.
                        return;
                    }
                    default -> {
                    }
                }
            }
            ex.sendResponseHeaders(r.statusCode(), payload.length == 0 ? -1 : payload.length);
            if (payload.length > 0) {
                ex.getResponseBody().write(payload);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
