package io.berth.api.runtime;

/**
 * Resource limits for a container's cgroup. Zero or negative means unlimited, except where noted.
 *
 * @param memory memory limit in bytes ({@code --memory})
 * @param memorySwap memory plus swap in bytes ({@code --memory-swap}); {@code -1} for unlimited
 *        swap, {@code 0} for twice the memory limit as docker does
 * @param cpuQuota CPU time in microseconds per {@code cpuPeriod} ({@code --cpus} times the period)
 * @param cpuPeriod the CFS period in microseconds, usually 100000
 * @param cpuShares relative CPU weight ({@code --cpu-shares}, default 1024)
 * @param cpusetCpus CPUs the container may use ({@code 0-1}, {@code 0,2}), or {@code null}
 * @param pidsLimit maximum number of processes ({@code --pids-limit})
 */
public record Resources(long memory, long memorySwap, long cpuQuota, long cpuPeriod, long cpuShares,
                        String cpusetCpus, long pidsLimit) {
    /** No limits at all. */
    public static final Resources NONE = new Resources(0, 0, 0, 0, 0, null, 0);
}
