package io.berth.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The server's codec on crafted messages: names, compression, counts, OPT records. */
class WireTest {
    @Test
    void readsCompressedNames() throws Exception {
        // The header, "example.org" at 12, then "www" and a pointer to it, then a pointer to the pointer.
        byte[] message = bytes(out -> {
            out.write(new byte[12]);
            TestClient.writeName(out, "Example.org");
            out.write(new byte[] {3, 'w', 'w', 'w', (byte) 0xc0, 12});
            out.write(new byte[] {(byte) 0xc0, 25});
        });
        MessageReader reader = new MessageReader(message, message.length, 12);

        assertThat(reader.name().lookupKey()).isEqualTo("example.org");
        Name www = reader.name();
        assertThat(www.lookupKey()).isEqualTo("www.example.org");
        assertThat(www.toString()).isEqualTo("www.Example.org");
        assertThat(reader.position()).isEqualTo(31);
        assertThat(reader.name()).isEqualTo(www);
        assertThat(reader.position()).isEqualTo(message.length);
    }

    @Test
    void refusesPointersThatLoopOrLeadForward() {
        byte[] self = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xc0, 12};
        byte[] forward = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xc0, 14, 1, 'a', 0};
        // "a" then a pointer back to the start of the name: a loop through a label.
        byte[] cycle = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 'a', (byte) 0xc0, 12};

        for (byte[] message : new byte[][] {self, forward, cycle}) {
            assertThatThrownBy(() -> new MessageReader(message, message.length, 12).name())
                    .isInstanceOf(MalformedMessageException.class);
        }
    }

    @Test
    void refusesNamesLongerThan255Bytes() throws Exception {
        byte[] message = bytes(out -> {
            for (int i = 0; i < 5; i++) {
                out.write(63);
                out.write(new byte[63]);
            }
            out.write(0);
        });

        assertThatThrownBy(() -> new MessageReader(message, message.length, 0).name())
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("255");
    }

    @Test
    void parsesQueriesWithTheirOptRecord() throws Exception {
        Query plain = Query.parse(TestClient.query(7, "Web", 1), TestClient.query(7, "Web", 1).length);
        byte[] withOpt = TestClient.query(8, "web", 28, false, 4096);
        Query edns = Query.parse(withOpt, withOpt.length);

        assertThat(plain.id()).isEqualTo(7);
        assertThat(plain.name().lookupKey()).isEqualTo("web");
        assertThat(plain.type()).isEqualTo(1);
        assertThat(plain.edns()).isFalse();
        assertThat(plain.udpLimit()).isEqualTo(512);
        assertThat(edns.edns()).isTrue();
        assertThat(edns.udpLimit()).isEqualTo(4096);
        assertThat(edns.type()).isEqualTo(28);
    }

    @Test
    void refusesTwoOptRecords() throws Exception {
        byte[] query = TestClient.query(8, "web", 1, true, 4096);
        byte[] opt = java.util.Arrays.copyOfRange(query, query.length - 11, query.length);
        byte[] twice = java.util.Arrays.copyOf(query, query.length + 11);
        System.arraycopy(opt, 0, twice, query.length, 11);
        twice[11] = 2;

        assertThatThrownBy(() -> Query.parse(twice, twice.length)).isInstanceOf(MalformedMessageException.class);
    }

    @Test
    void readsReverseNames() {
        assertThat(Name.parse("4.3.2.1.in-addr.arpa").reverseAddress()).isEqualTo(TestClient.address("1.2.3.4"));
        assertThat(Name.parse("b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.IP6.ARPA.").reverseAddress())
                .isEqualTo(TestClient.address("4321:0:1:2:3:4:567:89ab"));
        assertThat(Name.parse("256.3.2.1.in-addr.arpa").reverseAddress()).isNull();
        assertThat(Name.parse("3.2.1.in-addr.arpa").reverseAddress()).isNull();
        assertThat(Name.parse("x.3.2.1.in-addr.arpa").reverseAddress()).isNull();
        assertThat(Name.parse("example.org").reverseAddress()).isNull();
    }

    @Test
    void keysOnlyNamesAContainerCanHave() {
        assertThat(Name.parse("Web.Net1").lookupKey()).isEqualTo("web.net1");
        assertThat(new Name(new byte[][] {{'a', '.', 'b'}}).lookupKey()).isNull();
        assertThat(new Name(new byte[][] {{'a', ' ', 'b'}}).lookupKey()).isNull();
        assertThat(new Name(new byte[][] {{'a', (byte) 0xc3, (byte) 0xa9}}).lookupKey()).isNull();
        assertThat(Name.ROOT.lookupKey()).isNull();
        assertThatThrownBy(() -> Name.parse("a..b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Name.parse("x".repeat(64))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void cutsLargeRelayedAnswersToTheirQuestion() {
        byte[] query = TestClient.query(0x0a0b, "web.example.org", 1);
        byte[] large = java.util.Arrays.copyOf(query, 600);
        large[2] = (byte) 0x81;
        large[7] = 30;

        TestClient.Reply reply = TestClient.parse(Response.relay(large, 0x0c0d, 512));

        assertThat(reply.id()).isEqualTo(0x0c0d);
        assertThat(reply.tc()).isTrue();
        assertThat(reply.questionName()).isEqualTo("web.example.org");
        assertThat(reply.answers()).isEmpty();
    }

    private interface Writing {
        void write(DataOutputStream out) throws IOException;
    }

    private static byte[] bytes(Writing writing) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        writing.write(new DataOutputStream(bytes));
        return bytes.toByteArray();
    }
}
