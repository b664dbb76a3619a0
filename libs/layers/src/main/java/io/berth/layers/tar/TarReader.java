package io.berth.layers.tar;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import io.berth.api.Names;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads tar archives: POSIX ustar, PAX extended headers (per entry and global), GNU long names
 * and links, octal and base-256 numbers. Each header's checksum is verified. Not supported, and
 * reported as such: sparse files and multi-volume archives.
 *
 * <pre>{@code
 * TarReader tar = new TarReader(in);
 * for (TarHeader h; (h = tar.next()) != null; ) {
 *     if (h.isRegular()) tar.content().transferTo(out);
 * }
 * tar.drain();   // read to the end of the stream
 * }</pre>
 */
public final class TarReader {
    private static final int BLOCK = 512;

    private final InputStream in;
    private final byte[] block = new byte[BLOCK];
    private final Map<String, byte[]> global = new HashMap<>();
    private long offset;
    private long remaining;
    private long padding;
    private boolean ended;

    public TarReader(InputStream in) {
        this.in = in;
    }

    /** Bytes consumed so far. */
    public long offset() {
        return offset;
    }

    /**
     * The next entry's header, skipping what is left of the current one, or {@code null} at the
     * end of the archive.
     */
    public TarHeader next() throws IOException {
        if (ended) {
            return null;
        }
        skipRest();
        Map<String, byte[]> pax = null;
        String longName = null;
        String longLink = null;
        while (true) {
            long headerOffset = offset;
            if (!readBlock(true)) {
                // Some writers omit the end-of-archive blocks.
                ended = true;
                return null;
            }
            if (isZero(block)) {
                // End of archive: two zero blocks, though one is accepted.
                readBlock(true);
                ended = true;
                return null;
            }
            verifyChecksum(headerOffset);
            byte type = block[156];
            long size = number(block, 124, 12, "size", headerOffset);
            if (size < 0) {
                throw new TarFormatException("tar header at offset " + headerOffset + ": negative size");
            }
            switch (type) {
                case 'x', 'g' -> {
                    Map<String, byte[]> records = parsePax(readPayload(size, headerOffset), headerOffset);
                    if (type == 'g') {
                        global.putAll(records);
                    } else {
                        pax = records;
                    }
                }
                case 'L' -> longName = cString(readPayload(size, headerOffset));
                case 'K' -> longLink = cString(readPayload(size, headerOffset));
                case 'S', 'M', 'V' -> throw new TarFormatException("tar entry at offset " + headerOffset + " ('"
                        + cString(slice(block, 0, 100)) + "'): unsupported type '" + (char) type + "'");
                default -> {
                    TarHeader h = new TarHeader();
                    h.type = type;
                    String name = cString(slice(block, 0, 100));
                    boolean ustar = block[257] == 'u' && block[258] == 's' && block[259] == 't'
                            && block[260] == 'a' && block[261] == 'r';
                    if (ustar && block[345] != 0 && !(block[262] == ' ')) {
                        // POSIX ustar: a prefix to the name (GNU's "ustar  " uses this area otherwise).
                        name = cString(slice(block, 345, 155)) + "/" + name;
                    }
                    h.name = longName != null ? longName : name;
                    h.linkName = longLink != null ? longLink : cString(slice(block, 157, 100));
                    h.mode = (int) (number(block, 100, 8, "mode", headerOffset) & 07777);
                    h.uid = number(block, 108, 8, "uid", headerOffset);
                    h.gid = number(block, 116, 8, "gid", headerOffset);
                    h.size = size;
                    h.mtimeSeconds = number(block, 136, 12, "mtime", headerOffset);
                    if (ustar) {
                        h.userName = cString(slice(block, 265, 32));
                        h.groupName = cString(slice(block, 297, 32));
                        if (type == TarHeader.CHAR_DEVICE || type == TarHeader.BLOCK_DEVICE) {
                            h.devMajor = number(block, 329, 8, "devmajor", headerOffset);
                            h.devMinor = number(block, 337, 8, "devminor", headerOffset);
                        }
                    }
                    applyPax(h, global, headerOffset);
                    if (pax != null) {
                        applyPax(h, pax, headerOffset);
                    }
                    if (h.name.isEmpty()) {
                        throw new TarFormatException("tar entry at offset " + headerOffset + " has an empty name");
                    }
                    boolean hasData = hasData(h);
                    remaining = hasData ? h.size : 0;
                    if (!hasData) {
                        // Links, directories and devices carry no data, whatever the size field says.
                        padding = 0;
                    } else {
                        padding = (BLOCK - (h.size % BLOCK)) % BLOCK;
                    }
                    return h;
                }
            }
        }
    }

    /** Whether an entry's size counts: links, directories and devices carry no data, whatever it says. */
    static boolean hasData(TarHeader h) {
        byte type = h.type;
        return h.isRegular() || (type != TarHeader.DIRECTORY && type != TarHeader.SYMLINK && type != TarHeader.HARDLINK
                && type != TarHeader.CHAR_DEVICE && type != TarHeader.BLOCK_DEVICE && type != TarHeader.FIFO);
    }

    /** The current entry's data; reading past its end returns end of stream. */
    public InputStream content() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (remaining <= 0) {
                    return -1;
                }
                int n = in.read(b, off, (int) Math.min(len, remaining));
                if (n < 0) {
                    throw new EOFException("tar archive truncated inside an entry's data (offset " + offset + ")");
                }
                remaining -= n;
                offset += n;
                return n;
            }
        };
    }

    /** Reads whatever follows the end of the archive, to the end of the stream. */
    public void drain() throws IOException {
        byte[] buffer = new byte[65536];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            offset += n;
        }
    }

    private void skipRest() throws IOException {
        long toSkip = remaining + padding;
        remaining = 0;
        padding = 0;
        byte[] buffer = new byte[8192];
        while (toSkip > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, toSkip));
            if (n < 0) {
                throw new EOFException("tar archive truncated (offset " + offset + ")");
            }
            toSkip -= n;
            offset += n;
        }
    }

    private byte[] readPayload(long size, long headerOffset) throws IOException {
        if (size > (1 << 24)) {
            throw new TarFormatException("tar header at offset " + headerOffset + ": extended header of " + size
                    + " bytes is too large");
        }
        byte[] data = in.readNBytes((int) size);
        if (data.length != size) {
            throw new EOFException("tar archive truncated in an extended header (offset " + headerOffset + ")");
        }
        offset += size;
        int pad = (int) ((BLOCK - (size % BLOCK)) % BLOCK);
        if (in.readNBytes(new byte[pad], 0, pad) != pad) {
            throw new EOFException("tar archive truncated (offset " + offset + ")");
        }
        offset += pad;
        return data;
    }

    private boolean readBlock(boolean eofAllowed) throws IOException {
        int n = in.readNBytes(block, 0, BLOCK);
        offset += n;
        if (n == 0 && eofAllowed) {
            return false;
        }
        if (n != BLOCK) {
            throw new EOFException("tar archive truncated in a header (offset " + (offset - n) + ")");
        }
        return true;
    }

    private void verifyChecksum(long headerOffset) throws TarFormatException {
        long stored = number(block, 148, 8, "checksum", headerOffset);
        long unsigned = 0;
        long signed = 0;
        for (int i = 0; i < BLOCK; i++) {
            int b = (i >= 148 && i < 156) ? ' ' : block[i];
            unsigned += b & 0xff;
            signed += (byte) b;
        }
        if (stored != unsigned && stored != signed) {
            throw new TarFormatException("tar header at offset " + headerOffset + ": bad checksum (not a tar archive,"
                    + " or a corrupt one)");
        }
    }

    private static void applyPax(TarHeader h, Map<String, byte[]> records, long headerOffset) throws TarFormatException {
        for (Map.Entry<String, byte[]> r : records.entrySet()) {
            String key = r.getKey();
            byte[] raw = r.getValue();
            // Names are bytes: kept as they are whatever hdrcharset says (docker's reader does the same).
            String value = Names.decode(raw);
            try {
                switch (key) {
                    case "path" -> h.name = value;
                    case "linkpath" -> h.linkName = value;
                    case "size" -> h.size = Long.parseLong(value);
                    case "uid" -> h.uid = Long.parseLong(value);
                    case "gid" -> h.gid = Long.parseLong(value);
                    case "uname" -> h.userName = value;
                    case "gname" -> h.groupName = value;
                    case "mtime" -> {
                        int dot = value.indexOf('.');
                        h.mtimeSeconds = Long.parseLong(dot < 0 ? value : value.substring(0, dot));
                        if (dot >= 0) {
                            String frac = (value.substring(dot + 1) + "000000000").substring(0, 9);
                            h.mtimeNanos = Integer.parseInt(frac);
                        }
                    }
                    default -> {
                        if (key.startsWith("SCHILY.xattr.")) {
                            h.xattrs.put(key.substring("SCHILY.xattr.".length()), raw);
                        } else if (key.startsWith("GNU.sparse.")) {
                            throw new TarFormatException("tar entry '" + h.name + "': sparse files are not supported");
                        }
                    }
                }
            } catch (NumberFormatException e) {
                throw new TarFormatException("tar header at offset " + headerOffset + ": bad PAX " + key + " '" + value + "'");
            }
        }
    }

    /** PAX records: {@code "%d %s=%s\n"}, the length counting the whole record. Values stay bytes. */
    private static Map<String, byte[]> parsePax(byte[] data, long headerOffset) throws TarFormatException {
        Map<String, byte[]> records = new HashMap<>();
        int pos = 0;
        while (pos < data.length) {
            if (data[pos] == 0) {
                break;
            }
            int space = pos;
            while (space < data.length && data[space] != ' ') {
                space++;
            }
            int length;
            try {
                length = Integer.parseInt(new String(data, pos, space - pos, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                throw new TarFormatException("tar PAX header at offset " + headerOffset + ": bad record length");
            }
            int end = pos + length;
            if (length <= 0 || end > data.length || data[end - 1] != '\n') {
                throw new TarFormatException("tar PAX header at offset " + headerOffset + ": malformed record");
            }
            int eq = space + 1;
            while (eq < end && data[eq] != '=') {
                eq++;
            }
            if (eq >= end) {
                throw new TarFormatException("tar PAX header at offset " + headerOffset + ": record without '='");
            }
            String key = new String(data, space + 1, eq - space - 1, StandardCharsets.UTF_8);
            byte[] value = java.util.Arrays.copyOfRange(data, eq + 1, end - 1);
            records.put(key, value);
            pos = end;
        }
        return records;
    }

    /** An octal number (possibly space or NUL padded), or GNU base-256 when the top bit is set. */
    static long number(byte[] b, int off, int len, String field, long headerOffset) throws TarFormatException {
        if ((b[off] & 0x80) != 0) {
            long v = b[off] & 0x7f;
            for (int i = 1; i < len; i++) {
                if ((v >>> 55) != 0) {
                    throw new TarFormatException("tar header at offset " + headerOffset + ": " + field + " too large");
                }
                v = (v << 8) | (b[off + i] & 0xff);
            }
            return v;
        }
        long v = 0;
        int i = off;
        int end = off + len;
        while (i < end && (b[i] == ' ' || b[i] == 0)) {
            i++;
        }
        boolean any = false;
        for (; i < end; i++) {
            byte c = b[i];
            if (c == ' ' || c == 0) {
                break;
            }
            if (c < '0' || c > '7') {
                throw new TarFormatException("tar header at offset " + headerOffset + ": bad " + field + " field");
            }
            v = (v << 3) + (c - '0');
            any = true;
        }
        return any ? v : 0;
    }

    private static byte[] slice(byte[] b, int off, int len) {
        return java.util.Arrays.copyOfRange(b, off, off + len);
    }

    private static String cString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return Names.decode(b, 0, n);
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }
}
