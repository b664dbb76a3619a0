package io.berth.dns;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads a message front to back, refusing to read past its end. Names may be compressed
 * (RFC 1035 §4.1.4); a pointer must lead strictly backwards from where the name's current run of
 * labels began, which rules out loops.
 */
final class MessageReader {
    private final byte[] message;
    private final int length;
    private int position;

    MessageReader(byte[] message, int length, int position) {
        this.message = message;
        this.length = length;
        this.position = position;
    }

    int position() {
        return position;
    }

    int u8() throws MalformedMessageException {
        need(1);
        return message[position++] & 0xff;
    }

    int u16() throws MalformedMessageException {
        need(2);
        int value = Wire.u16(message, position);
        position += 2;
        return value;
    }

    long u32() throws MalformedMessageException {
        need(4);
        long value = (long) Wire.u16(message, position) << 16 | Wire.u16(message, position + 2);
        position += 4;
        return value;
    }

    void skip(int count) throws MalformedMessageException {
        need(count);
        position += count;
    }

    Name name() throws MalformedMessageException {
        List<byte[]> labels = new ArrayList<>();
        int at = position;
        int runStart = position;
        int end = -1;
        int size = 1;
        while (true) {
            if (at >= length) {
                throw new MalformedMessageException("a name runs past the end of the message");
            }
            int first = message[at] & 0xff;
            if (first == 0) {
                if (end < 0) {
                    end = at + 1;
                }
                break;
            }
            switch (first & 0xc0) {
                case 0x00 -> {
                    if (at + 1 + first > length) {
                        throw new MalformedMessageException("a label runs past the end of the message");
                    }
                    size += first + 1;
                    if (size > Wire.MAX_NAME) {
                        throw new MalformedMessageException("a name longer than 255 bytes");
                    }
                    byte[] label = new byte[first];
                    System.arraycopy(message, at + 1, label, 0, first);
                    labels.add(label);
                    at += first + 1;
                }
                case 0xc0 -> {
                    if (at + 1 >= length) {
                        throw new MalformedMessageException("a compression pointer runs past the end of the message");
                    }
                    int target = (first & 0x3f) << 8 | message[at + 1] & 0xff;
                    if (target >= runStart) {
                        throw new MalformedMessageException("a compression pointer that does not point backwards");
                    }
                    if (end < 0) {
                        end = at + 2;
                    }
                    at = target;
                    runStart = target;
                }
                default -> throw new MalformedMessageException("an unknown label type " + (first >>> 6));
            }
        }
        position = end;
        return new Name(labels.toArray(new byte[0][]));
    }

    private void need(int count) throws MalformedMessageException {
        if (count < 0 || position + count > length) {
            throw new MalformedMessageException("the message ends early");
        }
    }
}
