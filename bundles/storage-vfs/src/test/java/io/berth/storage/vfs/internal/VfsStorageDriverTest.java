package io.berth.storage.vfs.internal;

import io.berth.api.storage.StorageDriver;
import io.berth.testkit.StorageDriverConformance;

import java.io.IOException;
import java.nio.file.Path;

class VfsStorageDriverTest extends StorageDriverConformance {
    @Override
    protected StorageDriver create(Path home) throws IOException {
        return new VfsStorageDriver(home, true);
    }
}
