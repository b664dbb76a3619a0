package io.berth.dns;

import static io.berth.dns.TestClient.A;
import static io.berth.dns.TestClient.MX;
import static io.berth.dns.TestClient.NOERROR;
import static io.berth.dns.TestClient.NXDOMAIN;
import static io.berth.dns.TestClient.PTR;
import static io.berth.dns.TestClient.SERVFAIL;
import static io.berth.dns.TestClient.address;
import static io.berth.dns.TestClient.loopback;
import static io.berth.dns.TestClient.parse;
import static io.berth.dns.TestClient.query;
import static io.berth.dns.TestClient.tcp;
import static io.berth.dns.TestClient.udp;
import static org.assertj.core.api.Assertions.assertThat;

import io.berth.dns.TestClient.Reply;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the server does not know goes to the upstreams. The upstream is a second DnsServer with a
 * table of its own on 127.0.0.2, or a fake one that records what it gets.
 */
class ForwardingTest {
    private final MapNameTable upstreamTable = new MapNameTable()
            .name("db.example.org", "192.0.2.10")
            .name("big.example.org", DnsServerTest.manyAddresses(40))
            .reverse("192.0.2.10", "db.example.org");
    private final MapNameTable table = new MapNameTable().name("web", "10.88.0.2");
    private final List<AutoCloseable> closing = new ArrayList<>();
    private DnsServer upstream;
    private InetSocketAddress upstreamAddress;
    private DnsServer server;
    private InetSocketAddress address;

    @BeforeEach
    void start() throws IOException {
        upstream = new DnsServer(upstreamTable, List.of());
        upstreamAddress = new InetSocketAddress(address("127.0.0.2"), upstream.bind(address("127.0.0.2"), 0));
        server = new DnsServer(table, List.of(upstreamAddress));
        address = new InetSocketAddress(loopback(), server.bind(loopback(), 0));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        upstream.close();
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    @Test
    void relaysTheUpstreamsAnswerWithTheClientsId() {
        Reply reply = udp(address, query(0x1234, "db.example.org", A));

        assertThat(reply.id()).isEqualTo(0x1234);
        assertThat(reply.rcode()).isEqualTo(NOERROR);
        assertThat(reply.questionName()).isEqualTo("db.example.org");
        assertThat(reply.addresses()).containsExactly(address("192.0.2.10"));
        assertThat(table.calls).extracting(MapNameTable.Call::name).contains("db.example.org");
        assertThat(upstreamTable.calls).extracting(MapNameTable.Call::name).contains("db.example.org");
    }

    @Test
    void forwardsQueriesUnchangedButForTheId() throws Exception {
        FakeUpstream fake = track(new FakeUpstream("127.0.0.3", q -> List.of(FakeUpstream.answer(q, NOERROR))));
        server.setUpstreams(List.of(fake.address()));
        byte[] query = query(0x2222, "example.org", MX, true, 1232);

        Reply reply = udp(address, query);

        assertThat(reply.id()).isEqualTo(0x2222);
        assertThat(reply.rcode()).isEqualTo(NOERROR);
        assertThat(reply.questionType()).isEqualTo(MX);
        assertThat(fake.queries).singleElement().satisfies(sent ->
                assertThat(Arrays.copyOfRange(sent, 2, sent.length)).isEqualTo(Arrays.copyOfRange(query, 2, query.length)));
    }

    @Test
    void forwardsUnknownPtrQueries() {
        Reply reply = udp(address, query(3, "10.2.0.192.in-addr.arpa", PTR));

        assertThat(reply.rcode()).isEqualTo(NOERROR);
        assertThat(reply.answers()).singleElement().satisfies(rr -> assertThat(rr.target()).isEqualTo("db.example.org"));
    }

    @Test
    void relaysTheUpstreamsErrorsButAnswersSingleLabelNamesItself() throws Exception {
        FakeUpstream denying = track(new FakeUpstream("127.0.0.3", q -> List.of(FakeUpstream.answer(q, NXDOMAIN))));
        server.setUpstreams(List.of(denying.address()));

        Reply dotted = udp(address, query(4, "nothing.example.org", A));
        Reply single = udp(address, query(5, "nobody", A));

        assertThat(dotted.rcode()).isEqualTo(NXDOMAIN);
        assertThat(dotted.aa()).isFalse();
        assertThat(single.rcode()).isEqualTo(NXDOMAIN);
        assertThat(single.aa()).isTrue();
        assertThat(denying.queries).hasSize(1);
    }

    @Test
    void answersServfailWhenTheUpstreamIsDown() throws IOException {
        int closedPort;
        try (DatagramSocket gone = new DatagramSocket(new InetSocketAddress("127.0.0.4", 0))) {
            closedPort = gone.getLocalPort();
        }
        server.setUpstreams(List.of(new InetSocketAddress("127.0.0.4", closedPort)));

        long start = System.nanoTime();
        Reply reply = udp(address, query(0x3333, "db.example.org", A));

        assertThat(reply.id()).isEqualTo(0x3333);
        assertThat(reply.rcode()).isEqualTo(SERVFAIL);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
    }

    @Test
    void givesEachUpstreamTwoSeconds() throws Exception {
        FakeUpstream silent = track(FakeUpstream.silent("127.0.0.5"));
        server.setUpstreams(List.of(silent.address()));

        long start = System.nanoTime();
        Reply reply = udp(address, query(0x4444, "db.example.org", A));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(reply.rcode()).isEqualTo(SERVFAIL);
        assertThat(took).isBetween(Duration.ofMillis(1900), Duration.ofMillis(4000));
        assertThat(silent.queries).hasSize(1);
    }

    @Test
    void asksTheNextUpstreamWhenTheFirstDoesNotAnswer() throws Exception {
        FakeUpstream silent = track(FakeUpstream.silent("127.0.0.5"));
        server.setUpstreams(List.of(silent.address(), upstreamAddress));

        long start = System.nanoTime();
        Reply reply = udp(address, query(0x5555, "db.example.org", A));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(reply.id()).isEqualTo(0x5555);
        assertThat(reply.addresses()).containsExactly(address("192.0.2.10"));
        assertThat(took).isBetween(Duration.ofMillis(1900), Duration.ofMillis(4500));
    }

    @Test
    void ignoresAnswersThatDoNotMatchTheQuery() throws Exception {
        FakeUpstream confused = track(new FakeUpstream("127.0.0.6", q -> {
            byte[] wrongId = FakeUpstream.answer(q, NXDOMAIN);
            wrongId[1]++;
            byte[] wrongQuestion = FakeUpstream.answer(query((q[0] & 0xff) << 8 | q[1] & 0xff, "other.example.org", A), NXDOMAIN);
            return List.of(wrongId, wrongQuestion, FakeUpstream.answer(q, NOERROR));
        }));
        server.setUpstreams(List.of(confused.address()));

        Reply reply = udp(address, query(0x6666, "db.example.org", A));

        assertThat(reply.id()).isEqualTo(0x6666);
        assertThat(reply.rcode()).isEqualTo(NOERROR);
    }

    @Test
    void forwardsTcpClientsOverTcp() {
        Reply overTcp = tcp(address, query(0x7777, "big.example.org", A));
        Reply overUdp = udp(address, query(0x7778, "big.example.org", A));
        Reply overUdpWithEdns = udp(address, query(0x7779, "big.example.org", A, true, 4096));

        assertThat(overTcp.id()).isEqualTo(0x7777);
        assertThat(overTcp.tc()).isFalse();
        assertThat(overTcp.addresses()).containsExactlyInAnyOrderElementsOf(DnsServerTest.manyAddresses(40));
        assertThat(overUdp.id()).isEqualTo(0x7778);
        assertThat(overUdp.tc()).isTrue();
        assertThat(overUdp.answers()).isEmpty();
        assertThat(overUdpWithEdns.tc()).isFalse();
        assertThat(overUdpWithEdns.addresses()).hasSize(40);
    }

    @Test
    void answersServfailWithoutUpstreams() {
        server.setUpstreams(List.of());

        assertThat(udp(address, query(1, "db.example.org", A)).rcode()).isEqualTo(SERVFAIL);
        assertThat(tcp(address, query(2, "db.example.org", A)).rcode()).isEqualTo(SERVFAIL);
    }

    @Test
    void neverForwardsToItself() {
        server.setUpstreams(List.of(address, upstreamAddress));

        assertThat(udp(address, query(1, "db.example.org", A)).addresses()).containsExactly(address("192.0.2.10"));
        server.setUpstreams(List.of(address));
        assertThat(udp(address, query(2, "db.example.org", A)).rcode()).isEqualTo(SERVFAIL);
    }

    @Test
    void answersServfailBeyondTheQueriesInFlight() throws Exception {
        FakeUpstream silent = track(FakeUpstream.silent("127.0.0.5"));
        DnsServer capped = new DnsServer(table, List.of(silent.address()),
                new Limits(2, Duration.ofMillis(500), Duration.ofSeconds(10), 64));
        closing.add(capped::close);
        InetSocketAddress at = new InetSocketAddress(address("127.0.0.7"), capped.bind(address("127.0.0.7"), 0));

        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(loopback(), 0))) {
            client.setSoTimeout(5000);
            for (int id = 1; id <= 3; id++) {
                send(client, at, query(id, "db.example.org", A));
            }
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Reply reply = receive(client);
                assertThat(reply.rcode()).isEqualTo(SERVFAIL);
                order.add(reply.id());
            }
            assertThat(order.get(0)).as("the query beyond the cap, answered at once").isEqualTo(3);

            // The two in flight have ended: the next query is forwarded again, and waits its timeout.
            long start = System.nanoTime();
            send(client, at, query(4, "db.example.org", A));
            assertThat(receive(client).id()).isEqualTo(4);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(400));
            assertThat(silent.queries).hasSize(3);
        }
    }

    private static void send(DatagramSocket client, InetSocketAddress to, byte[] query) throws IOException {
        client.send(new DatagramPacket(query, query.length, to));
    }

    private static Reply receive(DatagramSocket client) throws IOException {
        byte[] buffer = new byte[512];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        client.receive(packet);
        return parse(Arrays.copyOf(buffer, packet.getLength()));
    }

    private FakeUpstream track(FakeUpstream upstream) {
        closing.add(upstream);
        return upstream;
    }
}
