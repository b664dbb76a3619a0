package io.berth.api.container;

import io.berth.api.Filters;
import java.util.Objects;

/**
 * Which containers {@link ContainerService#list} returns, as docker's {@code ps} (and the API's
 * {@code GET /containers/json}) asks: running ones, or all; at most the last {@code limit} made;
 * those that pass the filters. Filters, as docker's daemon takes them: {@code id} and
 * {@code name} (regular expressions searched in the id and name), {@code label} ({@code key} or
 * {@code key=value}), {@code status} ({@code created}, {@code restarting}, {@code running},
 * {@code removing}, {@code paused}, {@code exited}, {@code dead}), {@code exited} (an exit code),
 * {@code ancestor} (an image, or an image built on it, by name or id), {@code before} and
 * {@code since} (made before or after a container, by name or id), {@code health}
 * ({@code starting}, {@code healthy}, {@code unhealthy}, {@code none}). A {@code status},
 * {@code exited} or {@code limit} shows containers that are not running without {@code all}.
 * Made with a {@link Builder}; immutable.
 */
public final class ContainerListOptions {
    /** Running containers, no filter: plain {@code ps}. */
    public static final ContainerListOptions RUNNING = builder().build();
    /** Every container: {@code ps -a}. */
    public static final ContainerListOptions ALL = builder().all(true).build();

    private final boolean all;
    private final int limit;
    private final boolean size;
    private final Filters filters;

    private ContainerListOptions(Builder b) {
        all = b.all;
        limit = b.limit;
        size = b.size;
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
        b.limit = limit;
        b.size = size;
        b.filters = filters;
        return b;
    }

    /** Whether containers that are not running are included. */
    public boolean all() {
        return all;
    }

    /** At most this many, the newest; 0 or less for no limit. */
    public int limit() {
        return limit;
    }

    /** Whether to compute each one's {@link Container#sizeRw()} (walks their files). */
    public boolean size() {
        return size;
    }

    /** The filters. */
    public Filters filters() {
        return filters;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ContainerListOptions c && all == c.all && limit == c.limit && size == c.size
                && Objects.equals(filters, c.filters);
    }

    @Override
    public int hashCode() {
        return Objects.hash(all, limit, size, filters);
    }

    @Override
    public String toString() {
        return "ContainerListOptions[" + "all=" + all + ", limit=" + limit + ", size=" + size +
                ", filters=" + filters + "]";
    }

    /** Sets a {@link ContainerListOptions}'s fields. */
    public static final class Builder {
        private boolean all;
        private int limit;
        private boolean size;
        private Filters filters;

        private Builder() {
        }

        public Builder all(boolean all) {
            this.all = all;
            return this;
        }

        public Builder limit(int limit) {
            this.limit = limit;
            return this;
        }

        public Builder size(boolean size) {
            this.size = size;
            return this;
        }

        public Builder filters(Filters filters) {
            this.filters = filters;
            return this;
        }

        public ContainerListOptions build() {
            return new ContainerListOptions(this);
        }
    }
}
