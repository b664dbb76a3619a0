package io.berth.posix;

import io.berth.api.Names;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Symbolic links whose names or targets are any bytes, with names as {@link Names} has them (the
 * JDK would turn the bytes of a target that are not UTF-8 into U+FFFD): through libc when, and
 * only when, such bytes are there.
 */
public final class RawPaths {
    private RawPaths() {
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
}
