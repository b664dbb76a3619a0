package io.berth.dns;

import java.util.List;

/**
 * Builds this server's answers, and fits the upstreams' answers to what the client accepts. An
 * answer larger than the client's limit is cut to its header and question (and OPT record) with
 * the TC flag, so that the client asks again over TCP (RFC 1035 §4.2.1, RFC 7766).
 */
final class Response {
    /** The name of every answer record: a compression pointer to the question's name. */
    private static final int POINTER_TO_QUESTION = 0xc000 | Wire.QUESTION_OFFSET;

    private Response() {
    }

    /** One answer record's type and data; its name is the question's, its class IN, its TTL 0. */
    record Answer(int type, byte[] data) {
    }

    /**
     * An answer to QUERY: the question echoed as spelled, the id and RD copied, RA set, AA when
     * AUTHORITATIVE, and an OPT record when the query had one.
     */
    static byte[] answer(Query query, int rcode, boolean authoritative, List<Answer> answers, int limit) {
        byte[] full = build(query, rcode, authoritative, answers, false);
        if (full.length <= limit) {
            return full;
        }
        return build(query, rcode, authoritative, List.of(), true);
    }

    /** An answer with RCODE and no records, not authoritative (SERVFAIL, BADVERS). */
    static byte[] error(Query query, int rcode) {
        return build(query, rcode, false, List.of(), false);
    }

    /**
     * An answer made from a query's header alone, for queries whose question cannot be read
     * (FORMERR) or whose opcode this server does not implement (NOTIMP).
     */
    static byte[] headerOnly(byte[] query, int rcode) {
        int flags = Wire.flags(query);
        byte[] answer = new byte[Wire.HEADER_SIZE];
        Wire.put16(answer, 0, Wire.u16(query, 0));
        Wire.put16(answer, 2, Wire.FLAG_QR | flags & (Wire.OPCODE_MASK | Wire.FLAG_RD | Wire.FLAG_CD) | Wire.FLAG_RA | rcode);
        return answer;
    }

    /**
     * An upstream's answer for the client: the client's id restored, cut to its header and
     * question with TC if larger than LIMIT.
     */
    static byte[] relay(byte[] upstream, int clientId, int limit) {
        Wire.put16(upstream, 0, clientId);
        if (upstream.length <= limit) {
            return upstream;
        }
        int end = Wire.HEADER_SIZE;
        int questions = Wire.u16(upstream, 4);
        if (questions == 1) {
            try {
                MessageReader reader = new MessageReader(upstream, upstream.length, Wire.QUESTION_OFFSET);
                reader.name();
                reader.skip(4);
                end = reader.position();
            } catch (MalformedMessageException e) {
                questions = 0;
            }
        } else {
            questions = 0;
        }
        MessageWriter writer = new MessageWriter(end);
        writer.u16(clientId).u16(Wire.flags(upstream) | Wire.FLAG_TC).u16(questions).u16(0).u16(0).u16(0);
        writer.bytes(upstream, Wire.HEADER_SIZE, end - Wire.HEADER_SIZE);
        return writer.toByteArray();
    }

    private static byte[] build(Query query, int rcode, boolean authoritative, List<Answer> answers, boolean truncated) {
        int flags = Wire.FLAG_QR | Wire.FLAG_RA | query.flags() & (Wire.OPCODE_MASK | Wire.FLAG_RD | Wire.FLAG_CD)
                | (authoritative ? Wire.FLAG_AA : 0) | (truncated ? Wire.FLAG_TC : 0) | rcode & 0xf;
        MessageWriter writer = new MessageWriter(Wire.UDP_PLAIN_LIMIT);
        writer.u16(query.id()).u16(flags).u16(1).u16(answers.size()).u16(0).u16(query.edns() ? 1 : 0);
        query.name().write(writer);
        writer.u16(query.type()).u16(query.queryClass());
        for (Answer answer : answers) {
            writer.u16(POINTER_TO_QUESTION).u16(answer.type()).u16(Wire.CLASS_IN).u32(0)
                    .u16(answer.data().length).bytes(answer.data());
        }
        if (query.edns()) {
            // The OPT record: the root as owner, our UDP size as class, the extended rcode's upper bits and version 0 as TTL.
            writer.u8(0).u16(Wire.TYPE_OPT).u16(Wire.ADVERTISED_UDP_SIZE).u32((long) (rcode >>> 4) << 24).u16(0);
        }
        return writer.toByteArray();
    }
}
