package io.berth.dns;

/**
 * A query as a client sent it: the header's id and flags, its one question, and what its OPT
 * record (RFC 6891) says, if it has one.
 */
final class Query {
    private final int id;
    private final int flags;
    private final Name name;
    private final int type;
    private final int queryClass;
    private final boolean edns;
    private final int udpSize;
    private final int ednsVersion;

    private Query(int id, int flags, Name name, int type, int queryClass, boolean edns, int udpSize, int ednsVersion) {
        this.id = id;
        this.flags = flags;
        this.name = name;
        this.type = type;
        this.queryClass = queryClass;
        this.edns = edns;
        this.udpSize = udpSize;
        this.ednsVersion = ednsVersion;
    }

    /**
     * Reads a query: a header, exactly one question, then the answer, authority and additional
     * records the header counts, of which at most one may be an OPT record, with the root as
     * its name. Bytes after the last record are ignored.
     *
     * @throws MalformedMessageException if the message is shorter than what it announces, a name
     *         is malformed, or the counts are not those of a query
     */
    static Query parse(byte[] message, int length) throws MalformedMessageException {
        if (length < Wire.HEADER_SIZE) {
            throw new MalformedMessageException("shorter than a header");
        }
        int id = Wire.u16(message, 0);
        int flags = Wire.flags(message);
        int questions = Wire.u16(message, 4);
        int records = Wire.u16(message, 6) + Wire.u16(message, 8);
        int additional = Wire.u16(message, 10);
        if (questions != 1) {
            throw new MalformedMessageException(questions + " questions");
        }
        MessageReader reader = new MessageReader(message, length, Wire.QUESTION_OFFSET);
        Name name = reader.name();
        int type = reader.u16();
        int queryClass = reader.u16();
        for (int i = 0; i < records; i++) {
            reader.name();
            reader.skip(8);
            reader.skip(reader.u16());
        }
        boolean edns = false;
        int udpSize = 0;
        int ednsVersion = 0;
        for (int i = 0; i < additional; i++) {
            Name owner = reader.name();
            int recordType = reader.u16();
            int recordClass = reader.u16();
            long ttl = reader.u32();
            reader.skip(reader.u16());
            if (recordType == Wire.TYPE_OPT) {
                if (edns || owner.labelCount() != 0) {
                    throw new MalformedMessageException("a second OPT record, or one not owned by the root");
                }
                edns = true;
                udpSize = recordClass;
                ednsVersion = (int) (ttl >>> 16 & 0xff);
            }
        }
        return new Query(id, flags, name, type, queryClass, edns, udpSize, ednsVersion);
    }

    int id() {
        return id;
    }

    int flags() {
        return flags;
    }

    Name name() {
        return name;
    }

    int type() {
        return type;
    }

    int queryClass() {
        return queryClass;
    }

    boolean edns() {
        return edns;
    }

    int ednsVersion() {
        return ednsVersion;
    }

    /** How large a UDP answer may be: 512 bytes, or what the client's OPT record announces. */
    int udpLimit() {
        return edns ? Math.min(Math.max(udpSize, Wire.UDP_PLAIN_LIMIT), Wire.UDP_MAX) : Wire.UDP_PLAIN_LIMIT;
    }

    /** The question, for messages: {@code web.example. type 1}. */
    @Override
    public String toString() {
        return name + " type " + type;
    }
}
