package io.berth.api.runtime;

import java.util.List;

/**
 * The numeric identity a container process runs as. Names ({@code -u nobody}) are resolved to
 * numbers by the engine from the image's {@code /etc/passwd} and {@code /etc/group} before a
 * driver sees them.
 *
 * @param uid user id
 * @param gid primary group id
 * @param additionalGids supplementary group ids; empty if none
 */
public record User(int uid, int gid, List<Integer> additionalGids) {
    public static final User ROOT = new User(0, 0, List.of());

    public User {
        additionalGids = additionalGids == null ? List.of() : List.copyOf(additionalGids);
    }
}
