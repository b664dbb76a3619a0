package io.berth.layers;

import io.berth.api.InvalidArgumentException;
import io.berth.api.Names;
import io.berth.layers.tar.LayerPath;
import io.berth.posix.IdMap;
import io.berth.posix.RawPaths;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A directory tree that nothing may escape: paths inside it are resolved component by component
 * without following symbolic links out. A symbolic link met on the way is followed as the
 * container would see it, with the tree as root: absolute targets start at the root, and a target
 * that climbs above the root with {@code ..} is refused.
 *
 * <p>Resolved directories are cached; callers report where they create or remove symbolic links
 * and directories so the cache stays true.
 */
public final class ScopedRoot {
    private static final int MAX_LINKS = 40;

    private final Path root;
    private final IdMap owners;
    private final NavigableMap<String, Path> resolved = new TreeMap<>();

    public ScopedRoot(Path root) {
        this(root, IdMap.IDENTITY);
    }

    /** @param owners a remapped container's ids: the directories made are its root's (0:0 inside) */
    public ScopedRoot(Path root, IdMap owners) {
        this.root = root.toAbsolutePath().normalize();
        this.owners = owners;
    }

    public Path root() {
        return root;
    }

    /**
     * The real directory that the directory named by {@code components} is, inside the root.
     *
     * @param create whether to create missing directories (mode 0755), as extracting a tar does
     * @param entry the entry being processed, for messages
     * @throws InvalidArgumentException if a symbolic link on the way leads out of the root, or a
     *         component is not a directory
     * @throws NoSuchFileException if a component is missing and {@code create} is false
     */
    public Path directory(List<String> components, boolean create, String entry) throws IOException {
        String key = LayerPath.join(components);
        Path cached = resolved.get(key);
        if (cached != null) {
            return cached;
        }
        Deque<String> stack = new ArrayDeque<>();
        Path current = root;
        int[] links = {0};
        for (String c : components) {
            current = step(current, stack, c, create, entry, links, LayerPath.join(components));
        }
        resolved.put(key, current);
        return current;
    }

    /** Forgets what is cached at and under {@code components}, after a link or directory there changed. */
    public void invalidate(List<String> components) {
        String key = LayerPath.join(components);
        resolved.remove(key);
        resolved.subMap(key.isEmpty() ? "" : key + "/", true, key.isEmpty() ? "\uffff" : key + "0", false).clear();
    }

    private Path step(Path current, Deque<String> stack, String component, boolean create, String entry, int[] links,
                      String wanted) throws IOException {
        Path next = Names.resolve(current, component);
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(next, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            if (!create) {
                throw e;
            }
            Files.createDirectory(next);
            Files.setAttribute(next, "unix:mode", 0755, LinkOption.NOFOLLOW_LINKS);
            owners.chownToRoot(next);
            stack.push(component);
            return next;
        }
        if (attrs.isDirectory()) {
            stack.push(component);
            return next;
        }
        if (attrs.isSymbolicLink()) {
            if (++links[0] > MAX_LINKS) {
                throw new InvalidArgumentException("layer entry '" + Names.printable(entry) + "': too many levels of symbolic links");
            }
            String target = RawPaths.readLink(next);
            Path at = current;
            if (target.startsWith("/")) {
                stack.clear();
                at = root;
            }
            for (String part : target.split("/")) {
                if (part.isEmpty() || part.equals(".")) {
                    continue;
                }
                if (part.equals("..")) {
                    if (stack.isEmpty()) {
                        throw new InvalidArgumentException("layer entry '" + Names.printable(entry) + "': symbolic link '"
                                + Names.printable(relative(next)) + "' -> '" + Names.printable(target) + "' points outside the layer");
                    }
                    stack.pop();
                    at = at.getParent();
                    continue;
                }
                at = step(at, stack, part, create, entry, links, wanted);
            }
            return at;
        }
        throw new InvalidArgumentException("layer entry '" + Names.printable(entry) + "': '" + Names.printable(relative(next)) + "' is not a directory");
    }

    private String relative(Path p) {
        return Names.relative(root, p);
    }
}
