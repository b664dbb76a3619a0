package io.berth.dns;

import static io.berth.dns.TestClient.A;
import static io.berth.dns.TestClient.address;
import static io.berth.dns.TestClient.query;
import static io.berth.dns.TestClient.udp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataOutputStream;
import java.io.IOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Binding, unbinding and closing: sockets and threads come and go with them. */
class DnsServerLifecycleTest {
    private static final InetAddress FIRST = address("127.0.0.21");
    private static final InetAddress SECOND = address("127.0.0.22");

    private final MapNameTable table = new MapNameTable().name("web", "10.88.0.2");
    private final DnsServer server = new DnsServer(table, List.of());

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void startsWithoutThreadsOrAddresses() {
        assertThat(server.bound()).isEmpty();
        assertThat(threads("berth-dns-")).isEmpty();
    }

    @Test
    void bindsUdpAndTcpOnOnePortAndIsIdempotent() throws IOException {
        int port = server.bind(FIRST, 0);

        assertThat(port).isPositive();
        assertThat(server.bind(FIRST, 0)).isEqualTo(port);
        assertThat(server.bind(FIRST, port)).isEqualTo(port);
        assertThat(server.bound()).containsExactly(FIRST);
        assertThat(udp(FIRST, new InetSocketAddress(FIRST, port), query(1, "web", A)).addresses())
                .containsExactly(address("10.88.0.2"));
        assertThat(TestClient.tcp(FIRST, new InetSocketAddress(FIRST, port), List.of(query(2, "web", A))).get(0).addresses())
                .containsExactly(address("10.88.0.2"));
        assertThat(threads("berth-dns-127.0.0.21-")).containsExactlyInAnyOrder("berth-dns-127.0.0.21-udp", "berth-dns-127.0.0.21-tcp",
                "berth-dns-127.0.0.21-tcp-1");
        assertThatThrownBy(() -> server.bind(FIRST, port == 65535 ? port - 1 : port + 1))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("127.0.0.21");
    }

    @Test
    void bindsTheAskedPort() throws IOException {
        int free;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(SECOND, 0))) {
            free = probe.getLocalPort();
        }

        assertThat(server.bind(SECOND, free)).isEqualTo(free);
    }

    @Test
    void reportsAnAddressInUse() throws IOException {
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(FIRST, 0))) {
            assertThatThrownBy(() -> server.bind(FIRST, taken.getLocalPort()))
                    .isInstanceOf(BindException.class)
                    .hasMessageContaining("127.0.0.21").hasMessageContaining(String.valueOf(taken.getLocalPort()));
        }
        try (ServerSocket taken = new ServerSocket(0, 1, FIRST)) {
            assertThatThrownBy(() -> server.bind(FIRST, taken.getLocalPort())).isInstanceOf(BindException.class);
        }
        assertThat(server.bound()).isEmpty();
        assertThat(threads("berth-dns-")).isEmpty();
    }

    @Test
    void unbindStopsTheThreadsAndFreesThePort() throws Exception {
        int first = server.bind(FIRST, 0);
        int second = server.bind(SECOND, 0);
        Socket idle = openConnection(new InetSocketAddress(FIRST, first));

        server.unbind(FIRST);

        assertThat(server.bound()).containsExactly(SECOND);
        assertThat(threads("berth-dns-127.0.0.21")).isEmpty();
        assertThat(idle.getInputStream().read()).as("the connection is closed").isEqualTo(-1);
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(FIRST, first));
             ServerSocket tcp = new ServerSocket(first, 1, FIRST)) {
            assertThat(udp.getLocalPort()).isEqualTo(tcp.getLocalPort());
        }
        assertThat(udp(SECOND, new InetSocketAddress(SECOND, second), query(1, "web", A)).addresses()).hasSize(1);

        server.unbind(SECOND);
        server.unbind(SECOND);

        assertThat(server.bound()).isEmpty();
        assertThat(threads("berth-dns-")).isEmpty();
        idle.close();
    }

    @Test
    void bindsAgainAfterUnbind() throws IOException {
        int port = server.bind(FIRST, 0);
        server.unbind(FIRST);

        assertThat(server.bind(FIRST, port)).isEqualTo(port);
        assertThat(udp(FIRST, new InetSocketAddress(FIRST, port), query(1, "web", A)).addresses()).hasSize(1);
    }

    @Test
    void closeLeavesNoThreadAndRefusesToBindAgain() throws Exception {
        try (FakeUpstream silent = FakeUpstream.silent("127.0.0.23")) {
            server.setUpstreams(List.of(silent.address()));
            int port = server.bind(FIRST, 0);
            server.bind(SECOND, 0);
            Socket idle = openConnection(new InetSocketAddress(FIRST, port));
            // A query waiting on a silent upstream, over UDP and over TCP.
            CompletableFuture<byte[]> waitingUdp = CompletableFuture.supplyAsync(() ->
                    TestClient.udpRaw(FIRST, new InetSocketAddress(FIRST, port), query(1, "db.example.org", A), Duration.ofSeconds(3)));
            CompletableFuture<Void> waitingTcp = CompletableFuture.runAsync(() ->
                    TestClient.tcp(FIRST, new InetSocketAddress(FIRST, port), List.of(query(2, "db.example.org", A))));
            waitUntil(() -> silent.queries.size() == 2);
            assertThat(threads("berth-dns-forward-")).hasSize(1);

            long start = System.nanoTime();
            server.close();
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(took).as("close does not wait for the upstream's timeout").isLessThan(Duration.ofSeconds(1));
            assertThat(threads("berth-dns-")).isEmpty();
            assertThat(server.bound()).isEmpty();
            assertThat(idle.getInputStream().read()).isEqualTo(-1);
            assertThat(waitingUdp.get(5, TimeUnit.SECONDS)).as("no answer once closed").isNull();
            assertThat(waitingTcp).failsWithin(Duration.ofSeconds(5));
            assertThatThrownBy(() -> server.bind(FIRST, 0)).isInstanceOf(IllegalStateException.class);
            server.close();
            idle.close();
        }
    }

    private static Socket openConnection(InetSocketAddress to) throws Exception {
        Socket socket = new Socket();
        socket.connect(to, 5000);
        socket.setSoTimeout(5000);
        // One query answered, so the connection has its thread.
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        byte[] query = query(9, "web", A);
        out.writeShort(query.length);
        out.write(query);
        out.flush();
        java.io.DataInputStream in = new java.io.DataInputStream(socket.getInputStream());
        in.readFully(new byte[in.readUnsignedShort()]);
        return socket;
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 5 s for a condition").isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    /** The names of the live threads whose names start with PREFIX. */
    static List<String> threads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive).map(Thread::getName).filter(n -> n.startsWith(prefix)).toList();
    }
}
