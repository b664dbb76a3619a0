package io.berth.containers.internal;

import io.berth.api.InvalidArgumentException;
import io.berth.api.Names;
import io.berth.layers.ScopedRoot;
import io.berth.posix.IdMap;
import io.berth.posix.RawPaths;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Paths inside a container's root filesystem, reached from the host without leaving it: symbolic
 * links are followed as the container would follow them, never out of its root.
 */
final class ContainerPaths {
    private static final int MAX_LINKS = 40;

    private ContainerPaths() {
    }

    /** The components of a path as the container sees it, {@code ..} resolved lexically ({@code /..} is {@code /}). */
    static List<String> clean(String path) {
        if (path.indexOf('\0') >= 0) {
            throw new InvalidArgumentException("path " + path.replace('\0', '?') + " contains a NUL byte");
        }
        String clean = Names.cleanPath("/" + path);
        return clean.equals("/") ? List.of() : List.of(clean.substring(1).split("/"));
    }

    /**
     * The host path of a file in the container, its last component's links followed too, or
     * {@code null} if it does not exist.
     */
    static Path file(Path rootfs, String path) throws IOException {
        Path file = resolve(rootfs, path, true);
        return Files.exists(file, LinkOption.NOFOLLOW_LINKS) ? file : null;
    }

    /**
     * The host path that a path of the container names, resolved as docker resolves it
     * ({@code FollowSymlinkInScope}): the path is cleaned ({@code /..} is {@code /}), then taken
     * component by component; a symbolic link is replaced by its target, an absolute target
     * starting again at the container's root and a {@code ..} going up from the directory the
     * link is in, never above the root. Whatever its links say, the result is inside
     * {@code rootfs}. The last component's link is followed only when {@code followLast} or when
     * the path ends with {@code /}; components that do not exist (or lie under a file) are kept as
     * they are, for the caller to create or to report as missing.
     *
     * @throws InvalidArgumentException if links lead through more than 40 links, as the kernel's ELOOP
     */
    static Path resolve(Path rootfs, String path, boolean followLast) throws IOException {
        Path root = rootfs.toAbsolutePath().normalize();
        boolean follow = followLast || path.endsWith("/") || path.endsWith("/.");
        Deque<String> pending = new ArrayDeque<>(clean(path));
        List<String> resolved = new ArrayList<>();
        boolean inDirectory = true;
        int links = 0;
        while (!pending.isEmpty()) {
            String component = pending.pop();
            if (component.equals("..")) {
                if (!resolved.isEmpty()) {
                    resolved.remove(resolved.size() - 1);
                }
                inDirectory = Files.isDirectory(join(root, resolved), LinkOption.NOFOLLOW_LINKS);
                continue;
            }
            Path next = Names.resolve(join(root, resolved), component);
            BasicFileAttributes attributes = null;
            if (inDirectory) {
                try {
                    attributes = Files.readAttributes(next, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException e) {
                    // Kept as it is: nothing below a missing name can be a link.
                }
            }
            if (attributes != null && attributes.isSymbolicLink() && (follow || !pending.isEmpty())) {
                if (++links > MAX_LINKS) {
                    throw new InvalidArgumentException("too many levels of symbolic links at " + path);
                }
                String target = RawPaths.readLink(next);
                if (target.startsWith("/")) {
                    resolved.clear();
                    inDirectory = true;
                }
                List<String> parts = components(target);
                for (int i = parts.size() - 1; i >= 0; i--) {
                    pending.push(parts.get(i));
                }
                continue;
            }
            resolved.add(component);
            inDirectory = attributes != null && attributes.isDirectory();
        }
        return join(root, resolved);
    }

    /** A link target's components as they are, {@code ..} included: they are resolved where the link is. */
    private static List<String> components(String target) {
        if (target.indexOf('\0') >= 0) {
            throw new InvalidArgumentException("symbolic link target " + target.replace('\0', '?') + " contains a NUL byte");
        }
        List<String> parts = new ArrayList<>();
        for (String p : target.split("/")) {
            if (!p.isEmpty() && !p.equals(".")) {
                parts.add(p);
            }
        }
        return parts;
    }

    private static Path join(Path root, List<String> components) {
        return components.isEmpty() ? root : Names.resolve(root, String.join("/", components));
    }

    /** Makes a directory in the container (and its parents, mode 0755, owned by root) if missing; returns its host path. */
    static Path mkdirs(Path rootfs, String path) throws IOException {
        return mkdirs(rootfs, path, IdMap.IDENTITY);
    }

    /** As {@link #mkdirs(Path, String)}, in a container whose ids {@code owners} maps: owned by its root. */
    static Path mkdirs(Path rootfs, String path, IdMap owners) throws IOException {
        return new ScopedRoot(rootfs, owners).directory(clean(path), true, path);
    }

    /**
     * Makes an empty file (mode 0644) or directory at a path in the container if nothing is
     * there, for a mount to cover.
     */
    static void mountPoint(Path rootfs, String path, boolean directory) throws IOException {
        mountPoint(rootfs, path, directory, IdMap.IDENTITY);
    }

    /** As {@link #mountPoint(Path, String, boolean)}, in a container whose ids {@code owners} maps: owned by its root. */
    static void mountPoint(Path rootfs, String path, boolean directory, IdMap owners) throws IOException {
        List<String> components = clean(path);
        if (components.isEmpty()) {
            return;
        }
        ScopedRoot root = new ScopedRoot(rootfs, owners);
        Path parent = root.directory(components.subList(0, components.size() - 1), true, path);
        Path target = Names.resolve(parent, components.get(components.size() - 1));
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (directory) {
            Files.createDirectory(target);
        } else {
            Files.createFile(target);
            Files.setPosixFilePermissions(target, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        }
        owners.chownToRoot(target);
    }
}
