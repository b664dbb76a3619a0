package io.berth.api.image;

import io.berth.api.content.Digest;

/**
 * One row of {@code history}: an entry of the image's history, the size of the layer it made, and
 * the local image that ends with it, where there is one.
 *
 * @param imageId the image whose top entry this is ({@code <missing>} in docker's output when
 *        {@code null})
 * @param entry the history entry
 * @param size the uncompressed size of the layer it made, 0 for an empty step
 */
public record HistoryRow(Digest imageId, History entry, long size) {
}
