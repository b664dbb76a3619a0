package io.berth.dns;

import static io.berth.dns.TestClient.A;
import static io.berth.dns.TestClient.AAAA;
import static io.berth.dns.TestClient.FORMERR;
import static io.berth.dns.TestClient.MX;
import static io.berth.dns.TestClient.NOERROR;
import static io.berth.dns.TestClient.NOTIMP;
import static io.berth.dns.TestClient.NXDOMAIN;
import static io.berth.dns.TestClient.PTR;
import static io.berth.dns.TestClient.SERVFAIL;
import static io.berth.dns.TestClient.address;
import static io.berth.dns.TestClient.loopback;
import static io.berth.dns.TestClient.parse;
import static io.berth.dns.TestClient.query;
import static io.berth.dns.TestClient.tcp;
import static io.berth.dns.TestClient.udp;
import static io.berth.dns.TestClient.udpRaw;
import static org.assertj.core.api.Assertions.assertThat;

import io.berth.dns.TestClient.Reply;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the server answers itself, from its name table, over UDP and TCP. */
class DnsServerTest {
    private final MapNameTable table = new MapNameTable()
            .name("web", "10.88.0.2", "10.88.0.3", "fd00::2")
            .name("db", "10.88.0.4")
            .name("web.net1", "10.88.0.2")
            .name("v6only", "fd00::7")
            .name("noaddress", List.of())
            .reverse("10.88.0.2", "web.net1")
            .reverse("fd00::2", "web.net1.");
    private DnsServer server;
    private InetSocketAddress address;

    @BeforeEach
    void start() throws IOException {
        server = new DnsServer(table, List.of());
        address = new InetSocketAddress(loopback(), server.bind(loopback(), 0));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void answersKnownNamesWithTtlZeroAuthoritatively() {
        Reply reply = udp(address, query(0x4242, "web", A));

        assertThat(reply.id()).isEqualTo(0x4242);
        assertThat(reply.qr()).isTrue();
        assertThat(reply.opcode()).isZero();
        assertThat(reply.rcode()).isEqualTo(NOERROR);
        assertThat(reply.aa()).isTrue();
        assertThat(reply.ra()).isTrue();
        assertThat(reply.rd()).isTrue();
        assertThat(reply.tc()).isFalse();
        assertThat(reply.questionCount()).isEqualTo(1);
        assertThat(reply.questionName()).isEqualTo("web");
        assertThat(reply.questionType()).isEqualTo(A);
        assertThat(reply.answers()).hasSize(2).allSatisfy(rr -> {
            assertThat(rr.name()).isEqualTo("web");
            assertThat(rr.type()).isEqualTo(A);
            assertThat(rr.rrClass()).isEqualTo(1);
            assertThat(rr.ttl()).isZero();
        });
        assertThat(reply.addresses()).containsExactlyInAnyOrder(address("10.88.0.2"), address("10.88.0.3"));
    }

    @Test
    void answersAaaaWithTheIpv6Addresses() {
        Reply reply = udp(address, query(7, "web", AAAA));

        assertThat(reply.rcode()).isEqualTo(NOERROR);
        assertThat(reply.aa()).isTrue();
        assertThat(reply.answers()).singleElement().satisfies(rr -> {
            assertThat(rr.type()).isEqualTo(AAAA);
            assertThat(rr.ttl()).isZero();
            assertThat(rr.address()).isEqualTo(address("fd00::2"));
        });
    }

    @Test
    void shufflesTheAddresses() {
        Set<List<InetAddress>> orders = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            orders.add(udp(address, query(i, "web", A)).addresses());
        }
        assertThat(orders).containsExactlyInAnyOrder(
                List.of(address("10.88.0.2"), address("10.88.0.3")),
                List.of(address("10.88.0.3"), address("10.88.0.2")));
    }

    @Test
    void aKnownNameWithoutAddressesOfTheFamilyIsNoErrorWithoutData() {
        for (Reply reply : List.of(udp(address, query(1, "db", AAAA)), udp(address, query(2, "v6only", A)),
                udp(address, query(3, "noaddress", A)), tcp(address, query(4, "db", AAAA)))) {
            assertThat(reply.rcode()).isEqualTo(NOERROR);
            assertThat(reply.aa()).isTrue();
            assertThat(reply.answers()).isEmpty();
        }
    }

    @Test
    void aKnownNameHasNoRecordsOfOtherTypes() {
        Reply reply = udp(address, query(1, "web", MX));

        assertThat(reply.rcode()).isEqualTo(NOERROR);
        assertThat(reply.aa()).isTrue();
        assertThat(reply.answers()).isEmpty();
    }

    @Test
    void unknownSingleLabelNamesAreNxdomain() {
        for (int type : new int[] {A, AAAA}) {
            Reply reply = udp(address, query(9, "nosuchcontainer", type));

            assertThat(reply.id()).isEqualTo(9);
            assertThat(reply.rcode()).isEqualTo(NXDOMAIN);
            assertThat(reply.aa()).isTrue();
            assertThat(reply.answers()).isEmpty();
            assertThat(reply.questionName()).isEqualTo("nosuchcontainer");
        }
    }

    @Test
    void unknownDottedNamesWithoutUpstreamsAreServfail() {
        Reply reply = udp(address, query(5, "example.org", A));

        assertThat(reply.id()).isEqualTo(5);
        assertThat(reply.rcode()).isEqualTo(SERVFAIL);
        assertThat(reply.aa()).isFalse();
    }

    @Test
    void namesAreCaseInsensitiveAndAnsweredAsSpelled() {
        Reply reply = udp(address, query(3, "WeB.NeT1", A));

        assertThat(reply.rcode()).isEqualTo(NOERROR);
        assertThat(reply.questionName()).isEqualTo("WeB.NeT1");
        assertThat(reply.answers()).singleElement().satisfies(rr -> {
            assertThat(rr.name()).isEqualTo("WeB.NeT1");
            assertThat(rr.address()).isEqualTo(address("10.88.0.2"));
        });
        assertThat(table.calls).contains(new MapNameTable.Call(loopback(), "web.net1"));
    }

    @Test
    void copiesRecursionDesired() {
        Reply reply = udp(address, query(3, "db", A, false, 0));

        assertThat(reply.rd()).isFalse();
        assertThat(reply.ra()).isTrue();
        assertThat(reply.addresses()).containsExactly(address("10.88.0.4"));
    }

    @Test
    void answersPtrForKnownAddresses() {
        Reply v4 = udp(address, query(11, "2.0.88.10.IN-ADDR.ARPA", PTR));
        String nibbles = "2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa";
        Reply v6 = tcp(address, query(12, nibbles, PTR));

        for (Reply reply : List.of(v4, v6)) {
            assertThat(reply.rcode()).isEqualTo(NOERROR);
            assertThat(reply.aa()).isTrue();
            assertThat(reply.answers()).singleElement().satisfies(rr -> {
                assertThat(rr.type()).isEqualTo(PTR);
                assertThat(rr.ttl()).isZero();
                assertThat(rr.target()).isEqualTo("web.net1");
            });
        }
        assertThat(v4.answers().get(0).name()).isEqualTo("2.0.88.10.IN-ADDR.ARPA");
        assertThat(table.calls).contains(new MapNameTable.Call(loopback(), "10.88.0.2"),
                new MapNameTable.Call(loopback(), "fd00:0:0:0:0:0:0:2"));
    }

    @Test
    void ptrForUnknownOrPartialAddressesGoesUpstream() {
        // Without upstreams, going upstream shows as SERVFAIL.
        assertThat(udp(address, query(1, "9.0.0.10.in-addr.arpa", PTR)).rcode()).isEqualTo(SERVFAIL);
        assertThat(udp(address, query(2, "0.10.in-addr.arpa", PTR)).rcode()).isEqualTo(SERVFAIL);
        assertThat(udp(address, query(3, "02.0.0.10.in-addr.arpa", PTR)).rcode()).isEqualTo(SERVFAIL);
    }

    @Test
    void truncatesLargeUdpAnswersAndAnswersThemInFullOverTcp() {
        table.name("many", manyAddresses(40));

        Reply overUdp = udp(address, query(21, "many", A));
        Reply overTcp = tcp(address, query(22, "many", A));

        assertThat(overUdp.tc()).isTrue();
        assertThat(overUdp.id()).isEqualTo(21);
        assertThat(overUdp.questionName()).isEqualTo("many");
        assertThat(overUdp.answers()).isEmpty();
        assertThat(overTcp.tc()).isFalse();
        assertThat(overTcp.addresses()).containsExactlyInAnyOrderElementsOf(manyAddresses(40));
    }

    @Test
    void answersLargeAnswersOverUdpUpToTheEdnsSize() {
        table.name("many", manyAddresses(40));

        Reply large = udp(address, query(23, "many", A, true, 4096));
        Reply small = udp(address, query(24, "many", A, true, 512));

        assertThat(large.tc()).isFalse();
        assertThat(large.addresses()).hasSize(40);
        assertThat(large.opt()).isNotNull();
        assertThat(small.tc()).isTrue();
        assertThat(small.answers()).isEmpty();
        assertThat(small.opt()).isNotNull();
    }

    @Test
    void answersUnknownEdnsVersionsWithBadvers() {
        byte[] query = query(25, "web", A, true, 1232);
        query[query.length - 5] = 1;

        Reply reply = udp(address, query);

        assertThat(reply.rcode()).isEqualTo(NOERROR);
        assertThat(reply.opt()).isNotNull();
        assertThat(reply.opt().ttl() >>> 24).as("the extended rcode's upper bits: BADVERS").isEqualTo(1);
    }

    @Test
    void servesSeveralQueriesOnOneTcpConnection() {
        List<Reply> replies = TestClient.tcp(loopback(), address,
                List.of(query(31, "db", A), query(32, "web", AAAA), query(33, "nobody", A)));

        assertThat(replies).extracting(Reply::id).containsExactly(31, 32, 33);
        assertThat(replies.get(0).addresses()).containsExactly(address("10.88.0.4"));
        assertThat(replies.get(1).addresses()).containsExactly(address("fd00::2"));
        assertThat(replies.get(2).rcode()).isEqualTo(NXDOMAIN);
    }

    @Test
    void closesIdleTcpConnections() throws IOException {
        DnsServer quick = new DnsServer(table, List.of(),
                new Limits(1024, Duration.ofSeconds(2), Duration.ofMillis(300), 64));
        try (Socket socket = new Socket()) {
            int port = quick.bind(address("127.0.0.2"), 0);
            socket.connect(new InetSocketAddress("127.0.0.2", port));
            socket.setSoTimeout(5_000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] query = query(1, "db", A);
            out.writeShort(query.length);
            out.write(query);
            byte[] answer = new byte[in.readUnsignedShort()];
            in.readFully(answer);
            assertThat(parse(answer).addresses()).containsExactly(address("10.88.0.4"));

            long start = System.nanoTime();
            assertThat(in.read()).as("end of stream").isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        } finally {
            quick.close();
        }
    }

    @Test
    void scopesAnswersByTheAskingContainer() {
        table.scoped("127.0.0.5", "peer", "10.1.0.5").scoped("127.0.0.6", "peer", "10.2.0.6");

        Reply five = udp(address("127.0.0.5"), address, query(1, "peer", A));
        Reply six = udp(address("127.0.0.6"), address, query(2, "peer", A));
        Reply sixOverTcp = TestClient.tcp(address("127.0.0.6"), address, List.of(query(3, "peer", A))).get(0);
        Reply seven = udp(address("127.0.0.7"), address, query(4, "peer", A));

        assertThat(five.addresses()).containsExactly(address("10.1.0.5"));
        assertThat(six.addresses()).containsExactly(address("10.2.0.6"));
        assertThat(sixOverTcp.addresses()).containsExactly(address("10.2.0.6"));
        assertThat(seven.rcode()).isEqualTo(NXDOMAIN);
        assertThat(table.calls).contains(new MapNameTable.Call(address("127.0.0.5"), "peer"),
                new MapNameTable.Call(address("127.0.0.6"), "peer"), new MapNameTable.Call(address("127.0.0.7"), "peer"));
    }

    @Test
    void answersFormerrToMalformedQueriesAndDropsWhatHasNoHeader() {
        byte[] valid = query(0x0101, "web", A);
        byte[] truncated = java.util.Arrays.copyOf(valid, valid.length - 3);
        byte[] twoQuestions = valid.clone();
        twoQuestions[5] = 2;
        byte[] loop = header(0x0102, 1);
        loop = concat(loop, new byte[] {(byte) 0xc0, 12, 0, 1, 0, 1});
        byte[] longLabel = concat(header(0x0103, 1), new byte[] {64});

        assertThat(udpRaw(loopback(), address, new byte[] {1, 2, 3, 4, 5}, Duration.ofMillis(300))).isNull();
        for (byte[] malformed : List.of(truncated, twoQuestions, loop, longLabel)) {
            Reply reply = udp(address, malformed);
            assertThat(reply.rcode()).isEqualTo(FORMERR);
            assertThat(reply.id()).isEqualTo((malformed[0] & 0xff) << 8 | malformed[1] & 0xff);
            assertThat(reply.qr()).isTrue();
        }
        assertThat(tcp(address, truncated).rcode()).isEqualTo(FORMERR);
        assertThat(udp(address, valid).addresses()).hasSize(2);
    }

    @Test
    void survivesRandomPackets() throws IOException {
        Random random = new Random(42);
        byte[] valid = query(0x0200, "web.net1", A, true, 1232);
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(loopback(), 0))) {
            for (int i = 0; i < 2000; i++) {
                byte[] packet;
                if (i % 2 == 0) {
                    packet = new byte[random.nextInt(64)];
                    random.nextBytes(packet);
                } else {
                    packet = valid.clone();
                    for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                        packet[2 + random.nextInt(packet.length - 2)] = (byte) random.nextInt(256);
                    }
                }
                socket.send(new DatagramPacket(packet, packet.length, address));
            }
        }

        // The flood may have filled the socket's buffer, where the kernel drops what comes next: ask as clients do, again.
        byte[] answer = null;
        for (int attempt = 0; attempt < 5 && answer == null; attempt++) {
            answer = udpRaw(loopback(), address, query(0x0201, "web.net1", A), Duration.ofSeconds(1));
        }
        assertThat(answer).isNotNull();
        assertThat(parse(answer).addresses()).containsExactly(address("10.88.0.2"));
        assertThat(tcp(address, query(0x0202, "web.net1", A)).addresses()).containsExactly(address("10.88.0.2"));
    }

    @Test
    void answersNotimpToOtherOpcodes() {
        byte[] status = query(0x0301, "web", A);
        status[2] = (byte) (status[2] | 2 << 3);

        Reply reply = udp(address, status);

        assertThat(reply.rcode()).isEqualTo(NOTIMP);
        assertThat(reply.opcode()).isEqualTo(2);
        assertThat(reply.id()).isEqualTo(0x0301);
    }

    @Test
    void dropsResponses() {
        byte[] response = query(0x0401, "web", A);
        response[2] = (byte) (response[2] | 0x80);

        assertThat(udpRaw(loopback(), address, response, Duration.ofMillis(300))).isNull();
    }

    @Test
    void answersServfailWhenTheTableFails() throws IOException {
        NameTable broken = new NameTable() {
            @Override
            public List<InetAddress> lookup(InetAddress client, String name) {
                throw new IllegalStateException("the table is broken (a test)");
            }

            @Override
            public String reverse(InetAddress client, InetAddress address) {
                return null;
            }
        };
        try (DnsServer failing = new DnsServer(broken, List.of())) {
            InetSocketAddress at = new InetSocketAddress(address("127.0.0.3"), failing.bind(address("127.0.0.3"), 0));

            assertThat(udp(at, query(1, "web", A)).rcode()).isEqualTo(SERVFAIL);
            assertThat(tcp(at, query(2, "web", A)).rcode()).isEqualTo(SERVFAIL);
        }
    }

    @Test
    void servesIpv6Addresses() throws IOException {
        InetAddress v6 = address("::1");
        int port = server.bind(v6, 0);

        Reply reply = udp(v6, new InetSocketAddress(v6, port), query(1, "web", AAAA));

        assertThat(reply.addresses()).containsExactly(address("fd00::2"));
        assertThat(table.calls).contains(new MapNameTable.Call(v6, "web"));
    }

    static List<InetAddress> manyAddresses(int count) {
        List<InetAddress> addresses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            addresses.add(address("10.77." + i / 200 + "." + (i % 200 + 1)));
        }
        return addresses;
    }

    private static byte[] header(int id, int questions) {
        return new byte[] {(byte) (id >>> 8), (byte) id, 1, 0, 0, (byte) questions, 0, 0, 0, 0, 0, 0};
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
