package io.berth.api.image;

import io.berth.api.content.Descriptor;
import org.osgi.annotation.versioning.ConsumerType;

import java.io.IOException;
import java.io.InputStream;

/**
 * Where {@link ImageStore#receive} gets the content of an image it does not have: a registry.
 * The store verifies everything it reads against the descriptor's digest and size, so a source
 * hands over the bytes as they come.
 */
@ConsumerType
public interface BlobSource {
    /**
     * Opens the content a descriptor names, from its first byte. Indexes and manifests are told
     * apart from other blobs by their media type ({@link io.berth.api.content.MediaTypes}).
     *
     * @throws io.berth.api.NotFoundException if the source has no such content
     */
    InputStream open(Descriptor descriptor) throws IOException;
}
