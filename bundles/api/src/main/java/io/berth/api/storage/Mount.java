package io.berth.api.storage;

import java.util.List;
import java.util.Objects;

/**
 * A filesystem mount, as {@code mount(8)} would perform it.
 *
 * <p>Storage drivers return mounts with no target: they describe the container's root
 * filesystem. Runtime specs use the same record with a target inside the container for binds,
 * tmpfs and the like.
 *
 * @param type the filesystem type: {@code overlay}, {@code bind}, {@code tmpfs}, {@code proc}...
 * @param source the source: a path for binds, the type name for pseudo filesystems
 * @param target where it is mounted inside the container, or {@code null} for the root
 * @param options mount options in {@code mount -o} words ({@code ro}, {@code rbind},
 *        {@code lowerdir=...}); empty if none
 */
public record Mount(String type, String source, String target, List<String> options) {
    public Mount {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(source, "source");
        options = options == null ? List.of() : List.copyOf(options);
    }

    /** Whether the options make the mount read-only. */
    public boolean readOnly() {
        return options.contains("ro");
    }
}
