package io.berth.image.internal;

import io.berth.api.InvalidArgumentException;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/** Recognizes and undoes the compressions layers and archives come in: none, gzip, zstd. */
public final class Compression {
    /** A stream's compression. */
    public enum Kind {
        NONE, GZIP, ZSTD, BZIP2, XZ
    }

    private static final int BUFFER = 256 * 1024;

    private Compression() {
    }

    /** Peeks at the first bytes of a stream that supports mark/reset. */
    public static Kind detect(InputStream in) throws IOException {
        in.mark(6);
        byte[] magic = in.readNBytes(6);
        in.reset();
        if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
            return Kind.GZIP;
        }
        if (magic.length >= 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5 && (magic[2] & 0xff) == 0x2f
                && (magic[3] & 0xff) == 0xfd) {
            return Kind.ZSTD;
        }
        if (magic.length >= 3 && magic[0] == 'B' && magic[1] == 'Z' && magic[2] == 'h') {
            return Kind.BZIP2;
        }
        if (magic.length >= 6 && (magic[0] & 0xff) == 0xfd && magic[1] == '7' && magic[2] == 'z' && magic[3] == 'X'
                && magic[4] == 'Z' && magic[5] == 0) {
            return Kind.XZ;
        }
        return Kind.NONE;
    }

    /**
     * The uncompressed content of a stream, whatever its compression.
     *
     * @param what what the stream is, for the error about an unsupported compression
     */
    public static InputStream decompress(InputStream raw, String what) throws IOException {
        InputStream in = raw.markSupported() ? raw : new BufferedInputStream(raw, BUFFER);
        return switch (detect(in)) {
            case NONE -> in;
            case GZIP -> new GZIPInputStream(in, BUFFER);
            case ZSTD -> new BufferedInputStream(new com.github.luben.zstd.ZstdInputStream(in), BUFFER);
            case BZIP2, XZ -> throw new InvalidArgumentException(what + " is compressed with "
                    + detect(in).name().toLowerCase(java.util.Locale.ROOT) + ", which Berth does not read; use gzip, zstd or none");
        };
    }
}
