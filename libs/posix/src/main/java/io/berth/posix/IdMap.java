package io.berth.posix;

import io.berth.api.InvalidArgumentException;
import io.berth.api.runtime.IdMapping;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The ids of a container in a user namespace of its own, as the host stores them: uid and gid
 * mappings, read both ways. {@link #IDENTITY} is a container in the host's namespace.
 *
 * <p>Files going out of a remapped container (commit, {@code cp} from it, {@code export}) are
 * written with the container's ids ({@link #containerUid}); a host id the namespace does not map
 * is the kernel's overflow id, as the container itself sees it. Files going in ({@code cp} to it)
 * get the host's ids ({@link #hostUid}); an id the namespace does not map is refused, as docker
 * refuses it, since it would otherwise be some host user's.
 */
public record IdMap(List<IdMapping> uids, List<IdMapping> gids) {
    /** The host's own ids: nothing is mapped. */
    public static final IdMap IDENTITY = new IdMap(List.of(), List.of());

    /** What a user namespace shows for an id it does not map ({@code /proc/sys/kernel/overflowuid}). */
    public static final long OVERFLOW_ID = 65534;

    public IdMap {
        uids = List.copyOf(Objects.requireNonNull(uids, "uids"));
        gids = List.copyOf(Objects.requireNonNull(gids, "gids"));
        if (uids.isEmpty() != gids.isEmpty()) {
            throw new IllegalArgumentException("uid and gid mappings go together");
        }
    }

    /** Whether ids are mapped at all. */
    public boolean remaps() {
        return !uids.isEmpty();
    }

    /** The host's uid of a container's uid. @throws InvalidArgumentException if the namespace does not map it */
    public long hostUid(long uid) {
        return toHost(uids, uid, "uid");
    }

    /** The host's gid of a container's gid. @throws InvalidArgumentException if the namespace does not map it */
    public long hostGid(long gid) {
        return toHost(gids, gid, "gid");
    }

    /** The container's uid of a host uid, or the overflow id. */
    public long containerUid(long uid) {
        return toContainer(uids, uid);
    }

    /** The container's gid of a host gid, or the overflow id. */
    public long containerGid(long gid) {
        return toContainer(gids, gid);
    }

    private static long toHost(List<IdMapping> mappings, long id, String kind) {
        if (mappings.isEmpty()) {
            return id;
        }
        long host = IdMapping.toHost(mappings, id);
        if (host < 0) {
            throw new InvalidArgumentException("container " + kind + " " + id + " cannot be mapped to a host " + kind
                    + " (the container's user namespace maps " + describe(mappings) + ")");
        }
        return host;
    }

    private static long toContainer(List<IdMapping> mappings, long id) {
        if (mappings.isEmpty()) {
            return id;
        }
        for (IdMapping m : mappings) {
            if (id >= m.hostId() && id < m.hostId() + m.size()) {
                return m.containerId() + (id - m.hostId());
            }
        }
        return OVERFLOW_ID;
    }

    /** The mappings as {@code CONTAINER:HOST:SIZE}, comma-separated. */
    public static String describe(List<IdMapping> mappings) {
        StringBuilder b = new StringBuilder();
        for (IdMapping m : mappings) {
            b.append(b.length() > 0 ? "," : "").append(m.containerId()).append(':').append(m.hostId()).append(':')
                    .append(m.size());
        }
        return b.toString();
    }

    /**
     * Gives every entry under {@code root} (itself included, links not followed) the host's ids of
     * the container ids it has: a tree of the host's ids made the remapped container's, as docker
     * chowns layers for a remapped root. Modes are kept: {@code chown} clears setuid and setgid, so
     * they are set again.
     */
    public void chownTree(Path root) throws IOException {
        if (!remaps()) {
            return;
        }
        java.util.Set<Object> seen = new java.util.HashSet<>(); // hard links: an inode is shifted once
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                shift(dir);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.fileKey() == null || seen.add(attrs.fileKey())) {
                    shift(file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private void shift(Path p) throws IOException {
        Map<String, Object> a = Files.readAttributes(p, "unix:uid,gid,mode", LinkOption.NOFOLLOW_LINKS);
        long uid = hostUid(Integer.toUnsignedLong((Integer) a.get("uid")));
        long gid = hostGid(Integer.toUnsignedLong((Integer) a.get("gid")));
        Files.setAttribute(p, "unix:uid", (int) uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", (int) gid, LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) a.get("mode");
        if ((mode & 06000) != 0 && !Files.isSymbolicLink(p)) {
            Files.setAttribute(p, "unix:mode", mode & 07777, LinkOption.NOFOLLOW_LINKS);
        }
    }

    /** Gives one entry the host's ids of container root (0:0), as a directory made for the container. */
    public void chownToRoot(Path p) throws IOException {
        if (remaps()) {
            Files.setAttribute(p, "unix:uid", (int) hostUid(0), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(p, "unix:gid", (int) hostGid(0), LinkOption.NOFOLLOW_LINKS);
        }
    }
}
