package io.berth.image.internal;

import io.berth.api.ConflictException;
import io.berth.api.InvalidArgumentException;
import io.berth.api.NotFoundException;
import io.berth.api.ProgressEvent;
import io.berth.api.ProgressListener;
import io.berth.api.UnavailableException;
import io.berth.api.content.ContentWriter;
import io.berth.api.content.Descriptor;
import io.berth.api.content.Digest;
import io.berth.api.content.MediaTypes;
import io.berth.api.content.Platform;
import io.berth.api.driver.DriverRegistry;
import io.berth.api.image.BlobSource;
import io.berth.api.image.Image;
import io.berth.api.image.ImageConfig;
import io.berth.api.image.ReceiveRequest;
import io.berth.api.storage.StorageDriver;
import io.berth.layers.tar.TarHeader;
import io.berth.layers.tar.TarHeaderTap;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Adds an image from a {@link BlobSource} (a registry). The manifest (chosen from an index for
 * the platform) and config come first; then every layer blob the store lacks is fetched, several
 * at once. Where the storage driver's layers stand alone (overlay), each layer is unpacked while
 * it downloads: the bytes go at once to the content store's verifying writer and through
 * decompression to the driver, and the driver sees the end of the tar only after the blob has
 * been verified and committed and the uncompressed content matched its diff id, so a bad layer
 * never becomes a snapshot. Drivers that need the parent first get the layers in order once they
 * are downloaded. The image is registered last; a failure leaves only complete, verified blobs and
 * layers behind, for the next attempt to reuse.
 */
final class Receiver {
    private static final int MAX_MANIFEST = 4 << 20;
    private static final long REPORT_EVERY = 512 * 1024;

    /** The headers of layers unpacked while they downloaded, by index, for the chain's verdict. */
    private final Map<Integer, List<TarHeader>> headersSeen = new java.util.concurrent.ConcurrentHashMap<>();
    private final LocalImageStore store;
    private final ReceiveRequest request;
    private final BlobSource source;
    private final ProgressListener progress;
    private final List<Digest> leased = new ArrayList<>();

    Receiver(LocalImageStore store, ReceiveRequest request, BlobSource source, ProgressListener progress) {
        this.store = store;
        this.request = request;
        this.source = source;
        this.progress = progress == null ? ProgressListener.NONE : progress;
    }

    Image receive() throws IOException {
        try {
            return doReceive();
        } finally {
            synchronized (leased) {
                store.release(leased);
            }
        }
    }

    private Image doReceive() throws IOException {
        Descriptor top = request.descriptor();
        byte[] bytes = request.content();
        verify(bytes, top.digest(), "manifest " + top.digest());
        String type = mediaType(top.mediaType(), bytes, "manifest " + top.digest());
        Descriptor manifestDesc = new Descriptor(type, top.digest(), bytes.length);
        if (MediaTypes.isIndex(type)) {
            Descriptor chosen = choose(ImageJson.index(bytes, "index " + top.digest()),
                    request.platform() == null ? Platform.host() : request.platform());
            bytes = readSmall(chosen, "manifest " + chosen.digest());
            manifestDesc = new Descriptor(mediaType(chosen.mediaType(), bytes, "manifest " + chosen.digest()),
                    chosen.digest(), bytes.length);
        }
        if (!MediaTypes.isManifest(manifestDesc.mediaType())) {
            throw new InvalidArgumentException("manifest " + manifestDesc.digest() + " has media type "
                    + manifestDesc.mediaType() + ", which Berth does not pull (schema 1 manifests are long deprecated)");
        }
        ImageJson.Manifest manifest = ImageJson.manifest(bytes, "manifest " + manifestDesc.digest());
        List<String> tags = request.reference().tag() == null ? List.of() : List.of(request.reference().toString());
        String repoDigest = request.reference().name() + "@" + top.digest();
        Image here = alreadyHere(manifest, tags, repoDigest);
        if (here != null) {
            return here;
        }
        lease(manifestDesc.digest());
        store.content.write(bytes);

        Descriptor configDesc = manifest.config();
        lease(configDesc.digest());
        if (!store.content.exists(configDesc.digest())) {
            store.content.write(readSmall(configDesc, "config " + configDesc.digest()));
        }
        ImageConfig config = ImageJson.config(store.content.read(configDesc.digest()), "config " + configDesc.digest());
        List<Descriptor> layers = manifest.layers();
        List<Digest> diffIds = config.diffIds();
        if (layers.size() != diffIds.size()) {
            throw new InvalidArgumentException("manifest " + manifestDesc.digest() + " has " + layers.size()
                    + " layers but its config lists " + diffIds.size());
        }
        StorageDriver driver = driver();
        List<String> chain = ChainIds.of(diffIds);
        long[] sizes = fetchLayers(driver, layers, diffIds, chain);

        ImageRecord r = store.register(manifestDesc, configDesc.digest(), toList(sizes), tags, repoDigest, null);
        return store.get(r);
    }

    /**
     * The image, named as received, if the store has it already with its layers unpacked for the
     * driver asked for: as docker, nothing more is fetched nor said of its layers, and it keeps
     * the manifest it has (the one received is the same image, its layers perhaps compressed
     * otherwise). {@code null} if it is not here.
     */
    private Image alreadyHere(ImageJson.Manifest manifest, List<String> tags, String repoDigest) throws IOException {
        ImageRecord existing = store.record(manifest.config().digest());
        if (existing == null) {
            return null;
        }
        StorageDriver driver = driver();
        if (driver != null) {
            for (String chain : ChainIds.of(store.config(existing).diffIds())) {
                if (!has(driver, chain)) {
                    return null;
                }
            }
        }
        ImageRecord r = store.register(existing.manifest(), existing.id(), existing.layerSizes(), tags, repoDigest, null);
        return store.get(r);
    }

    // ---------------------------------------------------------------- layers

    private long[] fetchLayers(StorageDriver driver, List<Descriptor> layers, List<Digest> diffIds, List<String> chain)
            throws IOException {
        int n = layers.size();
        long[] sizes = new long[n];
        boolean[] unpacked = new boolean[n];
        boolean[] pulled = new boolean[n];
        boolean[] streamed = new boolean[n];
        java.util.Set<Digest> seen = new java.util.HashSet<>();
        Map<Digest, Integer> downloads = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            Descriptor layer = layers.get(i);
            lease(layer.digest());
            unpacked[i] = driver == null || has(driver, chain.get(i));
            boolean present = store.content.exists(layer.digest());
            // A blob that appears twice in the image is reported once.
            boolean first = seen.add(layer.digest());
            String id = layer.digest().shortHex();
            if (present && unpacked[i]) {
                if (first) {
                    progress.progress(ProgressEvent.of(id, "Already exists"));
                }
            } else {
                pulled[i] = first;
                if (first) {
                    progress.progress(ProgressEvent.of(id, "Pulling fs layer"));
                }
                if (!present) {
                    downloads.putIfAbsent(layer.digest(), i);
                }
            }
        }
        boolean stream = driver != null && driver.parallelApply();
        if (!downloads.isEmpty()) {
            int threads = Math.min(request.concurrency(), downloads.size());
            AtomicInteger count = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "berth-pull-" + count.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int i : downloads.values()) {
                    boolean applyNow = stream && !unpacked[i];
                    futures.add(pool.submit(() -> {
                        long size = download(layers.get(i), applyNow ? driver : null, diffIds.get(i), chain, i);
                        if (applyNow) {
                            sizes[i] = size;
                            unpacked[i] = true;
                            streamed[i] = true;
                        }
                        return null;
                    }));
                }
                ReadThrough.awaitAll(futures, "pulling");
            } finally {
                pool.shutdownNow();
            }
        }
        try {
            if (driver != null) {
                // Checks the chain, with the headers read while the layers streamed.
                long[] applied = store.unpack(driver, layers, diffIds, progress, headersSeen);
                for (int i = 0; i < n; i++) {
                    if (applied[i] > 0) {
                        sizes[i] = applied[i];
                    }
                }
            }
            store.checkChain(layers, diffIds, headersSeen);
        } catch (InvalidArgumentException e) {
            // Refused: what this pull unpacked while downloading goes too.
            if (driver != null) {
                LayerUnpacker.takeBack(driver, chain, i -> streamed[i], e);
            }
            throw e;
        }
        for (int i = 0; i < n; i++) {
            if (sizes[i] == 0) {
                sizes[i] = knownSize(layers.get(i), diffIds.get(i));
            }
        }
        for (int i = 0; i < n; i++) {
            if (pulled[i]) {
                progress.progress(ProgressEvent.of(layers.get(i).digest().shortHex(), "Pull complete"));
            }
        }
        return sizes;
    }

    /**
     * Downloads one blob into the content store, unpacking it on the way when a driver is given.
     *
     * @return the uncompressed size when unpacked, else 0
     */
    private long download(Descriptor layer, StorageDriver driver, Digest diffId, List<String> chain, int i)
            throws IOException {
        String id = layer.digest().shortHex();
        String what = "layer " + layer.digest();
        try (InputStream body = source.open(layer);
             ContentWriter writer = store.content.writer(layer.digest(), layer.size())) {
            IntoStore tee = new IntoStore(body, writer, id, layer.size(), driver != null);
            if (driver == null) {
                tee.transferTo(OutputStream.nullOutputStream());
                return 0;
            }
            HashingInputStream plain = new HashingInputStream(
                    new DrainAtEnd(Compression.decompress(tee, what), tee), diffId, what);
            // The headers are read on the way, for the chain's verdict.
            TarHeaderTap tap = new TarHeaderTap(plain);
            try {
                driver.apply(chain.get(i), i == 0 ? null : chain.get(i - 1), tap);
                if (tap.ended()) {
                    headersSeen.put(i, tap.headers());
                    store.contentSizes.record(diffId, tap.headers());
                }
            } catch (ConflictException e) {
                // Unpacked meanwhile by another pull: the blob is still wanted.
                tee.transferTo(OutputStream.nullOutputStream());
                return 0;
            } catch (InterruptedIOException e) {
                throw e;
            } catch (InvalidArgumentException | IOException e) {
                // A malformed tar may be a corrupted download: then say so, the digest being the cause.
                if (!tee.done) {
                    try {
                        tee.transferTo(OutputStream.nullOutputStream());
                    } catch (InvalidArgumentException | IOException cause) {
                        cause.addSuppressed(e);
                        throw cause;
                    }
                }
                throw e;
            }
            return plain.count();
        }
    }

    /** The uncompressed size of a layer that was not unpacked now. */
    private long knownSize(Descriptor layer, Digest diffId) throws IOException {
        Long known = store.layerSize(diffId);
        if (known != null) {
            return known;
        }
        try (InputStream blob = store.content.open(layer.digest())) {
            HashingInputStream h = new HashingInputStream(Compression.decompress(blob, "layer " + layer.digest()), diffId,
                    "layer " + layer.digest());
            h.transferTo(OutputStream.nullOutputStream());
            return h.count();
        }
    }

    // ---------------------------------------------------------------- helpers

    private StorageDriver driver() throws IOException {
        DriverRegistry registry = store.drivers();
        if (request.storageDriver() != null) {
            if (registry == null) {
                throw new UnavailableException("storage driver " + request.storageDriver() + " is not available");
            }
            return registry.storage(request.storageDriver());
        }
        if (registry == null) {
            return null;
        }
        try {
            return registry.storage(null);
        } catch (UnavailableException e) {
            // No driver now: the image is stored, and unpacked when one comes.
            return null;
        }
    }

    private static boolean has(StorageDriver driver, String key) throws IOException {
        try {
            driver.stat(key);
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    private void lease(Digest d) {
        store.lease(d);
        synchronized (leased) {
            leased.add(d);
        }
    }

    private byte[] readSmall(Descriptor d, String what) throws IOException {
        if (d.size() > MAX_MANIFEST) {
            throw new InvalidArgumentException(what + " claims " + d.size() + " bytes, more than a manifest or config may have");
        }
        byte[] bytes;
        try (InputStream in = source.open(d)) {
            bytes = in.readNBytes(MAX_MANIFEST + 1);
        }
        if (bytes.length > MAX_MANIFEST) {
            throw new InvalidArgumentException(what + " is larger than " + MAX_MANIFEST + " bytes");
        }
        if (bytes.length != d.size()) {
            throw new InvalidArgumentException(what + " has " + bytes.length + " bytes, expected " + d.size());
        }
        verify(bytes, d.digest(), what);
        return bytes;
    }

    private static void verify(byte[] bytes, Digest expected, String what) {
        if (!expected.matches(expected.newMessageDigest().digest(bytes))) {
            throw new InvalidArgumentException(what + ": digest mismatch: the content hashes to "
                    + Digest.sha256(bytes));
        }
    }

    /** The media type a descriptor gives, or the one the JSON names. */
    private static String mediaType(String given, byte[] bytes, String what) {
        if (given != null && !given.isEmpty() && !given.equals("application/json")) {
            return given;
        }
        com.fasterxml.jackson.databind.JsonNode n = ImageJson.parse(bytes, what);
        String named = n.path("mediaType").asText("");
        if (!named.isEmpty()) {
            return named;
        }
        return n.has("manifests") ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
    }

    /**
     * The index entry for a platform: same OS and architecture, and the variant when both name
     * one (an entry without variant serves any), as containerd's default matcher.
     */
    static Descriptor choose(List<Descriptor> entries, Platform wanted) {
        Descriptor fallback = null;
        for (Descriptor e : entries) {
            Platform p = e.platform();
            if (p == null || !p.os().equals(wanted.os()) || !p.architecture().equals(wanted.architecture())) {
                continue;
            }
            if (wanted.variant() == null || p.variant() == null) {
                if (fallback == null) {
                    fallback = e;
                }
            } else if (p.variant().equals(wanted.variant())) {
                return e;
            }
        }
        if (fallback != null) {
            return fallback;
        }
        throw new NotFoundException("no matching manifest for " + wanted + " in the manifest list entries");
    }

    private static List<Long> toList(long[] sizes) {
        List<Long> out = new ArrayList<>(sizes.length);
        for (long s : sizes) {
            out.add(s);
        }
        return out;
    }

    /**
     * Hands a blob's bytes on while writing them to the content store and reporting
     * {@code Downloading}; at the end of the blob it commits it, which verifies size and digest,
     * before reporting the end, so a bad blob fails the read that reached its end.
     */
    private final class IntoStore extends ReadThrough {
        private final ContentWriter writer;
        private final String id;
        private final long total;
        private long count;
        private long reported;
        private final boolean extracting;
        private boolean done;

        /** @param extracting whether the bytes are unpacked as they come (reported as such at the end) */
        IntoStore(InputStream in, ContentWriter writer, String id, long total, boolean extracting) {
            super(in);
            this.extracting = extracting;
            this.writer = writer;
            this.id = id;
            this.total = total;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            int n;
            try {
                n = in.read(b, off, len);
            } catch (InterruptedIOException e) {
                throw e;
            } catch (IOException e) {
                throw new IOException("layer " + id + ": download cut after " + count + " of " + total + " bytes: "
                        + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()), e);
            }
            if (n > 0) {
                writer.write(ByteBuffer.wrap(b, off, n));
                count += n;
                if (count - reported >= REPORT_EVERY) {
                    reported = count;
                    progress.progress(new ProgressEvent(id, "Downloading", count, total));
                }
            } else if (n < 0) {
                progress.progress(ProgressEvent.of(id, "Verifying Checksum"));
                writer.commit();
                done = true;
                progress.progress(ProgressEvent.of(id, "Download complete"));
                if (extracting) {
                    progress.progress(ProgressEvent.of(id, "Extracting"));
                }
            }
            return n;
        }

        @Override
        public int available() throws IOException {
            return done ? 0 : in.available();
        }
    }

    /**
     * The uncompressed content, whose end is reported only after the compressed blob has been read
     * to its end (and so verified and committed): a decompressor may stop before trailing bytes.
     */
    private static final class DrainAtEnd extends ReadThrough {
        private final InputStream raw;

        DrainAtEnd(InputStream plain, InputStream raw) {
            super(plain);
            this.raw = raw;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n < 0) {
                raw.transferTo(OutputStream.nullOutputStream());
            }
            return n;
        }
    }
}
