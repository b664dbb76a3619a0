package io.berth.api.content;

import org.osgi.annotation.versioning.ProviderType;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Blobs addressed by their digest: layers, image configs, manifests and indexes.
 *
 * <p><b>Invariants.</b> A blob is visible only once it is complete and verified: its bytes hash
 * to its digest and, when a size was announced, it has that size. Blobs are immutable; writing a
 * digest that already exists succeeds without changing it. Concurrent writers of the same digest
 * are safe: each writes its own temporary file and the first commit wins, the others find the
 * blob present. A crash at any moment leaves either no blob or the whole blob.
 *
 * <p><b>Example.</b>
 * <pre>{@code
 * try (ContentWriter w = store.writer(expected, size)) {
 *     in.transferTo(Channels.newOutputStream(w));
 *     w.commit();
 * }
 * try (InputStream blob = store.open(expected)) { ... }
 * }</pre>
 */
@ProviderType
public interface ContentStore {
    /** Whether a committed blob with this digest exists. */
    boolean exists(Digest digest);

    /** The facts of a committed blob, or empty. */
    Optional<ContentInfo> info(Digest digest);

    /**
     * Opens a committed blob for reading.
     *
     * @throws io.berth.api.NotFoundException if there is no such blob
     */
    InputStream open(Digest digest) throws IOException;

    /**
     * The file that holds a committed blob, for readers that want to map or send it. It must not be
     * modified.
     *
     * @throws io.berth.api.NotFoundException if there is no such blob
     */
    Path path(Digest digest);

    /**
     * Starts writing a blob.
     *
     * @param expected the digest the content must have, or {@code null} to compute it and commit
     *        under whatever digest the bytes have
     * @param expectedSize the size the content must have, or {@code -1} if unknown
     */
    ContentWriter writer(Digest expected, long expectedSize) throws IOException;

    /**
     * Writes a small blob in one call, typically JSON metadata.
     *
     * @return the digest of {@code bytes}
     */
    Digest write(byte[] bytes) throws IOException;

    /**
     * Reads a whole blob, typically JSON metadata.
     *
     * @throws io.berth.api.NotFoundException if there is no such blob
     */
    byte[] read(Digest digest) throws IOException;

    /**
     * Deletes a blob. Readers that have it open keep reading it.
     *
     * @return whether a blob was deleted
     */
    boolean delete(Digest digest) throws IOException;

    /** Calls {@code visitor} once for each committed blob, in no particular order. */
    void walk(Consumer<ContentInfo> visitor) throws IOException;
}
