package io.berth.containers.internal;

import io.berth.api.ConflictException;
import io.berth.api.NotFoundException;
import io.berth.api.container.CommitRequest;
import io.berth.api.container.ContainerStatus;
import io.berth.api.driver.DriverRegistry;
import io.berth.api.image.CommitOptions;
import io.berth.api.image.ContainerConfig;
import io.berth.api.image.Image;
import io.berth.api.image.ImageStore;
import io.berth.api.runtime.RuntimeDriver;
import io.berth.layers.TarIds;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code commit}: an image of a container's filesystem changes. The storage driver's diff of the
 * container (OCI whiteouts for deletions) becomes one new layer on the image's layers; the
 * container's config becomes the image's, with the request's changes applied. A running container
 * is paused while its diff is read, unless asked not to be.
 */
final class Commits {
    private final ContainerStore store;
    private final DriverRegistry drivers;
    private final ImageStore images;
    private final ContainerLifecycle lifecycle;

    Commits(ContainerStore store, DriverRegistry drivers, ImageStore images, ContainerLifecycle lifecycle) {
        this.store = store;
        this.drivers = drivers;
        this.images = images;
        this.lifecycle = lifecycle;
    }

    Image commit(String idOrName, CommitRequest request) throws IOException {
        ContainerStore.Entry e = store.find(idOrName);
        e.lock.lock();
        try {
            ContainerLifecycle.checkNotRemoved(e);
            ContainerRecord r = e.record;
            RuntimeDriver runtime = null;
            if (request.pause() && e.state.status() == ContainerStatus.RUNNING) {
                runtime = lifecycle.runtimeOf(e);
                runtime.pause(r.id());
            }
            Path diff = Files.createTempFile(store.root(), ".commit-", ".tar");
            try {
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(diff), 1 << 16)) {
                    drivers.storage(r.storage()).diff(r.snapshot(), out);
                }
                if (r.ids().remaps()) {
                    // The snapshot holds the host's ids of the container's: the image gets the container's.
                    Path mapped = Files.createTempFile(store.root(), ".commit-", ".tar");
                    try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(diff), 1 << 16);
                         OutputStream out = new BufferedOutputStream(Files.newOutputStream(mapped), 1 << 16)) {
                        TarIds.toContainer(in, out, r.ids());
                    } catch (IOException | RuntimeException ex) {
                        Files.deleteIfExists(mapped);
                        throw ex;
                    }
                    Files.move(mapped, diff, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                try (InputStream layer = Files.newInputStream(diff)) {
                    return images.commit(r.imageId(), layer, new CommitOptions(request.reference(), request.author(),
                            request.comment(), request.changes(), imageConfig(r), r.id(), r.config(),
                            String.join(" ", RuntimeSpecs.command(r))));
                }
            } finally {
                Files.deleteIfExists(diff);
                if (runtime != null) {
                    try {
                        runtime.resume(r.id());
                    } catch (ConflictException | NotFoundException ex) {
                        // It ended meanwhile.
                    }
                }
            }
        } finally {
            e.lock.unlock();
        }
    }

    /**
     * The image's run-time defaults from the container's config, as docker's commit keeps them:
     * what describes the container's process, without what belongs to this one container
     * (hostname, terminal, attached streams).
     */
    static ContainerConfig imageConfig(ContainerRecord r) {
        ContainerConfig c = r.config();
        return ContainerConfig.builder().user(c.user()).exposedPorts(c.exposedPorts()).env(c.env()).cmd(c.cmd())
                .healthcheck(c.healthcheck()).argsEscaped(c.argsEscaped()).image(r.imageId()).volumes(c.volumes())
                .workingDir(c.workingDir()).entrypoint(c.entrypoint()).onBuild(c.onBuild()).labels(c.labels())
                .stopSignal(c.stopSignal()).stopTimeout(c.stopTimeout()).shell(c.shell()).build();
    }
}
