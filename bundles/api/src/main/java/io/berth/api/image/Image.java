package io.berth.api.image;

import io.berth.api.content.Digest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An image in the store, as {@code images} lists it. Made by the image store with a
 * {@link Builder}, so that fields can be added without breaking callers; immutable.
 */
public final class Image {
    private final Digest id;
    private final List<String> repoTags;
    private final List<String> repoDigests;
    private final Digest parent;
    private final Instant created;
    private final long size;
    private final Map<String, String> labels;

    private Image(Builder b) {
        id = Objects.requireNonNull(b.id, "id");
        repoTags = b.repoTags == null ? List.of() : List.copyOf(b.repoTags);
        repoDigests = b.repoDigests == null ? List.of() : List.copyOf(b.repoDigests);
        parent = b.parent;
        created = b.created;
        size = b.size;
        labels = b.labels == null ? Map.of() : Map.copyOf(b.labels);
    }

    /** Whether no tag points at the image. */
    public boolean dangling() {
        return repoTags.isEmpty();
    }

    /** A builder with nothing set. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this one. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.id = id;
        b.repoTags = repoTags;
        b.repoDigests = repoDigests;
        b.parent = parent;
        b.created = created;
        b.size = size;
        b.labels = labels;
        return b;
    }

    /** The image id: the digest of its config. */
    public Digest id() {
        return id;
    }

    /** The tags that point at it, familiar form ({@code busybox:latest}); empty for a dangling image. */
    public List<String> repoTags() {
        return repoTags;
    }

    /** {@code name@digest} for each repository it was pulled from or pushed to. */
    public List<String> repoDigests() {
        return repoDigests;
    }

    /** The local image it was made from (by a commit), or {@code null}. */
    public Digest parent() {
        return parent;
    }

    /** When the image was made, from its config, or {@code null}. */
    public Instant created() {
        return created;
    }

    /** The uncompressed size of all its layers, in bytes. */
    public long size() {
        return size;
    }

    /** The config's labels; empty if none. */
    public Map<String, String> labels() {
        return labels;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Image c && Objects.equals(id, c.id) && Objects.equals(repoTags, c.repoTags)
                && Objects.equals(repoDigests, c.repoDigests) && Objects.equals(parent, c.parent)
                && Objects.equals(created, c.created) && size == c.size && Objects.equals(labels, c.labels);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, repoTags, repoDigests, parent, created, size, labels);
    }

    @Override
    public String toString() {
        return "Image[" + "id=" + id + ", repoTags=" + repoTags + ", repoDigests=" + repoDigests +
                ", parent=" + parent + ", created=" + created + ", size=" + size + ", labels=" + labels + "]";
    }

    /** Sets a {@link Image}'s fields. */
    public static final class Builder {
        private Digest id;
        private List<String> repoTags;
        private List<String> repoDigests;
        private Digest parent;
        private Instant created;
        private long size;
        private Map<String, String> labels;

        private Builder() {
        }

        public Builder id(Digest id) {
            this.id = id;
            return this;
        }

        public Builder repoTags(List<String> repoTags) {
            this.repoTags = repoTags;
            return this;
        }

        public Builder repoDigests(List<String> repoDigests) {
            this.repoDigests = repoDigests;
            return this;
        }

        public Builder parent(Digest parent) {
            this.parent = parent;
            return this;
        }

        public Builder created(Instant created) {
            this.created = created;
            return this;
        }

        public Builder size(long size) {
            this.size = size;
            return this;
        }

        public Builder labels(Map<String, String> labels) {
            this.labels = labels;
            return this;
        }

        public Image build() {
            return new Image(this);
        }
    }
}
