package io.berth.layers.tar;

import io.berth.api.Names;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes tar archives in the form docker's and Go's writers do: ustar headers, with a PAX
 * extended header before any entry whose name, link, ids or size do not fit, or that has extended
 * attributes (values written as raw bytes).
 */
public final class TarWriter implements Closeable {
    private static final int BLOCK = 512;
    private static final byte[] ZERO = new byte[BLOCK];

    private final OutputStream out;
    private long remaining;
    private long written;
    private boolean closed;

    public TarWriter(OutputStream out) {
        this.out = out;
    }

    /** Writes an entry's header; regular files' data follow through {@link #write}. */
    public void putEntry(TarHeader h) throws IOException {
        if (remaining != 0) {
            throw new IllegalStateException("the previous entry's data is " + remaining + " bytes short");
        }
        Map<String, byte[]> pax = new LinkedHashMap<>();
        byte[] name = Names.encode(h.name);
        byte[] link = Names.encode(h.linkName);
        String prefix = "";
        String shortName = h.name;
        if (name.length > 100) {
            int split = splitForPrefix(h.name);
            if (split > 0 && isAscii(h.name)) {
                prefix = h.name.substring(0, split);
                shortName = h.name.substring(split + 1);
            } else {
                pax.put("path", name);
                shortName = truncate(h.name, 100);
            }
        } else if (!isAscii(h.name)) {
            pax.put("path", name);
        }
        if (link.length > 100 || !isAscii(h.linkName)) {
            pax.put("linkpath", link);
        }
        long size = h.isRegular() ? h.size : 0;
        if (size > 077777777777L) {
            pax.put("size", Long.toString(size).getBytes(StandardCharsets.US_ASCII));
        }
        if (h.uid > 07777777) {
            pax.put("uid", Long.toString(h.uid).getBytes(StandardCharsets.US_ASCII));
        }
        if (h.gid > 07777777) {
            pax.put("gid", Long.toString(h.gid).getBytes(StandardCharsets.US_ASCII));
        }
        for (Map.Entry<String, byte[]> x : h.xattrs.entrySet()) {
            pax.put("SCHILY.xattr." + x.getKey(), x.getValue());
        }
        if (!pax.isEmpty()) {
            byte[] records = paxRecords(pax);
            TarHeader ph = new TarHeader(truncate("PaxHeaders.0/" + shortName, 100), (byte) 'x');
            ph.mode = 0644;
            ph.size = records.length;
            ph.mtimeSeconds = h.mtimeSeconds;
            writeHeader(ph, ph.name, "", records.length, "");
            out.write(records);
            pad(records.length);
        }
        writeHeader(h, shortName, truncate(h.linkName, 100), size, prefix);
        remaining = size;
    }

    /** Writes data of the current entry. */
    public void write(byte[] b, int off, int len) throws IOException {
        if (len > remaining) {
            throw new IllegalStateException("more data than the entry's size");
        }
        out.write(b, off, len);
        remaining -= len;
        written += len;
        if (remaining == 0) {
            pad(written);
            written = 0;
        }
    }

    /** Writes the current entry's data from a stream, exactly its size. */
    public void write(InputStream data) throws IOException {
        byte[] buffer = new byte[65536];
        while (remaining > 0) {
            int n = data.read(buffer, 0, (int) Math.min(buffer.length, remaining));
            if (n < 0) {
                throw new IOException("file shrank while being archived (" + remaining + " bytes missing)");
            }
            write(buffer, 0, n);
        }
    }

    /** Writes the end-of-archive blocks; does not close the underlying stream. */
    public void finish() throws IOException {
        if (!closed) {
            if (remaining != 0) {
                throw new IllegalStateException("the last entry's data is " + remaining + " bytes short");
            }
            out.write(ZERO);
            out.write(ZERO);
            out.flush();
            closed = true;
        }
    }

    @Override
    public void close() throws IOException {
        finish();
        out.close();
    }

    private void writeHeader(TarHeader h, String name, String link, long size, String prefix) throws IOException {
        byte[] b = new byte[BLOCK];
        put(b, 0, 100, Names.encode(name));
        octal(b, 100, 8, h.mode & 07777);
        octal(b, 108, 8, Math.min(h.uid, 07777777));
        octal(b, 116, 8, Math.min(h.gid, 07777777));
        octal(b, 124, 12, Math.min(size, 077777777777L));
        octal(b, 136, 12, Math.max(0, Math.min(h.mtimeSeconds, 077777777777L)));
        b[156] = h.type;
        put(b, 157, 100, Names.encode(link));
        put(b, 257, 6, "ustar\0".getBytes(StandardCharsets.US_ASCII));
        put(b, 263, 2, "00".getBytes(StandardCharsets.US_ASCII));
        put(b, 265, 32, Names.encode(truncate(h.userName, 32)));
        put(b, 297, 32, Names.encode(truncate(h.groupName, 32)));
        if (h.type == TarHeader.CHAR_DEVICE || h.type == TarHeader.BLOCK_DEVICE) {
            octal(b, 329, 8, h.devMajor);
            octal(b, 337, 8, h.devMinor);
        }
        put(b, 345, 155, prefix.getBytes(StandardCharsets.UTF_8));
        for (int i = 148; i < 156; i++) {
            b[i] = ' ';
        }
        long sum = 0;
        for (byte x : b) {
            sum += x & 0xff;
        }
        octal(b, 148, 7, sum);
        b[155] = ' ';
        out.write(b);
    }

    private void pad(long length) throws IOException {
        int n = (int) ((BLOCK - (length % BLOCK)) % BLOCK);
        out.write(ZERO, 0, n);
    }

    private static byte[] paxRecords(Map<String, byte[]> records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> r : records.entrySet()) {
            byte[] key = r.getKey().getBytes(StandardCharsets.UTF_8);
            int body = 1 + key.length + 1 + r.getValue().length + 1;
            int length = body + Integer.toString(body).length();
            if (Integer.toString(length).length() != Integer.toString(body).length()) {
                length++;
            }
            out.writeBytes(Integer.toString(length).getBytes(StandardCharsets.US_ASCII));
            out.write(' ');
            out.writeBytes(key);
            out.write('=');
            out.writeBytes(r.getValue());
            out.write('\n');
        }
        return out.toByteArray();
    }

    /** Where a long ASCII name can be split into a ustar prefix (at most 155) and name (at most 100). */
    private static int splitForPrefix(String name) {
        for (int i = Math.min(name.length() - 1, 155); i > 0; i--) {
            if (name.charAt(i) == '/' && name.length() - i - 1 <= 100 && name.length() - i - 1 > 0) {
                return i;
            }
        }
        return -1;
    }

    private static void octal(byte[] b, int off, int len, long value) {
        String s = Long.toOctalString(value);
        int digits = len - 1;
        StringBuilder padded = new StringBuilder();
        for (int i = s.length(); i < digits; i++) {
            padded.append('0');
        }
        padded.append(s);
        put(b, off, len, (padded + "\0").getBytes(StandardCharsets.US_ASCII));
    }

    private static void put(byte[] b, int off, int len, byte[] value) {
        System.arraycopy(value, 0, b, off, Math.min(len, value.length));
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static String truncate(String s, int bytes) {
        byte[] b = Names.encode(s);
        return b.length <= bytes ? s : new String(b, 0, bytes, StandardCharsets.US_ASCII).replaceAll("[^\\x20-\\x7e]", "_");
    }
}
