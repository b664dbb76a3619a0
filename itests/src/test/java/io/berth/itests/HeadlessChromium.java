package io.berth.itests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Debian's Chromium, headless, driven through the DevTools protocol over its WebSocket: navigate,
 * evaluate JavaScript in the page, take a screenshot. Started on a profile directory of its own
 * and a DevTools port on loopback; {@link #close} ends the browser it started (by its pid).
 */
final class HeadlessChromium implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process process;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

    HeadlessChromium(Path profile) throws Exception {
        // Found here, not through the test fixtures, which a pax-exam probe does not see.
        Path binary = Path.of("/usr/bin/chromium");
        if (!Files.isExecutable(binary)) {
            if (Boolean.getBoolean("berth.requirePrivileged")) {
                throw new AssertionError("required but missing (-Dberth.requirePrivileged=true): chromium (apt-get install chromium)");
            }
            throw new org.junit.AssumptionViolatedException("skipped: chromium is not installed (apt-get install chromium)");
        }
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        // As root, Chromium runs only without its sandbox.
        process = new ProcessBuilder(binary.toString(), "--headless=new", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=" + port,
                "--user-data-dir=" + Files.createDirectories(profile), "--window-size=1280,900", "about:blank")
                .redirectErrorStream(true).redirectOutput(profile.resolveSibling("chromium.log").toFile()).start();
        HttpClient http = HttpClient.newHttpClient();
        String[] page = new String[1];
        Conditions.await("Chromium's DevTools on port " + port, Duration.ofSeconds(60), () -> {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                for (JsonNode t : JSON.readTree(r.body())) {
                    if (t.path("type").asText().equals("page")) {
                        page[0] = t.path("webSocketDebuggerUrl").asText();
                        return true;
                    }
                }
            } catch (IOException e) {
                // Not listening yet.
            }
            return false;
        });
        socket = http.newWebSocketBuilder().buildAsync(URI.create(page[0]), new WebSocket.Listener() {
            private final StringBuilder message = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                message.append(data);
                if (last) {
                    try {
                        JsonNode m = JSON.readTree(message.toString());
                        CompletableFuture<JsonNode> answer = m.has("id") ? pending.remove(m.get("id").asInt()) : null;
                        if (answer != null) {
                            answer.complete(m);
                        }
                    } catch (IOException e) {
                        // Not JSON: not DevTools'.
                    }
                    message.setLength(0);
                }
                ws.request(1);
                return null;
            }
        }).get(30, TimeUnit.SECONDS);
    }

    /** Sends a DevTools command and waits for its result; an error answer fails. */
    JsonNode call(String method, Map<String, ?> params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", JSON.valueToTree(params));
        socket.sendText(JSON.writeValueAsString(message), true).get(30, TimeUnit.SECONDS);
        JsonNode m = answer.get(60, TimeUnit.SECONDS);
        if (m.has("error")) {
            throw new AssertionError(method + ": " + m.get("error"));
        }
        return m.path("result");
    }

    /** The value of a JavaScript expression in the page (awaited if it is a promise). */
    JsonNode evaluate(String expression) throws Exception {
        JsonNode r = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
        if (r.has("exceptionDetails")) {
            throw new AssertionError(expression + ": " + r.get("exceptionDetails"));
        }
        return r.path("result").path("value");
    }

    /** The page as a PNG. */
    byte[] screenshot() throws Exception {
        return java.util.Base64.getDecoder().decode(call("Page.captureScreenshot", Map.of("format", "png")).path("data").asText());
    }

    @Override
    public void close() throws Exception {
        try {
            socket.abort();
        } finally {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
