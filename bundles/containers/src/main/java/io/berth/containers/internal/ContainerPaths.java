package io.berth.containers.internal;

import io.berth.api.InvalidArgumentException;
import io.berth.layers.ScopedRoot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
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
        List<String> parts = new ArrayList<>();
        for (String p : path.split("/")) {
            if (p.isEmpty() || p.equals(".")) {
                continue;
            }
            if (p.equals("..")) {
                if (!parts.isEmpty()) {
                    parts.remove(parts.size() - 1);
                }
                continue;
            }
            parts.add(p);
        }
        return parts;
    }

    /**
     * The host path of a file in the container, its last component's links followed too, or
     * {@code null} if it does not exist.
     */
    static Path file(Path rootfs, String path) throws IOException {
        ScopedRoot root = new ScopedRoot(rootfs);
        List<String> components = clean(path);
        for (int links = 0; links < MAX_LINKS; links++) {
            if (components.isEmpty()) {
                return root.root();
            }
            Path dir;
            try {
                dir = root.directory(components.subList(0, components.size() - 1), false, path);
            } catch (NoSuchFileException e) {
                return null;
            }
            Path file = dir.resolve(components.get(components.size() - 1));
            if (!Files.isSymbolicLink(file)) {
                return Files.exists(file, LinkOption.NOFOLLOW_LINKS) ? file : null;
            }
            String target = Files.readSymbolicLink(file).toString();
            List<String> next = new ArrayList<>();
            if (!target.startsWith("/")) {
                next.addAll(components.subList(0, components.size() - 1));
            }
            next.add(target);
            components = clean(String.join("/", next));
        }
        throw new InvalidArgumentException("too many levels of symbolic links at " + path);
    }

    /** Makes a directory in the container (and its parents, mode 0755, owned by root) if missing; returns its host path. */
    static Path mkdirs(Path rootfs, String path) throws IOException {
        return new ScopedRoot(rootfs).directory(clean(path), true, path);
    }

    /**
     * Makes an empty file (mode 0644) or directory at a path in the container if nothing is
     * there, for a mount to cover.
     */
    static void mountPoint(Path rootfs, String path, boolean directory) throws IOException {
        List<String> components = clean(path);
        if (components.isEmpty()) {
            return;
        }
        ScopedRoot root = new ScopedRoot(rootfs);
        Path parent = root.directory(components.subList(0, components.size() - 1), true, path);
        Path target = parent.resolve(components.get(components.size() - 1));
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (directory) {
            Files.createDirectory(target);
        } else {
            Files.createFile(target);
            Files.setPosixFilePermissions(target, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        }
    }
}
