package io.berth.image.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.api.content.Descriptor;
import io.berth.api.content.Digest;
import io.berth.api.content.MediaTypes;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The layout's {@code index.json}, which is the list of images: one entry per tag (its
 * {@code org.opencontainers.image.ref.name} the full reference, so skopeo and umoci find it as
 * {@code oci:ROOT:docker.io/library/busybox:latest}), and one entry without a name for each image
 * that has no tag. Berth's own facts ride along as {@code io.berth.*} annotations. Written by
 * temporary file, fsync and rename: a crash leaves the old list or the new one.
 */
final class ImageIndex {
    static final String REF_NAME = "org.opencontainers.image.ref.name";
    private static final String TAGGED_AT = "io.berth.image.tagged-at";
    private static final String REPO_DIGESTS = "io.berth.image.repo-digests";
    private static final String PARENT = "io.berth.image.parent";
    private static final String LAYER_SIZES = "io.berth.image.layer-sizes";
    private static final String ID = "io.berth.image.id";

    private final Path file;

    ImageIndex(Path layoutRoot) throws IOException {
        this.file = layoutRoot.resolve("index.json");
        Path layout = layoutRoot.resolve("oci-layout");
        if (!Files.exists(layout)) {
            write(layout, "{\"imageLayoutVersion\":\"" + MediaTypes.OCI_LAYOUT_VERSION + "\"}");
        }
        if (!Files.exists(file)) {
            save(List.of());
        }
    }

    /** Reads the images; {@code idOf} finds an image's id (config digest) from its manifest if not annotated. */
    Map<Digest, ImageRecord> load(Function<Descriptor, Digest> idOf) throws IOException {
        JsonNode root = ImageJson.parse(Files.readAllBytes(file), file.toString());
        Map<Digest, ImageRecord> images = new LinkedHashMap<>();
        for (JsonNode entry : root.path("manifests")) {
            Descriptor d = ImageJson.descriptor(entry, file + " entry");
            Map<String, String> a = d.annotations();
            Digest id = a.containsKey(ID) ? Digest.parse(a.get(ID)) : idOf.apply(d);
            Descriptor manifest = new Descriptor(d.mediaType(), d.digest(), d.size());
            ImageRecord record = images.get(id);
            if (record == null) {
                List<Long> sizes = new ArrayList<>();
                if (a.containsKey(LAYER_SIZES) && !a.get(LAYER_SIZES).isEmpty()) {
                    Arrays.stream(a.get(LAYER_SIZES).split(",")).forEach(s -> sizes.add(Long.parseLong(s)));
                }
                List<String> repoDigests = a.containsKey(REPO_DIGESTS) && !a.get(REPO_DIGESTS).isEmpty()
                        ? List.of(a.get(REPO_DIGESTS).split(",")) : List.of();
                record = new ImageRecord(id, manifest, Map.of(), repoDigests,
                        a.containsKey(PARENT) ? Digest.parse(a.get(PARENT)) : null, sizes);
            }
            if (a.containsKey(REF_NAME)) {
                record = record.withTag(a.get(REF_NAME),
                        a.containsKey(TAGGED_AT) ? Instant.parse(a.get(TAGGED_AT)) : Instant.EPOCH);
            }
            images.put(id, record);
        }
        return images;
    }

    /** Writes the images, atomically. */
    void save(Collection<ImageRecord> images) throws IOException {
        ObjectNode root = ImageJson.MAPPER.createObjectNode();
        root.put("schemaVersion", 2);
        root.put("mediaType", MediaTypes.OCI_INDEX);
        ArrayNode manifests = root.putArray("manifests");
        for (ImageRecord r : images) {
            Map<String, String> common = new LinkedHashMap<>();
            common.put(ID, r.id().toString());
            if (!r.layerSizes().isEmpty()) {
                common.put(LAYER_SIZES, String.join(",", r.layerSizes().stream().map(String::valueOf).toList()));
            }
            if (!r.repoDigests().isEmpty()) {
                common.put(REPO_DIGESTS, String.join(",", r.repoDigests()));
            }
            if (r.parent() != null) {
                common.put(PARENT, r.parent().toString());
            }
            if (r.tags().isEmpty()) {
                manifests.add(ImageJson.descriptor(new Descriptor(r.manifest().mediaType(), r.manifest().digest(),
                        r.manifest().size(), common, null, List.of())));
            }
            for (String tag : r.orderedTags()) {
                Map<String, String> a = new LinkedHashMap<>(common);
                a.put(REF_NAME, tag);
                a.put(TAGGED_AT, r.tags().get(tag).toString());
                manifests.add(ImageJson.descriptor(new Descriptor(r.manifest().mediaType(), r.manifest().digest(),
                        r.manifest().size(), a, null, List.of())));
            }
        }
        write(file, new String(ImageJson.bytes(root), java.nio.charset.StandardCharsets.UTF_8));
    }

    private static void write(Path target, String content) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            c.write(java.nio.ByteBuffer.wrap(content.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            c.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel dir = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        }
    }
}
