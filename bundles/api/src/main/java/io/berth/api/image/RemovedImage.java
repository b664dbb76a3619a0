package io.berth.api.image;

/**
 * One line of what {@code rmi} and {@code image prune} did, as docker prints it:
 * {@code Untagged: busybox:latest} or {@code Deleted: sha256:...}.
 *
 * @param untagged the reference removed, or {@code null}
 * @param deleted the image id or layer deleted, or {@code null}
 */
public record RemovedImage(String untagged, String deleted) {
    public static RemovedImage untagged(String reference) {
        return new RemovedImage(reference, null);
    }

    public static RemovedImage deleted(String id) {
        return new RemovedImage(null, id);
    }

    @Override
    public String toString() {
        return untagged != null ? "Untagged: " + untagged : "Deleted: " + deleted;
    }
}
