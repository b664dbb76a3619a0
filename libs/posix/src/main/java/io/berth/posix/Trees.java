package io.berth.posix;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** Directory-tree helpers that never follow symbolic links. */
public final class Trees {
    private Trees() {
    }

    /** Deletes a file, link or whole directory tree; a missing path is fine. */
    public static void delete(Path path) throws IOException {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        }
        if (!attrs.isDirectory()) {
            Files.deleteIfExists(path);
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes a) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    // Deleted meanwhile (by another deleter of the same tree): what was wanted.
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                try {
                    Files.deleteIfExists(dir);
                } catch (DirectoryNotEmptyException again) {
                    // Something was created meanwhile; one more pass.
                    delete(dir);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** The bytes and inodes a tree uses, each hard-linked inode counted once. */
    public static long[] usage(Path path) throws IOException {
        long[] totals = new long[2];
        java.util.Set<Object> seen = new java.util.HashSet<>();
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return totals;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes a) {
                count(a);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes a) {
                count(a);
                return FileVisitResult.CONTINUE;
            }

            private void count(BasicFileAttributes a) {
                Object key = a.fileKey();
                if (key == null || seen.add(key)) {
                    totals[0] += a.isDirectory() ? 0 : a.size();
                    totals[1]++;
                }
            }
        });
        return totals;
    }
}
