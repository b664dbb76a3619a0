package io.berth.image.internal;

import io.berth.api.content.Descriptor;
import io.berth.api.content.Digest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One image as the store keeps it: its id (the config digest), the manifest kept for it, its tags
 * (full references) with when each was set, the digests it is known by in registries, its local
 * parent, and its layers' uncompressed sizes.
 *
 * @param id the config digest
 * @param manifest the manifest's descriptor
 * @param tags full references, {@code docker.io/library/busybox:latest}, to when they were set
 * @param repoDigests {@code NAME@sha256:...} references
 * @param parent the local parent image, or {@code null}
 * @param layerSizes the uncompressed size of each layer, base first
 */
record ImageRecord(Digest id, Descriptor manifest, Map<String, Instant> tags, List<String> repoDigests, Digest parent,
                   List<Long> layerSizes) {
    ImageRecord {
        tags = Map.copyOf(tags);
        repoDigests = List.copyOf(repoDigests);
        layerSizes = List.copyOf(layerSizes);
    }

    long size() {
        return layerSizes.stream().mapToLong(Long::longValue).sum();
    }

    /** Tags in the order they were set. */
    List<String> orderedTags() {
        List<Map.Entry<String, Instant>> entries = new ArrayList<>(tags.entrySet());
        entries.sort(Map.Entry.<String, Instant>comparingByValue().thenComparing(Map.Entry.comparingByKey()));
        return entries.stream().map(Map.Entry::getKey).toList();
    }

    Instant lastTagTime() {
        return tags.values().stream().max(Instant::compareTo).orElse(null);
    }

    ImageRecord withTag(String tag, Instant when) {
        Map<String, Instant> t = new LinkedHashMap<>(tags);
        t.put(tag, when);
        return new ImageRecord(id, manifest, t, repoDigests, parent, layerSizes);
    }

    ImageRecord withoutTag(String tag) {
        Map<String, Instant> t = new LinkedHashMap<>(tags);
        t.remove(tag);
        return new ImageRecord(id, manifest, t, repoDigests, parent, layerSizes);
    }

    ImageRecord withoutRepoDigest(String repoDigest) {
        List<String> r = new ArrayList<>(repoDigests);
        r.remove(repoDigest);
        return new ImageRecord(id, manifest, tags, r, parent, layerSizes);
    }

    ImageRecord withRepoDigest(String repoDigest) {
        if (repoDigests.contains(repoDigest)) {
            return this;
        }
        List<String> r = new ArrayList<>(repoDigests);
        r.add(repoDigest);
        return new ImageRecord(id, manifest, tags, r, parent, layerSizes);
    }
}
