package io.berth.api.image;

import io.berth.api.content.Digest;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An image config: the OCI image configuration, with the fields Docker adds. Its digest is the
 * image's id.
 *
 * @param architecture the CPU architecture ({@code amd64})
 * @param os the operating system ({@code linux})
 * @param variant the CPU variant, or {@code null}
 * @param created when the image was made, or {@code null}
 * @param author the author, or empty
 * @param config the run-time defaults
 * @param diffIds the digests of the uncompressed layers, base first
 * @param history the history, oldest first
 * @param comment Docker's {@code comment}, or empty
 * @param container Docker's {@code container}: the container a commit was made from, or empty
 * @param containerConfig Docker's {@code container_config}, or {@code null}
 * @param dockerVersion Docker's {@code docker_version}, or empty
 * @param parent Docker's {@code parent}: the image a commit was made on, or {@code null}
 */
public record ImageConfig(String architecture, String os, String variant, Instant created, String author,
                          ContainerConfig config, List<Digest> diffIds, List<History> history, String comment,
                          String container, ContainerConfig containerConfig, String dockerVersion, Digest parent) {
    public ImageConfig {
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(os, "os");
        author = author == null ? "" : author;
        config = config == null ? ContainerConfig.EMPTY : config;
        diffIds = diffIds == null ? List.of() : List.copyOf(diffIds);
        history = history == null ? List.of() : List.copyOf(history);
        comment = comment == null ? "" : comment;
        container = container == null ? "" : container;
        dockerVersion = dockerVersion == null ? "" : dockerVersion;
    }
}
