package io.berth.dockerapi.internal;

import io.berth.testing.Requirements;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The connections of the Docker API's server end with their clients and with the server: a
 * connection its client closed is closed on the server's side too (the docker CLI closes its own
 * after every command, so one left open is a descriptor lost to the daemon for good), and closing
 * the server ends every connection it has, idle or answering (a client would otherwise wait for
 * an answer forever).
 */
@Timeout(60)
class HttpTransportTest {
    private static final String PING = "GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n";

    @TempDir
    Path dir;

    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch streamEnded = new CountDownLatch(1);
    private final HttpTransport transport = new HttpTransport(new Router()
            .get("/_ping", (exchange, m) -> exchange.text(200, "OK"))
            .get("/follow", (exchange, m) -> {
                // As logs -f or events: a stream that lasts until its client goes.
                try (Exchange.Stream out = exchange.stream(200, "text/plain")) {
                    out.write("following\n".getBytes(StandardCharsets.US_ASCII));
                    if (exchange.clientGone().await(30, TimeUnit.SECONDS)) {
                        streamEnded.countDown();
                    }
                }
            })
            .get("/slow", (exchange, m) -> {
                if (!release.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("never released");
                }
                exchange.text(200, "late");
            }));

    @AfterEach
    void close() {
        release.countDown();
        transport.close();
    }

    @Test
    void aTcpConnectionItsClientClosedIsClosedByTheServer() throws Exception {
        InetSocketAddress address = transport.bindTcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null);
        long before = sockets();
        for (int i = 0; i < 10; i++) {
            try (Socket s = new Socket(address.getAddress(), address.getPort())) {
                assertThat(exchange(s.getInputStream(), s.getOutputStream(), PING)).endsWith("OK");
            }
        }
        assertThat(socketsBackTo(before)).as("the server's sockets after 10 connections its clients closed").isEqualTo(before);
    }

    @Test
    void aUnixConnectionItsClientClosedIsClosedByTheServer() throws Exception {
        // Netty's NIO unix channel closes at the client's end of input by itself; epoll's can half-close.
        Requirements.require(io.netty.channel.epoll.Epoll.isAvailable(), "Netty's epoll transport is not available here");
        Path socket = dir.resolve("docker.sock");
        transport.bindUnix(socket);
        long before = sockets();
        for (int i = 0; i < 10; i++) {
            try (SocketChannel s = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                s.connect(UnixDomainSocketAddress.of(socket));
                assertThat(exchange(Channels.newInputStream(s), Channels.newOutputStream(s), PING)).endsWith("OK");
            }
        }
        assertThat(socketsBackTo(before)).as("the server's sockets after 10 connections its clients closed").isEqualTo(before);
    }

    @Test
    void aClientThatHalfClosesAfterItsRequestStillGetsTheAnswerThenTheEnd() throws Exception {
        InetSocketAddress address = transport.bindTcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null);
        try (Socket s = new Socket(address.getAddress(), address.getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET /slow HTTP/1.1\r\nHost: docker\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            Thread.sleep(200);
            release.countDown();
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(all).startsWith("HTTP/1.1 200 OK").endsWith("late");
        }
    }

    @Test
    void aStreamEndsWhenItsClientGoesAndItsConnectionIsClosed() throws Exception {
        InetSocketAddress address = transport.bindTcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null);
        long before = sockets();
        try (Socket s = new Socket(address.getAddress(), address.getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET /follow HTTP/1.1\r\nHost: docker\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            StringBuilder seen = new StringBuilder();
            InputStream in = s.getInputStream();
            while (!seen.toString().contains("following")) {
                int c = in.read();
                assertThat(c).as("the stream's first bytes").isNotNegative();
                seen.append((char) c);
            }
        }
        assertThat(streamEnded.await(10, TimeUnit.SECONDS)).as("the stream learnt that its client went").isTrue();
        assertThat(socketsBackTo(before)).as("the server's sockets after the stream's client went").isEqualTo(before);
    }

    @Test
    void closingTheServerEndsItsEstablishedConnectionsIdleOrAnswering() throws Exception {
        InetSocketAddress address = transport.bindTcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null);
        try (Socket idle = new Socket(address.getAddress(), address.getPort());
                Socket answering = new Socket(address.getAddress(), address.getPort())) {
            idle.setSoTimeout(10_000);
            answering.setSoTimeout(10_000);
            assertThat(exchange(idle.getInputStream(), idle.getOutputStream(), PING)).as("kept alive").endsWith("OK");
            answering.getOutputStream().write("GET /slow HTTP/1.1\r\nHost: docker\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            Thread.sleep(200);

            transport.close();

            assertThat(ended(idle)).as("the idle connection").isTrue();
            assertThat(ended(answering)).as("the connection waiting for its answer").isTrue();
        }
    }

    /** Writes a request and reads its answer (a Content-Length body), the connection kept. */
    private static String exchange(InputStream in, OutputStream out, String request) throws IOException {
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("the connection ended in the headers: " + head);
            }
            head.append((char) c);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return head + new String(in.readNBytes(length), StandardCharsets.US_ASCII);
    }

    /** Whether the server ended the connection (an end of input or a reset) within 10 s. */
    private static boolean ended(Socket s) throws IOException {
        try {
            InputStream in = s.getInputStream();
            while (in.read() >= 0) {
                // what was in flight
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    /** This process's open sockets (the server's and the clients', which are closed by then). */
    private static long sockets() throws IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith("socket:");
                } catch (IOException gone) {
                    return false;
                }
            }).count();
        }
    }

    /** The count of sockets once it is back to {@code before}, or after 10 s what it is then. */
    private static long socketsBackTo(long before) throws Exception {
        long now = sockets();
        for (int i = 0; i < 100 && now > before; i++) {
            Thread.sleep(100);
            now = sockets();
        }
        return now;
    }
}
