package io.berth.api.container;

import io.berth.api.image.ImageReference;
import java.util.List;
import java.util.Objects;

/**
 * How {@code commit} makes an image of a container's changes. Made with a {@link Builder}, so that
 * options can be added without breaking callers; immutable.
 */
public final class CommitRequest {
    private final ImageReference reference;
    private final String author;
    private final String comment;
    private final List<String> changes;
    private final boolean pause;

    private CommitRequest(Builder b) {
        reference = b.reference;
        author = b.author == null ? "" : b.author;
        comment = b.comment == null ? "" : b.comment;
        changes = b.changes == null ? List.of() : List.copyOf(b.changes);
        pause = b.pause;
    }

    /** A request with docker's defaults: untagged, no author, message or changes, the container paused. */
    public static Builder builder() {
        return new Builder().pause(true);
    }

    /** A builder starting from this one. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.reference = reference;
        b.author = author;
        b.comment = comment;
        b.changes = changes;
        b.pause = pause;
        return b;
    }

    /** The new image's name, or {@code null} for an untagged image. */
    public ImageReference reference() {
        return reference;
    }

    /** The image's author ({@code -a}); empty if none. */
    public String author() {
        return author;
    }

    /** The commit message ({@code -m}); empty if none. */
    public String comment() {
        return comment;
    }

    /**
     * Dockerfile instructions applied to the image's config ({@code -c}: {@code CMD}, {@code ENV}, {@code
     * LABEL}...).
     */
    public List<String> changes() {
        return changes;
    }

    /** Whether a running container is paused while its changes are read (docker's default). */
    public boolean pause() {
        return pause;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CommitRequest c && Objects.equals(reference, c.reference)
                && Objects.equals(author, c.author) && Objects.equals(comment, c.comment)
                && Objects.equals(changes, c.changes) && pause == c.pause;
    }

    @Override
    public int hashCode() {
        return Objects.hash(reference, author, comment, changes, pause);
    }

    @Override
    public String toString() {
        return "CommitRequest[" + "reference=" + reference + ", author=" + author + ", comment=" + comment +
                ", changes=" + changes + ", pause=" + pause + "]";
    }

    /** Sets a {@link CommitRequest}'s fields. */
    public static final class Builder {
        private ImageReference reference;
        private String author;
        private String comment;
        private List<String> changes;
        private boolean pause;

        private Builder() {
        }

        public Builder reference(ImageReference reference) {
            this.reference = reference;
            return this;
        }

        public Builder author(String author) {
            this.author = author;
            return this;
        }

        public Builder comment(String comment) {
            this.comment = comment;
            return this;
        }

        public Builder changes(List<String> changes) {
            this.changes = changes;
            return this;
        }

        public Builder pause(boolean pause) {
            this.pause = pause;
            return this;
        }

        public CommitRequest build() {
            return new CommitRequest(this);
        }
    }
}
