package io.berth.containers.internal;

import io.berth.api.InvalidArgumentException;
import io.berth.api.container.HostConfig;
import io.berth.api.container.RestartPolicy;
import io.berth.api.container.UpdateRequest;
import io.berth.api.runtime.Resources;

import java.io.IOException;
import java.util.List;

/**
 * {@code update}: a container's limits and restart policy changed, as docker's daemon changes
 * them. The request is checked alone first (docker's words, unwrapped), then against the
 * container ({@code Cannot update container ID: ...}); a running or paused container's cgroups
 * are written before the record is saved, so a value the kernel refuses leaves both unchanged.
 */
final class ContainerUpdates {
    private static final long MIN_MEMORY = 6L << 20;

    private final ContainerStore store;
    private final ContainerLifecycle lifecycle;

    ContainerUpdates(ContainerStore store, ContainerLifecycle lifecycle) {
        this.store = store;
        this.lifecycle = lifecycle;
    }

    List<String> update(String idOrName, UpdateRequest u) throws IOException {
        checkAlone(u);
        ContainerStore.Entry e = store.find(idOrName);
        e.lock.lock();
        try {
            ContainerLifecycle.checkNotRemoved(e);
            HostConfig host = e.record.host();
            Resources present = host.resources();
            String cannot = "Cannot update container " + e.id() + ": ";
            // docker 23's rule: a container with a memory+swap limit cannot get a memory limit above
            // it unless the same update raises it (20.10 also refused containers without any limit).
            if (u.memory() != null && u.memory() != 0 && u.memorySwap() == null && present.memorySwap() > 0
                    && u.memory() > present.memorySwap()) {
                throw new InvalidArgumentException(cannot + "Memory limit should be smaller than already set memoryswap "
                        + "limit, update the memoryswap at the same time");
            }
            Resources updated = u.applyTo(present);
            if (updated.memorySwap() > 0 && updated.memory() == 0) {
                throw new InvalidArgumentException(cannot + "You should always set the Memory limit when using Memoryswap "
                        + "limit, see usage");
            }
            if (updated.memorySwap() > 0 && updated.memorySwap() < updated.memory()) {
                throw new InvalidArgumentException(cannot + "Minimum memoryswap limit should be larger than memory limit, "
                        + "see usage");
            }
            RestartPolicy policy = u.restartPolicy() == null ? host.restartPolicy() : u.restartPolicy();
            if (host.autoRemove() && !policy.name().equals("no")) {
                throw new InvalidArgumentException(cannot + "Restart policy cannot be updated because AutoRemove is "
                        + "enabled for the container");
            }
            if (e.state.running() && !updated.equals(present)) {
                try {
                    lifecycle.runtimeOf(e).update(e.id(), updated);
                } catch (IOException failed) {
                    // Put back what was there, as far as the kernel lets.
                    try {
                        lifecycle.runtimeOf(e).update(e.id(), present);
                    } catch (IOException | RuntimeException again) {
                        failed.addSuppressed(again);
                    }
                    throw new IOException(cannot + failed.getMessage(), failed);
                }
            }
            store.saveRecord(e, e.record.withHost(host.toBuilder().resources(updated).restartPolicy(policy).build()));
            lifecycle.events.publish(e.record, "update");
            return List.of();
        } finally {
            e.lock.unlock();
        }
    }

    /** What docker's daemon refuses of an update before looking at the container, in its words. */
    private static void checkAlone(UpdateRequest u) {
        if (u.memory() != null && u.memory() != 0 && u.memory() < MIN_MEMORY) {
            throw new InvalidArgumentException("Minimum memory limit allowed is 6MB");
        }
        if (u.memory() != null && u.memorySwap() != null && u.memory() > 0 && u.memorySwap() > 0
                && u.memorySwap() < u.memory()) {
            throw new InvalidArgumentException("Minimum memoryswap limit should be larger than memory limit, see usage");
        }
        if ((u.cpuQuota() != null && u.cpuQuota() < 0) || (u.cpuPeriod() != null && u.cpuPeriod() < 0)
                || (u.cpuShares() != null && u.cpuShares() < 0)) {
            throw new InvalidArgumentException("CPU limits cannot be negative");
        }
        if (u.cpuPeriod() != null && u.cpuPeriod() != 0 && (u.cpuPeriod() < 1000 || u.cpuPeriod() > 1000000)) {
            throw new InvalidArgumentException("CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1 second "
                    + "(i.e. 1000000)");
        }
        if (u.cpuQuota() != null && u.cpuQuota() != 0 && u.cpuQuota() < 1000) {
            throw new InvalidArgumentException("CPU cfs quota can not be less than 1ms (i.e. 1000)");
        }
        if (u.cpusetCpus() != null && !u.cpusetCpus().isEmpty()) {
            CpuSets.check(u.cpusetCpus());
        }
    }
}
