package io.berth.layers.tar;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The headers of a tar, taken from the bytes another reader takes from it: a stream that passes
 * everything through and parses the headers on the way, so that a layer is read once for both
 * unpacking and checking. Extension headers (PAX, GNU long names) are kept until the entry they
 * belong to and parsed with it by {@link TarReader}; data is passed over.
 */
public final class TarHeaderTap extends FilterInputStream {
    private static final int BLOCK = 512;

    private final List<TarHeader> headers = new ArrayList<>();
    private final byte[] block = new byte[BLOCK];
    private int blockFill;
    /** Extension headers and their payloads, waiting for their entry. */
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    /** Global PAX headers with their payloads: they apply to every later entry. */
    private final ByteArrayOutputStream globals = new ByteArrayOutputStream();
    private ByteArrayOutputStream collecting;
    private long collect;
    private long skip;
    private boolean ended;

    public TarHeaderTap(InputStream in) {
        super(in);
    }

    /** The entries' headers seen so far, in order; all of them once the tar has been read. */
    public List<TarHeader> headers() {
        return headers;
    }

    /** Whether the end-of-archive block has passed. */
    public boolean ended() {
        return ended;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            feed(new byte[] {(byte) b}, 0, 1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            feed(b, off, n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // Read, not skipped: the bytes must be seen.
        byte[] buffer = new byte[(int) Math.min(n, 8192)];
        int read = read(buffer, 0, buffer.length);
        return Math.max(read, 0);
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void feed(byte[] b, int off, int n) throws IOException {
        while (n > 0 && !ended) {
            if (skip > 0) {
                int k = (int) Math.min(skip, n);
                skip -= k;
                off += k;
                n -= k;
            } else if (collect > 0) {
                int k = (int) Math.min(collect, n);
                collecting.write(b, off, k);
                collect -= k;
                off += k;
                n -= k;
            } else {
                int k = Math.min(BLOCK - blockFill, n);
                System.arraycopy(b, off, block, blockFill, k);
                blockFill += k;
                off += k;
                n -= k;
                if (blockFill == BLOCK) {
                    blockFill = 0;
                    header();
                }
            }
        }
    }

    private void header() throws IOException {
        boolean zero = true;
        for (byte x : block) {
            if (x != 0) {
                zero = false;
                break;
            }
        }
        if (zero) {
            ended = true;
            return;
        }
        byte type = block[156];
        if (type == 'x' || type == 'L' || type == 'K' || type == 'g') {
            long size = TarReader.number(block, 124, 12, "size", -1);
            collecting = type == 'g' ? globals : pending;
            collecting.write(block, 0, BLOCK);
            collect = (size + BLOCK - 1) / BLOCK * BLOCK;
            return;
        }
        ByteArrayOutputStream entry = new ByteArrayOutputStream();
        entry.writeBytes(globals.toByteArray());
        entry.writeBytes(pending.toByteArray());
        entry.write(block, 0, BLOCK);
        pending.reset();
        TarHeader h = new TarReader(new ByteArrayInputStream(entry.toByteArray())).next();
        if (h == null) {
            throw new TarFormatException("tar header that is not an entry's");
        }
        headers.add(h);
        skip = TarReader.hasData(h) ? (h.size + BLOCK - 1) / BLOCK * BLOCK : 0;
    }
}
