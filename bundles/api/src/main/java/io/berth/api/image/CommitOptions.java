package io.berth.api.image;

import java.util.List;
import java.util.Objects;

/**
 * How {@code commit} makes an image of a container's changes.
 *
 * @param reference the name to tag the new image with, or {@code null} for an untagged image
 * @param author the image's author, or empty
 * @param comment the commit message, or empty
 * @param changes Dockerfile instructions applied to the config ({@code CMD}, {@code ENTRYPOINT},
 *        {@code ENV}, {@code WORKDIR}, {@code USER}, {@code LABEL}, {@code EXPOSE}...)
 * @param config the new image's run-time defaults before the changes: the container's
 * @param container the id of the container committed
 * @param containerConfig the container's config, kept as docker's {@code container_config}
 * @param createdBy the history entry's {@code created_by}: the container's command
 */
public record CommitOptions(ImageReference reference, String author, String comment, List<String> changes,
                            ContainerConfig config, String container, ContainerConfig containerConfig, String createdBy) {
    public CommitOptions {
        author = author == null ? "" : author;
        comment = comment == null ? "" : comment;
        changes = changes == null ? List.of() : List.copyOf(changes);
        Objects.requireNonNull(config, "config");
        container = container == null ? "" : container;
        createdBy = createdBy == null ? "" : createdBy;
    }
}
