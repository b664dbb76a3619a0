package io.berth.api.image;

/**
 * What images take on disk, for {@code system df}.
 *
 * @param images the number of images
 * @param active how many are in use
 * @param size the bytes of all layers, each counted once
 * @param reclaimable the bytes only unused images hold
 */
public record DiskUsage(int images, int active, long size, long reclaimable) {
}
