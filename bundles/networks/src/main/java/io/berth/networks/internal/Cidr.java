package io.berth.networks.internal;

import io.berth.api.InvalidArgumentException;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 or IPv6 prefix ({@code 10.80.0.0/20}): the address math networks need (containment,
 * overlap, the n-th address). Parsing takes only literal addresses, never a host name.
 */
record Cidr(BigInteger base, int bits, int length) {
    /**
     * Parses {@code ADDRESS/LENGTH}; the address may have host bits set ({@link #address} keeps it).
     *
     * @throws InvalidArgumentException {@code invalid CIDR address: X}, docker's words
     */
    static Cidr parse(String s) {
        int slash = s.indexOf('/');
        if (slash < 0) {
            throw new InvalidArgumentException("invalid CIDR address: " + s);
        }
        byte[] a = literal(s.substring(0, slash), s);
        int length;
        try {
            length = Integer.parseInt(s.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new InvalidArgumentException("invalid CIDR address: " + s);
        }
        int bits = a.length * 8;
        if (length < 0 || length > bits) {
            throw new InvalidArgumentException("invalid CIDR address: " + s);
        }
        return new Cidr(new BigInteger(1, a), bits, length);
    }

    /** A literal IPv4 or IPv6 address as bytes. */
    static byte[] literal(String address, String context) {
        if (address.isEmpty() || !address.matches("[0-9a-fA-F.:]+") || (!address.contains(":") && !address.matches(
                "(\\d{1,3}\\.){3}\\d{1,3}"))) {
            throw new InvalidArgumentException("invalid IP address: " + context);
        }
        try {
            return InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            throw new InvalidArgumentException("invalid IP address: " + context);
        }
    }

    /** Parses a literal address as a full-length prefix. */
    static Cidr address(String address) {
        byte[] a = literal(address, address);
        return new Cidr(new BigInteger(1, a), a.length * 8, a.length * 8);
    }

    boolean ipv6() {
        return bits == 128;
    }

    /** The prefix with its host bits cleared. */
    Cidr network() {
        return new Cidr(base.and(mask()), bits, length);
    }

    private BigInteger mask() {
        BigInteger all = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
        BigInteger host = BigInteger.ONE.shiftLeft(bits - length).subtract(BigInteger.ONE);
        return all.xor(host);
    }

    /** How many addresses the prefix spans. */
    BigInteger size() {
        return BigInteger.ONE.shiftLeft(bits - length);
    }

    BigInteger first() {
        return base.and(mask());
    }

    BigInteger last() {
        return first().add(size()).subtract(BigInteger.ONE);
    }

    boolean contains(BigInteger address) {
        return address.compareTo(first()) >= 0 && address.compareTo(last()) <= 0;
    }

    boolean contains(Cidr other) {
        return other.bits == bits && contains(other.first()) && contains(other.last());
    }

    boolean overlaps(Cidr other) {
        return other.bits == bits && first().compareTo(other.last()) <= 0 && other.first().compareTo(last()) <= 0;
    }

    /** The address at {@code offset} from the prefix's first one. */
    BigInteger at(long offset) {
        return first().add(BigInteger.valueOf(offset));
    }

    /** An address of this family as text. */
    String text(BigInteger address) {
        byte[] raw = address.toByteArray();
        byte[] a = new byte[bits / 8];
        int n = Math.min(raw.length, a.length);
        System.arraycopy(raw, raw.length - n, a, a.length - n, n);
        try {
            String s = InetAddress.getByAddress(a).getHostAddress();
            return ipv6() ? compress(s) : s;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** This prefix's address as text (host bits as given). */
    String addressText() {
        return text(base);
    }

    @Override
    public String toString() {
        return text(first()) + "/" + length;
    }

    /** The canonical short form of an IPv6 address ({@code fd00::1}), as docker prints it. */
    private static String compress(String full) {
        String[] groups = full.split(":");
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < groups.length; ) {
            if (groups[i].equals("0")) {
                int j = i;
                while (j < groups.length && groups[j].equals("0")) {
                    j++;
                }
                if (j - i > bestLen && j - i > 1) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        if (bestStart < 0) {
            return full;
        }
        String head = String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart));
        String tail = String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLen, groups.length));
        return head + "::" + tail;
    }
}
