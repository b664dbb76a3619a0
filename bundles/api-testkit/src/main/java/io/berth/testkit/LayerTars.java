package io.berth.testkit;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Layer tars built entry by entry for the suites, hostile ones included: names are written as
 * given ({@code ../escape} too).
 */
public final class LayerTars {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes, StandardCharsets.UTF_8.name());

    public LayerTars() {
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    }

    /** Adds a directory ({@code name} ends with {@code /}). */
    public LayerTars dir(String name) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name, true);
        e.setMode(040755);
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
        return this;
    }

    /** Adds a regular file. */
    public LayerTars file(String name, String content) throws IOException {
        byte[] data = content.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry e = new TarArchiveEntry(name, true);
        e.setMode(0100644);
        e.setSize(data.length);
        tar.putArchiveEntry(e);
        tar.write(data);
        tar.closeArchiveEntry();
        return this;
    }

    /** Adds a symbolic link. */
    public LayerTars symlink(String name, String target) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name, org.apache.commons.compress.archivers.tar.TarConstants.LF_SYMLINK);
        e.setLinkName(target);
        e.setMode(0120777);
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
        return this;
    }

    /** Adds a hard link to {@code target} (an earlier entry) whose header says mode, owner and time. */
    public LayerTars hardlink(String name, String target, int mode, int uid, long mtimeSeconds) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name, org.apache.commons.compress.archivers.tar.TarConstants.LF_LINK);
        e.setLinkName(target);
        e.setMode(0100000 | mode);
        e.setUserId(uid);
        e.setGroupId(uid);
        e.setModTime(mtimeSeconds * 1000);
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
        return this;
    }

    /** The tar, finished. */
    public byte[] bytes() throws IOException {
        tar.finish();
        return bytes.toByteArray();
    }

    /** The tar as a stream. */
    public InputStream stream() throws IOException {
        return new ByteArrayInputStream(bytes());
    }

    /** The names of a tar's entries, in order. */
    public static List<String> names(byte[] tar) throws IOException {
        List<String> names = new ArrayList<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
                names.add(e.getName());
            }
        }
        return names;
    }
}
