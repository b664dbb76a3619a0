package io.berth.layers;

import io.berth.api.Names;
import io.berth.layers.tar.TarHeader;
import io.berth.layers.tar.TarWriter;
import io.berth.posix.IdMap;
import io.berth.posix.Native;
import io.berth.posix.RawPaths;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes a layer tar from a directory tree: entries as the files are (type, owner, mode, times,
 * extended attributes, hard links within the layer), deletions as OCI whiteouts. Callers add
 * parents before children.
 */
public final class LayerWriter {
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    private static final int S_IFLNK = 0120000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFBLK = 0060000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFIFO = 0010000;

    private final TarWriter tar;
    private final Map<String, String> firstPathOfInode = new HashMap<>();
    private final IdMap owners;

    public LayerWriter(OutputStream out) {
        this(out, IdMap.IDENTITY);
    }

    /** Writes the files of a container whose ids {@code owners} maps, with the container's ids. */
    public LayerWriter(OutputStream out, IdMap owners) {
        this.tar = new TarWriter(out);
        this.owners = owners;
    }

    /**
     * Writes the entry for {@code relative} inside {@code root} as it is on disk. Sockets are
     * skipped, as docker does.
     */
    public void add(Path root, String relative) throws IOException {
        addAs(Names.resolve(root, relative), relative);
    }

    /** Writes the entry for {@code file} as it is on disk, named {@code relative} in the archive. */
    public void addAs(Path file, String relative) throws IOException {
        Map<String, Object> a = Files.readAttributes(file, "unix:mode,uid,gid,size,lastModifiedTime,ino,dev,rdev,nlink",
                LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) a.get("mode");
        int format = mode & S_IFMT;
        if (format == S_IFSOCK) {
            return;
        }
        TarHeader h = new TarHeader();
        h.name = format == S_IFDIR ? relative + "/" : relative;
        h.mode = mode & 07777;
        h.uid = owners.containerUid(Integer.toUnsignedLong((Integer) a.get("uid")));
        h.gid = owners.containerGid(Integer.toUnsignedLong((Integer) a.get("gid")));
        FileTime mtime = (FileTime) a.get("lastModifiedTime");
        h.mtimeSeconds = mtime.to(java.util.concurrent.TimeUnit.SECONDS);
        switch (format) {
            case S_IFDIR -> h.type = TarHeader.DIRECTORY;
            case S_IFLNK -> {
                h.type = TarHeader.SYMLINK;
                h.linkName = RawPaths.readLink(file);
            }
            case S_IFCHR, S_IFBLK -> {
                h.type = format == S_IFCHR ? TarHeader.CHAR_DEVICE : TarHeader.BLOCK_DEVICE;
                long rdev = (Long) a.get("rdev");
                h.devMajor = Native.major(rdev);
                h.devMinor = Native.minor(rdev);
            }
            case S_IFIFO -> h.type = TarHeader.FIFO;
            case S_IFREG -> {
                h.type = TarHeader.REGULAR;
                h.size = (Long) a.get("size");
                if ((Integer) a.get("nlink") > 1) {
                    String key = a.get("dev") + ":" + a.get("ino");
                    String first = firstPathOfInode.putIfAbsent(key, relative);
                    if (first != null) {
                        h.type = TarHeader.HARDLINK;
                        h.linkName = first;
                        h.size = 0;
                    }
                }
            }
            default -> throw new IOException(file + ": unknown file type " + Integer.toOctalString(format));
        }
        if (h.type != TarHeader.HARDLINK) {
            for (String name : Native.listxattr(file)) {
                if (!name.startsWith("trusted.overlay.")) {
                    byte[] value = Native.getxattr(file, name);
                    if (value != null) {
                        h.xattrs.put(name, value);
                    }
                }
            }
        }
        tar.putEntry(h);
        if (h.type == TarHeader.REGULAR && h.size > 0) {
            try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                tar.write(in);
            }
        }
    }

    /** Writes a whiteout for {@code relative}: it was deleted. */
    public void whiteout(String relative) throws IOException {
        int slash = relative.lastIndexOf('/');
        String name = slash < 0 ? Whiteouts.PREFIX + relative
                : relative.substring(0, slash + 1) + Whiteouts.PREFIX + relative.substring(slash + 1);
        tar.putEntry(emptyFile(name));
    }

    /** Writes the opaque marker of directory {@code relative}: its old content is gone. */
    public void opaque(String relative) throws IOException {
        tar.putEntry(emptyFile(relative.isEmpty() ? Whiteouts.OPAQUE : relative + "/" + Whiteouts.OPAQUE));
    }

    /** Ends the archive; does not close the stream. */
    public void finish() throws IOException {
        tar.finish();
    }

    private static TarHeader emptyFile(String name) {
        TarHeader h = new TarHeader(name, TarHeader.REGULAR);
        h.mode = 0644;
        return h;
    }
}
