package io.berth.api.container;

import java.util.Map;
import java.util.Objects;

/**
 * A mount a container asks for: docker's {@code HostConfig.Mounts} entry ({@code --mount}), and
 * what {@code -v} and {@code --tmpfs} are turned into.
 *
 * @param type {@code volume}, {@code bind} or {@code tmpfs}
 * @param source a volume's name (empty: an anonymous volume), a host path for a bind; empty for tmpfs
 * @param target the path in the container, absolute
 * @param readOnly {@code readonly}, {@code ro}
 * @param bindPropagation {@code rprivate} (the default), {@code private}, {@code rshared}, {@code shared},
 *        {@code rslave}, {@code slave}; binds only
 * @param createHostPath for a bind given with {@code -v}: a missing host directory is made (docker's
 *        {@code -v}); with {@code --mount} it is an error
 * @param noCopy {@code volume-nocopy}, {@code nocopy}: an empty volume is not filled from the image
 * @param volumeDriver the driver of a volume made for it, or {@code null} for the default
 * @param volumeOptions {@code volume-opt}: options of a volume made for it
 * @param tmpfsSize {@code tmpfs-size} in bytes, 0 for the kernel's default (half the memory)
 * @param tmpfsMode {@code tmpfs-mode}, or 0 for 1777
 */
public record MountSpec(String type, String source, String target, boolean readOnly, String bindPropagation,
                        boolean createHostPath, boolean noCopy, String volumeDriver, Map<String, String> volumeOptions,
                        long tmpfsSize, int tmpfsMode) {
    public MountSpec {
        Objects.requireNonNull(type, "type");
        source = source == null ? "" : source;
        Objects.requireNonNull(target, "target");
        bindPropagation = bindPropagation == null ? "" : bindPropagation;
        volumeOptions = volumeOptions == null ? Map.of() : Map.copyOf(volumeOptions);
    }
}
