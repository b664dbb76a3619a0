package io.berth.api.image;

import io.berth.api.content.Digest;
import org.osgi.annotation.versioning.ConsumerType;

import java.util.List;

/**
 * Tells the image store which images are in use and by what, so that it refuses to remove them.
 * The container service registers one; the image store asks every registered one.
 */
@ConsumerType
public interface ImageUsers {
    /**
     * What uses an image, as users would name it ({@code container 3f3b11fcbaa4}); empty if nothing.
     */
    List<String> usersOf(Digest imageId);
}
