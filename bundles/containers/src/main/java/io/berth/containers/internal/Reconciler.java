package io.berth.containers.internal;

import io.berth.api.NotFoundException;
import io.berth.api.container.ContainerStatus;
import io.berth.api.driver.DriverInfo;
import io.berth.api.driver.DriverRegistry;
import io.berth.api.driver.DriverState;
import io.berth.api.driver.DriverType;
import io.berth.api.runtime.RuntimeDriver;
import io.berth.api.runtime.RuntimeState;
import io.berth.api.runtime.RuntimeStatus;
import io.berth.api.storage.Snapshot;
import io.berth.api.storage.StorageDriver;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * Brings what is recorded of containers in line with what their drivers hold, when the engine
 * starts or a driver (re)appears, as docker's daemon restores its containers: exits that happened
 * meanwhile are recorded, running containers are watched again, and what a runtime or storage
 * driver holds for containers that are gone is cleaned up. A runtime that leaves is forgotten:
 * its containers keep running, unwatched, until it returns.
 */
final class Reconciler {
    private static final System.Logger LOG = System.getLogger(Reconciler.class.getName());
    private static final Pattern CONTAINER_KEY = Pattern.compile("[0-9a-f]{64}");

    private final ContainerStore store;
    private final DriverRegistry drivers;
    private final ContainerLifecycle lifecycle;
    private final RootFilesystems rootfs;

    Reconciler(ContainerStore store, DriverRegistry drivers, ContainerLifecycle lifecycle, RootFilesystems rootfs) {
        this.store = store;
        this.drivers = drivers;
        this.lifecycle = lifecycle;
        this.rootfs = rootfs;
    }

    /** Reconciles the containers made with a runtime that is here now, and cleans up what it holds for no container. */
    void reconcile(String runtimeName, RuntimeDriver runtime) {
        for (ContainerStore.Entry e : store.all()) {
            if (runtimeName.equals(e.record.host().runtime())) {
                reconcile(e, runtime);
            }
        }
        try {
            for (RuntimeState rs : runtime.list()) {
                if (!CONTAINER_KEY.matcher(rs.id()).matches() || store.contains(rs.id())) {
                    continue;
                }
                if (rs.status() == RuntimeStatus.RUNNING || rs.status() == RuntimeStatus.PAUSED) {
                    runtime.kill(rs.id(), Signals.SIGKILL, true);
                    runtime.await(rs.id(), Duration.ofSeconds(10));
                }
                runtime.delete(rs.id());
            }
        } catch (IOException | RuntimeException ex) {
            LOG.log(System.Logger.Level.WARNING, "cannot clean up runtime " + runtimeName + ": " + ex.getMessage());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    private void reconcile(ContainerStore.Entry e, RuntimeDriver runtime) {
        e.lock.lock();
        try {
            if (e.removed) {
                return;
            }
            RuntimeState rs;
            try {
                rs = runtime.state(e.id());
            } catch (NotFoundException ex) {
                rs = null;
            }
            if (!e.state.running()) {
                if (rs != null) {
                    // Left over from a start the engine did not see through.
                    runtime.delete(e.id());
                }
                lifecycle.networking().tearDown(e.id());
                rootfs.release(e.record);
                return;
            }
            if (ExitMonitor.watching(e)) {
                return;
            }
            if (e.exit == null) {
                e.exit = new CompletableFuture<>();
            }
            if (rs != null && (rs.status() == RuntimeStatus.RUNNING || rs.status() == RuntimeStatus.PAUSED)) {
                boolean paused = rs.status() == RuntimeStatus.PAUSED;
                if (paused != (e.state.status() == ContainerStatus.PAUSED)) {
                    store.saveState(e, e.state.paused(paused));
                }
                lifecycle.monitor().watch(e, runtime, e.run);
                if (!paused) {
                    // As docker's restore: the checks start over, from starting, their log kept.
                    lifecycle.startHealthChecks(e);
                }
                return;
            }
            // It ended while nobody watched: recorded as any exit, outside the lock it takes.
            long run = e.run;
            RuntimeState end = rs == null || rs.status() == RuntimeStatus.CREATED ? null : rs;
            e.lock.unlock();
            try {
                lifecycle.exited(e, runtime, run, end);
            } finally {
                e.lock.lock();
            }
        } catch (IOException | RuntimeException ex) {
            LOG.log(System.Logger.Level.WARNING, "cannot reconcile container " + e.record.shortId() + ": " + ex.getMessage());
        } finally {
            e.lock.unlock();
        }
    }

    /** Stops watching the containers of a runtime that is going away; they keep running. */
    void forget(String runtimeName) {
        for (ContainerStore.Entry e : store.all()) {
            if (runtimeName.equals(e.record.host().runtime())) {
                ExitMonitor.forget(e);
                // Probes need the runtime: they start over when it returns.
                e.lock.lock();
                try {
                    lifecycle.health().cancel(e);
                } finally {
                    e.lock.unlock();
                }
            }
        }
    }

    /** Removes snapshots of containers that are gone (a crash between removing a container and its filesystem). */
    void collectOrphans() {
        for (DriverInfo info : drivers.drivers()) {
            if (info.type() != DriverType.STORAGE || info.state() != DriverState.AVAILABLE) {
                continue;
            }
            try {
                StorageDriver storage = drivers.storage(info.name());
                List<Snapshot> orphans = new ArrayList<>();
                storage.walk(s -> {
                    if (CONTAINER_KEY.matcher(s.key()).matches() && !store.contains(s.key())) {
                        orphans.add(s);
                    }
                });
                for (Snapshot s : orphans) {
                    LOG.log(System.Logger.Level.INFO, "removing the filesystem of removed container " + s.key());
                    ContainerSnapshots.remove(storage, s.key());
                }
            } catch (IOException | RuntimeException ex) {
                LOG.log(System.Logger.Level.WARNING, "cannot look for orphaned snapshots in " + info.name() + ": " + ex.getMessage());
            }
        }
    }
}
