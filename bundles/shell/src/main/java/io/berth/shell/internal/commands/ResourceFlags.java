package io.berth.shell.internal.commands;

import io.berth.api.InvalidArgumentException;
import io.berth.api.container.RestartPolicy;
import io.berth.api.container.UpdateRequest;
import io.berth.api.runtime.Resources;
import io.berth.shell.internal.framework.Option;
import io.berth.shell.internal.framework.Options;

import java.math.BigDecimal;

/**
 * The flags of a container's limits and restart policy, docker's names and parsing: {@code update}'s
 * own, and part of {@code create}'s and {@code run}'s ({@link CreateOptions}).
 */
@Options
public class ResourceFlags {
    @Option(names = {"--restart"}, description = "Restart policy to apply when a container exits (no, on-failure[:max-retries], always, unless-stopped)")
    public String restart;
    @Option(names = {"-m", "--memory"}, description = "Memory limit")
    public String memory;
    @Option(names = {"--memory-swap"}, description = "Swap limit equal to memory plus swap: '-1' to enable unlimited swap")
    public String memorySwap;
    @Option(names = {"--cpus"}, description = "Number of CPUs")
    public String cpus;
    @Option(names = {"-c", "--cpu-shares"}, description = "CPU shares (relative weight)")
    public String cpuShares;
    @Option(names = {"--cpu-period"}, description = "Limit CPU CFS (Completely Fair Scheduler) period")
    public String cpuPeriod;
    @Option(names = {"--cpu-quota"}, description = "Limit CPU CFS (Completely Fair Scheduler) quota")
    public String cpuQuota;
    @Option(names = {"--cpuset-cpus"}, description = "CPUs in which to allow execution (0-3, 0,1)")
    public String cpusetCpus;
    @Option(names = {"--pids-limit"}, description = "Tune container pids limit (set -1 for unlimited)")
    public String pidsLimit;

    /** The CFS period {@code --cpus} sets, as docker's daemon applies NanoCpus. */
    static final long CPUS_PERIOD = 100_000;

    /** What {@code create} asks for: the flags given, docker's defaults for the rest. */
    Resources resources() {
        UpdateRequest u = update();
        long pids = u.pidsLimit() == null ? 0 : u.pidsLimit() < -1 ? -1 : u.pidsLimit();
        return Resources.builder().memory(orZero(u.memory())).memorySwap(orZero(u.memorySwap()))
                .cpuQuota(orZero(u.cpuQuota())).cpuPeriod(orZero(u.cpuPeriod())).cpuShares(orZero(u.cpuShares()))
                .cpusetCpus(u.cpusetCpus()).pidsLimit(pids).build();
    }

    /** What {@code update} changes: the flags given; {@link UpdateRequest#isEmpty()} when none was. */
    UpdateRequest update() {
        UpdateRequest.Builder b = UpdateRequest.builder();
        if (!memory.isEmpty()) {
            b.memory(CreateOptions.flagBytes("-m, --memory", memory));
        }
        if (!memorySwap.isEmpty()) {
            b.memorySwap(memorySwap.strip().equals("-1") ? -1L : CreateOptions.flagBytes("--memory-swap", memorySwap));
        }
        Long quota = cpuQuota.isEmpty() ? null : CreateOptions.flagInteger("--cpu-quota", cpuQuota);
        Long period = cpuPeriod.isEmpty() ? null : CreateOptions.flagInteger("--cpu-period", cpuPeriod);
        if (!cpus.isEmpty()) {
            if (quota != null || period != null) {
                throw new InvalidArgumentException("Conflicting options: Nano CPUs and CPU Period/Quota cannot both be set");
            }
            period = CPUS_PERIOD;
            quota = cpusQuota(cpus);
        }
        b.cpuQuota(quota).cpuPeriod(period);
        if (!cpuShares.isEmpty()) {
            b.cpuShares(CreateOptions.flagInteger("-c, --cpu-shares", cpuShares));
        }
        if (!cpusetCpus.isBlank()) {
            b.cpusetCpus(cpusetCpus.strip());
        }
        if (!pidsLimit.isEmpty()) {
            b.pidsLimit(CreateOptions.flagInteger("--pids-limit", pidsLimit));
        }
        if (restart != null && !restart.isEmpty()) {
            b.restartPolicy(RestartPolicy.parse(restart));
        }
        return b.build();
    }

    /** {@code --cpus} as a CFS quota per {@link #CPUS_PERIOD}, checked as docker's daemon checks NanoCpus. */
    static long cpusQuota(String cpus) {
        BigDecimal n;
        try {
            n = new BigDecimal(cpus.strip());
        } catch (NumberFormatException e) {
            throw new InvalidArgumentException("invalid argument \"" + cpus + "\" for \"--cpus\" flag: failed to parse "
                    + cpus + " as a rational number");
        }
        int available = Runtime.getRuntime().availableProcessors();
        if (n.compareTo(new BigDecimal("0.01")) < 0 || n.compareTo(BigDecimal.valueOf(available)) > 0) {
            throw new InvalidArgumentException("Range of CPUs is from 0.01 to " + available + ".00, as there are only "
                    + available + " CPUs available");
        }
        return n.multiply(BigDecimal.valueOf(CPUS_PERIOD)).longValue();
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }
}
