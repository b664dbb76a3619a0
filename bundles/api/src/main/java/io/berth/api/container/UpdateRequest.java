package io.berth.api.container;

import io.berth.api.runtime.Resources;

import java.util.Objects;

/**
 * What {@code update} changes of a container, as docker's {@code UpdateConfig}: resource limits and
 * the restart policy. What is not set stays as it is. Made with a {@link Builder}, so that fields
 * can be added without breaking callers; immutable.
 * <pre>{@code
 * containers.update("web", UpdateRequest.builder().memory(256L << 20).memorySwap(512L << 20).build());
 * }</pre>
 */
public final class UpdateRequest {
    private final Long memory;
    private final Long memorySwap;
    private final Long cpuQuota;
    private final Long cpuPeriod;
    private final Long cpuShares;
    private final String cpusetCpus;
    private final Long pidsLimit;
    private final RestartPolicy restartPolicy;

    private UpdateRequest(Builder b) {
        memory = b.memory;
        memorySwap = b.memorySwap;
        cpuQuota = b.cpuQuota;
        cpuPeriod = b.cpuPeriod;
        cpuShares = b.cpuShares;
        cpusetCpus = b.cpusetCpus;
        pidsLimit = b.pidsLimit;
        restartPolicy = b.restartPolicy;
    }

    /** A request that changes nothing yet. */
    public static Builder builder() {
        return new Builder();
    }

    /** The memory limit in bytes ({@code --memory}), or {@code null}: unchanged. */
    public Long memory() {
        return memory;
    }

    /** Memory plus swap in bytes ({@code --memory-swap}, {@code -1}: unlimited swap), or {@code null}: unchanged. */
    public Long memorySwap() {
        return memorySwap;
    }

    /** CPU time in microseconds per period ({@code --cpu-quota}, {@code --cpus}), or {@code null}: unchanged. */
    public Long cpuQuota() {
        return cpuQuota;
    }

    /** The CFS period in microseconds ({@code --cpu-period}, {@code --cpus}), or {@code null}: unchanged. */
    public Long cpuPeriod() {
        return cpuPeriod;
    }

    /** The relative CPU weight ({@code --cpu-shares}), or {@code null}: unchanged. */
    public Long cpuShares() {
        return cpuShares;
    }

    /** The CPUs it may use ({@code --cpuset-cpus}), or {@code null}: unchanged. */
    public String cpusetCpus() {
        return cpusetCpus;
    }

    /** The most processes ({@code --pids-limit}; zero or less: unlimited), or {@code null}: unchanged. */
    public Long pidsLimit() {
        return pidsLimit;
    }

    /** The restart policy ({@code --restart}), or {@code null}: unchanged. */
    public RestartPolicy restartPolicy() {
        return restartPolicy;
    }

    /** Whether it changes nothing. */
    public boolean isEmpty() {
        return memory == null && memorySwap == null && cpuQuota == null && cpuPeriod == null && cpuShares == null
                && cpusetCpus == null && pidsLimit == null && restartPolicy == null;
    }

    /** {@code current} with this request's resource changes applied. */
    public Resources applyTo(Resources current) {
        Resources.Builder b = current.toBuilder();
        if (memory != null) {
            b.memory(memory);
        }
        if (memorySwap != null) {
            b.memorySwap(memorySwap);
        }
        if (cpuQuota != null) {
            b.cpuQuota(cpuQuota);
        }
        if (cpuPeriod != null) {
            b.cpuPeriod(cpuPeriod);
        }
        if (cpuShares != null) {
            b.cpuShares(cpuShares);
        }
        if (cpusetCpus != null) {
            b.cpusetCpus(cpusetCpus.isEmpty() ? null : cpusetCpus);
        }
        if (pidsLimit != null) {
            b.pidsLimit(pidsLimit <= 0 ? 0 : pidsLimit);
        }
        return b.build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UpdateRequest u && Objects.equals(memory, u.memory) && Objects.equals(memorySwap, u.memorySwap)
                && Objects.equals(cpuQuota, u.cpuQuota) && Objects.equals(cpuPeriod, u.cpuPeriod)
                && Objects.equals(cpuShares, u.cpuShares) && Objects.equals(cpusetCpus, u.cpusetCpus)
                && Objects.equals(pidsLimit, u.pidsLimit) && Objects.equals(restartPolicy, u.restartPolicy);
    }

    @Override
    public int hashCode() {
        return Objects.hash(memory, memorySwap, cpuQuota, cpuPeriod, cpuShares, cpusetCpus, pidsLimit, restartPolicy);
    }

    @Override
    public String toString() {
        return "UpdateRequest[memory=" + memory + ", memorySwap=" + memorySwap + ", cpuQuota=" + cpuQuota
                + ", cpuPeriod=" + cpuPeriod + ", cpuShares=" + cpuShares + ", cpusetCpus=" + cpusetCpus
                + ", pidsLimit=" + pidsLimit + ", restartPolicy=" + restartPolicy + "]";
    }

    /** Sets an {@link UpdateRequest}'s fields; {@code null} leaves one unchanged. */
    public static final class Builder {
        private Long memory;
        private Long memorySwap;
        private Long cpuQuota;
        private Long cpuPeriod;
        private Long cpuShares;
        private String cpusetCpus;
        private Long pidsLimit;
        private RestartPolicy restartPolicy;

        private Builder() {
        }

        public Builder memory(Long memory) {
            this.memory = memory;
            return this;
        }

        public Builder memorySwap(Long memorySwap) {
            this.memorySwap = memorySwap;
            return this;
        }

        public Builder cpuQuota(Long cpuQuota) {
            this.cpuQuota = cpuQuota;
            return this;
        }

        public Builder cpuPeriod(Long cpuPeriod) {
            this.cpuPeriod = cpuPeriod;
            return this;
        }

        public Builder cpuShares(Long cpuShares) {
            this.cpuShares = cpuShares;
            return this;
        }

        public Builder cpusetCpus(String cpusetCpus) {
            this.cpusetCpus = cpusetCpus;
            return this;
        }

        public Builder pidsLimit(Long pidsLimit) {
            this.pidsLimit = pidsLimit;
            return this;
        }

        public Builder restartPolicy(RestartPolicy restartPolicy) {
            this.restartPolicy = restartPolicy;
            return this;
        }

        public UpdateRequest build() {
            return new UpdateRequest(this);
        }
    }
}
