package io.berth.layers;

import io.berth.api.Names;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** Writes a file or a whole directory tree to a tar, as {@code docker cp} and {@code export} do. */
public final class TreeTar {
    private TreeTar() {
    }

    /**
     * Writes {@code source} (not following it if it is a symbolic link) and, for a directory,
     * everything under it, the top entry named {@code name} (empty: the entries are the
     * directory's content). Sockets are skipped; nothing below is followed through links.
     */
    public static void write(Path source, String name, LayerWriter out) throws IOException {
        write(source, name, out, dir -> true);
    }

    /**
     * As {@link #write(Path, String, LayerWriter)}, entering only the directories below
     * {@code source} that {@code enter} accepts; the others are written without their content.
     */
    public static void write(Path source, String name, LayerWriter out, Predicate<Path> enter) throws IOException {
        if (!name.isEmpty()) {
            out.addAs(source, name);
        }
        if (!Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        walk(source, name, out, enter);
    }

    private static void walk(Path source, String name, LayerWriter out, Predicate<Path> enter) throws IOException {
        List<Path> children = new ArrayList<>();
        try (Stream<Path> list = Files.list(source)) {
            // Paths compare by their bytes: the order of Go's walk.
            list.sorted().forEach(children::add);
        }
        for (Path child : children) {
            String childName = name.isEmpty() ? Names.fileName(child) : name + "/" + Names.fileName(child);
            out.addAs(child, childName);
            if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS) && enter.test(child)) {
                walk(child, childName, out, enter);
            }
        }
    }
}
