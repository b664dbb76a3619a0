package io.berth.api;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * File names as Linux has them, bytes, carried in Java strings without loss: valid UTF-8 decodes
 * to its characters, and every other byte {@code b} (0x80 to 0xff) to the lone low surrogate
 * {@code U+DC00 + b} (Python's "surrogateescape"; the shim's json-file log uses the same escapes).
 * The decoder is strict (no overlong forms, no encoded surrogates, nothing past U+10FFFF), so a
 * decoded string never holds such a surrogate otherwise, and {@link #encode} gives back exactly
 * the bytes that {@link #decode} was given.
 *
 * <p>Paths: the JDK keeps a path's bytes as the kernel gave them, but makes a path from a string,
 * and a string from a path, through UTF-8, losing the bytes that are not. The path methods here go
 * through the path's URI, which carries any byte percent-encoded, when (and only when) a name has
 * such bytes: the common case costs nothing more.
 */
public final class Names {
    private Names() {
    }

    /** The name of {@code bytes}. */
    public static String decode(byte[] bytes) {
        return decode(bytes, 0, bytes.length);
    }

    /** The name of {@code len} bytes at {@code off}. */
    public static String decode(byte[] b, int off, int len) {
        int end = off + len;
        int i = off;
        while (i < end && b[i] >= 0) {
            i++;
        }
        if (i == end) {
            return new String(b, off, len, StandardCharsets.ISO_8859_1);
        }
        StringBuilder s = new StringBuilder(len);
        for (int k = off; k < i; k++) {
            s.append((char) b[k]);
        }
        while (i < end) {
            int c = b[i] & 0xff;
            if (c < 0x80) {
                s.append((char) c);
                i++;
                continue;
            }
            int n = sequence(b, i, end);
            if (n == 0) {
                s.append((char) (0xdc00 + c));
                i++;
                continue;
            }
            int cp = switch (n) {
                case 2 -> (c & 0x1f) << 6 | b[i + 1] & 0x3f;
                case 3 -> (c & 0x0f) << 12 | (b[i + 1] & 0x3f) << 6 | b[i + 2] & 0x3f;
                default -> (c & 0x07) << 18 | (b[i + 1] & 0x3f) << 12 | (b[i + 2] & 0x3f) << 6 | b[i + 3] & 0x3f;
            };
            s.appendCodePoint(cp);
            i += n;
        }
        return s.toString();
    }

    /** The length of the valid UTF-8 sequence at {@code b[i]} (2 to 4), or 0. */
    private static int sequence(byte[] b, int i, int end) {
        int c = b[i] & 0xff;
        int need;
        int lo = 0x80;
        int hi = 0xbf;
        if (c >= 0xc2 && c <= 0xdf) {
            need = 2;
        } else if (c >= 0xe0 && c <= 0xef) {
            need = 3;
            if (c == 0xe0) {
                lo = 0xa0;
            } else if (c == 0xed) {
                hi = 0x9f;
            }
        } else if (c >= 0xf0 && c <= 0xf4) {
            need = 4;
            if (c == 0xf0) {
                lo = 0x90;
            } else if (c == 0xf4) {
                hi = 0x8f;
            }
        } else {
            return 0;
        }
        if (end - i < need) {
            return 0;
        }
        int c1 = b[i + 1] & 0xff;
        if (c1 < lo || c1 > hi) {
            return 0;
        }
        for (int k = 2; k < need; k++) {
            int ck = b[i + k] & 0xff;
            if (ck < 0x80 || ck > 0xbf) {
                return 0;
            }
        }
        return need;
    }

    /**
     * The bytes of a name: its characters as UTF-8, an escape {@code U+DC80}..{@code U+DCFF} as
     * its byte. Another lone surrogate (not from {@link #decode}) cannot be a name's; it is
     * written as U+FFFD.
     */
    public static byte[] encode(String name) {
        int n = name.length();
        int i = 0;
        while (i < n && name.charAt(i) < 0x80) {
            i++;
        }
        if (i == n) {
            return name.getBytes(StandardCharsets.ISO_8859_1);
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(n + 16);
        for (int k = 0; k < i; k++) {
            out.write(name.charAt(k));
        }
        while (i < n) {
            char c = name.charAt(i);
            if (c < 0x80) {
                out.write(c);
                i++;
            } else if (c >= 0xdc80 && c <= 0xdcff) {
                out.write(c - 0xdc00);
                i++;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(name.charAt(i + 1))) {
                utf8(out, Character.toCodePoint(c, name.charAt(i + 1)));
                i += 2;
            } else {
                utf8(out, Character.isSurrogate(c) ? 0xfffd : c);
                i++;
            }
        }
        return out.toByteArray();
    }

    /** Whether {@code name} holds a byte escape, that is bytes that are not UTF-8. */
    public static boolean hasEscapes(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 0xdc80 && c <= 0xdcff) {
                return true;
            }
        }
        return false;
    }

    /**
     * The name for showing it: its escapes as {@code \xNN}, as a terminal cannot show them
     * otherwise (a message naming a file); everything else as it is.
     */
    public static String printable(String name) {
        if (!hasEscapes(name)) {
            return name;
        }
        StringBuilder s = new StringBuilder(name.length() + 8);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 0xdc80 && c <= 0xdcff) {
                s.append("\\x").append(Character.forDigit((c >> 4) & 0xf, 16)).append(Character.forDigit(c & 0xf, 16));
            } else {
                s.append(c);
            }
        }
        return s.toString();
    }

    private static void utf8(java.io.ByteArrayOutputStream out, int cp) {
        if (cp < 0x80) {
            out.write(cp);
        } else if (cp < 0x800) {
            out.write(0xc0 | cp >> 6);
            out.write(0x80 | cp & 0x3f);
        } else if (cp < 0x10000) {
            out.write(0xe0 | cp >> 12);
            out.write(0x80 | cp >> 6 & 0x3f);
            out.write(0x80 | cp & 0x3f);
        } else {
            out.write(0xf0 | cp >> 18);
            out.write(0x80 | cp >> 12 & 0x3f);
            out.write(0x80 | cp >> 6 & 0x3f);
            out.write(0x80 | cp & 0x3f);
        }
    }

    // ------------------------------------------------------------- paths

    /**
     * {@code dir} resolved against a relative {@code name} of one or more components, none of them
     * {@code .} or {@code ..}. With bytes that are not UTF-8 in it, {@code dir} must be absolute.
     */
    public static Path resolve(Path dir, String name) {
        if (!hasEscapes(name)) {
            return dir.resolve(name);
        }
        if (!dir.isAbsolute()) {
            throw new IllegalArgumentException("a name with bytes that are not UTF-8 needs an absolute directory: " + dir);
        }
        StringBuilder uri = new StringBuilder("file://");
        percentEncode(uri, bytes(dir));
        if (uri.charAt(uri.length() - 1) != '/') {
            uri.append('/');
        }
        percentEncode(uri, encode(name));
        try {
            return Path.of(new URI(uri.toString()));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a file name: " + printable(name), e);
        }
    }

    /** The bytes of a path, as the kernel has them. */
    public static byte[] bytes(Path p) {
        String s = p.toString();
        if (s.indexOf('\ufffd') < 0) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        // Perhaps bytes that are not UTF-8: the URI has them all.
        Path absolute = p.toAbsolutePath();
        byte[] all = percentDecode(absolute.toUri().getRawPath());
        int end = all.length;
        if (end > 1 && all[end - 1] == '/') {
            end--; // toUri adds a slash to a directory's
        }
        int from = 0;
        if (!p.isAbsolute()) {
            from = bytes(absolute.getFileSystem().getPath("").toAbsolutePath()).length + 1;
        }
        return java.util.Arrays.copyOfRange(all, from, end);
    }

    /** The path as a name ({@link Names}): every byte of it kept. */
    public static String name(Path p) {
        String s = p.toString();
        return s.indexOf('\ufffd') < 0 ? s : decode(bytes(p));
    }

    /**
     * Go's {@code path.Clean} of an absolute path ({@code /a/./b/../c/} is {@code /a/c}, {@code /..}
     * is {@code /}), as docker cleans mount targets and sources; a relative path as it is.
     *
     * @since 1.2
     */
    public static String cleanPath(String p) {
        if (!p.startsWith("/")) {
            return p;
        }
        java.util.List<String> parts = new java.util.ArrayList<>();
        for (String part : p.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!parts.isEmpty()) {
                    parts.remove(parts.size() - 1);
                }
            } else {
                parts.add(part);
            }
        }
        return "/" + String.join("/", parts);
    }

    /** The last name of a path, every byte of it kept. */
    public static String fileName(Path p) {
        Path f = p.getFileName();
        String s = f.toString();
        if (s.indexOf('\ufffd') < 0) {
            return s;
        }
        byte[] b = bytes(p);
        int slash = b.length - 1;
        while (slash >= 0 && b[slash] != '/') {
            slash--;
        }
        return decode(b, slash + 1, b.length - slash - 1);
    }

    /** {@code child}'s path below {@code root} as a name, every byte kept ({@code root.relativize(child)}). */
    public static String relative(Path root, Path child) {
        String s = root.relativize(child).toString();
        if (s.indexOf('\ufffd') < 0) {
            return s;
        }
        byte[] r = bytes(root);
        byte[] c = bytes(child);
        int from = r.length + (r.length > 0 && r[r.length - 1] == '/' ? 0 : 1);
        return decode(c, from, c.length - from);
    }

    private static void percentEncode(StringBuilder out, byte[] b) {
        for (byte x : b) {
            int c = x & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '/' || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
            }
        }
    }

    private static byte[] percentDecode(String s) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length()) {
                out.write(Character.digit(s.charAt(i + 1), 16) << 4 | Character.digit(s.charAt(i + 2), 16));
                i += 2;
            } else {
                // A raw path is ASCII; anything else is written as its UTF-8.
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        return out.toByteArray();
    }
}
