package io.berth.api.content;

import io.berth.api.InvalidArgumentException;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A content digest as the OCI image specification defines it: {@code algorithm ":" encoded},
 * for example {@code sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b}.
 *
 * <p>Only the registered algorithms {@code sha256} and {@code sha512} are accepted, with their
 * lowercase hexadecimal encoding of the exact length; anything else is rejected when parsed,
 * so a {@code Digest} in hand is always one Berth can verify.
 *
 * @param algorithm {@code sha256} or {@code sha512}
 * @param hex the lowercase hexadecimal encoding of the hash
 */
public record Digest(String algorithm, String hex) implements Comparable<Digest> {
    /** The algorithm Berth uses for everything it writes. */
    public static final String SHA256 = "sha256";
    /** Also accepted when reading. */
    public static final String SHA512 = "sha512";

    private static final Pattern HEX = Pattern.compile("[0-9a-f]+");

    public Digest {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(hex, "hex");
        int expected = switch (algorithm) {
            case SHA256 -> 64;
            case SHA512 -> 128;
            default -> throw new InvalidArgumentException(
                    "invalid digest: unsupported algorithm '" + algorithm + "'");
        };
        if (hex.length() != expected || !HEX.matcher(hex).matches()) {
            throw new InvalidArgumentException("invalid digest: " + algorithm + ":" + hex
                    + " is not " + expected + " lowercase hexadecimal characters");
        }
    }

    /**
     * Parses {@code algorithm:hex}.
     *
     * @throws InvalidArgumentException if the text is not a digest Berth supports
     */
    public static Digest parse(String text) {
        Objects.requireNonNull(text, "text");
        int colon = text.indexOf(':');
        if (colon <= 0) {
            throw new InvalidArgumentException("invalid digest: '" + text + "' has no algorithm prefix");
        }
        return new Digest(text.substring(0, colon), text.substring(colon + 1));
    }

    /** Whether {@code text} is a digest Berth supports, without throwing. */
    public static boolean isDigest(String text) {
        try {
            parse(text);
            return true;
        } catch (InvalidArgumentException e) {
            return false;
        }
    }

    /** The sha256 digest of {@code bytes}. */
    public static Digest sha256(byte[] bytes) {
        MessageDigest md = newMessageDigest(SHA256);
        return new Digest(SHA256, HexFormat.of().formatHex(md.digest(bytes)));
    }

    /** A fresh {@link MessageDigest} for this digest's algorithm, to verify content against it. */
    public MessageDigest newMessageDigest() {
        return newMessageDigest(algorithm);
    }

    /** Whether the bytes a {@link MessageDigest} of this algorithm produced match this digest. */
    public boolean matches(byte[] hash) {
        return MessageDigest.isEqual(HexFormat.of().parseHex(hex), hash);
    }

    /** The first 12 hexadecimal characters, as docker shows image and container ids. */
    public String shortHex() {
        return hex.substring(0, 12);
    }

    /** {@code algorithm:hex}. */
    @Override
    public String toString() {
        return algorithm + ":" + hex;
    }

    @Override
    public int compareTo(Digest other) {
        return toString().compareTo(other.toString());
    }

    private static MessageDigest newMessageDigest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm.equals(SHA256) ? "SHA-256" : "SHA-512");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM lacks " + algorithm, e);
        }
    }
}
