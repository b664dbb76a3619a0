package io.berth.api.container;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A container as {@code ps} lists it.
 *
 * @param id the container id, 64 lowercase hexadecimal characters
 * @param name its name, without docker's leading slash
 * @param image the image as the user named it
 * @param imageId the id of that image
 * @param command the command it runs
 * @param created when it was made
 * @param state its state
 * @param runtime the name of its runtime driver
 * @param storage the name of its storage driver
 * @param labels its labels; empty if none
 * @param sizeRw bytes its writable layer holds, or -1 when not computed
 */
public record Container(String id, String name, String image, String imageId, List<String> command, Instant created,
                        ContainerState state, String runtime, String storage, Map<String, String> labels, long sizeRw) {
    public Container {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        command = command == null ? List.of() : List.copyOf(command);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
}
