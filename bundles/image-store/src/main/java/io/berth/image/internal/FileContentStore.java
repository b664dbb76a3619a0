package io.berth.image.internal;

import io.berth.api.InvalidArgumentException;
import io.berth.api.NotFoundException;
import io.berth.api.content.ContentInfo;
import io.berth.api.content.ContentStore;
import io.berth.api.content.ContentWriter;
import io.berth.api.content.Digest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Blobs in an OCI image layout: {@code blobs/<algorithm>/<hex>}. A writer writes to
 * {@code ingest/<random>}, hashing as it goes; commit checks size and digest, forces the data to
 * disk and renames it into place, so a blob appears whole and verified or not at all. Several
 * writers of one digest each write their own file; the first rename wins, the others find the blob
 * there and discard theirs. Files left in {@code ingest/} by a crash are deleted when the store opens.
 */
public final class FileContentStore implements ContentStore {
    private final Path root;
    private final Path blobs;
    private final Path ingest;

    public FileContentStore(Path root) throws IOException {
        this.root = Files.createDirectories(root);
        this.blobs = Files.createDirectories(root.resolve("blobs"));
        this.ingest = Files.createDirectories(root.resolve("ingest"));
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(ingest)) {
            for (Path p : leftovers) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The layout's directory. */
    public Path root() {
        return root;
    }

    private Path blobPath(Digest digest) {
        return blobs.resolve(digest.algorithm()).resolve(digest.hex());
    }

    @Override
    public boolean exists(Digest digest) {
        return Files.isRegularFile(blobPath(digest));
    }

    @Override
    public Optional<ContentInfo> info(Digest digest) {
        try {
            BasicFileAttributes a = Files.readAttributes(blobPath(digest), BasicFileAttributes.class);
            return Optional.of(new ContentInfo(digest, a.size(), a.lastModifiedTime().toInstant()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public InputStream open(Digest digest) throws IOException {
        try {
            return Files.newInputStream(blobPath(digest));
        } catch (NoSuchFileException e) {
            throw new NotFoundException("no such blob: " + digest);
        }
    }

    @Override
    public Path path(Digest digest) {
        Path p = blobPath(digest);
        if (!Files.isRegularFile(p)) {
            throw new NotFoundException("no such blob: " + digest);
        }
        return p;
    }

    @Override
    public ContentWriter writer(Digest expected, long expectedSize) throws IOException {
        return new Writer(expected, expectedSize);
    }

    @Override
    public Digest write(byte[] bytes) throws IOException {
        Digest digest = Digest.sha256(bytes);
        if (exists(digest)) {
            return digest;
        }
        try (ContentWriter w = writer(digest, bytes.length)) {
            w.write(ByteBuffer.wrap(bytes));
            w.commit();
        }
        return digest;
    }

    @Override
    public byte[] read(Digest digest) throws IOException {
        try {
            return Files.readAllBytes(blobPath(digest));
        } catch (NoSuchFileException e) {
            throw new NotFoundException("no such blob: " + digest);
        }
    }

    @Override
    public boolean delete(Digest digest) throws IOException {
        return Files.deleteIfExists(blobPath(digest));
    }

    @Override
    public void walk(Consumer<ContentInfo> visitor) throws IOException {
        try (DirectoryStream<Path> algorithms = Files.newDirectoryStream(blobs)) {
            for (Path algorithm : algorithms) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(algorithm)) {
                    for (Path f : files) {
                        Digest d;
                        try {
                            d = new Digest(algorithm.getFileName().toString(), f.getFileName().toString());
                        } catch (InvalidArgumentException e) {
                            continue;
                        }
                        BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                        visitor.accept(new ContentInfo(d, a.size(), a.lastModifiedTime().toInstant()));
                    }
                }
            }
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private final class Writer implements ContentWriter {
        private final Digest expected;
        private final long expectedSize;
        private final Path temp;
        private final FileChannel channel;
        private final MessageDigest hash;
        private long written;
        private boolean committed;
        private boolean closed;

        Writer(Digest expected, long expectedSize) throws IOException {
            this.expected = expected;
            this.expectedSize = expectedSize;
            this.temp = ingest.resolve(UUID.randomUUID().toString());
            this.channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            this.hash = expected != null ? expected.newMessageDigest() : newSha256();
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            int n = src.remaining();
            ByteBuffer copy = src.duplicate();
            hash.update(copy);
            while (src.hasRemaining()) {
                channel.write(src);
            }
            written += n;
            if (expectedSize >= 0 && written > expectedSize) {
                throw new InvalidArgumentException("blob " + (expected != null ? expected : "") + " is larger than its "
                        + expectedSize + " bytes");
            }
            return n;
        }

        @Override
        public boolean isOpen() {
            return !closed;
        }

        @Override
        public long written() {
            return written;
        }

        @Override
        public ContentInfo commit() throws IOException {
            if (expectedSize >= 0 && written != expectedSize) {
                throw new InvalidArgumentException("blob " + (expected != null ? expected : "") + " has " + written
                        + " bytes, expected " + expectedSize);
            }
            byte[] actual = hash.digest();
            Digest digest = expected != null ? expected : new Digest(Digest.SHA256, HexFormat.of().formatHex(actual));
            if (expected != null && !expected.matches(actual)) {
                throw new InvalidArgumentException("blob digest mismatch: expected " + expected + ", got "
                        + expected.algorithm() + ":" + HexFormat.of().formatHex(actual));
            }
            channel.force(true);
            channel.close();
            Path target = blobPath(digest);
            Files.createDirectories(target.getParent());
            if (Files.exists(target)) {
                Files.deleteIfExists(temp);
            } else {
                try {
                    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                    Files.deleteIfExists(temp);
                    if (!Files.exists(target)) {
                        throw e;
                    }
                }
                try (FileChannel dir = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
                    dir.force(true);
                }
            }
            committed = true;
            closed = true;
            return new ContentInfo(digest, written, Files.getLastModifiedTime(target).toInstant());
        }

        @Override
        public void close() throws IOException {
            if (!committed) {
                closed = true;
                channel.close();
                Files.deleteIfExists(temp);
            }
        }
    }
}
