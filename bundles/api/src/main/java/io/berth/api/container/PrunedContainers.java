package io.berth.api.container;

import java.util.List;

/**
 * What {@code container prune} removed.
 *
 * @param ids the containers removed
 * @param spaceReclaimed bytes their writable layers held
 */
public record PrunedContainers(List<String> ids, long spaceReclaimed) {
    public PrunedContainers {
        ids = List.copyOf(ids);
    }
}
