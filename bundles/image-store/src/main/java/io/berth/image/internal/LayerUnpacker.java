package io.berth.image.internal;

import io.berth.api.ConflictException;
import io.berth.api.InvalidArgumentException;
import io.berth.api.NotFoundException;
import io.berth.api.ProgressEvent;
import io.berth.api.ProgressListener;
import io.berth.api.content.Descriptor;
import io.berth.api.content.Digest;
import io.berth.api.storage.StorageDriver;
import io.berth.layers.tar.TarHeader;
import io.berth.layers.tar.TarHeaderTap;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Unpacks images' layers into a storage driver: what is missing of a layer chain, in parallel
 * when the driver's layers stand alone (overlay), in order otherwise (vfs). Each layer's
 * uncompressed content is verified against its diff id as the driver reads it, so a layer that
 * does not match never becomes a snapshot.
 */
final class LayerUnpacker implements AutoCloseable {
    private static final int THREADS = Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));

    private final LocalImageStore store;
    private final ExecutorService threads = Executors.newFixedThreadPool(THREADS, r -> {
        Thread t = new Thread(r, "berth-unpack");
        t.setDaemon(true);
        return t;
    });

    LayerUnpacker(LocalImageStore store) {
        this.store = store;
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }

    /**
     * Applies what is missing of a layer chain to a driver: in parallel when the driver's layers
     * stand alone, in order otherwise. Each layer's uncompressed content is verified against its
     * diff id as the driver reads it.
     *
     * @return the uncompressed size of each layer (0 for layers that were there already)
     */
    long[] unpack(StorageDriver driver, List<Descriptor> layers, List<Digest> diffIds, ProgressListener progress)
            throws IOException {
        return unpack(driver, layers, diffIds, progress, new ConcurrentHashMap<>());
    }

    /**
     * As {@link #unpack(StorageDriver, List, List, ProgressListener)}; {@code seen} holds the
     * headers of layers read already (by index), and gets those of the layers unpacked now.
     */
    long[] unpack(StorageDriver driver, List<Descriptor> layers, List<Digest> diffIds, ProgressListener progress,
                  Map<Integer, List<TarHeader>> seen) throws IOException {
        if (layers.size() != diffIds.size()) {
            throw new InvalidArgumentException("image has " + layers.size() + " layers but its config lists "
                    + diffIds.size());
        }
        List<String> chain = ChainIds.of(diffIds);
        long[] sizes = new long[layers.size()];
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < chain.size(); i++) {
            try {
                driver.stat(chain.get(i));
            } catch (NotFoundException e) {
                missing.add(i);
            }
        }
        if (missing.isEmpty()) {
            return sizes;
        }
        try {
            if (driver.parallelApply() && missing.size() > 1) {
                List<Future<?>> futures = new ArrayList<>();
                for (int i : missing) {
                    futures.add(threads.submit(() -> {
                        sizes[i] = applyLayer(driver, layers.get(i), diffIds.get(i), chain, i, progress, seen);
                        return null;
                    }));
                }
                ReadThrough.awaitAll(futures, "unpacking");
            } else {
                for (int i : missing) {
                    sizes[i] = applyLayer(driver, layers.get(i), diffIds.get(i), chain, i, progress, seen);
                }
            }
            store.checkChain(layers, diffIds, seen);
        } catch (InvalidArgumentException e) {
            // A layer refused, by its driver or the chain's verdict: what was unpacked now goes.
            takeBack(driver, chain, i -> sizes[i] > 0, e);
            throw e;
        }
        return sizes;
    }

    /**
     * Removes the snapshots of a chain that {@code unpackedNow} says this operation made, top
     * first (no image has them yet); failures are added to {@code cause}.
     */
    static void takeBack(StorageDriver driver, List<String> chain, java.util.function.IntPredicate unpackedNow,
                         Exception cause) {
        for (int i = chain.size() - 1; i >= 0; i--) {
            if (unpackedNow.test(i)) {
                try {
                    driver.remove(chain.get(i));
                } catch (IOException | RuntimeException removal) {
                    cause.addSuppressed(removal);
                }
            }
        }
    }

    private long applyLayer(StorageDriver driver, Descriptor layer, Digest diffId, List<String> chain, int i,
                            ProgressListener progress, Map<Integer, List<TarHeader>> seen) throws IOException {
        String shortId = layer.digest().shortHex();
        progress.progress(ProgressEvent.of(shortId, "Extracting"));
        try (InputStream blob = store.content.open(layer.digest())) {
            CountingInputStream counted = new CountingInputStream(blob, layer.size(), shortId, progress);
            HashingInputStream verified = new HashingInputStream(
                    Compression.decompress(counted, "layer " + layer.digest()), diffId, "layer " + layer.digest());
            // The headers are read on the way, for the chain's verdict.
            TarHeaderTap tap = new TarHeaderTap(verified);
            try {
                driver.apply(chain.get(i), i == 0 ? null : chain.get(i - 1), tap);
            } catch (ConflictException e) {
                // Unpacked meanwhile by another operation.
                return 0;
            }
            if (tap.ended()) {
                seen.put(i, tap.headers());
                store.contentSizes.record(diffId, tap.headers());
            }
            return verified.count();
        }
    }

    /** Reports progress while a blob is read. */
    private static final class CountingInputStream extends ReadThrough {
        private final long total;
        private final String id;
        private final ProgressListener progress;
        private long count;
        private long reported;

        CountingInputStream(InputStream in, long total, String id, ProgressListener progress) {
            super(in);
            this.total = total;
            this.id = id;
            this.progress = progress;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                count += n;
                if (count - reported >= 1 << 20 || count == total) {
                    reported = count;
                    progress.progress(new ProgressEvent(id, "Extracting", count, total));
                }
            }
            return n;
        }
    }
}
