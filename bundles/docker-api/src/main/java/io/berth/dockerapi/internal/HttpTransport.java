package io.berth.dockerapi.internal;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ImmediateEventExecutor;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * HTTP/1.1 on a unix socket (and, when configured, a loopback TCP port) with Netty's codec: keep-alive,
 * chunked request bodies, per-message flushes, and connections taken over for raw streams
 * ({@link #hijack}). The event loop only moves bytes; each request's handler runs on a worker
 * thread of its own, since engine calls block and streams last.
 */
final class HttpTransport implements Closeable {
    private static final System.Logger LOG = System.getLogger(HttpTransport.class.getName());
    /** Done when the connection's client is gone or has ended its input (not on a hijacked connection): see {@link #clientGone}. */
    private static final io.netty.util.AttributeKey<io.netty.util.concurrent.Promise<Void>> CLIENT_GONE =
            io.netty.util.AttributeKey.valueOf("berth-client-gone");

    /** Handles one request on a worker thread; it must respond (an exception is the error response). */
    interface Dispatcher {
        void dispatch(Exchange exchange);
    }

    private final Dispatcher dispatcher;
    private final boolean epoll;
    private final EventLoopGroup loop;
    private final ExecutorService workers;
    private final List<Channel> servers = new ArrayList<>();
    /**
     * Every connection, for {@link #close} to end before the event loop stops: the loop's shutdown
     * does not close its channels when it begins while the loop runs tasks (as when a server's
     * close completes), and a connection left open keeps its client waiting for an answer for good.
     */
    private final ChannelGroup connections = new DefaultChannelGroup("berth-docker-api", ImmediateEventExecutor.INSTANCE);
    /** Set by {@link #close}, under {@link #connections}' lock: a connection registered after it is closed at once. */
    private boolean closing;

    HttpTransport(Dispatcher dispatcher) {
        this.dispatcher = dispatcher;
        this.epoll = io.netty.channel.epoll.Epoll.isAvailable();
        if (!epoll) {
            LOG.log(System.Logger.Level.WARNING, "Docker API: epoll is not available ("
                    + io.netty.channel.epoll.Epoll.unavailabilityCause() + "); with NIO, a client's half-close of an "
                    + "attach closes it");
        }
        this.loop = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("berth-docker-api-io", true),
                epoll ? io.netty.channel.epoll.EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        AtomicInteger n = new AtomicInteger();
        ThreadFactory threads = r -> {
            Thread t = new Thread(r, "berth-docker-api-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        // Streams (logs -f, events, attach) hold their thread for as long as they last.
        this.workers = Executors.newCachedThreadPool(threads);
    }

    /** Listens on a unix socket (the file is made by the bind). */
    void bindUnix(Path socket) throws IOException {
        if (epoll) {
            servers.add(bind(new ServerBootstrap().channel(io.netty.channel.epoll.EpollServerDomainSocketChannel.class),
                    new io.netty.channel.unix.DomainSocketAddress(socket.toFile()), null));
        } else {
            servers.add(bind(new ServerBootstrap().channel(NioServerDomainSocketChannel.class), UnixDomainSocketAddress.of(socket),
                    null));
        }
    }

    /** Whether the epoll transport serves, the one that can {@link #adoptUnix} a socket. */
    boolean epoll() {
        return epoll;
    }

    /**
     * Serves a unix socket already listened on ({@link UnixListener}), with epoll (Netty's NIO
     * transport cannot take a socket by its descriptor). The descriptor is the server's from the
     * call on, served or not: a server channel that fails to register closes it.
     */
    void adoptUnix(int fd) throws IOException {
        if (!epoll) {
            throw new IllegalStateException("only epoll takes a socket by its descriptor");
        }
        ServerBootstrap b = new ServerBootstrap().channelFactory(() -> new io.netty.channel.epoll.EpollServerDomainSocketChannel(fd, true));
        servers.add(serve(b, null, bootstrap -> bootstrap.register(), "serve the unix socket of descriptor " + fd));
    }

    /**
     * Listens on a TCP address: plain (the caller allows only loopback), or with TLS when
     * {@code tls} is given (the caller requires client certificates then).
     */
    InetSocketAddress bindTcp(InetSocketAddress address, io.netty.handler.ssl.SslContext tls) throws IOException {
        Channel c = bind(new ServerBootstrap().channel(epoll ? io.netty.channel.epoll.EpollServerSocketChannel.class
                : NioServerSocketChannel.class), address, tls);
        servers.add(c);
        return (InetSocketAddress) c.localAddress();
    }

    private Channel bind(ServerBootstrap b, java.net.SocketAddress address, io.netty.handler.ssl.SslContext tls)
            throws IOException {
        return serve(b, tls, bootstrap -> bootstrap.bind(address), "listen on " + address);
    }

    /** Starts serving: {@code start} binds or registers the server channel {@code b} makes ({@code what} it does, for errors). */
    private Channel serve(ServerBootstrap b, io.netty.handler.ssl.SslContext tls,
            java.util.function.Function<ServerBootstrap, io.netty.channel.ChannelFuture> start, String what)
            throws IOException {
        b.group(loop).childOption(ChannelOption.ALLOW_HALF_CLOSURE, true).childHandler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                synchronized (connections) {
                    if (closing) {
                        ch.close();
                        return;
                    }
                    connections.add(ch);
                }
                io.netty.util.concurrent.Promise<Void> gone = ch.eventLoop().newPromise();
                ch.closeFuture().addListener(closed -> gone.trySuccess(null));
                ch.attr(CLIENT_GONE).set(gone);
                // A client's half-close means "no more input", not "gone" (the docker CLI half-closes
                // an attach without -i at once); the unix channel's config does not take it as an option.
                if (ch.config() instanceof io.netty.channel.socket.DuplexChannelConfig duplex) {
                    duplex.setAllowHalfClosure(true);
                }
                ChannelPipeline p = ch.pipeline();
                if (tls != null) {
                    p.addLast("tls", tls.newHandler(ch.alloc()));
                }
                // Headers up to 1 MiB: X-Registry-Auth and X-Registry-Config can be long.
                p.addLast("codec", new HttpServerCodec(8192, 1 << 20, 64 << 10));
                p.addLast("keepalive", new HttpServerKeepAliveHandler());
                p.addLast("api", new RequestHandler());
            }
        });
        try {
            return start.apply(b).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while trying to " + what);
        } catch (Exception e) {
            throw new IOException("cannot " + what + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        synchronized (connections) {
            closing = true;
        }
        for (Channel c : servers) {
            c.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        loop.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        workers.shutdownNow();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * One connection's requests, in order: each request's body goes to its {@link BodyStream}, which
     * the handler reads on its worker; once hijacked, every byte goes to the {@link Hijacked} input.
     * The connection ends once its client has ended its input and every request it sent is
     * answered, as dockerd's does (a client that only half-closed still reads the answers).
     */
    private final class RequestHandler extends ChannelDuplexHandler {
        private BodyStream body;
        private Hijacked hijacked;
        /** Requests read whose answer is not all written yet; the event loop's alone, as {@link #inputEnded}. */
        private int unanswered;
        private boolean inputEnded;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (hijacked != null) {
                    if (msg instanceof ByteBuf buf) {
                        byte[] data = new byte[buf.readableBytes()];
                        buf.readBytes(data);
                        hijacked.input.offer(data);
                    } else if (msg instanceof io.netty.handler.codec.http.websocketx.CloseWebSocketFrame) {
                        hijacked.input.end();
                        ctx.close();
                    } else if (msg instanceof io.netty.handler.codec.http.websocketx.PingWebSocketFrame ping) {
                        ctx.writeAndFlush(new io.netty.handler.codec.http.websocketx.PongWebSocketFrame(
                                ping.content().retainedDuplicate()));
                    } else if (msg instanceof io.netty.handler.codec.http.websocketx.WebSocketFrame frame
                            && !(msg instanceof io.netty.handler.codec.http.websocketx.PongWebSocketFrame)) {
                        byte[] data = new byte[frame.content().readableBytes()];
                        frame.content().readBytes(data);
                        hijacked.input.offer(data);
                    }
                    return;
                }
                if (msg instanceof HttpRequest request) {
                    unanswered++;
                    Channel ch = ctx.channel();
                    body = new BodyStream(new BodyStream.Flow() {
                        @Override
                        public void pause() {
                            ch.config().setAutoRead(false);
                        }

                        @Override
                        public void resume() {
                            ch.config().setAutoRead(true);
                        }
                    });
                    if (!request.decoderResult().isSuccess()) {
                        badRequest(ctx, request.decoderResult().cause());
                        return;
                    }
                    start(ctx.channel(), request, body);
                }
                if (msg instanceof HttpContent content && body != null) {
                    ByteBuf buf = content.content();
                    if (buf.isReadable()) {
                        byte[] data = new byte[buf.readableBytes()];
                        buf.readBytes(data);
                        body.offer(data);
                    }
                    if (msg instanceof LastHttpContent) {
                        body.end();
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void badRequest(ChannelHandlerContext ctx, Throwable cause) {
            byte[] text = ("{\"message\":\"bad request: " + String.valueOf(cause.getMessage()).replace("\"", "'") + "\"}\n")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            io.netty.handler.codec.http.FullHttpResponse r = new io.netty.handler.codec.http.DefaultFullHttpResponse(
                    HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST, Unpooled.wrappedBuffer(text));
            r.headers().set("Content-Type", "application/json");
            r.headers().setInt("Content-Length", text.length);
            r.headers().set("Connection", "close");
            ctx.writeAndFlush(r).addListener(io.netty.channel.ChannelFutureListener.CLOSE);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
            if (msg instanceof LastHttpContent && hijacked == null
                    && !(msg instanceof HttpResponse r && r.status().codeClass() == HttpStatusClass.INFORMATIONAL)) {
                // An answer's end: once written, the connection may be done.
                promise = promise.unvoid().addListener(written -> {
                    unanswered--;
                    endIfDone(ctx);
                });
            }
            super.write(ctx, msg, promise);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof ChannelInputShutdownEvent) {
                // The client half-closed: no more input, but it still reads what comes.
                if (hijacked != null) {
                    hijacked.input.end();
                    return;
                }
                inputEnded = true;
                if (body != null) {
                    // Ends a body already complete; one the client cut short is not taken as whole.
                    body.fail(new IOException("the client ended the connection's input before the request's end"));
                }
                // As dockerd, whose requests are cancelled at their client's end of input: streams
                // (logs -f, events, wait) end, and answers already on their way are still written.
                ctx.channel().attr(CLIENT_GONE).get().trySuccess(null);
                endIfDone(ctx);
                return;
            }
            super.userEventTriggered(ctx, evt);
        }

        /** Closes a connection whose client sends nothing more and has every answer (a hijacked one ends with its stream). */
        private void endIfDone(ChannelHandlerContext ctx) {
            if (inputEnded && unanswered <= 0 && hijacked == null) {
                ctx.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (hijacked != null) {
                hijacked.input.end();
            }
            if (body != null) {
                body.fail(new IOException("the client closed the connection"));
            }
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.log(System.Logger.Level.DEBUG, "docker API connection failed", cause);
            ctx.close();
        }
    }

    private void start(Channel channel, HttpRequest request, BodyStream body) {
        String rawPath = request.uri();
        int q = rawPath.indexOf('?');
        rawPath = q < 0 ? rawPath : rawPath.substring(0, q);
        String path = io.netty.handler.codec.http.QueryStringDecoder.decodeComponent(rawPath);
        workers.execute(() -> {
            Versions.Split split;
            Exchange exchange;
            try {
                split = Versions.split(path);
                exchange = new Exchange(this, channel, request, split.path(),
                        split.version() == null ? Versions.CURRENT : split.version(), body);
            } catch (RuntimeException e) {
                Exchange plain = new Exchange(this, channel, request, path, Versions.CURRENT, body);
                Errors.respond(plain, e);
                return;
            }
            dispatcher.dispatch(exchange);
        });
    }

    // ------------------------------------------------------------------ hijacking

    /**
     * A connection taken over by a stream: {@link #input} is what the client sends (it ends when
     * the client half-closes or goes), {@link #write} sends raw bytes, {@link #close} ends the
     * connection after what was written.
     */
    static final class Hijacked implements Closeable {
        private final Channel channel;
        private final boolean websocket;
        final BodyStream input;

        Hijacked(Channel channel) {
            this(channel, false);
        }

        Hijacked(Channel channel, boolean websocket) {
            this.channel = channel;
            this.websocket = websocket;
            this.input = new BodyStream(new BodyStream.Flow() {
                @Override
                public void pause() {
                    channel.config().setAutoRead(false);
                }

                @Override
                public void resume() {
                    channel.config().setAutoRead(true);
                }
            });
        }

        InputStream input() {
            return input;
        }

        void write(byte[] data, int offset, int length) throws IOException {
            if (length == 0) {
                return;
            }
            ByteBuf bytes = Unpooled.copiedBuffer(data, offset, length);
            io.netty.channel.ChannelFuture f = channel.writeAndFlush(websocket
                    ? new io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame(bytes) : bytes);
            if (!channel.isWritable()) {
                Exchange.await(f);
            }
            if (!channel.isActive()) {
                throw new Exchange.ClientGoneException();
            }
        }

        @Override
        public void close() {
            if (websocket && channel.isActive()) {
                channel.writeAndFlush(new io.netty.handler.codec.http.websocketx.CloseWebSocketFrame(1000, ""))
                        .awaitUninterruptibly(5, TimeUnit.SECONDS);
                channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
                return;
            }
            // Over TLS, closing sends close_notify after what was written; a plain socket's output
            // is shut first, so that the client reads everything before the end.
            if (channel instanceof DuplexChannel d && channel.isActive() && channel.pipeline().get("tls") == null) {
                // Output first, so the client reads everything before the end.
                d.shutdownOutput().awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
            channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /**
     * Takes the connection over as a WebSocket (docker's {@code attach/ws}): the handshake's
     * {@code 101}, then frames both ways, the output in binary frames.
     */
    Hijacked websocket(Channel channel, HttpRequest request) throws IOException {
        Hijacked h = new Hijacked(channel, true);
        onLoop(channel, "upgrade the connection to a WebSocket", () -> {
            String scheme = channel.pipeline().get("tls") != null ? "wss://" : "ws://";
            var handshaker = new io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory(
                    scheme + request.headers().get(HttpHeaderNames.HOST, "docker") + request.uri(), null, false, 1 << 20)
                    .newHandshaker(request);
            if (handshaker == null) {
                throw new IllegalStateException("unsupported WebSocket version");
            }
            takeOver(channel, h);
            io.netty.handler.codec.http.FullHttpRequest full = new io.netty.handler.codec.http.DefaultFullHttpRequest(
                    request.protocolVersion(), request.method(), request.uri(), Unpooled.EMPTY_BUFFER,
                    request.headers(), io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE);
            // The handshake answers 101 and puts WebSocket frames where the HTTP codec was.
            handshaker.handshake(channel, full);
            channel.config().setAutoRead(true);
        });
        return h;
    }

    /** Gives the connection's input to {@code h} from now on, instead of to requests. */
    private static void takeOver(Channel channel, Hijacked h) {
        ChannelPipeline p = channel.pipeline();
        p.remove("keepalive");
        RequestHandler handler = (RequestHandler) p.get("api");
        handler.hijacked = h;
        handler.body = null;
        if (handler.inputEnded) {
            // The client ended its input with the request: nothing more comes to the stream.
            h.input.end();
        }
    }

    /** See {@link Exchange#clientGone}: set up for every connection as it is accepted. */
    static io.netty.util.concurrent.Future<Void> clientGone(Channel channel) {
        return channel.attr(CLIENT_GONE).get();
    }

    /** Runs {@code task} on the connection's event loop and waits for it: pipelines change only there. */
    private static void onLoop(Channel channel, String what, Runnable task) throws IOException {
        io.netty.util.concurrent.Promise<Void> done = channel.eventLoop().newPromise();
        channel.eventLoop().execute(() -> {
            try {
                task.run();
                done.setSuccess(null);
            } catch (RuntimeException e) {
                done.setFailure(e);
            }
        });
        try {
            done.sync();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while trying to " + what);
        } catch (RuntimeException e) {
            throw new IOException("cannot " + what + ": " + e.getMessage(), e);
        }
    }

    /**
     * Answers the request ({@code 101 UPGRADED} or {@code 200 OK} with no length), flushed on its own
     * (docker-py reads headers with a buffer that would swallow stream bytes sent with them), then
     * removes the HTTP codec so that the connection carries raw bytes both ways.
     */
    Hijacked hijack(Channel channel, Exchange exchange, boolean upgrade, String contentType) throws IOException {
        Hijacked h = new Hijacked(channel);
        onLoop(channel, "take over the connection", () -> {
            HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1,
                    upgrade ? new HttpResponseStatus(101, "UPGRADED") : HttpResponseStatus.OK);
            r.headers().set("Content-Type", contentType);
            if (upgrade) {
                r.headers().set("Connection", "Upgrade");
                r.headers().set("Upgrade", "tcp");
            }
            exchange.standardHeaders(r.headers());
            takeOver(channel, h);
            channel.writeAndFlush(r);
            // What the decoder still holds (input sent right after the request) comes to the handler raw.
            channel.pipeline().remove("codec");
            channel.config().setAutoRead(true);
        });
        return h;
    }
}
