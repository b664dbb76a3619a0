package io.berth.api.container;

import io.berth.api.runtime.IdMapping;

import java.util.List;
import java.util.Objects;

/**
 * The engine's id remapping ({@code usernsRemap}): the user and group whose subordinate ids new
 * containers' ids are mapped to, and those mappings.
 *
 * @since 2.3
 */
public record Remap(String user, String group, List<IdMapping> uids, List<IdMapping> gids) {
    public Remap {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(group, "group");
        uids = List.copyOf(uids);
        gids = List.copyOf(gids);
    }
}
