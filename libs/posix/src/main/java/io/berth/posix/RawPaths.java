package io.berth.posix;

import io.berth.api.Names;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Paths whose names are any bytes, with names as {@link Names} has them. The JDK keeps a path's
 * bytes as the kernel gave them, but makes a path from a string, and a string from a path, through
 * UTF-8, which loses bytes that are not UTF-8 (they become U+FFFD, and two names can become one).
 * These go through the path's URI instead, which carries any byte percent-encoded, when (and only
 * when) a name has such bytes: the common case costs nothing more.
 */
public final class RawPaths {
    private RawPaths() {
    }

    /**
     * {@code dir} resolved against a relative {@code name} of one or more components, none of them
     * {@code .} or {@code ..}. With bytes that are not UTF-8 in it, {@code dir} must be absolute.
     */
    public static Path resolve(Path dir, String name) {
        if (!Names.hasEscapes(name)) {
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
        percentEncode(uri, Names.encode(name));
        try {
            return Path.of(new URI(uri.toString()));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a file name: " + Names.printable(name), e);
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
        return s.indexOf('\ufffd') < 0 ? s : Names.decode(bytes(p));
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
        return Names.decode(b, slash + 1, b.length - slash - 1);
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
        return Names.decode(c, from, c.length - from);
    }

    /** Where a symbolic link points, every byte kept. */
    public static String readLink(Path link) throws IOException {
        String s = Files.readSymbolicLink(link).toString();
        return s.indexOf('\ufffd') < 0 ? s : Names.decode(Native.readlink(link));
    }

    /** Makes a symbolic link {@code link} to {@code target}, every byte of the target kept. */
    public static void symlink(Path link, String target) throws IOException {
        if (Names.hasEscapes(target)) {
            Native.symlink(Names.encode(target), link);
        } else {
            Files.createSymbolicLink(link, link.getFileSystem().getPath(target));
        }
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
