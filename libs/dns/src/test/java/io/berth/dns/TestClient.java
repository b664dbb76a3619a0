package io.berth.dns;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The tests' DNS client, with a codec of its own (not the server's), so that the server's codec
 * is checked against a second reading of RFC 1035.
 */
final class TestClient {
    static final int A = 1;
    static final int PTR = 12;
    static final int MX = 15;
    static final int AAAA = 28;
    static final int OPT = 41;

    static final int NOERROR = 0;
    static final int FORMERR = 1;
    static final int SERVFAIL = 2;
    static final int NXDOMAIN = 3;
    static final int NOTIMP = 4;

    static final Duration TIMEOUT = Duration.ofSeconds(5);

    private TestClient() {
    }

    /** A query with RD set and no OPT record. */
    static byte[] query(int id, String name, int type) {
        return query(id, name, type, true, 0);
    }

    /** A query; EDNS_SIZE above 0 adds an OPT record announcing that UDP size. */
    static byte[] query(int id, String name, int type, boolean recursionDesired, int ednsSize) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        try {
            out.writeShort(id);
            out.writeShort(recursionDesired ? 0x0100 : 0);
            out.writeShort(1);
            out.writeShort(0);
            out.writeShort(0);
            out.writeShort(ednsSize > 0 ? 1 : 0);
            writeName(out, name);
            out.writeShort(type);
            out.writeShort(1);
            if (ednsSize > 0) {
                out.writeByte(0);
                out.writeShort(OPT);
                out.writeShort(ednsSize);
                out.writeInt(0);
                out.writeShort(0);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static void writeName(DataOutputStream out, String name) throws IOException {
        if (!name.isEmpty() && !name.equals(".")) {
            for (String label : name.split("\\.")) {
                byte[] bytes = label.getBytes(StandardCharsets.US_ASCII);
                out.writeByte(bytes.length);
                out.write(bytes);
            }
        }
        out.writeByte(0);
    }

    /** One resource record; TARGET is the decoded name of a PTR record, ADDRESS that of A and AAAA. */
    record Rr(String name, int type, int rrClass, long ttl, byte[] data, InetAddress address, String target) {
    }

    /** A decoded answer. */
    record Reply(int id, int flags, String questionName, int questionType, int questionCount, List<Rr> answers,
                 List<Rr> additional) {
        boolean qr() {
            return (flags & 0x8000) != 0;
        }

        int opcode() {
            return flags >>> 11 & 0xf;
        }

        boolean aa() {
            return (flags & 0x0400) != 0;
        }

        boolean tc() {
            return (flags & 0x0200) != 0;
        }

        boolean rd() {
            return (flags & 0x0100) != 0;
        }

        boolean ra() {
            return (flags & 0x0080) != 0;
        }

        int rcode() {
            return flags & 0xf;
        }

        List<InetAddress> addresses() {
            return answers.stream().map(Rr::address).toList();
        }

        Rr opt() {
            return additional.stream().filter(r -> r.type() == OPT).findFirst().orElse(null);
        }
    }

    static Reply parse(byte[] message) {
        Decoder d = new Decoder(message);
        int id = d.u16();
        int flags = d.u16();
        int qd = d.u16();
        int an = d.u16();
        int ns = d.u16();
        int ar = d.u16();
        String questionName = null;
        int questionType = -1;
        for (int i = 0; i < qd; i++) {
            questionName = d.name();
            questionType = d.u16();
            d.u16();
        }
        List<Rr> answers = new ArrayList<>();
        for (int i = 0; i < an; i++) {
            answers.add(d.record());
        }
        for (int i = 0; i < ns; i++) {
            d.record();
        }
        List<Rr> additional = new ArrayList<>();
        for (int i = 0; i < ar; i++) {
            additional.add(d.record());
        }
        return new Reply(id, flags, questionName, questionType, qd, answers, additional);
    }

    /** Sends QUERY over UDP from an ephemeral port of FROM; the raw answer, or null after TIMEOUT. */
    static byte[] udpRaw(InetAddress from, InetSocketAddress server, byte[] query, Duration timeout) {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(from, 0))) {
            socket.setSoTimeout((int) timeout.toMillis());
            socket.send(new DatagramPacket(query, query.length, server));
            byte[] buffer = new byte[65535];
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (SocketTimeoutException e) {
                return null;
            }
            byte[] answer = new byte[packet.getLength()];
            System.arraycopy(buffer, 0, answer, 0, answer.length);
            return answer;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Reply udp(InetSocketAddress server, byte[] query) {
        return udp(loopback(), server, query);
    }

    static Reply udp(InetAddress from, InetSocketAddress server, byte[] query) {
        byte[] answer = udpRaw(from, server, query, TIMEOUT);
        if (answer == null) {
            throw new AssertionError("no answer over UDP from " + server + " within " + TIMEOUT);
        }
        return parse(answer);
    }

    static Reply tcp(InetSocketAddress server, byte[] query) {
        return tcp(loopback(), server, List.of(query)).get(0);
    }

    /** Sends QUERIES over one TCP connection from FROM, each answer read before the next query. */
    static List<Reply> tcp(InetAddress from, InetSocketAddress server, List<byte[]> queries) {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(server, (int) TIMEOUT.toMillis());
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            DataInputStream in = new DataInputStream(socket.getInputStream());
            List<Reply> replies = new ArrayList<>();
            for (byte[] query : queries) {
                out.writeShort(query.length);
                out.write(query);
                out.flush();
                byte[] answer = new byte[in.readUnsignedShort()];
                in.readFully(answer);
                replies.add(parse(answer));
            }
            return replies;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static InetAddress loopback() {
        return address("127.0.0.1");
    }

    static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    /** Reads names with compression pointers, as RFC 1035 §4.1.4 describes them. */
    private static final class Decoder {
        private final byte[] message;
        private int position;

        Decoder(byte[] message) {
            this.message = message;
        }

        int u8() {
            return message[position++] & 0xff;
        }

        int u16() {
            return u8() << 8 | u8();
        }

        long u32() {
            return (long) u16() << 16 | u16();
        }

        String name() {
            StringBuilder name = new StringBuilder();
            int at = position;
            boolean jumped = false;
            int hops = 0;
            while (true) {
                int length = message[at] & 0xff;
                if (length == 0) {
                    at++;
                    break;
                }
                if ((length & 0xc0) == 0xc0) {
                    int target = (length & 0x3f) << 8 | message[at + 1] & 0xff;
                    if (!jumped) {
                        position = at + 2;
                    }
                    jumped = true;
                    if (++hops > 64) {
                        throw new IllegalStateException("compression loop");
                    }
                    at = target;
                    continue;
                }
                if (name.length() > 0) {
                    name.append('.');
                }
                name.append(new String(message, at + 1, length, StandardCharsets.ISO_8859_1));
                at += length + 1;
            }
            if (!jumped) {
                position = at;
            }
            return name.toString();
        }

        Rr record() {
            String name = name();
            int type = u16();
            int rrClass = u16();
            long ttl = u32();
            int length = u16();
            byte[] data = new byte[length];
            System.arraycopy(message, position, data, 0, length);
            InetAddress address = null;
            String target = null;
            try {
                if (type == A && length == 4 || type == AAAA && length == 16) {
                    address = InetAddress.getByAddress(data);
                }
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
            if (type == PTR) {
                target = name();
            } else {
                position += length;
            }
            return new Rr(name, type, rrClass, ttl, data, address, target);
        }
    }
}
