package io.berth.image.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.api.InvalidArgumentException;
import io.berth.api.content.Descriptor;
import io.berth.api.content.Digest;
import io.berth.api.content.MediaTypes;
import io.berth.api.image.ArchiveFormat;
import io.berth.api.image.ImageConfig;
import io.berth.api.image.ImageReference;
import io.berth.layers.tar.TarHeader;
import io.berth.layers.tar.TarWriter;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes images to an archive: docker's {@code save} format (what {@code docker load} and
 * {@code skopeo docker-archive:} read: {@code manifest.json}, {@code repositories}, the configs
 * as {@code HEX.json}, each layer uncompressed as {@code HEX/layer.tar}), or an OCI image layout
 * in a tar. Each blob is written once however many images share it.
 */
final class ArchiveWriter {
    private final LocalImageStore store;

    ArchiveWriter(LocalImageStore store) {
        this.store = store;
    }

    void save(List<String> namesOrIds, ArchiveFormat format, OutputStream out) throws IOException {
        if (namesOrIds.isEmpty()) {
            throw new InvalidArgumentException("nothing to save: name at least one image");
        }
        // Which images, and which of their tags: a tag names itself only, an id all of them.
        Map<Digest, ImageRecord> records = new LinkedHashMap<>();
        Map<Digest, Set<String>> tags = new LinkedHashMap<>();
        for (String name : namesOrIds) {
            ImageRecord r = store.resolve(name);
            records.put(r.id(), r);
            Set<String> t = tags.computeIfAbsent(r.id(), k -> new LinkedHashSet<>());
            String tag = tagNamed(name, r);
            if (tag != null) {
                t.add(tag);
            } else {
                t.addAll(r.orderedTags());
            }
        }
        TarWriter tar = new TarWriter(out);
        if (format == ArchiveFormat.DOCKER) {
            writeDocker(tar, records, tags);
        } else {
            writeOci(tar, records, tags);
        }
        tar.finish();
        out.flush();
    }

    private static String tagNamed(String name, ImageRecord r) {
        String full = fullTag(name);
        return full != null && r.tags().containsKey(full) ? full : null;
    }

    private static String fullTag(String name) {
        try {
            ImageReference ref = ImageReference.parse(name);
            return ref.digest() != null ? null : ref.withDefaultTag().toString();
        } catch (InvalidArgumentException e) {
            return null;
        }
    }

    private void writeDocker(TarWriter tar, Map<Digest, ImageRecord> records, Map<Digest, Set<String>> tags)
            throws IOException {
        ArrayNode manifest = ImageJson.MAPPER.createArrayNode();
        ObjectNode repositories = ImageJson.MAPPER.createObjectNode();
        Set<String> writtenLayers = new HashSet<>();
        for (ImageRecord r : records.values()) {
            ImageConfig config = store.config(r);
            List<Descriptor> layers = store.manifest(r).layers();
            List<String> layerPaths = new ArrayList<>();
            String parent = null;
            for (int i = 0; i < layers.size(); i++) {
                String dir = config.diffIds().get(i).hex();
                String path = dir + "/layer.tar";
                layerPaths.add(path);
                if (writtenLayers.add(dir)) {
                    directory(tar, dir + "/");
                    file(tar, dir + "/VERSION", "1.0".getBytes(StandardCharsets.US_ASCII));
                    ObjectNode v1 = ImageJson.MAPPER.createObjectNode().put("id", dir);
                    if (parent != null) {
                        v1.put("parent", parent);
                    }
                    file(tar, dir + "/json", ImageJson.bytes(v1));
                    long size = i < r.layerSizes().size() ? r.layerSizes().get(i) : -1;
                    writeUncompressed(tar, path, layers.get(i), size);
                }
                parent = dir;
            }
            file(tar, r.id().hex() + ".json", store.content.read(r.id()));
            ObjectNode entry = manifest.addObject();
            entry.put("Config", r.id().hex() + ".json");
            ArrayNode repoTags = entry.putArray("RepoTags");
            for (String t : tags.get(r.id())) {
                ImageReference ref = ImageReference.parse(t);
                repoTags.add(ref.familiar());
                if (parent != null) {
                    ObjectNode repo = repositories.has(ref.familiarName()) ? (ObjectNode) repositories.get(ref.familiarName())
                            : repositories.putObject(ref.familiarName());
                    repo.put(ref.tag(), parent);
                }
            }
            ArrayNode layerArray = entry.putArray("Layers");
            layerPaths.forEach(layerArray::add);
        }
        file(tar, "manifest.json", ImageJson.bytes(manifest));
        file(tar, "repositories", ImageJson.bytes(repositories));
    }

    private void writeUncompressed(TarWriter tar, String path, Descriptor layer, long knownSize) throws IOException {
        long size = knownSize;
        if (size < 0) {
            try (InputStream in = Compression.decompress(store.content.open(layer.digest()), "layer " + layer.digest())) {
                size = in.transferTo(OutputStream.nullOutputStream());
            }
        }
        TarHeader h = new TarHeader(path, TarHeader.REGULAR);
        h.mode = 0644;
        h.size = size;
        tar.putEntry(h);
        try (InputStream in = Compression.decompress(new BufferedInputStream(store.content.open(layer.digest()), 256 * 1024),
                "layer " + layer.digest())) {
            tar.write(in);
        }
    }

    private void writeOci(TarWriter tar, Map<Digest, ImageRecord> records, Map<Digest, Set<String>> tags) throws IOException {
        file(tar, "oci-layout", ("{\"imageLayoutVersion\":\"" + MediaTypes.OCI_LAYOUT_VERSION + "\"}")
                .getBytes(StandardCharsets.US_ASCII));
        ObjectNode index = ImageJson.MAPPER.createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", MediaTypes.OCI_INDEX);
        ArrayNode manifests = index.putArray("manifests");
        Set<Digest> written = new HashSet<>();
        directory(tar, "blobs/");
        directory(tar, "blobs/sha256/");
        for (ImageRecord r : records.values()) {
            ImageJson.Manifest m = store.manifest(r);
            blob(tar, r.manifest().digest(), written);
            blob(tar, m.config().digest(), written);
            for (Descriptor l : m.layers()) {
                blob(tar, l.digest(), written);
            }
            Set<String> t = tags.get(r.id());
            if (t.isEmpty()) {
                manifests.add(ImageJson.descriptor(r.manifest()));
            }
            for (String tag : t) {
                ImageReference ref = ImageReference.parse(tag);
                manifests.add(ImageJson.descriptor(new Descriptor(r.manifest().mediaType(), r.manifest().digest(),
                        r.manifest().size(), Map.of("io.containerd.image.name", ref.toString(),
                        ImageIndex.REF_NAME, ref.tag()), null, List.of())));
            }
        }
        file(tar, "index.json", ImageJson.bytes(index));
    }

    private void blob(TarWriter tar, Digest d, Set<Digest> written) throws IOException {
        if (!written.add(d)) {
            return;
        }
        TarHeader h = new TarHeader("blobs/" + d.algorithm() + "/" + d.hex(), TarHeader.REGULAR);
        h.mode = 0444;
        h.size = store.content.info(d).orElseThrow(() -> new IOException("blob " + d + " is missing")).size();
        tar.putEntry(h);
        try (InputStream in = store.content.open(d)) {
            tar.write(in);
        }
    }

    private static void directory(TarWriter tar, String name) throws IOException {
        TarHeader h = new TarHeader(name, TarHeader.DIRECTORY);
        h.mode = 0755;
        tar.putEntry(h);
    }

    private static void file(TarWriter tar, String name, byte[] content) throws IOException {
        TarHeader h = new TarHeader(name, TarHeader.REGULAR);
        h.mode = 0644;
        h.size = content.length;
        tar.putEntry(h);
        tar.write(content, 0, content.length);
    }
}
