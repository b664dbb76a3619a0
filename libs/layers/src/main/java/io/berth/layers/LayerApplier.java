package io.berth.layers;

import io.berth.api.InvalidArgumentException;
import io.berth.api.Names;
import io.berth.layers.tar.LayerPath;
import io.berth.layers.tar.TarHeader;
import io.berth.layers.tar.TarReader;
import io.berth.posix.IdMap;
import io.berth.posix.Native;
import io.berth.posix.RawPaths;
import io.berth.posix.Trees;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies an OCI layer (an uncompressed tar) to a directory, as the container will see it:
 * regular files, directories, symbolic and hard links, device nodes and fifos, with owners, modes
 * (setuid, setgid and sticky included), extended attributes ({@code security.capability} included)
 * and modification times. Whiteouts become overlayfs whiteouts or deletions (see
 * {@link Whiteouts}).
 *
 * <p><b>Hostile layers.</b> Nothing a layer contains can create or change anything outside the
 * directory: absolute names and {@code ..} are refused, symbolic links met on the way to an entry
 * are followed inside the directory only ({@link ScopedRoot}), hard links may only point inside,
 * and no entry is ever written through a symbolic link. Device nodes are refused when the driver
 * forbids them. A refused entry fails the whole layer with an error naming it; the caller discards
 * the directory.
 */
public final class LayerApplier {
    /**
     * What the driver allows.
     *
     * @param whiteouts how deletions are stored
     * @param allowDevices whether device nodes may be created
     * @param setOwners whether to set owners (only root can)
     * @param sharedInodes whether what the directory holds before the layer may share its inodes
     *     with other trees (hard links to a parent layer's files): such an inode is never changed
     *     in place; a hard link entry to one copies it first
     * @param owners the ids of the container the tree is a root of: entries' ids are the
     *     container's, set as the host's ids it maps them to (an id it does not map fails the apply)
     */
    public record Options(Whiteouts whiteouts, boolean allowDevices, boolean setOwners, boolean sharedInodes,
                          IdMap owners) {
        public Options {
            owners = owners == null ? IdMap.IDENTITY : owners;
        }

        public Options(Whiteouts whiteouts, boolean allowDevices, boolean setOwners, boolean sharedInodes) {
            this(whiteouts, allowDevices, setOwners, sharedInodes, IdMap.IDENTITY);
        }

        public Options(Whiteouts whiteouts, boolean allowDevices, boolean setOwners) {
            this(whiteouts, allowDevices, setOwners, false, IdMap.IDENTITY);
        }
    }

    /**
     * What was applied.
     *
     * @param entries entries processed
     * @param bytes bytes of file data written
     * @param tarBytes bytes of the tar read, to its end
     */
    public record Stats(long entries, long bytes, long tarBytes) {
    }

    private static final int BUFFER = 256 * 1024;

    private final Path rootDir;
    private final ScopedRoot root;
    private final Options options;
    private final List<Object[]> directoryTimes = new ArrayList<>();
    private final Set<Path> createdHere = new HashSet<>();
    /** Paths whited out by this layer (overlay mode): a directory this layer makes there is new. */
    private final Set<Path> whitedOutHere = new HashSet<>();
    /** The entries' cleaned paths, a whiteout's included: docker refuses a layer naming one twice. */
    private final Set<String> seen = new HashSet<>();
    /** Inodes shared with other trees that this layer copied before changing them. */
    private final Set<Object> copiedUp = new HashSet<>();
    private final byte[] buffer = new byte[BUFFER];
    private long entries;
    private long bytes;

    private LayerApplier(Path rootDir, Options options) {
        this.rootDir = rootDir;
        this.root = new ScopedRoot(rootDir);
        this.options = options;
    }

    /**
     * Applies a layer to {@code dir}, which must exist. Reads the stream to its end, so a stream
     * that verifies a digest at its end can reject the layer before the caller publishes it.
     *
     * @throws InvalidArgumentException for a hostile or malformed entry, naming it
     */
    public static Stats apply(InputStream tar, Path dir, Options options) throws IOException {
        return new LayerApplier(dir, options).run(tar);
    }

    private Stats run(InputStream in) throws IOException {
        TarReader tar = new TarReader(in);
        for (TarHeader h; (h = tar.next()) != null; ) {
            entries++;
            try {
                entry(h, tar);
            } catch (InvalidArgumentException e) {
                throw e;
            } catch (IOException e) {
                throw new IOException("layer entry '" + Names.printable(h.name) + "': " + e.getMessage(), e);
            }
        }
        tar.drain();
        // Directory times last: creating their entries changed them. A directory replaced since
        // (by a later entry of another type) keeps the time its replacement has.
        for (int i = directoryTimes.size() - 1; i >= 0; i--) {
            Object[] t = directoryTimes.get(i);
            BasicFileAttributes now = attributes((Path) t[0]);
            if (now != null && now.isDirectory()) {
                Native.utimes((Path) t[0], (Long) t[1], (Integer) t[2]);
            }
        }
        return new Stats(entries, bytes, tar.offset());
    }

    private void entry(TarHeader h, TarReader tar) throws IOException {
        List<String> parts = LayerPath.components(h.name);
        if (parts.isEmpty()) {
            return;
        }
        if (!seen.add(LayerPath.join(parts))) {
            throw new InvalidArgumentException("layer entry '" + Names.printable(h.name)
                    + "': duplicates of file paths not supported");
        }
        String base = parts.get(parts.size() - 1);
        List<String> parentParts = parts.subList(0, parts.size() - 1);
        if (base.startsWith(Whiteouts.PREFIX)) {
            whiteout(h, parts, parentParts, base);
            return;
        }
        Path parent = root.directory(parentParts, true, h.name);
        Path target = Names.resolve(parent, base);
        BasicFileAttributes existing = attributes(target);
        if (existing != null && !(existing.isDirectory() && h.isDirectory())) {
            Trees.delete(target);
            if (existing.isDirectory() || existing.isSymbolicLink()) {
                root.invalidate(parts);
            }
        }
        switch (h.type) {
            case TarHeader.DIRECTORY -> {
                if (existing == null || !existing.isDirectory()) {
                    Files.createDirectory(target);
                }
                if (whitedOutHere.contains(target)) {
                    // Whited out and made again by this layer: a new directory, the lower one's
                    // content hidden, as deleting it first gives in DELETE mode.
                    Native.setxattr(target, Whiteouts.OPAQUE_XATTR, "y".getBytes(StandardCharsets.US_ASCII));
                }
            }
            case TarHeader.REGULAR, TarHeader.REGULAR_OLD, TarHeader.CONTIGUOUS -> writeFile(target, h, tar);
            case TarHeader.SYMLINK -> {
                if (h.linkName.isEmpty()) {
                    throw new InvalidArgumentException("layer entry '" + Names.printable(h.name) + "': symbolic link with an empty target");
                }
                RawPaths.symlink(target, h.linkName);
                root.invalidate(parts);
            }
            case TarHeader.HARDLINK -> hardLink(h, target);
            case TarHeader.CHAR_DEVICE, TarHeader.BLOCK_DEVICE -> {
                if (!options.allowDevices()) {
                    throw new InvalidArgumentException("layer entry '" + Names.printable(h.name) + "': device nodes are not allowed");
                }
                Native.mknod(target, h.type == TarHeader.CHAR_DEVICE ? Native.S_IFCHR : Native.S_IFBLK, h.mode,
                        h.devMajor, h.devMinor);
            }
            case TarHeader.FIFO -> Native.mknod(target, Native.S_IFIFO, h.mode, 0, 0);
            default -> throw new InvalidArgumentException("layer entry '" + Names.printable(h.name) + "': unsupported entry type '"
                    + (char) h.type + "'");
        }
        createdHere.add(target);
        // A hard link's header sets the metadata of the inode it shares, as docker applies it.
        metadata(target, h, h.type == TarHeader.SYMLINK
                || h.type == TarHeader.HARDLINK && Files.isSymbolicLink(target));
    }

    private void whiteout(TarHeader h, List<String> parts, List<String> parentParts, String base) throws IOException {
        Path dir = root.directory(parentParts, true, h.name);
        if (base.equals(Whiteouts.OPAQUE)) {
            if (options.whiteouts() == Whiteouts.OVERLAY) {
                Native.setxattr(dir, Whiteouts.OPAQUE_XATTR, "y".getBytes(StandardCharsets.US_ASCII));
            } else {
                try (var children = Files.list(dir)) {
                    for (Path child : (Iterable<Path>) children::iterator) {
                        if (!createdHere.contains(child)) {
                            Trees.delete(child);
                        }
                    }
                }
                root.invalidate(parentParts);
            }
            return;
        }
        if (base.startsWith(Whiteouts.PREFIX + Whiteouts.PREFIX)) {
            // Other AUFS metadata (.wh..wh.plnk, .wh..wh.aufs): nothing to do.
            return;
        }
        String victim = base.substring(Whiteouts.PREFIX.length());
        if (victim.isEmpty() || victim.equals(".") || victim.equals("..")) {
            throw new InvalidArgumentException("layer entry '" + Names.printable(h.name) + "': whiteout of '" + victim + "'");
        }
        Path target = Names.resolve(dir, victim);
        if (createdHere.contains(target)) {
            // A whiteout applies to the lower layers only, never to what its own layer has (OCI).
            return;
        }
        Trees.delete(target);
        if (options.whiteouts() == Whiteouts.OVERLAY) {
            whitedOutHere.add(target);
        }
        List<String> victimParts = new ArrayList<>(parentParts);
        victimParts.add(victim);
        root.invalidate(victimParts);
        if (options.whiteouts() == Whiteouts.OVERLAY) {
            Native.mknod(target, Native.S_IFCHR, 0, 0, 0);
            if (options.setOwners()) {
                setOwner(target, options.owners().hostUid(h.uid), options.owners().hostGid(h.gid));
            }
        }
    }

    private void writeFile(Path target, TarHeader h, TarReader tar) throws IOException {
        InputStream content = tar.content();
        try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            long left = h.size;
            while (left > 0) {
                int n = content.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new IOException("truncated file data");
                }
                ByteBuffer b = ByteBuffer.wrap(buffer, 0, n);
                while (b.hasRemaining()) {
                    out.write(b);
                }
                left -= n;
                bytes += n;
            }
        } catch (FileAlreadyExistsException e) {
            throw new InvalidArgumentException("layer entry '" + Names.printable(h.name) + "': path exists and could not be replaced");
        }
    }

    private void hardLink(TarHeader h, Path target) throws IOException {
        List<String> linkParts = LayerPath.components(h.linkName,
                "layer entry '" + Names.printable(h.name) + "': hard link target '" + Names.printable(h.linkName) + "'");
        if (linkParts.isEmpty()) {
            throw new InvalidArgumentException("layer entry '" + Names.printable(h.name) + "': hard link to the layer's root");
        }
        Path existing;
        try {
            Path dir = root.directory(linkParts.subList(0, linkParts.size() - 1), false, h.name);
            existing = Names.resolve(dir, linkParts.get(linkParts.size() - 1));
        } catch (NoSuchFileException e) {
            throw new InvalidArgumentException("layer entry '" + Names.printable(h.name) + "': hard link target '" + h.linkName
                    + "' is not in the layer");
        }
        BasicFileAttributes attrs = attributes(existing);
        if (attrs == null) {
            throw new InvalidArgumentException("layer entry '" + Names.printable(h.name) + "': hard link target '" + h.linkName
                    + "' is not in the layer");
        }
        if (attrs.isDirectory()) {
            throw new InvalidArgumentException("layer entry '" + Names.printable(h.name) + "': hard link to directory '" + Names.printable(h.linkName) + "'");
        }
        if (options.sharedInodes() && !createdHere.contains(existing) && copiedUp.add(attrs.fileKey())) {
            // The header's metadata goes to the shared inode below: give this tree its own first.
            copyUp(existing, attrs.fileKey());
        }
        Files.createLink(target, existing);
    }

    /**
     * Replaces the inode of {@code file} by a private copy at every path of this tree that has
     * it, keeping the times of the directories touched.
     */
    private void copyUp(Path file, Object inode) throws IOException {
        List<Path> paths = new ArrayList<>();
        try (var all = Files.walk(rootDir)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                BasicFileAttributes a = attributes(p);
                if (a != null && !a.isDirectory() && inode.equals(a.fileKey())) {
                    paths.add(p);
                }
            }
        }
        Path copy = Names.resolve(file.getParent(), ".berth-copy-" + java.util.UUID.randomUUID());
        Map<Path, BasicFileAttributes> dirTimes = new java.util.HashMap<>();
        dirTimes.put(file.getParent(), attributes(file.getParent()));
        for (Path p : paths) {
            dirTimes.putIfAbsent(p.getParent(), attributes(p.getParent()));
        }
        privateCopy(file, copy);
        for (Path p : paths) {
            Files.delete(p);
            Files.createLink(p, copy);
        }
        Files.delete(copy);
        for (Map.Entry<Path, BasicFileAttributes> d : dirTimes.entrySet()) {
            java.nio.file.attribute.FileTime t = d.getValue().lastModifiedTime();
            java.time.Instant i = t.toInstant();
            Native.utimes(d.getKey(), i.getEpochSecond(), i.getNano());
        }
    }

    /** A new inode at {@code copy} with the type, content and metadata of {@code file}'s (not a directory). */
    private static void privateCopy(Path file, Path copy) throws IOException {
        Map<String, Object> a = Files.readAttributes(file, "unix:mode,uid,gid,rdev,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) a.get("mode");
        int format = mode & 0170000;
        boolean symlink = format == 0120000;
        switch (format) {
            case 0100000 -> Files.copy(file, copy, LinkOption.NOFOLLOW_LINKS);
            case 0120000 -> RawPaths.symlink(copy, RawPaths.readLink(file));
            default -> {
                long rdev = (Long) a.get("rdev");
                Native.mknod(copy, format, mode & 07777, Native.major(rdev), Native.minor(rdev));
            }
        }
        setOwner(copy, Integer.toUnsignedLong((Integer) a.get("uid")), Integer.toUnsignedLong((Integer) a.get("gid")));
        if (!symlink) {
            Files.setAttribute(copy, "unix:mode", mode & 07777);
        }
        for (String name : Native.listxattr(file)) {
            byte[] value = Native.getxattr(file, name);
            if (value != null) {
                Native.setxattr(copy, name, value);
            }
        }
        java.time.Instant mtime = ((java.nio.file.attribute.FileTime) a.get("lastModifiedTime")).toInstant();
        Native.utimes(copy, mtime.getEpochSecond(), mtime.getNano());
    }

    private void metadata(Path target, TarHeader h, boolean link) throws IOException {
        if (options.setOwners()) {
            setOwner(target, options.owners().hostUid(h.uid), options.owners().hostGid(h.gid));
        }
        if (!link) {
            // After chown, which clears setuid and setgid. By path: the JDK's no-follow variant opens
            // the file, which blocks on a fifo and opens a device. The path is known not to be a link.
            Files.setAttribute(target, "unix:mode", h.mode & 07777);
        }
        for (Map.Entry<String, byte[]> x : h.xattrs.entrySet()) {
            String name = x.getKey();
            if (name.startsWith("trusted.overlay.")) {
                // overlayfs's own: a layer must not steer the driver.
                continue;
            }
            if (!options.setOwners() && (name.startsWith("security.") || name.startsWith("trusted."))) {
                continue;
            }
            Native.setxattr(target, name, x.getValue());
        }
        if (h.type == TarHeader.DIRECTORY) {
            directoryTimes.add(new Object[]{target, h.mtimeSeconds, h.mtimeNanos});
        } else {
            Native.utimes(target, h.mtimeSeconds, h.mtimeNanos);
        }
    }

    private static void setOwner(Path target, long uid, long gid) throws IOException {
        Files.setAttribute(target, "unix:uid", (int) uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(target, "unix:gid", (int) gid, LinkOption.NOFOLLOW_LINKS);
    }

    private static BasicFileAttributes attributes(Path p) throws IOException {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** The directory being applied to. */
    public Path root() {
        return rootDir;
    }
}
