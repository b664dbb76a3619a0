package io.berth.dockerapi.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.api.Filters;
import io.berth.api.InvalidArgumentException;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One request and its response, as a route handler sees them on its worker thread: the path
 * (without its {@code /v1.NN} prefix), the query as docker's server reads it (booleans, filters in
 * both forms), the body as a stream or as JSON, and the response as one JSON document, a chunked
 * stream, or a hijacked connection ({@link HttpTransport.Hijacked}).
 */
final class Exchange {
    static final ObjectMapper JSON = Json.MAPPER;
    /** A JSON body's limit: the largest docker's clients send (a container's config) is far below it. */
    static final int MAX_JSON = 16 << 20;

    private final Channel channel;
    private final HttpRequest request;
    private final String path;
    private final String apiVersion;
    private final Map<String, List<String>> query;
    private final BodyStream body;
    private final HttpTransport transport;
    private volatile boolean responded;

    Exchange(HttpTransport transport, Channel channel, HttpRequest request, String path, String apiVersion, BodyStream body) {
        this.transport = transport;
        this.channel = channel;
        this.request = request;
        this.path = path;
        this.apiVersion = apiVersion;
        this.query = new QueryStringDecoder(request.uri()).parameters();
        this.body = body;
    }

    // ------------------------------------------------------------------ the request

    String method() {
        return request.method().name();
    }

    String path() {
        return path;
    }

    /** The API version the client asked for (its path's prefix), or the server's own for unversioned paths. */
    String apiVersion() {
        return apiVersion;
    }

    /** Whether the client asked to upgrade the connection ({@code Connection: Upgrade}, {@code Upgrade: tcp}). */
    boolean wantsUpgrade() {
        return request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                && request.headers().contains(HttpHeaderNames.UPGRADE);
    }

    Optional<String> query(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(values.size() - 1));
    }

    String query(String name, String absent) {
        return query(name).orElse(absent);
    }

    List<String> queryAll(String name) {
        return query.getOrDefault(name, List.of());
    }

    /** moby's {@code BoolValue}: false for an absent, empty, {@code 0}, {@code no}, {@code false} or {@code none}. */
    boolean bool(String name) {
        return bool(name, false);
    }

    boolean bool(String name, boolean absent) {
        Optional<String> v = query(name);
        if (v.isEmpty()) {
            return absent;
        }
        String s = v.get().strip().toLowerCase(Locale.ROOT);
        return !(s.isEmpty() || s.equals("0") || s.equals("no") || s.equals("false") || s.equals("none"));
    }

    /** An integer parameter, or {@code absent}; a malformed one is docker's 400. */
    Integer integer(String name, Integer absent) {
        Optional<String> v = query(name);
        if (v.isEmpty() || v.get().isBlank()) {
            return absent;
        }
        try {
            return Integer.parseInt(v.get().strip());
        } catch (NumberFormatException e) {
            throw new InvalidArgumentException("invalid value for " + name + ": " + v.get());
        }
    }

    /** The {@code filters} parameter in either of docker's forms (map or list); none when absent. */
    Filters filters() {
        Optional<String> v = query("filters");
        if (v.isEmpty() || v.get().isBlank()) {
            return Filters.NONE;
        }
        return QueryFilters.parse(v.get());
    }

    InputStream body() {
        return body;
    }

    /** Drops what the handler did not read of the body. */
    void discardBody() {
        body.discard();
    }

    /** The body as JSON ({@code null} when it is empty), read as Go's decoder does: keys in any case. */
    JsonNode json() throws IOException {
        byte[] bytes = body.readNBytes(MAX_JSON + 1);
        if (bytes.length > MAX_JSON) {
            throw new InvalidArgumentException("request body too large: a JSON body is at most " + (MAX_JSON >> 20) + " MiB");
        }
        if (bytes.length == 0 || new String(bytes, StandardCharsets.UTF_8).isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(bytes);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InvalidArgumentException("invalid JSON: " + e.getOriginalMessage());
        }
    }

    // ------------------------------------------------------------------ the response

    boolean responded() {
        return responded;
    }

    /** A JSON document with the given status. */
    void json(int status, Object value) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(value);
        byte[] withNewline = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, withNewline, 0, bytes.length);
        withNewline[bytes.length] = '\n';
        full(status, "application/json", withNewline);
    }

    /** A status without a body (204, 304, 201 of tag...). */
    void empty(int status) throws IOException {
        full(status, null, new byte[0]);
    }

    /** A plain-text body ({@code OK} of {@code /_ping}). */
    void text(int status, String text) throws IOException {
        full(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    void full(int status, String contentType, byte[] content) throws IOException {
        full(status, contentType, content, Map.of());
    }

    void full(int status, String contentType, byte[] content, Map<String, String> extra) throws IOException {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                "HEAD".equals(method()) ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(content));
        standardHeaders(r.headers());
        if (contentType != null) {
            r.headers().set("Content-Type", contentType);
        }
        extra.forEach((k, v) -> r.headers().set(k, v));
        r.headers().setInt("Content-Length", content.length);
        HttpUtil.setKeepAlive(r, HttpUtil.isKeepAlive(request));
        responded = true;
        await(channel.writeAndFlush(r));
    }

    /**
     * Starts a chunked response, its headers flushed at once (a {@code wait} that must answer
     * before the container even starts, a stream of progress or events).
     */
    Stream stream(int status, String contentType) throws IOException {
        return stream(status, contentType, Map.of());
    }

    Stream stream(int status, String contentType, Map<String, String> extra) throws IOException {
        HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status));
        standardHeaders(r.headers());
        if (contentType != null) {
            r.headers().set("Content-Type", contentType);
        }
        extra.forEach((k, v) -> r.headers().set(k, v));
        HttpUtil.setTransferEncodingChunked(r, true);
        HttpUtil.setKeepAlive(r, HttpUtil.isKeepAlive(request));
        responded = true;
        await(channel.writeAndFlush(r));
        return new Stream();
    }

    /** A chunked response body: each {@link #write} is a chunk, flushed. */
    final class Stream implements AutoCloseable {
        private boolean ended;

        void write(byte[] data) throws IOException {
            if (data.length == 0) {
                return;
            }
            ChannelFuture f = channel.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(data)));
            if (!channel.isWritable() || !channel.isActive()) {
                await(f);
            }
            if (!channel.isActive()) {
                throw new ClientGoneException();
            }
        }

        /** One JSON object and {@code \r\n}, as docker's progress streams write them. */
        void writeJson(Object value) throws IOException {
            write(Json.line(value, "\r\n"));
        }

        /** One JSON object and {@code \n}, as docker's event stream writes them. */
        void writeJsonLine(Object value) throws IOException {
            write(Json.line(value, "\n"));
        }

        @Override
        public void close() throws IOException {
            if (!ended) {
                ended = true;
                if (channel.isActive()) {
                    await(channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT));
                }
            }
        }
    }

    /**
     * Takes the connection over for a raw stream in both directions (attach, exec start): {@code 101
     * UPGRADED} when the client asked to upgrade, else {@code 200 OK} and a stream that ends when
     * the connection closes, as docker's server answers each.
     */
    HttpTransport.Hijacked hijack(String contentType) throws IOException {
        responded = true;
        return transport.hijack(channel, this, wantsUpgrade(), contentType);
    }

    /** Takes the connection over as a WebSocket ({@code attach/ws}). */
    HttpTransport.Hijacked websocket() throws IOException {
        responded = true;
        return transport.websocket(channel, request);
    }

    void standardHeaders(HttpHeaders h) {
        h.set("Api-Version", Versions.CURRENT);
        h.set("Docker-Experimental", "false");
        h.set("Ostype", "linux");
        h.set("Server", "Docker/" + Versions.ENGINE + " (linux)");
    }

    Channel channel() {
        return channel;
    }

    /**
     * Done when the client is gone, or has ended its input on a connection not hijacked (dockerd
     * cancels the request then): what a stream that lasts until its client goes waits for.
     */
    io.netty.util.concurrent.Future<Void> clientGone() {
        return HttpTransport.clientGone(channel);
    }

    static void await(ChannelFuture f) throws IOException {
        try {
            f.sync();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while writing a response");
        } catch (RuntimeException e) {
            throw new ClientGoneException();
        }
        if (!f.isSuccess()) {
            throw new ClientGoneException();
        }
    }

    /** The client closed its connection while the response was being written. */
    static final class ClientGoneException extends IOException {
        ClientGoneException() {
            super("the client went away");
        }
    }

}
