package io.berth.registry.internal;

import io.berth.api.UnavailableException;
import io.berth.api.driver.DriverInfo;
import io.berth.api.driver.DriverRegistry;
import io.berth.api.driver.DriverState;
import io.berth.api.driver.DriverType;
import io.berth.api.engine.Engine;
import io.berth.api.engine.EngineSettings;
import io.berth.api.runtime.RuntimeDriver;
import io.berth.api.storage.StorageDriver;
import io.berth.image.internal.FileContentStore;
import io.berth.image.internal.LocalImageStore;
import io.berth.storage.overlay.internal.OverlayStorageDriver;
import io.berth.storage.vfs.internal.VfsStorageDriver;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A real image store with the overlay and vfs drivers under a directory, and the registry service
 * on it, configured as the engine would configure it.
 */
final class TestStore implements AutoCloseable, DriverRegistry, Engine {
    final Path root;
    final FileContentStore content;
    final LocalImageStore images;
    final StorageDriver overlay;
    final StorageDriver vfs;
    final RegistryComponent registry;
    volatile String defaultStorage = "overlay";
    volatile List<String> insecure = List.of();
    volatile int downloads = 3;

    TestStore(Path dir) throws IOException {
        root = dir;
        content = new FileContentStore(dir.resolve("content"));
        overlay = new OverlayStorageDriver(dir.resolve("storage/overlay"), true);
        vfs = new VfsStorageDriver(dir.resolve("storage/vfs"), true);
        images = new LocalImageStore(content, () -> this, List::of);
        registry = new RegistryComponent(this, images, content);
    }

    /** The registry config directory (config.json, certs.d). */
    Path dockerConfig() {
        return root.resolve("docker-config");
    }

    @Override
    public String version() {
        return "test";
    }

    @Override
    public EngineSettings settings() {
        return new EngineSettings(root, root.resolve("run"), null, defaultStorage, insecure, downloads, 5, dockerConfig());
    }

    @Override
    public List<DriverInfo> drivers() {
        return List.of(new DriverInfo(DriverType.STORAGE, "overlay", DriverState.AVAILABLE, defaultStorage.equals("overlay"),
                        "test", "1", 0, null),
                new DriverInfo(DriverType.STORAGE, "vfs", DriverState.AVAILABLE, defaultStorage.equals("vfs"), "test", "1", 0, null));
    }

    @Override
    public RuntimeDriver runtime(String name) {
        throw new UnavailableException("no runtime drivers in this test");
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
        String n = name == null ? defaultStorage : name;
        return switch (n) {
            case "overlay" -> overlay;
            case "vfs" -> vfs;
            default -> throw new UnavailableException("storage driver " + n + " is not available (available: overlay, vfs)");
        };
    }

    @Override
    public String defaultName(DriverType type) {
        return defaultStorage;
    }

    @Override
    public void close() {
        images.close();
    }
}
