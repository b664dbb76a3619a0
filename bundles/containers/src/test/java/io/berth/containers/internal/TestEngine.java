package io.berth.containers.internal;

import io.berth.api.ProgressListener;
import io.berth.api.UnavailableException;
import io.berth.api.container.CreateRequest;
import io.berth.api.container.HostConfig;
import io.berth.api.driver.DriverInfo;
import io.berth.api.driver.DriverRegistry;
import io.berth.api.driver.DriverState;
import io.berth.api.driver.DriverType;
import io.berth.api.image.ImageUsers;
import io.berth.api.runtime.RuntimeDriver;
import io.berth.api.storage.StorageDriver;
import io.berth.driver.linux.internal.NativeRuntimeDriver;
import io.berth.driver.linux.internal.NativeRuntimeDriverComponent;
import io.berth.image.internal.FileContentStore;
import io.berth.image.internal.LocalImageStore;
import io.berth.shim.Subreaper;
import io.berth.storage.overlay.internal.OverlayStorageDriver;
import io.berth.storage.vfs.internal.VfsStorageDriver;
import io.berth.testing.BusyboxImage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The real parts of an engine, wired by hand: the image store with busybox loaded, the overlay
 * and vfs storage drivers, the native runtime, and the container service on them. For tests, and
 * for the benchmarks that measure the engine from inside.
 */
public final class TestEngine implements AutoCloseable {
    final Path root;
    final Path runRoot;
    final LocalImageStore images;
    final StorageDriver overlay;
    final StorageDriver vfs;
    final io.berth.shim.ShimRuntimeDriver runtime;
    /** The runtime's name: native, runc or crun. */
    final String runtimeName;
    final List<ImageUsers> users = new CopyOnWriteArrayList<>();
    final Registry registry = new Registry();
    LocalContainerService service;

    /** The container service. */
    public LocalContainerService service() {
        return service;
    }

    final class Registry implements DriverRegistry {
        @Override
        public List<DriverInfo> drivers() {
            return List.of(new DriverInfo(DriverType.RUNTIME, runtimeName, DriverState.AVAILABLE, true, "test", "1", 0, null),
                    new DriverInfo(DriverType.STORAGE, "overlay", DriverState.AVAILABLE, true, "test", "1", 0, null),
                    new DriverInfo(DriverType.STORAGE, "vfs", DriverState.AVAILABLE, false, "test", "1", 0, null));
        }

        @Override
        public RuntimeDriver runtime(String name) {
            if (name == null || name.equals(runtimeName)) {
                return runtime;
            }
            throw new UnavailableException("runtime driver " + name + " is not available (available: " + runtimeName + ")");
        }

        @Override
        public io.berth.api.volume.VolumeDriver volume(String name) {
            throw new io.berth.api.UnavailableException("no volume driver in this test");
        }

        @Override
        public io.berth.api.network.NetworkDriver network(String name) {
            throw new io.berth.api.UnavailableException("no network driver in this test");
        }

        @Override
        public StorageDriver storage(String name) {
            if (name == null || name.equals("overlay")) {
                return overlay;
            }
            if (name.equals("vfs")) {
                return vfs;
            }
            throw new UnavailableException("storage driver " + name + " is not available (available: overlay, vfs)");
        }

        @Override
        public String defaultName(DriverType type) {
            return type == DriverType.RUNTIME ? runtimeName : "overlay";
        }
    }

    /** An engine with its roots under {@code dir} and busybox loaded as {@code busybox:latest}. */
    public TestEngine(Path dir) throws IOException {
        this(dir, "native");
    }

    /**
     * As {@link #TestEngine(Path)}, with the given runtime: {@code native}, or an OCI runtime on
     * PATH ({@code runc}, {@code crun}).
     */
    public TestEngine(Path dir, String runtimeName) throws IOException {
        this.runtimeName = runtimeName;
        root = dir.resolve("root");
        runRoot = dir.resolve("run");
        overlay = new OverlayStorageDriver(root.resolve("storage/overlay"), true);
        vfs = new VfsStorageDriver(root.resolve("storage/vfs"), true);
        Path shim = NativeRuntimeDriverComponent.installShim(runRoot.resolve("bin"));
        if (runtimeName.equals("native")) {
            runtime = new NativeRuntimeDriver(runRoot.resolve("native"), shim);
        } else {
            Path binary = io.berth.testing.Requirements.requireTool(runtimeName, runtimeName);
            runtime = new io.berth.driver.oci.internal.OciRuntimeDriver(runtimeName, binary,
                    runRoot.resolve("oci").resolve(runtimeName), shim, runtimeName.equals("crun"));
        }
        Subreaper.start();
        images = new LocalImageStore(new FileContentStore(root.resolve("content")), () -> registry, () -> users);
        Path archive = dir.resolve("busybox.tar");
        BusyboxImage.build().writeDockerArchive(archive, "busybox:latest");
        try (InputStream in = Files.newInputStream(archive)) {
            images.load(in, ProgressListener.NONE);
        }
        open();
    }

    /** Starts the container service, as the engine does when it starts. */
    LocalContainerService open() throws IOException {
        service = new LocalContainerService(root.resolve("containers"), runRoot.resolve("containers"), images, registry,
                Path.of("/etc/resolv.conf"), null, null);
        users.clear();
        users.add(service);
        service.collectOrphans();
        service.reconcile(runtimeName, runtime);
        service.startByPolicies(runtimeName);
        return service;
    }

    /** A request to run {@code command} in busybox. */
    public static CreateRequest request(String... command) {
        return request(HostConfig.DEFAULT, command);
    }

    public static CreateRequest request(HostConfig host, String... command) {
        return CreateRequest.builder("busybox").command(command).host(host).build();
    }

    public static HostConfig host(boolean autoRemove) {
        return HostConfig.builder().autoRemove(autoRemove).build();
    }

    @Override
    public void close() throws Exception {
        if (service != null) {
            for (var c : service.list(io.berth.api.container.ContainerListOptions.ALL)) {
                service.remove(c.id(), true);
            }
            service.close();
        }
        runtime.close();
        images.close();
        // The shims of the containers removed end a moment later: reaped before the next test, as the daemon reaps them.
        try {
            io.berth.testing.ChildProcesses.awaitShimsGone(java.time.Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the shims to be reaped", e);
        }
    }
}
