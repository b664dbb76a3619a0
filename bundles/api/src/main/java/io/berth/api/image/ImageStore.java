package io.berth.api.image;

import org.osgi.annotation.versioning.ProviderType;

import java.io.IOException;
import java.util.List;

/**
 * The images Berth has: each an image config and its layers in the content store, named by
 * tags.
 *
 * <p>Images are found by a reference ({@code busybox}, {@code busybox:1.36},
 * {@code busybox@sha256:...}), by id ({@code sha256:...} or its hexadecimal part) or by a unique
 * prefix of the id of at least 12 characters... as docker finds them. Changes are atomic: a crash
 * leaves the store as it was before or after a change, never between.
 */
@ProviderType
public interface ImageStore {
    /** Every image, newest first. */
    List<Image> list() throws IOException;

    /**
     * Finds one image.
     *
     * @throws io.berth.api.NotFoundException {@code No such image: NAME}
     * @throws io.berth.api.ConflictException if a short id matches several images
     */
    Image get(String nameOrId) throws IOException;

    /**
     * Points a tag at an image, moving it if it pointed elsewhere.
     *
     * @throws io.berth.api.NotFoundException if the source does not exist
     * @throws io.berth.api.InvalidArgumentException if the target has a digest or no tag
     */
    void tag(String source, ImageReference target) throws IOException;
}
