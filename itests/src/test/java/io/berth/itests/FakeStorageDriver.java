package io.berth.itests;

import io.berth.api.UnavailableException;
import io.berth.api.storage.Mount;
import io.berth.api.storage.Snapshot;
import io.berth.api.storage.StorageDriver;
import io.berth.api.storage.Usage;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.function.Consumer;

/**
 * A driver that does nothing, packed at test time into a bundle of its own (with a hand-written DS
 * descriptor) to check that the engine follows driver bundles as they come and go.
 */
public class FakeStorageDriver implements StorageDriver {
    private static UnavailableException unsupported() {
        return new UnavailableException("the fake driver stores nothing");
    }

    @Override
    public Snapshot stat(String key) {
        throw unsupported();
    }

    @Override
    public List<Mount> prepare(String key, String parent) {
        throw unsupported();
    }

    @Override
    public List<Mount> view(String key, String parent) {
        throw unsupported();
    }

    @Override
    public List<Mount> mounts(String key) {
        throw unsupported();
    }

    @Override
    public Snapshot commit(String name, String key) {
        throw unsupported();
    }

    @Override
    public void remove(String key) {
        throw unsupported();
    }

    @Override
    public Usage usage(String key) {
        throw unsupported();
    }

    @Override
    public void walk(Consumer<Snapshot> visitor) {
    }

    @Override
    public void diff(String key, OutputStream tar) {
        throw unsupported();
    }

    @Override
    public Snapshot apply(String name, String parent, InputStream tar) {
        throw unsupported();
    }

    @Override
    public boolean parallelApply() {
        return false;
    }

    @Override
    public List<io.berth.api.storage.Change> changes(String key) {
        throw unsupported();
    }

    @Override
    public java.util.Map<String, String> graphData(String key) {
        throw unsupported();
    }
}
