package io.berth.dockerapi.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Docker API's socket listened on before its server exists: the first client's connection
 * waits, starts the server, and is served first; closed before anyone connects, nothing starts.
 */
@Timeout(60)
class UnixListenerTest {
    @TempDir
    Path dir;

    @Test
    void theFirstConnectionStartsTheServerThatTakesTheSocketAndIsServed() throws Exception {
        Path path = dir.resolve("docker.sock");
        AtomicInteger starts = new AtomicInteger();
        HttpTransport[] transport = new HttpTransport[1];
        CountDownLatch started = new CountDownLatch(1);
        UnixListener listener = new UnixListener(path);
        try {
            listener.onFirstConnection(() -> {
                starts.incrementAndGet();
                transport[0] = new HttpTransport(new Router().get("/_ping", (exchange, m) -> exchange.text(200, "OK")));
                try {
                    assertThat(transport[0].epoll()).as("epoll, which takes the socket").isTrue();
                    listener.take();
                    transport[0].adoptUnix(listener.fd());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                started.countDown();
            });
            Thread.sleep(200);
            assertThat(starts).as("no server before a client").hasValue(0);

            assertThat(get(path, "/_ping")).startsWith("HTTP/1.1 200 OK").endsWith("OK");
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(get(path, "/_ping")).as("the next connections too").startsWith("HTTP/1.1 200 OK");
            assertThat(starts).hasValue(1);
        } finally {
            listener.close();
            if (transport[0] != null) {
                transport[0].close();
            }
        }
        assertThatThrownBy(() -> get(path, "/_ping")).as("the server closed the socket it took")
                .hasMessageContaining("Connection refused");
        assertThat(waiterAlive()).isFalse();
    }

    @Test
    void closedBeforeAnyClientNothingStarts() throws Exception {
        Path path = dir.resolve("docker.sock");
        AtomicInteger starts = new AtomicInteger();
        UnixListener listener = new UnixListener(path);
        listener.onFirstConnection(starts::incrementAndGet);
        assertThat(waiterAlive()).isTrue();
        listener.close();
        listener.close();
        assertThat(waiterAlive()).as("the waiting thread ended").isFalse();
        assertThat(starts).hasValue(0);
        assertThatThrownBy(() -> get(path, "/_ping")).hasMessageContaining("Connection refused");
    }

    private static boolean waiterAlive() {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("berth-docker-api-listen"));
    }

    /** One request on a connection of its own, its whole answer (the server keeps the connection: read to the body's length). */
    private static String get(Path socket, String path) throws IOException {
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(socket));
            c.write(ByteBuffer.wrap(("GET " + path + " HTTP/1.1\r\nHost: docker\r\n\r\n").getBytes(StandardCharsets.US_ASCII)));
            StringBuilder answer = new StringBuilder();
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            while (!complete(answer)) {
                buffer.clear();
                if (c.read(buffer) < 0) {
                    break;
                }
                answer.append(new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII));
            }
            return answer.toString();
        }
    }

    private static boolean complete(CharSequence answer) {
        String s = answer.toString();
        int end = s.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(s.substring(0, end));
        return m.find() && s.length() - end - 4 >= Integer.parseInt(m.group(1));
    }
}
