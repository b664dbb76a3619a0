package io.berth.api.image;

import java.util.List;

/**
 * What {@code image prune} removed.
 *
 * @param removed untag and delete lines, as {@code rmi} prints them
 * @param reclaimed bytes freed
 */
public record PruneResult(List<RemovedImage> removed, long reclaimed) {
    public PruneResult {
        removed = List.copyOf(removed);
    }
}
