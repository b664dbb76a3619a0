package io.berth.api.runtime;

import io.berth.api.storage.Mount;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a runtime driver needs to run a container, computed by the engine. Drivers add no
 * policy of their own: the same spec gives the same container under every driver, as far as the
 * driver's isolation reaches.
 *
 * @param id the container's id (64 lowercase hexadecimal characters)
 * @param rootfs the mounts that make up the root filesystem, from the storage driver
 * @param readonlyRootfs whether the root filesystem is mounted read-only
 * @param process the container's first process
 * @param hostname the container's hostname
 * @param mounts further mounts inside the container (binds, tmpfs), in order, targets absolute
 * @param resources cgroup limits
 * @param maskedPaths paths made unreadable (bind-mounted over with {@code /dev/null} or an empty
 *        read-only tmpfs)
 * @param readonlyPaths paths remounted read-only
 * @param privileged whether the container gets all capabilities and device access, and no masks
 * @param netns a network namespace to join (a {@code /var/run/netns}-style path), or {@code null}
 *        for a new, empty one
 * @param stateDir a directory the driver may use for this container's files (kept until delete)
 * @param log where the output goes
 * @param annotations free-form metadata; empty if none
 */
public record ContainerSpec(String id, List<Mount> rootfs, boolean readonlyRootfs, ProcessSpec process,
                            String hostname, List<Mount> mounts, Resources resources, List<String> maskedPaths,
                            List<String> readonlyPaths, boolean privileged, Path netns, Path stateDir,
                            LogSpec log, Map<String, String> annotations) {
    public ContainerSpec {
        Objects.requireNonNull(id, "id");
        rootfs = List.copyOf(Objects.requireNonNull(rootfs, "rootfs"));
        Objects.requireNonNull(process, "process");
        Objects.requireNonNull(hostname, "hostname");
        mounts = mounts == null ? List.of() : List.copyOf(mounts);
        resources = resources == null ? Resources.NONE : resources;
        maskedPaths = maskedPaths == null ? List.of() : List.copyOf(maskedPaths);
        readonlyPaths = readonlyPaths == null ? List.of() : List.copyOf(readonlyPaths);
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(log, "log");
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }
}
