package io.berth.api.runtime;

/**
 * A container's resource use at one moment, from its cgroup.
 *
 * @param cpuNanos CPU time used since it started, in nanoseconds
 * @param memoryUsage memory in use, in bytes, page cache that can be dropped left out (as docker)
 * @param memoryLimit the memory limit, or the host's memory when unlimited
 * @param pids the number of processes
 * @param blockRead bytes read from block devices
 * @param blockWrite bytes written to block devices
 * @param netReceived bytes received on its network interfaces (loopback left out)
 * @param netSent bytes sent on them
 * @param readAtNanos when this was read, on {@link System#nanoTime()}'s clock
 */
public record RuntimeStats(long cpuNanos, long memoryUsage, long memoryLimit, long pids, long blockRead, long blockWrite,
                           long netReceived, long netSent, long readAtNanos) {
}
