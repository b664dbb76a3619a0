package io.berth.containers.internal;

import io.berth.api.container.HostConfig;
import io.berth.api.image.ContainerConfig;

import java.util.List;
import java.util.Objects;

/**
 * What makes a container, saved as its {@code config.json}: fixed when it is created, except its
 * name.
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
 */
record ContainerRecord(String id, String name, String created, String image, String imageId, String path,
                       List<String> args, ContainerConfig config, HostConfig host, String storage, String snapshot,
                       String initSnapshot) {
    ContainerRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        args = args == null ? List.of() : List.copyOf(args);
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(host, "host");
    }

    ContainerRecord withName(String newName) {
        return new ContainerRecord(id, newName, created, image, imageId, path, args, config, host, storage, snapshot,
                initSnapshot);
    }

    String shortId() {
        return id.substring(0, 12);
    }
}
