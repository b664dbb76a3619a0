package io.berth.api.runtime;

import java.util.Objects;

/**
 * Resource limits for a container's cgroup. Zero or negative means unlimited, except where noted.
 * Made with a {@link Builder}, so that limits can be added without breaking callers; immutable.
 */
public final class Resources {
    /** No limits at all. */
    public static final Resources NONE = builder().build();

    private final long memory;
    private final long memorySwap;
    private final long cpuQuota;
    private final long cpuPeriod;
    private final long cpuShares;
    private final String cpusetCpus;
    private final long pidsLimit;

    private Resources(Builder b) {
        memory = b.memory;
        memorySwap = b.memorySwap;
        cpuQuota = b.cpuQuota;
        cpuPeriod = b.cpuPeriod;
        cpuShares = b.cpuShares;
        cpusetCpus = b.cpusetCpus;
        pidsLimit = b.pidsLimit;
    }

    /** A builder with nothing set. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this one. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.memory = memory;
        b.memorySwap = memorySwap;
        b.cpuQuota = cpuQuota;
        b.cpuPeriod = cpuPeriod;
        b.cpuShares = cpuShares;
        b.cpusetCpus = cpusetCpus;
        b.pidsLimit = pidsLimit;
        return b;
    }

    /** Memory limit in bytes ({@code --memory}). */
    public long memory() {
        return memory;
    }

    /**
     * Memory plus swap in bytes ({@code --memory-swap}); {@code -1} for unlimited swap, {@code 0} for twice the
     * memory limit as docker does.
     */
    public long memorySwap() {
        return memorySwap;
    }

    /** CPU time in microseconds per {@link #cpuPeriod} ({@code --cpus} times the period). */
    public long cpuQuota() {
        return cpuQuota;
    }

    /** The CFS period in microseconds, usually 100000. */
    public long cpuPeriod() {
        return cpuPeriod;
    }

    /** Relative CPU weight ({@code --cpu-shares}, default 1024). */
    public long cpuShares() {
        return cpuShares;
    }

    /** CPUs the container may use ({@code 0-1}, {@code 0,2}), or {@code null}. */
    public String cpusetCpus() {
        return cpusetCpus;
    }

    /** Maximum number of processes ({@code --pids-limit}). */
    public long pidsLimit() {
        return pidsLimit;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Resources c && memory == c.memory && memorySwap == c.memorySwap
                && cpuQuota == c.cpuQuota && cpuPeriod == c.cpuPeriod && cpuShares == c.cpuShares
                && Objects.equals(cpusetCpus, c.cpusetCpus) && pidsLimit == c.pidsLimit;
    }

    @Override
    public int hashCode() {
        return Objects.hash(memory, memorySwap, cpuQuota, cpuPeriod, cpuShares, cpusetCpus, pidsLimit);
    }

    @Override
    public String toString() {
        return "Resources[" + "memory=" + memory + ", memorySwap=" + memorySwap + ", cpuQuota=" + cpuQuota +
                ", cpuPeriod=" + cpuPeriod + ", cpuShares=" + cpuShares + ", cpusetCpus=" + cpusetCpus +
                ", pidsLimit=" + pidsLimit + "]";
    }

    /** Sets a {@link Resources}'s fields. */
    public static final class Builder {
        private long memory;
        private long memorySwap;
        private long cpuQuota;
        private long cpuPeriod;
        private long cpuShares;
        private String cpusetCpus;
        private long pidsLimit;

        private Builder() {
        }

        public Builder memory(long memory) {
            this.memory = memory;
            return this;
        }

        public Builder memorySwap(long memorySwap) {
            this.memorySwap = memorySwap;
            return this;
        }

        public Builder cpuQuota(long cpuQuota) {
            this.cpuQuota = cpuQuota;
            return this;
        }

        public Builder cpuPeriod(long cpuPeriod) {
            this.cpuPeriod = cpuPeriod;
            return this;
        }

        public Builder cpuShares(long cpuShares) {
            this.cpuShares = cpuShares;
            return this;
        }

        public Builder cpusetCpus(String cpusetCpus) {
            this.cpusetCpus = cpusetCpus;
            return this;
        }

        public Builder pidsLimit(long pidsLimit) {
            this.pidsLimit = pidsLimit;
            return this;
        }

        public Resources build() {
            return new Resources(this);
        }
    }
}
