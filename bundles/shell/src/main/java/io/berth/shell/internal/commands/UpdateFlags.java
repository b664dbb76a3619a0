package io.berth.shell.internal.commands;

import io.berth.api.InvalidArgumentException;
import io.berth.api.container.RestartPolicy;
import io.berth.api.container.UpdateRequest;
import io.berth.shell.internal.framework.Option;
import io.berth.shell.internal.framework.Options;

/** {@code update}'s flags, docker's names and parsing, and the {@link UpdateRequest} they make. */
@Options
public class UpdateFlags {
    @Option(names = {"-m", "--memory"}, description = "Memory limit")
    public String memory;
    @Option(names = {"--memory-swap"}, description = "Swap limit equal to memory plus swap: -1 to enable unlimited swap")
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
    @Option(names = {"--restart"}, description = "Restart policy to apply when a container exits")
    public String restart;

    /** What the flags change; {@link UpdateRequest#isEmpty()} when none was given. */
    UpdateRequest request() {
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
            period = CreateOptions.CPUS_PERIOD;
            quota = CreateOptions.cpusQuota(cpus);
        }
        b.cpuQuota(quota).cpuPeriod(period);
        if (!cpuShares.isEmpty()) {
            b.cpuShares(CreateOptions.flagInteger("-c, --cpu-shares", cpuShares));
        }
        if (!cpusetCpus.isEmpty()) {
            b.cpusetCpus(cpusetCpus.strip());
        }
        if (!pidsLimit.isEmpty()) {
            b.pidsLimit(CreateOptions.flagInteger("--pids-limit", pidsLimit));
        }
        if (!restart.isEmpty()) {
            b.restartPolicy(RestartPolicy.parse(restart));
        }
        return b.build();
    }
}
