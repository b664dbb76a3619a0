package io.berth.dns;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A domain name as its labels, with the bytes and the case the message spelled them in. Names
 * compare case-insensitively in ASCII (RFC 4343); any other byte compares exactly.
 */
final class Name {
    static final Name ROOT = new Name(new byte[0][]);

    private final byte[][] labels;

    Name(byte[][] labels) {
        this.labels = labels;
    }

    /**
     * The name spelled as text, without or with a trailing dot, for the answers a table gives.
     *
     * @throws IllegalArgumentException if a label is empty or longer than 63 bytes, or the name
     *         longer than 255
     */
    static Name parse(String text) {
        String trimmed = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
        if (trimmed.isEmpty()) {
            return ROOT;
        }
        String[] parts = trimmed.split("\\.", -1);
        byte[][] labels = new byte[parts.length][];
        int size = 1;
        for (int i = 0; i < parts.length; i++) {
            labels[i] = parts[i].getBytes(StandardCharsets.UTF_8);
            if (labels[i].length == 0 || labels[i].length > Wire.MAX_LABEL) {
                throw new IllegalArgumentException("'" + text + "' is not a domain name: a label is empty or longer than 63 bytes");
            }
            size += labels[i].length + 1;
        }
        if (size > Wire.MAX_NAME) {
            throw new IllegalArgumentException("'" + text + "' is not a domain name: longer than 255 bytes");
        }
        return new Name(labels);
    }

    int labelCount() {
        return labels.length;
    }

    /**
     * The name as a table knows names: lowercase, dotted, without trailing dot. Null when the name
     * cannot be a container's: the root, or a label with a dot, a space, a control or a non-ASCII
     * byte in it.
     */
    String lookupKey() {
        if (labels.length == 0) {
            return null;
        }
        StringBuilder key = new StringBuilder(64);
        for (byte[] label : labels) {
            if (key.length() > 0) {
                key.append('.');
            }
            for (byte b : label) {
                if (b <= ' ' || b == '.' || b == 0x7f) {
                    return null;
                }
                key.append((char) lower(b));
            }
        }
        return key.toString();
    }

    /**
     * The address a reverse name stands for: {@code d.c.b.a.in-addr.arpa} (four decimal labels,
     * the last octet first) or the 32 hex nibbles of {@code ip6.arpa}, the lowest first. Null for
     * any other name, including partial reverse names (networks, not addresses).
     */
    InetAddress reverseAddress() {
        try {
            if (labels.length == 6 && is(4, "in-addr") && is(5, "arpa")) {
                byte[] address = new byte[4];
                for (int i = 0; i < 4; i++) {
                    int octet = decimal(labels[i]);
                    if (octet < 0) {
                        return null;
                    }
                    address[3 - i] = (byte) octet;
                }
                return InetAddress.getByAddress(address);
            }
            if (labels.length == 34 && is(32, "ip6") && is(33, "arpa")) {
                byte[] address = new byte[16];
                for (int i = 0; i < 32; i++) {
                    if (labels[i].length != 1) {
                        return null;
                    }
                    int nibble = Character.digit(labels[i][0], 16);
                    if (nibble < 0) {
                        return null;
                    }
                    int index = 15 - i / 2;
                    address[index] = (byte) (address[index] | (i % 2 == 0 ? nibble : nibble << 4));
                }
                return InetAddress.getByAddress(address);
            }
            return null;
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address of 4 or 16 bytes refused", e);
        }
    }

    boolean equalsIgnoreCase(Name other) {
        if (labels.length != other.labels.length) {
            return false;
        }
        for (int i = 0; i < labels.length; i++) {
            byte[] a = labels[i];
            byte[] b = other.labels[i];
            if (a.length != b.length) {
                return false;
            }
            for (int j = 0; j < a.length; j++) {
                if (lower(a[j]) != lower(b[j])) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Writes the name uncompressed. */
    void write(MessageWriter writer) {
        for (byte[] label : labels) {
            writer.u8(label.length).bytes(label);
        }
        writer.u8(0);
    }

    byte[] toWire() {
        MessageWriter writer = new MessageWriter(64);
        write(writer);
        return writer.toByteArray();
    }

    /** The name for messages: dotted, bytes that are not printable ASCII as {@code \DDD}. */
    @Override
    public String toString() {
        if (labels.length == 0) {
            return ".";
        }
        StringBuilder text = new StringBuilder();
        for (byte[] label : labels) {
            if (text.length() > 0) {
                text.append('.');
            }
            for (byte b : label) {
                if (b > ' ' && b < 0x7f && b != '.' && b != '\\') {
                    text.append((char) b);
                } else {
                    text.append('\\').append(String.format("%03d", b & 0xff));
                }
            }
        }
        return text.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Name name && Arrays.deepEquals(labels, name.labels);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(labels);
    }

    private boolean is(int index, String text) {
        byte[] label = labels[index];
        if (label.length != text.length()) {
            return false;
        }
        for (int i = 0; i < label.length; i++) {
            if (lower(label[i]) != text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** 0 to 255 written without leading zeros, or -1. */
    private static int decimal(byte[] label) {
        if (label.length == 0 || label.length > 3 || label.length > 1 && label[0] == '0') {
            return -1;
        }
        int value = 0;
        for (byte b : label) {
            if (b < '0' || b > '9') {
                return -1;
            }
            value = value * 10 + (b - '0');
        }
        return value <= 255 ? value : -1;
    }

    private static int lower(byte b) {
        return b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b & 0xff;
    }
}
