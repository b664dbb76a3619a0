package io.berth.image.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.api.InvalidArgumentException;
import io.berth.api.NotFoundException;
import io.berth.api.ProgressEvent;
import io.berth.api.ProgressListener;
import io.berth.api.UnavailableException;
import io.berth.api.content.Descriptor;
import io.berth.api.content.Digest;
import io.berth.api.content.MediaTypes;
import io.berth.api.content.Platform;
import io.berth.api.image.ImageConfig;
import io.berth.api.image.ImageReference;
import io.berth.api.storage.StorageDriver;
import io.berth.layers.tar.TarHeader;
import io.berth.layers.tar.TarReader;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads {@code docker save} archives and OCI archives (a tar of an OCI image layout), plain or
 * compressed. The archive is read once, as a stream: every file that can be a blob goes to the
 * content store as it streams by (verified against its name where the name is a digest), small
 * metadata files are kept in memory. Then each image's config and layers are checked against each
 * other, its layers unpacked (which verifies every diff id), and only then is the image listed. A
 * failure lists nothing and removes the blobs no image uses.
 */
final class ArchiveLoader {
    private static final System.Logger LOG = System.getLogger(ArchiveLoader.class.getName());

    private static final long SMALL = 16L * 1024 * 1024;

    private final LocalImageStore store;
    private final ProgressListener progress;
    private final Map<String, byte[]> small = new HashMap<>();
    private final Map<String, Descriptor> blobs = new HashMap<>();
    private final Map<String, String> links = new HashMap<>();
    private final Set<Digest> written = new LinkedHashSet<>();

    ArchiveLoader(LocalImageStore store, ProgressListener progress) {
        this.store = store;
        this.progress = progress;
    }

    List<String> load(InputStream archive) throws IOException {
        try {
            read(archive);
            if (small.containsKey("manifest.json")) {
                return loadDocker();
            }
            if (small.containsKey("index.json")) {
                return loadOci();
            }
            throw new InvalidArgumentException("not a docker-save or OCI archive: it has no manifest.json and no index.json");
        } finally {
            store.release(written);
            discardUnused();
        }
    }

    private void read(InputStream archive) throws IOException {
        InputStream plain = Compression.decompress(new BufferedInputStream(archive, 256 * 1024), "the archive");
        TarReader tar = new TarReader(plain);
        try {
            for (TarHeader h; (h = tar.next()) != null; ) {
                String name = normalize(h.name);
                if (h.type == TarHeader.SYMLINK || h.type == TarHeader.HARDLINK) {
                    links.put(name, h.type == TarHeader.SYMLINK ? resolveRelative(name, h.linkName) : normalize(h.linkName));
                    continue;
                }
                if (!h.isRegular()) {
                    continue;
                }
                if (name.startsWith("blobs/")) {
                    Digest expected = digestOf(name);
                    Descriptor d = store.store(progressStream(tar.content(), shortName(name), h.size), expected, h.size, "");
                    written.add(d.digest());
                    blobs.put(name, d);
                } else if (h.size <= SMALL && (name.endsWith(".json") || !name.contains("/"))) {
                    small.put(name, tar.content().readAllBytes());
                } else if (name.endsWith("layer.tar") || name.endsWith(".tar") || h.size > SMALL) {
                    Descriptor d = store.store(progressStream(tar.content(), shortName(name), h.size), null, h.size, "");
                    written.add(d.digest());
                    blobs.put(name, d);
                } else {
                    small.put(name, tar.content().readAllBytes());
                }
            }
            tar.drain();
        } catch (io.berth.layers.tar.TarFormatException | java.io.EOFException e) {
            // docker's words (its unpacker is a child process, whence the exit status); what was wrong, in the log.
            LOG.log(System.Logger.Level.INFO, "load: the archive is not a valid tar: " + e.getMessage());
            throw new InvalidArgumentException("Error processing tar file(exit status 1): "
                    + (e instanceof java.io.EOFException ? "unexpected EOF" : "archive/tar: invalid tar header"));
        }
    }

    private InputStream progressStream(InputStream in, String id, long total) {
        return new java.io.FilterInputStream(in) {
            private long count;
            private long reported;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    count += n;
                    if (count - reported >= (1 << 20) || count == total) {
                        reported = count;
                        progress.progress(new ProgressEvent(id, "Loading layer", count, total));
                    }
                }
                return n;
            }
        };
    }

    // ---------------------------------------------------------------- docker save

    private List<String> loadDocker() throws IOException {
        JsonNode manifest = parseArray(small.get("manifest.json"));
        List<String> loaded = new ArrayList<>();
        for (JsonNode entry : manifest) {
            String configName = normalize(entry.path("Config").asText(""));
            byte[] configBytes = memberBytes(configName);
            Digest configDigest = Digest.sha256(configBytes);
            Digest named = digestIn(configName);
            if (named != null && !named.equals(configDigest)) {
                throw new InvalidArgumentException("archive member " + configName + " does not hash to its name: "
                        + configDigest);
            }
            ImageConfig config = ImageJson.config(configBytes, "image config " + configName);
            JsonNode layerNames = entry.path("Layers");
            if (layerNames.size() != config.diffIds().size()) {
                throw new InvalidArgumentException("image " + configDigest.shortHex() + ": the archive has "
                        + layerNames.size() + " layers but its config lists " + config.diffIds().size());
            }
            List<Descriptor> layers = new ArrayList<>();
            for (JsonNode l : layerNames) {
                String name = resolveLinks(normalize(l.asText()));
                Descriptor d = blobs.get(name);
                if (d == null) {
                    throw new InvalidArgumentException("archive member " + l.asText() + " is missing");
                }
                layers.add(new Descriptor(layerMediaType(d.digest()), d.digest(), d.size()));
            }
            Descriptor configDesc = new Descriptor(MediaTypes.OCI_CONFIG, store.writeLeased(configBytes), configBytes.length);
            written.add(configDesc.digest());
            byte[] manifestBytes = ImageJson.manifest(configDesc, layers);
            Digest manifestDigest = store.writeLeased(manifestBytes);
            written.add(manifestDigest);
            long[] sizes = verifyAndUnpack(layers, config);
            List<String> tags = new ArrayList<>();
            for (JsonNode t : entry.path("RepoTags")) {
                tags.add(ImageReference.parse(t.asText()).withDefaultTag().toString());
            }
            renamed(tags, configDesc.digest(), loaded);
            store.register(new Descriptor(MediaTypes.OCI_MANIFEST, manifestDigest, manifestBytes.length), configDesc.digest(),
                    toList(sizes), tags, null, null);
            if (tags.isEmpty()) {
                loaded.add("Loaded image ID: " + configDesc.digest());
            }
            for (String t : tags) {
                loaded.add("Loaded image: " + ImageReference.parse(t).familiar());
            }
        }
        return loaded;
    }

    // ---------------------------------------------------------------- OCI archive

    private List<String> loadOci() throws IOException {
        List<String> loaded = new ArrayList<>();
        for (Descriptor d : ImageJson.index(small.get("index.json"), "the archive's index.json")) {
            Descriptor manifestDesc = d;
            if (MediaTypes.isIndex(d.mediaType())) {
                manifestDesc = choosePlatform(ImageJson.index(blob(d.digest()), "index " + d.digest()), d.digest());
            }
            ImageJson.Manifest manifest = ImageJson.manifest(blob(manifestDesc.digest()), "manifest " + manifestDesc.digest());
            ImageConfig config = ImageJson.config(blob(manifest.config().digest()), "config " + manifest.config().digest());
            for (Descriptor l : manifest.layers()) {
                if (!store.content.exists(l.digest())) {
                    throw new InvalidArgumentException("the archive lacks layer " + l.digest());
                }
            }
            if (manifest.layers().size() != config.diffIds().size()) {
                throw new InvalidArgumentException("manifest " + manifestDesc.digest() + " has " + manifest.layers().size()
                        + " layers but its config lists " + config.diffIds().size());
            }
            long[] sizes = verifyAndUnpack(manifest.layers(), config);
            String name = d.annotations().get("io.containerd.image.name");
            String refName = d.annotations().get(ImageIndex.REF_NAME);
            if (name == null && refName != null && (refName.contains(":") || refName.contains("/"))) {
                name = refName;
            }
            List<String> tags = name == null ? List.of() : List.of(ImageReference.parse(name).withDefaultTag().toString());
            renamed(tags, manifest.config().digest(), loaded);
            store.register(new Descriptor(manifestDesc.mediaType().isEmpty() ? MediaTypes.OCI_MANIFEST : manifestDesc.mediaType(),
                    manifestDesc.digest(), manifestDesc.size()), manifest.config().digest(), toList(sizes), tags, null, null);
            if (tags.isEmpty()) {
                loaded.add("Loaded image ID: " + manifest.config().digest());
            } else {
                loaded.add("Loaded image: " + ImageReference.parse(tags.get(0)).familiar());
            }
        }
        return loaded;
    }

    /** docker's word for a tag the load takes from another image (that image keeps its other tags, or none). */
    private void renamed(List<String> tags, Digest id, List<String> loaded) throws IOException {
        for (String t : tags) {
            ImageRecord old;
            try {
                old = store.resolve(t);
            } catch (NotFoundException e) {
                continue;
            }
            if (!old.id().equals(id)) {
                loaded.add("The image " + ImageReference.parse(t).familiar() + " already exists, renaming the old one with ID "
                        + old.id() + " to empty string");
            }
        }
    }

    private Descriptor choosePlatform(List<Descriptor> entries, Digest index) {
        Platform host = Platform.host();
        for (Descriptor e : entries) {
            if (e.platform() == null || (e.platform().os().equals(host.os())
                    && e.platform().architecture().equals(host.architecture()))) {
                return e;
            }
        }
        throw new InvalidArgumentException("index " + index + " has no image for " + host);
    }

    // ---------------------------------------------------------------- checking

    /**
     * Unpacks the layers into the default storage driver, verifying each against its diff id; with
     * no driver available, verifies them by reading. Returns each layer's uncompressed size.
     */
    private long[] verifyAndUnpack(List<Descriptor> layers, ImageConfig config) throws IOException {
        StorageDriver driver = null;
        try {
            io.berth.api.driver.DriverRegistry registry = store.drivers();
            if (registry != null) {
                driver = registry.storage(null);
            }
        } catch (UnavailableException e) {
            driver = null;
        }
        long[] sizes = new long[layers.size()];
        for (int i = 0; i < layers.size(); i++) {
            Descriptor layer = layers.get(i);
            if (isUncompressed(layer)) {
                // An uncompressed layer's digest is its diff id: the content store checked it.
                if (!layer.digest().equals(config.diffIds().get(i))) {
                    throw new InvalidArgumentException("layer " + layer.digest() + " does not match diff id "
                            + config.diffIds().get(i) + " of its image config");
                }
                sizes[i] = layer.size();
            }
        }
        if (driver != null) {
            // Checks the chain too (one verdict, whichever driver unpacks it now or later).
            long[] applied = store.unpack(driver, layers, config.diffIds(), progress);
            for (int i = 0; i < sizes.length; i++) {
                if (applied[i] > 0) {
                    sizes[i] = applied[i];
                }
            }
        }
        // One verdict, whichever driver unpacks the layers now or later (known already if unpacked).
        store.checkChain(layers, config.diffIds());
        for (int i = 0; i < layers.size(); i++) {
            if (sizes[i] == 0) {
                // Compressed and not unpacked now: read it to verify it and learn its size.
                try (InputStream blob = store.content.open(layers.get(i).digest())) {
                    HashingInputStream h = new HashingInputStream(Compression.decompress(blob,
                            "layer " + layers.get(i).digest()), config.diffIds().get(i), "layer " + layers.get(i).digest());
                    h.transferTo(OutputStream.nullOutputStream());
                    sizes[i] = h.count();
                }
            }
        }
        return sizes;
    }

    private boolean isUncompressed(Descriptor layer) throws IOException {
        try (InputStream in = new BufferedInputStream(store.content.open(layer.digest()))) {
            return Compression.detect(in) == Compression.Kind.NONE;
        }
    }

    private String layerMediaType(Digest digest) throws IOException {
        try (InputStream in = new BufferedInputStream(store.content.open(digest))) {
            return switch (Compression.detect(in)) {
                case GZIP -> MediaTypes.OCI_LAYER_GZIP;
                case ZSTD -> MediaTypes.OCI_LAYER_ZSTD;
                default -> MediaTypes.OCI_LAYER;
            };
        }
    }

    // ---------------------------------------------------------------- helpers

    private byte[] memberBytes(String name) throws IOException {
        String resolved = resolveLinks(name);
        byte[] b = small.get(resolved);
        if (b != null) {
            return b;
        }
        Descriptor d = blobs.get(resolved);
        if (d == null) {
            throw new InvalidArgumentException("archive member " + name + " is missing");
        }
        return store.content.read(d.digest());
    }

    private byte[] blob(Digest d) throws IOException {
        try {
            return store.content.read(d);
        } catch (NotFoundException e) {
            throw new InvalidArgumentException("the archive lacks blob " + d);
        }
    }

    private String resolveLinks(String name) {
        String n = name;
        for (int i = 0; i < 16 && links.containsKey(n); i++) {
            n = links.get(n);
        }
        return n;
    }

    private static Digest digestOf(String blobName) {
        String[] parts = blobName.split("/");
        if (parts.length != 3) {
            throw new InvalidArgumentException("archive member " + blobName + " is not blobs/ALGORITHM/HEX");
        }
        return new Digest(parts[1], parts[2]);
    }

    private static Digest digestIn(String name) {
        if (name.startsWith("blobs/")) {
            return digestOf(name);
        }
        String base = name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
        return Digest.isDigest("sha256:" + base) ? Digest.parse("sha256:" + base) : null;
    }

    private static String normalize(String name) {
        String n = name;
        while (n.startsWith("./")) {
            n = n.substring(2);
        }
        while (n.startsWith("/")) {
            n = n.substring(1);
        }
        return n;
    }

    private static String resolveRelative(String from, String target) {
        if (target.startsWith("/")) {
            return normalize(target);
        }
        int slash = from.lastIndexOf('/');
        String base = slash < 0 ? "" : from.substring(0, slash + 1);
        List<String> parts = new ArrayList<>();
        for (String p : (base + target).split("/")) {
            if (p.isEmpty() || p.equals(".")) {
                continue;
            }
            if (p.equals("..")) {
                if (!parts.isEmpty()) {
                    parts.remove(parts.size() - 1);
                }
                continue;
            }
            parts.add(p);
        }
        return String.join("/", parts);
    }

    private static String shortName(String name) {
        String n = name.startsWith("blobs/") ? name.substring(name.lastIndexOf('/') + 1) : name;
        return n.length() > 12 ? n.substring(0, 12) : n;
    }

    private static JsonNode parseArray(byte[] bytes) {
        try {
            JsonNode n = ImageJson.MAPPER.readTree(bytes);
            if (n == null || !n.isArray()) {
                throw new InvalidArgumentException("the archive's manifest.json is not a JSON array");
            }
            return n;
        } catch (IOException e) {
            throw new InvalidArgumentException("the archive's manifest.json is not valid JSON");
        }
    }

    private static List<Long> toList(long[] a) {
        List<Long> out = new ArrayList<>(a.length);
        for (long v : a) {
            out.add(v);
        }
        return out;
    }

    /** Deletes what this load wrote that no image refers to (a failed load, or unused members). */
    private void discardUnused() throws IOException {
        store.discardUnreferenced(written);
    }
}
