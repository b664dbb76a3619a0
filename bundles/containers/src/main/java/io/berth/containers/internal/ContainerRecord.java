package io.berth.containers.internal;

import io.berth.api.container.HostConfig;
import io.berth.api.container.MountSpec;
import io.berth.api.image.ContainerConfig;
import io.berth.api.network.EndpointSettings;
import io.berth.posix.IdMap;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What makes a container, saved as its {@code config.json}: fixed when it is created, except its
 * name and its networks ({@code network connect}, {@code disconnect}).
 *
 * @param created when it was made, ISO-8601
 * @param image the image as the user named it
 * @param imageId the image's id ({@code sha256:...})
 * @param path the command
 * @param args its arguments
 * @param config the image's config with what was asked for applied
 * @param host how it runs; its runtime is always set
 * @param storage the storage driver its filesystem is on
 * @param snapshot its writable snapshot's key
 * @param initSnapshot the snapshot it sits on: the image's layers plus empty mount points
 * @param networks the networks it is connected to (its mode's first), with what it asks on each;
 *        empty for {@code host}, {@code none} and {@code container:ID}
 * @param mounts its volumes, binds and tmpfs as resolved when it was made: every volume named (the
 *        anonymous ones made for it, the image's {@code VOLUME}s and {@code --volumes-from}'s included)
 * @param userns the ids of its user namespace ({@code usernsRemap}), or {@code null}: the host's;
 *        its files on the host are owned by the mapped ids
 */
record ContainerRecord(String id, String name, String created, String image, String imageId, String path,
                       List<String> args, ContainerConfig config, HostConfig host, String storage, String snapshot,
                       String initSnapshot, Map<String, EndpointSettings> networks, List<MountSpec> mounts,
                       IdMap userns) {
    ContainerRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        args = args == null ? List.of() : List.copyOf(args);
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(host, "host");
        networks = networks == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(networks));
        mounts = mounts == null ? List.of() : List.copyOf(mounts);
        userns = userns == null || !userns.remaps() ? null : userns;
    }

    /** The ids of its user namespace: {@link IdMap#IDENTITY} when it has none. */
    IdMap ids() {
        return userns == null ? IdMap.IDENTITY : userns;
    }

    ContainerRecord withName(String newName) {
        return new ContainerRecord(id, newName, created, image, imageId, path, args, config, host, storage, snapshot,
                initSnapshot, networks, mounts, userns);
    }

    ContainerRecord withHost(HostConfig newHost) {
        return new ContainerRecord(id, name, created, image, imageId, path, args, config, newHost, storage, snapshot,
                initSnapshot, networks, mounts, userns);
    }

    ContainerRecord withNetworks(Map<String, EndpointSettings> newNetworks) {
        return new ContainerRecord(id, name, created, image, imageId, path, args, config, host, storage, snapshot,
                initSnapshot, newNetworks, mounts, userns);
    }

    String shortId() {
        return id.substring(0, 12);
    }
}
