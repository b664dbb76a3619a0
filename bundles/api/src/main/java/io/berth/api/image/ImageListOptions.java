package io.berth.api.image;

import io.berth.api.Filters;
import java.util.Objects;

/**
 * Which images {@link ImageStore#list(ImageListOptions)} returns, as docker's {@code images} (and
 * the API's {@code GET /images/json}) asks. Without {@code all}, untagged images that other images
 * are built on (a commit's parent) are left out. Filters, as docker's daemon takes them:
 * {@code dangling} ({@code true}: untagged images only; {@code false}: tagged ones),
 * {@code label} ({@code key} or {@code key=value}), {@code before} and {@code since} (made before
 * or after an image, by name or id), {@code reference} (a name pattern with {@code *} and
 * {@code ?}, such as {@code busy*} or {@code busybox:1.*}; an image is listed with only the tags
 * and digests that match). Made with a {@link Builder}; immutable.
 */
public final class ImageListOptions {
    /** What plain {@code images} lists. */
    public static final ImageListOptions DEFAULT = builder().build();

    private final boolean all;
    private final Filters filters;

    private ImageListOptions(Builder b) {
        all = b.all;
        filters = b.filters == null ? Filters.NONE : b.filters;
    }

    /** A builder with nothing set. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this one. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.all = all;
        b.filters = filters;
        return b;
    }

    /** Whether untagged images with children are included. */
    public boolean all() {
        return all;
    }

    /** The filters. */
    public Filters filters() {
        return filters;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageListOptions c && all == c.all && Objects.equals(filters, c.filters);
    }

    @Override
    public int hashCode() {
        return Objects.hash(all, filters);
    }

    @Override
    public String toString() {
        return "ImageListOptions[" + "all=" + all + ", filters=" + filters + "]";
    }

    /** Sets a {@link ImageListOptions}'s fields. */
    public static final class Builder {
        private boolean all;
        private Filters filters;

        private Builder() {
        }

        public Builder all(boolean all) {
            this.all = all;
            return this;
        }

        public Builder filters(Filters filters) {
            this.filters = filters;
            return this;
        }

        public ImageListOptions build() {
            return new ImageListOptions(this);
        }
    }
}
