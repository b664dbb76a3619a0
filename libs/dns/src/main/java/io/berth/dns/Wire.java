package io.berth.dns;

/**
 * The numbers of RFC 1035's wire format (and RFC 3596's AAAA, RFC 6891's OPT) that this server
 * reads and writes.
 */
final class Wire {
    static final int HEADER_SIZE = 12;
    /** Where the question's name starts in every message with a question: right after the header. */
    static final int QUESTION_OFFSET = HEADER_SIZE;

    static final int FLAG_QR = 0x8000;
    static final int FLAG_AA = 0x0400;
    static final int FLAG_TC = 0x0200;
    static final int FLAG_RD = 0x0100;
    static final int FLAG_RA = 0x0080;
    static final int FLAG_CD = 0x0010;
    static final int OPCODE_SHIFT = 11;
    static final int OPCODE_MASK = 0x7800;
    static final int OPCODE_QUERY = 0;

    static final int RCODE_NOERROR = 0;
    static final int RCODE_FORMERR = 1;
    static final int RCODE_SERVFAIL = 2;
    static final int RCODE_NXDOMAIN = 3;
    static final int RCODE_NOTIMP = 4;
    /** An extended rcode (RFC 6891): its upper 8 bits travel in the OPT record. */
    static final int RCODE_BADVERS = 16;

    static final int TYPE_A = 1;
    static final int TYPE_PTR = 12;
    static final int TYPE_AAAA = 28;
    static final int TYPE_OPT = 41;
    static final int TYPE_ANY = 255;
    static final int CLASS_IN = 1;

    static final int MAX_LABEL = 63;
    static final int MAX_NAME = 255;
    /** The largest UDP answer for a client that sent no OPT record (RFC 1035 §4.2.1). */
    static final int UDP_PLAIN_LIMIT = 512;
    /** The largest UDP payload an IPv4 datagram carries. */
    static final int UDP_MAX = 65_507;
    /** The largest message a TCP length prefix can announce. */
    static final int TCP_MAX = 65_535;
    /** The UDP size this server announces in its own OPT records (the DNS flag day 2020 value). */
    static final int ADVERTISED_UDP_SIZE = 1232;

    private Wire() {
    }

    static int u16(byte[] message, int at) {
        return (message[at] & 0xff) << 8 | message[at + 1] & 0xff;
    }

    static void put16(byte[] message, int at, int value) {
        message[at] = (byte) (value >>> 8);
        message[at + 1] = (byte) value;
    }

    static int flags(byte[] message) {
        return u16(message, 2);
    }

    static int opcode(int flags) {
        return (flags & OPCODE_MASK) >>> OPCODE_SHIFT;
    }
}
