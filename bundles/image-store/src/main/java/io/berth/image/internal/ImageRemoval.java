package io.berth.image.internal;

import io.berth.api.ConflictException;
import io.berth.api.InvalidArgumentException;
import io.berth.api.image.ImageReference;
import io.berth.api.image.PruneResult;
import io.berth.api.image.RemovedImage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code rmi} and {@code image prune}: which names and images go, in docker's order and words,
 * under the store's lock; then the {@link ImageCollector} deletes what no image uses any more.
 */
final class ImageRemoval {
    private final LocalImageStore store;
    private final ImageCollector collector;

    ImageRemoval(LocalImageStore store, ImageCollector collector) {
        this.store = store;
        this.collector = collector;
    }

    List<RemovedImage> remove(String nameOrId, boolean force, boolean noPrune) throws IOException {
        List<RemovedImage> out = new ArrayList<>();
        List<ImageRecord> deleted = new ArrayList<>();
        String imageId;
        store.lock.lock();
        try {
            ImageRecord r = store.resolve(nameOrId);
            imageId = r.id().toString();
            String tag = referencedTag(nameOrId, r);
            List<String> usedBy = store.usersOf(r.id());
            if (tag != null && !singleReference(r)) {
                // One of several names: the name goes, and with a tag the digests of its repository when no other
                // tag of it is left; the image goes too if that was all (docker's ImageDelete).
                ImageRecord current = tag.contains("@") ? r.withoutRepoDigest(tag) : r.withoutTag(tag);
                out.add(RemovedImage.untagged(ImageReference.parse(tag).familiar()));
                String repository = ImageReference.parse(tag).name();
                if (!tag.contains("@") && current.tags().keySet().stream()
                        .noneMatch(t -> ImageReference.parse(t).name().equals(repository))) {
                    for (String d : r.repoDigests()) {
                        if (ImageReference.parse(d).name().equals(repository)) {
                            current = current.withoutRepoDigest(d);
                            out.add(RemovedImage.untagged(ImageReference.parse(d).familiar()));
                        }
                    }
                }
                if (!current.tags().isEmpty() || !current.repoDigests().isEmpty() || !usedBy.isEmpty()) {
                    store.images.put(r.id(), current);
                } else {
                    deleteRecord(r, deleted, out, noPrune);
                }
            } else {
                if (tag == null && !force && repositories(r).size() > 1) {
                    throw new ConflictException("conflict: unable to delete " + r.id().shortHex()
                            + " (must be forced) - image is referenced in multiple repositories");
                }
                if (!usedBy.isEmpty() && !force) {
                    throw new ConflictException(tag != null
                            ? "conflict: unable to remove repository reference \"" + nameOrId
                            + "\" (must force) - " + usedBy.get(0).replaceFirst("^(running|stopped) ", "")
                            + " is using its referenced image " + r.id().shortHex()
                            : "conflict: unable to delete " + r.id().shortHex() + " (must be forced) - image is being used by "
                            + usedBy.get(0));
                }
                ImageRecord current = r;
                for (String t : r.orderedTags()) {
                    current = current.withoutTag(t);
                    out.add(RemovedImage.untagged(ImageReference.parse(t).familiar()));
                }
                for (String d : r.repoDigests()) {
                    out.add(RemovedImage.untagged(ImageReference.parse(d).familiar()));
                }
                if (usedBy.isEmpty()) {
                    deleteRecord(r, deleted, out, noPrune);
                } else {
                    // Forced while in use: the image stays, untagged (dangling), as docker does.
                    store.images.put(r.id(), new ImageRecord(r.id(), r.manifest(), Map.of(), List.of(), r.parent(), r.layerSizes()));
                }
            }
            store.index.save(store.images.values());
        } finally {
            store.lock.unlock();
        }
        collector.collect(deleted);
        // As docker: an untag names the image by its id, whichever name went.
        for (RemovedImage removed : out) {
            if (removed.untagged() != null) {
                store.publish("untag", imageId, imageId);
            }
        }
        for (ImageRecord r : deleted) {
            store.publish("delete", r.id().toString(), r.id().toString());
        }
        return out;
    }

    /** The tag or repository digest {@code nameOrId} names, if it names one of {@code r}'s (not an id). */
    private static String referencedTag(String nameOrId, ImageRecord r) {
        if (nameOrId.startsWith("sha256:") || LocalImageStore.FULL_ID.matcher(nameOrId).matches()) {
            return null;
        }
        try {
            ImageReference ref = ImageReference.parse(nameOrId);
            if (ref.digest() != null) {
                String canonical = ref.name() + "@" + ref.digest();
                return r.repoDigests().contains(canonical) ? canonical : null;
            }
            String tag = ref.withDefaultTag().toString();
            return r.tags().containsKey(tag) ? tag : null;
        } catch (InvalidArgumentException e) {
            return null;
        }
    }

    /**
     * docker's {@code isSingleReference}: the image's names are one tag at most, and all in one
     * repository with its digests; removing such a name removes the image.
     */
    private static boolean singleReference(ImageRecord r) {
        Set<String> repositories = new HashSet<>();
        r.tags().keySet().forEach(t -> repositories.add(ImageReference.parse(t).name()));
        r.repoDigests().forEach(d -> repositories.add(ImageReference.parse(d).name()));
        return r.tags().size() <= 1 && repositories.size() <= 1;
    }

    private static Set<String> repositories(ImageRecord r) {
        Set<String> names = new HashSet<>();
        for (String t : r.tags().keySet()) {
            names.add(ImageReference.parse(t).name());
        }
        return names;
    }

    private void deleteRecord(ImageRecord r, List<ImageRecord> deleted, List<RemovedImage> out, boolean noPrune) throws IOException {
        store.images.remove(r.id());
        deleted.add(r);
        out.add(RemovedImage.deleted(r.id().toString()));
        // As docker: then each of its layers no other image has, the top one first, by chain id.
        Set<String> kept = new HashSet<>();
        for (ImageRecord other : store.images.values()) {
            kept.addAll(ChainIds.of(store.config(other).diffIds()));
        }
        List<String> chains = ChainIds.of(store.config(r).diffIds());
        for (int i = chains.size() - 1; i >= 0; i--) {
            if (!kept.contains(chains.get(i))) {
                out.add(RemovedImage.deleted(chains.get(i)));
            }
        }
        if (noPrune || r.parent() == null) {
            return;
        }
        ImageRecord parent = store.images.get(r.parent());
        if (parent != null && parent.tags().isEmpty() && store.usersOf(parent.id()).isEmpty()
                && store.images.values().stream().noneMatch(i -> parent.id().equals(i.parent()))) {
            deleteRecord(parent, deleted, out, false);
        }
    }

    PruneResult prune(boolean all) throws IOException {
        List<RemovedImage> out = new ArrayList<>();
        List<ImageRecord> deleted = new ArrayList<>();
        store.lock.lock();
        try {
            boolean more = true;
            while (more) {
                more = false;
                for (ImageRecord r : new ArrayList<>(store.images.values())) {
                    boolean candidate = all || r.tags().isEmpty();
                    boolean hasChild = store.images.values().stream().anyMatch(i -> r.id().equals(i.parent()));
                    if (candidate && !hasChild && store.usersOf(r.id()).isEmpty()) {
                        for (String t : r.orderedTags()) {
                            out.add(RemovedImage.untagged(ImageReference.parse(t).familiar()));
                        }
                        store.images.remove(r.id());
                        deleted.add(r);
                        out.add(RemovedImage.deleted(r.id().toString()));
                        more = true;
                    }
                }
            }
            store.index.save(store.images.values());
        } finally {
            store.lock.unlock();
        }
        long reclaimed = collector.collect(deleted);
        reclaimed += collector.collectOrphans();
        return new PruneResult(out, reclaimed);
    }
}
