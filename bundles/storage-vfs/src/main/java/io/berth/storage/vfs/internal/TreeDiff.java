package io.berth.storage.vfs.internal;

import io.berth.layers.LayerWriter;
import io.berth.api.Names;
import io.berth.posix.Native;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The changes between two whole trees, as docker's naive diff finds them: an entry is changed when
 * its type, mode, owner, size, modification time, link target, device number or extended
 * attributes differ; entries only in the new tree are added (with all they contain), entries only
 * in the old one deleted (a whiteout, not their contents).
 */
final class TreeDiff {
    private static final String ATTRIBUTES = "unix:mode,uid,gid,size,lastModifiedTime,rdev";

    private TreeDiff() {
    }

    /** What the walk finds, in path order, parents before children. */
    interface Visitor {
        void added(Path root, String relative) throws IOException;

        void changed(Path root, String relative) throws IOException;

        void deleted(String relative) throws IOException;
    }

    /**
     * Writes the changes as a layer. Hard links are kept: a changed or added file whose inode has
     * other paths in the new tree is written with all of them (the first as the file, the others
     * as links to it, with the directories on their way), so the layer recreates the link on its
     * own, on any driver, even to a file that did not change.
     */
    static void write(Path before, Path after, LayerWriter writer) throws IOException {
        List<String[]> entries = new ArrayList<>();
        Set<Object> linkedInodes = new HashSet<>();
        walk(before, after, "", new Visitor() {
            @Override
            public void added(Path root, String relative) throws IOException {
                entries.add(new String[]{"+", relative});
                noteLinked(Names.resolve(root, relative), linkedInodes);
            }

            @Override
            public void changed(Path root, String relative) throws IOException {
                added(root, relative);
            }

            @Override
            public void deleted(String relative) {
                entries.add(new String[]{"-", relative});
            }
        });
        for (String[] e : linkedInodes.isEmpty() ? entries : withLinkGroups(after, entries, linkedInodes)) {
            if (e[0].equals("-")) {
                writer.whiteout(e[1]);
            } else {
                writer.add(after, e[1]);
            }
        }
    }

    private static void noteLinked(Path file, Set<Object> inodes) throws IOException {
        Map<String, Object> a = Files.readAttributes(file, "unix:mode,nlink,ino,dev", LinkOption.NOFOLLOW_LINKS);
        if (((Integer) a.get("mode") & 0170000) != 0040000 && (Integer) a.get("nlink") > 1) {
            inodes.add(a.get("dev") + ":" + a.get("ino"));
        }
    }

    /**
     * {@code entries} with every other path of {@code inodes} in {@code root}, and the directories
     * above those, added in walk order.
     */
    private static List<String[]> withLinkGroups(Path root, List<String[]> entries, Set<Object> inodes) throws IOException {
        Set<String> present = new HashSet<>();
        for (String[] e : entries) {
            present.add(e[1]);
        }
        List<String[]> all = new ArrayList<>(entries);
        try (Stream<Path> tree = Files.walk(root)) {
            for (Path p : (Iterable<Path>) tree::iterator) {
                Map<String, Object> a = Files.readAttributes(p, "unix:mode,nlink,ino,dev", LinkOption.NOFOLLOW_LINKS);
                if (((Integer) a.get("mode") & 0170000) == 0040000 || (Integer) a.get("nlink") < 2
                        || !inodes.contains(a.get("dev") + ":" + a.get("ino"))) {
                    continue;
                }
                String relative = Names.relative(root, p);
                for (String path = relative; path != null && present.add(path); path = parentOf(path)) {
                    all.add(new String[]{"+", path});
                }
            }
        }
        all.sort((x, y) -> walkOrder(x[1], y[1]));
        return all;
    }

    private static String parentOf(String relative) {
        int slash = relative.lastIndexOf('/');
        return slash < 0 ? null : relative.substring(0, slash);
    }

    /** The order of the walk: by the names' bytes, component by component, a directory before what it holds. */
    private static int walkOrder(String a, String b) {
        byte[] x = Names.encode(a);
        byte[] y = Names.encode(b);
        int n = Math.min(x.length, y.length);
        for (int i = 0; i < n; i++) {
            int cx = x[i] == '/' ? 0 : x[i] & 0xff;
            int cy = y[i] == '/' ? 0 : y[i] & 0xff;
            if (cx != cy) {
                return Integer.compare(cx, cy);
            }
        }
        return Integer.compare(x.length, y.length);
    }

    static List<io.berth.api.storage.Change> changes(Path before, Path after) throws IOException {
        List<io.berth.api.storage.Change> out = new java.util.ArrayList<>();
        walk(before, after, "", new Visitor() {
            @Override
            public void added(Path root, String relative) {
                out.add(new io.berth.api.storage.Change(io.berth.api.storage.Change.Kind.ADDED, "/" + relative));
            }

            @Override
            public void changed(Path root, String relative) {
                out.add(new io.berth.api.storage.Change(io.berth.api.storage.Change.Kind.CHANGED, "/" + relative));
            }

            @Override
            public void deleted(String relative) {
                out.add(new io.berth.api.storage.Change(io.berth.api.storage.Change.Kind.DELETED, "/" + relative));
            }
        });
        return out;
    }

    private static void walk(Path before, Path after, String relative, Visitor writer) throws IOException {
        Path newDir = relative.isEmpty() ? after : Names.resolve(after, relative);
        Path oldDir = before == null ? null : relative.isEmpty() ? before : Names.resolve(before, relative);
        TreeSet<String> names = new TreeSet<>(list(newDir));
        List<String> oldNames = oldDir == null ? List.of() : list(oldDir);
        names.addAll(oldNames);
        for (String name : names) {
            String child = relative.isEmpty() ? name : relative + "/" + name;
            Map<String, Object> now = attributes(Names.resolve(after, child));
            Map<String, Object> then = oldDir == null ? null : attributes(Names.resolve(before, child));
            if (now == null) {
                writer.deleted(child);
                continue;
            }
            boolean isDir = ((Integer) now.get("mode") & 0170000) == 0040000;
            if (then == null) {
                addAll(after, child, isDir, writer);
                continue;
            }
            boolean wasDir = ((Integer) then.get("mode") & 0170000) == 0040000;
            if (changed(Names.resolve(before, child), Names.resolve(after, child), then, now)) {
                writer.changed(after, child);
                if (isDir && !wasDir) {
                    addChildren(after, child, writer);
                    continue;
                }
            }
            if (isDir && wasDir) {
                walk(before, after, child, writer);
            } else if (isDir) {
                addChildren(after, child, writer);
            }
        }
    }

    private static void addAll(Path root, String relative, boolean isDir, Visitor writer) throws IOException {
        writer.added(root, relative);
        if (isDir) {
            addChildren(root, relative, writer);
        }
    }

    private static void addChildren(Path root, String relative, Visitor writer) throws IOException {
        for (String name : list(Names.resolve(root, relative))) {
            String child = relative + "/" + name;
            Map<String, Object> a = attributes(Names.resolve(root, child));
            addAll(root, child, a != null && ((Integer) a.get("mode") & 0170000) == 0040000, writer);
        }
    }

    private static boolean changed(Path old, Path now, Map<String, Object> a, Map<String, Object> b) throws IOException {
        if (!a.get("mode").equals(b.get("mode")) || !a.get("uid").equals(b.get("uid")) || !a.get("gid").equals(b.get("gid"))
                || !a.get("rdev").equals(b.get("rdev")) || !a.get("lastModifiedTime").equals(b.get("lastModifiedTime"))) {
            return true;
        }
        int format = (Integer) b.get("mode") & 0170000;
        if (format == 0100000 && !a.get("size").equals(b.get("size"))) {
            return true;
        }
        if (format == 0120000 && !Files.readSymbolicLink(old).equals(Files.readSymbolicLink(now))) {
            return true;
        }
        return !sameXattrs(old, now);
    }

    private static boolean sameXattrs(Path a, Path b) throws IOException {
        List<String> namesA = Native.listxattr(a);
        List<String> namesB = Native.listxattr(b);
        if (!new TreeSet<>(namesA).equals(new TreeSet<>(namesB))) {
            return false;
        }
        for (String n : namesA) {
            if (!Arrays.equals(Native.getxattr(a, n), Native.getxattr(b, n))) {
                return false;
            }
        }
        return true;
    }

    /** Names in the order of their bytes, as Go's walk has them. */
    private static int byBytes(String a, String b) {
        return Arrays.compareUnsigned(Names.encode(a), Names.encode(b));
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(Names::fileName).sorted(TreeDiff::byBytes).toList();
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }

    private static Map<String, Object> attributes(Path p) throws IOException {
        try {
            return Files.readAttributes(p, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

}
