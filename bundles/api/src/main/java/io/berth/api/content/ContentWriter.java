package io.berth.api.content;

import org.osgi.annotation.versioning.ProviderType;

import java.io.IOException;
import java.nio.channels.WritableByteChannel;

/**
 * Writes one blob into a {@link ContentStore}, verifying it as it is written.
 *
 * <p>Bytes go to a private temporary file. {@link #commit()} checks size and digest, makes the
 * data durable and only then makes the blob visible under its digest. {@link #close()} without
 * a successful commit discards everything written: an interrupted or failed write leaves no
 * trace.
 */
@ProviderType
public interface ContentWriter extends WritableByteChannel {
    /** The number of bytes written so far. */
    long written();

    /**
     * Verifies and publishes the blob.
     *
     * @return the committed blob's descriptor-level facts
     * @throws io.berth.api.InvalidArgumentException if the size or digest does not match what was
     *         announced; nothing is published then
     * @throws IOException if the data cannot be made durable
     */
    ContentInfo commit() throws IOException;

    /** Discards the write unless it was committed. Calling it again does nothing. */
    @Override
    void close() throws IOException;
}
