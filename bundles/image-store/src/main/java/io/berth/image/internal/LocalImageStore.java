package io.berth.image.internal;

import io.berth.api.InvalidArgumentException;
import io.berth.api.NotFoundException;
import io.berth.api.ProgressListener;
import io.berth.api.UnavailableException;
import io.berth.api.content.ContentWriter;
import io.berth.api.content.Descriptor;
import io.berth.api.content.Digest;
import io.berth.api.content.MediaTypes;
import io.berth.api.content.Platform;
import io.berth.api.driver.DriverInfo;
import io.berth.api.driver.DriverRegistry;
import io.berth.api.driver.DriverState;
import io.berth.api.driver.DriverType;
import io.berth.api.image.ArchiveFormat;
import io.berth.api.image.CommitOptions;
import io.berth.api.image.DiskUsage;
import io.berth.api.image.History;
import io.berth.api.image.HistoryRow;
import io.berth.api.image.Image;
import io.berth.api.image.ImageConfig;
import io.berth.api.image.ImageDetails;
import io.berth.api.image.ImageListOptions;
import io.berth.api.image.ImageReference;
import io.berth.api.image.ImageStore;
import io.berth.api.image.ImageUsers;
import io.berth.api.image.ImportOptions;
import io.berth.api.image.PruneResult;
import io.berth.api.image.RemovedImage;
import io.berth.api.storage.StorageDriver;

import io.berth.layers.chain.LayerChain;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The image store: images in {@link ImageIndex}, their blobs in the {@link FileContentStore},
 * their unpacked layers in the storage drivers.
 *
 * <p>Every change of the image list happens under one lock and ends with one atomic write of the
 * index. Blobs are written before an image refers to them and deleted after no image does; blobs an
 * operation in progress is about to refer to are leased, so a concurrent removal does not delete
 * them.
 */
public final class LocalImageStore implements ImageStore {
    static final Pattern FULL_ID = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern ID_PREFIX = Pattern.compile("[0-9a-f]{1,63}");

    final FileContentStore content;
    final ImageIndex index;
    private final Supplier<DriverRegistry> drivers;
    private final Supplier<List<ImageUsers>> users;
    /** Guards {@link #images} and every write of the index. */
    final ReentrantLock lock = new ReentrantLock();
    final Map<Digest, ImageRecord> images;
    final Map<Digest, ImageConfig> configs = new ConcurrentHashMap<>();
    /** Manifests read, by digest (content-addressed, so never stale): each container's creation reads its image's twice. */
    final Map<Digest, ImageJson.Manifest> manifests = new ConcurrentHashMap<>();
    /** Layers' sizes as docker shows them (the bytes of their files). */
    final ContentSizes contentSizes;
    /** Blobs an operation in progress is about to refer to: kept by removals and prunes. */
    final Map<Digest, AtomicInteger> leases = new ConcurrentHashMap<>();
    private final ImageCollector collector = new ImageCollector(this);
    private final ImageRemoval removal = new ImageRemoval(this, collector);
    private final LayerUnpacker unpacker = new LayerUnpacker(this);

    /**
     * @param drivers the driver registry, or {@code null} when none is available
     * @param users what uses images (containers)
     */
    public LocalImageStore(FileContentStore content, Supplier<DriverRegistry> drivers, Supplier<List<ImageUsers>> users)
            throws IOException {
        this.content = content;
        this.index = new ImageIndex(content.root());
        this.drivers = drivers;
        this.users = users;
        this.images = index.load(this::idFromManifest);
        this.contentSizes = new ContentSizes(content.root());
    }

    /** Stops the unpacking threads. */
    public void close() {
        unpacker.close();
    }

    private Digest idFromManifest(Descriptor manifest) {
        try {
            return ImageJson.manifest(content.read(manifest.digest()), "manifest " + manifest.digest()).config().digest();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read manifest " + manifest.digest() + ": " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- finding

    ImageRecord resolve(String nameOrId) throws IOException {
        if (nameOrId == null || nameOrId.isBlank()) {
            throw new InvalidArgumentException("an image name or id is required");
        }
        lock.lock();
        try {
            if (nameOrId.startsWith("sha256:") || FULL_ID.matcher(nameOrId).matches()) {
                Digest d = Digest.parse(nameOrId.startsWith("sha256:") ? nameOrId : "sha256:" + nameOrId);
                ImageRecord r = images.get(d);
                if (r != null) {
                    return r;
                }
                throw new NotFoundException("No such image: " + nameOrId);
            }
            ImageReference ref = null;
            InvalidArgumentException badReference = null;
            try {
                ref = ImageReference.parse(nameOrId);
            } catch (InvalidArgumentException e) {
                badReference = e;
            }
            if (ref != null) {
                ImageRecord r = byReference(ref);
                if (r != null) {
                    return r;
                }
            }
            if (ID_PREFIX.matcher(nameOrId).matches()) {
                List<ImageRecord> matches = images.values().stream().filter(r -> r.id().hex().startsWith(nameOrId)).toList();
                if (matches.size() == 1) {
                    return matches.get(0);
                }
                if (matches.size() > 1) {
                    throw new InvalidArgumentException("short id " + nameOrId + " is ambiguous: it matches "
                            + matches.size() + " images");
                }
            }
            if (badReference != null) {
                throw badReference;
            }
            throw new NotFoundException("No such image: " + ref.withDefaultTag().familiar());
        } finally {
            lock.unlock();
        }
    }

    private ImageRecord byReference(ImageReference ref) {
        if (ref.digest() != null) {
            String wanted = ref.name() + "@" + ref.digest();
            for (ImageRecord r : images.values()) {
                if (r.repoDigests().contains(wanted)
                        || (r.manifest().digest().equals(ref.digest()) && hasRepository(r, ref.name()))) {
                    return r;
                }
            }
            return null;
        }
        String tag = ref.withDefaultTag().toString();
        for (ImageRecord r : images.values()) {
            if (r.tags().containsKey(tag)) {
                return r;
            }
        }
        return null;
    }

    private static boolean hasRepository(ImageRecord r, String name) {
        for (String t : r.tags().keySet()) {
            if (ImageReference.parse(t).name().equals(name)) {
                return true;
            }
        }
        for (String d : r.repoDigests()) {
            if (d.startsWith(name + "@")) {
                return true;
            }
        }
        return false;
    }

    ImageConfig config(ImageRecord r) throws IOException {
        ImageConfig c = configs.get(r.id());
        if (c == null) {
            c = ImageJson.config(content.read(r.id()), "config " + r.id());
            configs.put(r.id(), c);
        }
        return c;
    }

    ImageJson.Manifest manifest(ImageRecord r) throws IOException {
        Digest digest = r.manifest().digest();
        ImageJson.Manifest m = manifests.get(digest);
        if (m == null) {
            m = ImageJson.manifest(content.read(digest), "manifest " + digest);
            manifests.put(digest, m);
        }
        return m;
    }

    /** The image with this id, or {@code null}. */
    ImageRecord record(Digest id) {
        lock.lock();
        try {
            return images.get(id);
        } finally {
            lock.unlock();
        }
    }

    List<ImageRecord> records() {
        lock.lock();
        try {
            return new ArrayList<>(images.values());
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- reading

    @Override
    public List<Image> list(ImageListOptions options) throws IOException {
        return ImageFilters.apply(list(), options, nameOrId -> {
            try {
                Image i = get(nameOrId);
                return i.created() == null ? Instant.EPOCH : i.created();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @Override
    public List<Image> list() throws IOException {
        List<Image> result = new ArrayList<>();
        for (ImageRecord r : records()) {
            result.add(toImage(r));
        }
        result.sort(Comparator.comparing((Image i) -> i.created() == null ? Instant.EPOCH : i.created()).reversed()
                .thenComparing(i -> i.id().toString()));
        return result;
    }

    @Override
    public Image get(String nameOrId) throws IOException {
        return toImage(resolve(nameOrId));
    }

    @Override
    public Digest id(String nameOrId) throws IOException {
        return resolve(nameOrId).id();
    }

    @Override
    public ImageConfig config(String nameOrId) throws IOException {
        return config(resolve(nameOrId));
    }

    private Image toImage(ImageRecord r) throws IOException {
        ImageConfig c = config(r);
        List<String> tags = new ArrayList<>();
        for (String t : r.orderedTags()) {
            tags.add(ImageReference.parse(t).familiar());
        }
        List<String> digests = new ArrayList<>();
        for (String d : r.repoDigests()) {
            digests.add(ImageReference.parse(d).familiar());
        }
        Map<String, String> labels = c.config().labels() == null ? Map.of() : c.config().labels();
        return Image.builder().id(r.id()).repoTags(tags).repoDigests(digests).parent(r.parent()).created(c.created())
                .size(size(r, c)).labels(labels).build();
    }

    /** An image's size as docker shows it: its layers' files ({@link ContentSizes}). */
    private long size(ImageRecord r, ImageConfig c) throws IOException {
        long size = 0;
        List<Descriptor> layers = null; // read only for a layer whose size is not known yet
        for (int i = 0; i < c.diffIds().size(); i++) {
            Long known = contentSizes.known(c.diffIds().get(i));
            if (known == null) {
                layers = layers == null ? manifest(r).layers() : layers;
                known = i < layers.size() ? contentSizes.of(c.diffIds().get(i), layers.get(i), content) : 0L;
            }
            size += known;
        }
        return size;
    }

    @Override
    public ImageDetails inspect(String nameOrId) throws IOException {
        ImageRecord r = resolve(nameOrId);
        ImageConfig c = config(r);
        ImageJson.Manifest m = manifest(r);
        String driverName = null;
        Map<String, String> graph = Map.of();
        DriverRegistry registry = drivers.get();
        if (registry != null && !c.diffIds().isEmpty()) {
            String top = ChainIds.of(c.diffIds()).get(c.diffIds().size() - 1);
            for (DriverInfo info : registry.drivers()) {
                if (info.type() == DriverType.STORAGE && info.state() == DriverState.AVAILABLE) {
                    try {
                        StorageDriver d = registry.storage(info.name());
                        d.stat(top);
                        driverName = info.name();
                        graph = d.graphData(top);
                        if (info.isDefault()) {
                            break;
                        }
                    } catch (NotFoundException | UnavailableException e) {
                        // Not unpacked by this driver.
                    }
                }
            }
        }
        return new ImageDetails(toImage(r), c, r.manifest(), m.layers(), r.parent(), r.lastTagTime(), driverName, graph);
    }

    @Override
    public List<HistoryRow> history(String nameOrId) throws IOException {
        ImageRecord r = resolve(nameOrId);
        ImageConfig c = config(r);
        List<History> entries = c.history();
        ImageJson.Manifest m = manifest(r);
        // Which local image ends at which entry: the image itself at the top, its parents below.
        Map<Integer, Digest> idAt = new HashMap<>();
        idAt.put(entries.size() - 1, r.id());
        ImageRecord parent = r.parent() == null ? null : images.get(r.parent());
        while (parent != null) {
            idAt.putIfAbsent(config(parent).history().size() - 1, parent.id());
            parent = parent.parent() == null ? null : images.get(parent.parent());
        }
        List<HistoryRow> rows = new ArrayList<>();
        int layer = 0;
        for (int i = 0; i < entries.size(); i++) {
            History h = entries.get(i);
            long size = 0;
            if (!h.emptyLayer()) {
                size = layer < c.diffIds().size() && layer < m.layers().size()
                        ? contentSizes.of(c.diffIds().get(layer), m.layers().get(layer), content) : 0;
                layer++;
            }
            rows.add(new HistoryRow(idAt.get(i), h, size));
        }
        if (entries.isEmpty()) {
            rows.add(new HistoryRow(r.id(), new History(c.created(), "", "", "", false), size(r, c)));
        }
        java.util.Collections.reverse(rows);
        return rows;
    }

    // ---------------------------------------------------------------- naming

    @Override
    public void tag(String source, ImageReference target) throws IOException {
        if (target.digest() != null) {
            throw new InvalidArgumentException("refusing to create a tag with a digest reference");
        }
        String tag = target.withDefaultTag().toString();
        Digest id;
        lock.lock();
        try {
            ImageRecord r = resolve(source);
            moveTag(tag, r.id(), Instant.now());
            index.save(images.values());
            id = r.id();
        } finally {
            lock.unlock();
        }
        publish("tag", id.toString(), ImageReference.parse(tag).familiar());
    }

    /** Where image events go: the event service as it is when each is published, or none. */
    private volatile java.util.function.Supplier<io.berth.api.event.EventService> events = () -> null;

    void events(java.util.function.Supplier<io.berth.api.event.EventService> service) {
        events = service;
    }

    /** An image event as docker's: its id (an image's, or the reference pulled), and its {@code name}. */
    void publish(String action, String id, String name) {
        io.berth.api.event.EventService s = events.get();
        if (s != null) {
            s.publish(io.berth.api.event.Event.of(io.berth.api.event.Event.IMAGE, action, id,
                    java.util.Map.of("name", name)));
        }
    }

    private void moveTag(String tag, Digest to, Instant when) {
        for (ImageRecord other : new ArrayList<>(images.values())) {
            if (!other.id().equals(to) && other.tags().containsKey(tag)) {
                images.put(other.id(), other.withoutTag(tag));
            }
        }
        images.put(to, images.get(to).withTag(tag, when));
    }

    // ---------------------------------------------------------------- removing

    @Override
    public List<RemovedImage> remove(String nameOrId, boolean force, boolean noPrune) throws IOException {
        return removal.remove(nameOrId, force, noPrune);
    }

    @Override
    public PruneResult prune(boolean all) throws IOException {
        return removal.prune(all);
    }

    /** What uses an image (containers), as {@code rmi} names them; empty if nothing does. */
    List<String> usersOf(Digest id) {
        List<String> all = new ArrayList<>();
        for (ImageUsers u : users.get()) {
            all.addAll(u.usersOf(id));
        }
        return all;
    }

    // ---------------------------------------------------------------- adding

    /** The driver registry, or {@code null} when none is available. */
    DriverRegistry drivers() {
        return drivers.get();
    }

    /** Deletes those of {@code candidates} that no image refers to and no operation has leased. */
    void discardUnreferenced(java.util.Collection<Digest> candidates) throws IOException {
        lock.lock();
        try {
            Set<Digest> keep = new HashSet<>(leases.keySet());
            for (ImageRecord r : images.values()) {
                keep.addAll(blobsOf(r));
            }
            for (Digest d : candidates) {
                if (!keep.contains(d)) {
                    content.delete(d);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Leases blobs so a concurrent removal keeps them until the caller {@link #release}s them. */
    void lease(Digest d) {
        leases.computeIfAbsent(d, k -> new AtomicInteger()).incrementAndGet();
    }

    void release(Iterable<Digest> digests) {
        for (Digest d : digests) {
            leases.computeIfPresent(d, (k, v) -> v.decrementAndGet() <= 0 ? null : v);
        }
    }

    /**
     * Adds an image whose blobs are all in the content store, or updates one that exists; the given
     * tags move to it.
     */
    ImageRecord register(Descriptor manifest, Digest id, List<Long> layerSizes, List<String> tags, String repoDigest,
                         Digest parent) throws IOException {
        lock.lock();
        try {
            ImageRecord r = images.get(id);
            if (r == null) {
                r = new ImageRecord(id, manifest, Map.of(), List.of(), parent, layerSizes);
                images.put(id, r);
            }
            Instant now = Instant.now();
            for (String t : tags) {
                moveTag(t, id, now);
            }
            if (repoDigest != null) {
                images.put(id, images.get(id).withRepoDigest(repoDigest));
            }
            index.save(images.values());
            return images.get(id);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes a small blob, leased before it is written so that a concurrent prune cannot take it
     * before the caller registers what uses it.
     */
    Digest writeLeased(byte[] bytes) throws IOException {
        Digest d = Digest.sha256(bytes);
        lease(d);
        content.write(bytes);
        return d;
    }

    /**
     * Writes a stream as a blob (verified if {@code expected} is given) and leases it.
     *
     * @return the blob's digest and size
     */
    Descriptor store(InputStream in, Digest expected, long expectedSize, String mediaType) throws IOException {
        if (expected != null) {
            lease(expected);
            if (content.exists(expected)) {
                in.transferTo(OutputStream.nullOutputStream());
                return new Descriptor(mediaType, expected, content.info(expected).map(i -> i.size()).orElse(expectedSize));
            }
        }
        try (ContentWriter w = content.writer(expected, expectedSize)) {
            byte[] buffer = new byte[256 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                w.write(ByteBuffer.wrap(buffer, 0, n));
            }
            io.berth.api.content.ContentInfo info;
            if (expected == null) {
                // Committed and leased in one step, as prune sees it.
                lock.lock();
                try {
                    info = w.commit();
                    lease(info.digest());
                } finally {
                    lock.unlock();
                }
            } else {
                info = w.commit();
            }
            return new Descriptor(mediaType, info.digest(), info.size());
        } catch (IOException | RuntimeException e) {
            if (expected != null) {
                release(List.of(expected));
            }
            throw e;
        }
    }

    @Override
    public Image importRootfs(InputStream tar, ImportOptions options) throws IOException {
        List<Digest> leased = new ArrayList<>();
        try {
            InputStream plain = Compression.decompress(tar, "the imported archive");
            Descriptor layer = store(plain, null, -1, MediaTypes.OCI_LAYER);
            leased.add(layer.digest());
            // The layer must be a readable tar; a hostile one is refused when unpacked.
            try (InputStream check = content.open(layer.digest())) {
                io.berth.layers.tar.TarReader reader = new io.berth.layers.tar.TarReader(check);
                while (reader.next() != null) {
                    // Reading the headers checks them.
                }
            } catch (io.berth.layers.tar.TarFormatException | java.io.EOFException e) {
                throw new InvalidArgumentException("the imported archive is not a tar: " + e.getMessage());
            }
            try (InputStream check = content.open(layer.digest())) {
                new LayerChain().add(check, "the imported archive's");
            }
            Instant now = Instant.now();
            Platform host = Platform.host();
            io.berth.api.image.ContainerConfig cc = DockerfileChanges.apply(
                    io.berth.api.image.ContainerConfig.EMPTY, options.changes());
            String comment = options.message().isEmpty() ? "Imported from " + options.source() : options.message();
            ImageConfig config = new ImageConfig(host.architecture(), host.os(), host.variant(), now, "", cc,
                    List.of(layer.digest()), List.of(new History(now, "", "", comment, false)), comment, "", null, "", null);
            byte[] configBytes = ImageJson.config(config);
            Digest id = writeLeased(configBytes);
            leased.add(id);
            byte[] manifestBytes = ImageJson.manifest(new Descriptor(MediaTypes.OCI_CONFIG, id, configBytes.length), List.of(layer));
            Digest manifestDigest = writeLeased(manifestBytes);
            leased.add(manifestDigest);
            List<String> tags = options.reference() == null ? List.of() : List.of(options.reference().withDefaultTag().toString());
            ImageRecord r = register(new Descriptor(MediaTypes.OCI_MANIFEST, manifestDigest, manifestBytes.length), id,
                    List.of(layer.size()), tags, null, null);
            publish("import", id.toString(), id.toString());
            return toImage(r);
        } finally {
            release(leased);
        }
    }

    @Override
    public Image commit(String base, InputStream tar, CommitOptions options) throws IOException {
        ImageRecord parent = resolve(base);
        ImageConfig pc = config(parent);
        ImageJson.Manifest pm = manifest(parent);
        io.berth.api.image.ContainerConfig cc = DockerfileChanges.apply(options.config(), options.changes());
        List<Digest> leased = new ArrayList<>();
        try {
            // Held while this commit runs, so that a concurrent rmi of the base cannot take its blobs.
            for (Descriptor d : pm.layers()) {
                lease(d.digest());
                leased.add(d.digest());
            }
            // As docker's commit: a container without changes adds no layer, only a history entry that says so.
            // (A tar without entries begins with its end: a block of zeros.)
            java.io.BufferedInputStream in = new java.io.BufferedInputStream(tar, 1 << 16);
            in.mark(512);
            byte[] head = in.readNBytes(512);
            in.reset();
            boolean empty = head.length == 0 || java.util.Arrays.equals(head, new byte[head.length]);
            Descriptor layer = null;
            if (!empty) {
                layer = store(in, null, -1, MediaTypes.OCI_LAYER);
                leased.add(layer.digest());
            }
            Instant now = Instant.now();
            List<Digest> diffIds = new ArrayList<>(pc.diffIds());
            if (!empty) {
                diffIds.add(layer.digest());
            }
            List<History> history = new ArrayList<>(pc.history());
            history.add(new History(now, options.createdBy(), options.author(), options.comment(), empty));
            ImageConfig config = new ImageConfig(pc.architecture(), pc.os(), pc.variant(), now, options.author(), cc, diffIds,
                    history, options.comment(), options.container(), options.containerConfig(), "", parent.id());
            byte[] configBytes = ImageJson.config(config);
            Digest id = writeLeased(configBytes);
            leased.add(id);
            List<Descriptor> layers = new ArrayList<>(pm.layers());
            if (!empty) {
                layers.add(layer);
            }
            byte[] manifestBytes = ImageJson.manifest(new Descriptor(MediaTypes.OCI_CONFIG, id, configBytes.length), layers);
            Digest manifestDigest = writeLeased(manifestBytes);
            leased.add(manifestDigest);
            List<Long> sizes = new ArrayList<>(parent.layerSizes());
            if (!empty) {
                sizes.add(layer.size());
            }
            List<String> tags = options.reference() == null ? List.of() : List.of(options.reference().withDefaultTag().toString());
            ImageRecord r = register(new Descriptor(MediaTypes.OCI_MANIFEST, manifestDigest, manifestBytes.length), id, sizes,
                    tags, null, parent.id());
            return toImage(r);
        } finally {
            release(leased);
        }
    }

    @Override
    public Image receive(io.berth.api.image.ReceiveRequest request, io.berth.api.image.BlobSource source,
                         ProgressListener progress) throws IOException {
        return new Receiver(this, request, source, progress).receive();
    }

    @Override
    public Descriptor manifest(String nameOrId) throws IOException {
        return resolve(nameOrId).manifest();
    }

    @Override
    public void addRepoDigest(String nameOrId, ImageReference repoDigest) throws IOException {
        if (repoDigest.digest() == null) {
            throw new InvalidArgumentException("repo digest " + repoDigest + " has no digest");
        }
        lock.lock();
        try {
            ImageRecord r = resolve(nameOrId);
            images.put(r.id(), r.withRepoDigest(repoDigest.name() + "@" + repoDigest.digest()));
            index.save(images.values());
        } finally {
            lock.unlock();
        }
    }

    /** The uncompressed size of a layer as an image in the store knows it, or {@code null}. */
    Long layerSize(Digest diffId) throws IOException {
        for (ImageRecord r : records()) {
            List<Digest> diffIds = config(r).diffIds();
            int i = diffIds.indexOf(diffId);
            if (i >= 0 && i < r.layerSizes().size() && r.layerSizes().get(i) > 0) {
                return r.layerSizes().get(i);
            }
        }
        return null;
    }

    Image get(ImageRecord r) throws IOException {
        return toImage(r);
    }

    @Override
    public List<String> load(InputStream archive, ProgressListener progress) throws IOException {
        List<String> loaded = new ArchiveLoader(this, progress).load(archive);
        for (String line : loaded) {
            String name = line.replaceFirst("^Loaded image( ID)?: ", "");
            publish("load", name, name);
        }
        return loaded;
    }

    @Override
    public void save(List<String> namesOrIds, ArchiveFormat format, OutputStream out) throws IOException {
        new ArchiveWriter(this).save(namesOrIds, format, out);
    }

    @Override
    public DiskUsage diskUsage() throws IOException {
        List<ImageRecord> all = records();
        Map<Digest, Long> layerSize = new LinkedHashMap<>();
        Set<Digest> usedLayers = new HashSet<>();
        int active = 0;
        for (ImageRecord r : all) {
            List<Digest> diffIds = config(r).diffIds();
            boolean used = !usersOf(r.id()).isEmpty();
            if (used) {
                active++;
            }
            for (int i = 0; i < diffIds.size(); i++) {
                layerSize.put(diffIds.get(i), i < r.layerSizes().size() ? r.layerSizes().get(i) : 0L);
                if (used) {
                    usedLayers.add(diffIds.get(i));
                }
            }
        }
        long total = layerSize.values().stream().mapToLong(Long::longValue).sum();
        long reclaimable = layerSize.entrySet().stream().filter(e -> !usedLayers.contains(e.getKey()))
                .mapToLong(Map.Entry::getValue).sum();
        return new DiskUsage(all.size(), active, total, reclaimable);
    }

    // ---------------------------------------------------------------- unpacking

    @Override
    public String unpack(String nameOrId, String storageDriver, ProgressListener progress) throws IOException {
        ImageRecord r = resolve(nameOrId);
        DriverRegistry registry = drivers.get();
        if (registry == null) {
            throw new UnavailableException("no storage driver is available");
        }
        StorageDriver driver = registry.storage(storageDriver);
        List<Digest> diffIds = config(r).diffIds();
        unpack(driver, manifest(r).layers(), diffIds, progress == null ? ProgressListener.NONE : progress);
        return diffIds.isEmpty() ? null : ChainIds.of(diffIds).get(diffIds.size() - 1);
    }

    /**
     * Applies what is missing of a layer chain to a driver; see {@link LayerUnpacker}.
     *
     * @return the uncompressed size of each layer (0 for layers that were there already)
     */
    long[] unpack(StorageDriver driver, List<Descriptor> layers, List<Digest> diffIds, ProgressListener progress)
            throws IOException {
        return unpacker.unpack(driver, layers, diffIds, progress);
    }

    /** As {@link #unpack(StorageDriver, List, List, ProgressListener)}, with the headers of layers read already. */
    long[] unpack(StorageDriver driver, List<Descriptor> layers, List<Digest> diffIds, ProgressListener progress,
                  Map<Integer, List<io.berth.layers.tar.TarHeader>> seen) throws IOException {
        return unpacker.unpack(driver, layers, diffIds, progress, seen);
    }

    /** The top chain ids of layer chains found good since the engine started: each is read once. */
    private final Set<String> goodChains = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * The one verdict on a chain of layers whatever driver unpacks it ({@link LayerChain}): reads
     * the layers' headers from the content store, before any driver has the chain's top.
     *
     * @throws InvalidArgumentException naming the layer and entry that drivers would apply differently
     */
    void checkChain(List<Descriptor> layers, List<Digest> diffIds) throws IOException {
        checkChain(layers, diffIds, new java.util.HashMap<>());
    }

    /**
     * As {@link #checkChain(List, List)}, with the headers of layers read while they were unpacked
     * ({@code seen}, by index): only the others are read again.
     */
    void checkChain(List<Descriptor> layers, List<Digest> diffIds,
                    Map<Integer, List<io.berth.layers.tar.TarHeader>> seen) throws IOException {
        if (layers.isEmpty()) {
            return;
        }
        String top = ChainIds.of(diffIds).get(diffIds.size() - 1);
        if (goodChains.contains(top)) {
            return;
        }
        LayerChain chain = new LayerChain();
        for (int i = 0; i < layers.size(); i++) {
            Descriptor layer = layers.get(i);
            List<io.berth.layers.tar.TarHeader> headers = seen.get(i);
            if (headers != null) {
                chain.add(headers, "layer " + layer.digest());
                continue;
            }
            try (InputStream blob = content.open(layer.digest())) {
                chain.add(Compression.decompress(blob, "layer " + layer.digest()), "layer " + layer.digest());
            }
        }
        goodChains.add(top);
    }

    /** Blobs of images and what they name, for the collector. */
    Set<Digest> blobsOf(ImageRecord r) throws IOException {
        return collector.blobsOf(r);
    }
}
