package io.berth.image.internal;

import io.berth.api.InvalidArgumentException;
import io.berth.api.content.Digest;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Counts and hashes what is read through it. With an expected digest, reaching the end of the
 * stream with other content fails the read that reached it, so whoever consumes the stream (a
 * storage driver applying a layer) fails before publishing anything.
 */
final class HashingInputStream extends ReadThrough {
    private final MessageDigest hash;
    private final Digest expected;
    private final String what;
    private long count;
    private Digest result;

    /**
     * @param expected the digest the whole content must have, or {@code null} to only compute it
     * @param what what the content is, for the mismatch message
     */
    HashingInputStream(InputStream in, Digest expected, String what) {
        super(in);
        this.expected = expected;
        this.what = what;
        this.hash = expected != null ? expected.newMessageDigest() : sha256();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            hash.update(b, off, n);
            count += n;
        } else if (n < 0) {
            finish();
        }
        return n;
    }

    private void finish() {
        if (result != null) {
            return;
        }
        result = new Digest(expected != null ? expected.algorithm() : Digest.SHA256,
                HexFormat.of().formatHex(hash.digest()));
        if (expected != null && !expected.equals(result)) {
            throw new InvalidArgumentException(what + ": digest mismatch: expected " + expected + ", got " + result);
        }
    }

    /** The bytes read so far. */
    long count() {
        return count;
    }

    /** The digest of everything, once the end was reached; reads the rest if it was not. */
    Digest digest() throws IOException {
        if (result == null) {
            skip(Long.MAX_VALUE);
            finish();
        }
        return result;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
