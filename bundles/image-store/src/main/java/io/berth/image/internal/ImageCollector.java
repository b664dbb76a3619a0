package io.berth.image.internal;

import io.berth.api.ConflictException;
import io.berth.api.NotFoundException;
import io.berth.api.UnavailableException;
import io.berth.api.content.ContentInfo;
import io.berth.api.content.Descriptor;
import io.berth.api.content.Digest;
import io.berth.api.driver.DriverInfo;
import io.berth.api.driver.DriverRegistry;
import io.berth.api.driver.DriverState;
import io.berth.api.driver.DriverType;
import io.berth.api.storage.SnapshotKind;
import io.berth.api.storage.StorageDriver;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The image store's garbage collection: the blobs and unpacked layers (and the init snapshots
 * made on them) that no image uses and no operation in progress has leased are deleted, after an
 * image is removed and, for everything an interrupted pull or load left, at {@code image prune}.
 */
final class ImageCollector {
    private static final System.Logger LOG = System.getLogger(ImageCollector.class.getName());

    private final LocalImageStore store;

    ImageCollector(LocalImageStore store) {
        this.store = store;
    }

    /**
     * Deletes the blobs and unpacked layers that no image uses and no operation holds: what an
     * interrupted pull or load left for a retry to reuse.
     *
     * @return the bytes of blobs deleted
     */
    long collectOrphans() throws IOException {
        Set<String> keepChains = new HashSet<>();
        List<ContentInfo> orphans = new ArrayList<>();
        store.lock.lock();
        try {
            Set<Digest> keep = new HashSet<>(store.leases.keySet());
            for (ImageRecord r : store.images.values()) {
                keep.addAll(blobsOf(r));
                keepChains.addAll(ChainIds.of(store.config(r).diffIds()));
            }
            store.content.walk(info -> {
                if (!keep.contains(info.digest())) {
                    orphans.add(info);
                }
            });
            long reclaimed = 0;
            for (ContentInfo o : orphans) {
                if (store.content.delete(o.digest())) {
                    reclaimed += o.size();
                }
            }
            removeOrphanLayers(keepChains);
            return reclaimed;
        } finally {
            store.lock.unlock();
        }
    }

    /** Removes committed layers (named by chain id) that no image has, top ones first. */
    private void removeOrphanLayers(Set<String> keepChains) {
        for (Map.Entry<String, StorageDriver> available : storageDrivers().entrySet()) {
            StorageDriver d = available.getValue();
            try {
                List<String> orphans = new ArrayList<>();
                d.walk(s -> {
                    if (s.kind() == SnapshotKind.COMMITTED && s.key().startsWith("sha256:") && !keepChains.contains(s.key())) {
                        orphans.add(s.key());
                    }
                });
                for (int i = orphans.size() - 1; i >= 0; i--) {
                    try {
                        d.remove(orphans.get(i));
                    } catch (NotFoundException | ConflictException e) {
                        // Gone, or something builds on it.
                    }
                }
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING,
                        "cannot remove unused layers from storage driver " + available.getKey() + ": " + e.getMessage());
            }
        }
    }

    /**
     * Deletes the blobs and unpacked layers of deleted images that no remaining image (nor an
     * operation in progress) uses.
     *
     * @return the bytes of blobs deleted
     */
    long collect(List<ImageRecord> deletedImages) throws IOException {
        if (deletedImages.isEmpty()) {
            return 0;
        }
        Set<Digest> keep = new HashSet<>(store.leases.keySet());
        Set<String> keepChains = new HashSet<>();
        for (ImageRecord r : store.records()) {
            keep.addAll(blobsOf(r));
            keepChains.addAll(ChainIds.of(store.config(r).diffIds()));
        }
        List<String> chains = new ArrayList<>();
        Set<Digest> candidates = new LinkedHashSet<>();
        for (ImageRecord r : deletedImages) {
            for (String chain : ChainIds.of(store.config(r).diffIds())) {
                if (!keepChains.contains(chain) && !chains.contains(chain)) {
                    chains.add(chain);
                }
            }
            candidates.addAll(blobsOf(r));
        }
        removeSnapshots(chains);
        long reclaimed = 0;
        for (Digest d : candidates) {
            if (!keep.contains(d)) {
                long size = store.content.info(d).map(i -> i.size()).orElse(0L);
                if (store.content.delete(d)) {
                    reclaimed += size;
                }
            }
        }
        for (ImageRecord r : deletedImages) {
            if (!keep.contains(r.id())) {
                store.configs.remove(r.id());
                store.manifests.remove(r.manifest().digest());
            }
        }
        return reclaimed;
    }

    Set<Digest> blobsOf(ImageRecord r) throws IOException {
        Set<Digest> blobs = new HashSet<>();
        blobs.add(r.id());
        blobs.add(r.manifest().digest());
        for (Descriptor l : store.manifest(r).layers()) {
            blobs.add(l.digest());
        }
        return blobs;
    }

    /** The storage drivers available now, by name. */
    private Map<String, StorageDriver> storageDrivers() {
        Map<String, StorageDriver> out = new LinkedHashMap<>();
        DriverRegistry registry = store.drivers();
        if (registry == null) {
            return out;
        }
        for (DriverInfo info : registry.drivers()) {
            if (info.type() == DriverType.STORAGE && info.state() == DriverState.AVAILABLE) {
                try {
                    out.put(info.name(), registry.storage(info.name()));
                } catch (UnavailableException e) {
                    // Gone meanwhile.
                }
            }
        }
        return out;
    }

    private void removeSnapshots(List<String> chains) {
        for (Map.Entry<String, StorageDriver> available : storageDrivers().entrySet()) {
            StorageDriver d = available.getValue();
            String name = available.getKey();
            // Committed snapshots made on top of these layers for containers (the runtime's init
            // layers, kept while the image exists) go with them; active ones make the removal fail.
            Set<String> removed = new HashSet<>(chains);
            List<String> derived = new ArrayList<>();
            try {
                d.walk(s -> {
                    if (s.kind() == SnapshotKind.COMMITTED && s.parent() != null && removed.contains(s.parent())
                            && !removed.contains(s.key())) {
                        derived.add(s.key());
                    }
                });
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING,
                        "cannot list the snapshots of storage driver " + name + ": " + e.getMessage());
            }
            for (String key : derived) {
                try {
                    d.remove(key);
                } catch (NotFoundException | ConflictException e) {
                    // Gone already, or a container still sits on it.
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.WARNING,
                            "cannot remove snapshot " + key + " from storage driver " + name + ": " + e.getMessage());
                }
            }
            // Children first.
            for (int i = chains.size() - 1; i >= 0; i--) {
                try {
                    d.remove(chains.get(i));
                } catch (NotFoundException | ConflictException e) {
                    // Not unpacked here, or something (a container) still builds on it.
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.WARNING,
                            "cannot remove layer " + chains.get(i) + " from storage driver " + name + ": " + e.getMessage());
                }
            }
        }
    }
}
