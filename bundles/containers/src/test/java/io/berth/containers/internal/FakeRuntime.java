package io.berth.containers.internal;

import io.berth.api.ConflictException;
import io.berth.api.NotFoundException;
import io.berth.api.UnavailableException;
import io.berth.api.container.HostConfig;
import io.berth.api.driver.DriverInfo;
import io.berth.api.driver.DriverRegistry;
import io.berth.api.driver.DriverType;
import io.berth.api.image.ContainerConfig;
import io.berth.api.runtime.ContainerSpec;
import io.berth.api.runtime.RuntimeDriver;
import io.berth.api.runtime.RuntimeState;
import io.berth.api.runtime.RuntimeStats;
import io.berth.api.runtime.RuntimeStatus;
import io.berth.api.storage.StorageDriver;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * A runtime driver whose containers are states the test sets, for the parts of the container
 * service whose subject is not the runtime (exit monitoring, reconciliation): what they do when
 * the runtime says this or fails that way. The real runtimes run in the other tests.
 */
final class FakeRuntime implements RuntimeDriver {
    final Map<String, RuntimeState> states = new ConcurrentHashMap<>();
    final List<String> calls = new CopyOnWriteArrayList<>();
    /** What {@link #await} does. */
    interface Await {
        RuntimeState apply(String id) throws InterruptedException;
    }

    /** What {@link #await} does for an id: return a state, or throw; by default the state set, at once. */
    volatile Await awaiting = id -> state(id, states);

    private static RuntimeState state(String id, Map<String, RuntimeState> states) {
        RuntimeState s = states.get(id);
        if (s == null) {
            throw new NotFoundException("No such container: " + id);
        }
        return s;
    }

    static RuntimeState running(String id, int pid) {
        return new RuntimeState(id, RuntimeStatus.RUNNING, pid, -1, Instant.now(), null, false);
    }

    static RuntimeState stopped(String id, int exitCode) {
        return new RuntimeState(id, RuntimeStatus.STOPPED, 0, exitCode, Instant.now(), Instant.now(), false);
    }

    /** A container's record, as the store keeps it, on this runtime ({@code fake}). */
    static ContainerRecord record(String id) {
        return new ContainerRecord(id, "c-" + id.substring(0, 4), Instant.now().toString(), "busybox", "sha256:" + "0".repeat(64),
                "sleep", List.of("300"), ContainerConfig.EMPTY, HostConfig.builder().runtime("fake").build(), "none", id,
                "init", null, null, null);
    }

    static String id(char c) {
        return String.valueOf(c).repeat(64);
    }

    @Override
    public void create(ContainerSpec spec) {
        calls.add("create " + spec.id());
    }

    @Override
    public void start(String id) {
        calls.add("start " + id);
    }

    @Override
    public void kill(String id, int signal, boolean all) {
        calls.add("kill " + id + " " + signal);
        RuntimeState s = state(id, states);
        if (s.status() != RuntimeStatus.RUNNING) {
            throw new ConflictException("container " + id + " is not running");
        }
        states.put(id, stopped(id, 128 + signal));
    }

    @Override
    public RuntimeState state(String id) {
        return state(id, states);
    }

    @Override
    public RuntimeState await(String id, Duration timeout) throws InterruptedException {
        calls.add("await " + id);
        return awaiting.apply(id);
    }

    @Override
    public void delete(String id) {
        calls.add("delete " + id);
        states.remove(id);
    }

    @Override
    public List<RuntimeState> list() {
        return new ArrayList<>(states.values());
    }

    @Override
    public List<Integer> pids(String id) {
        return List.of(state(id, states).pid());
    }

    @Override
    public RuntimeStats stats(String id) {
        return new RuntimeStats(0, 0, 0, 1, 0, 0, 0, 0, System.nanoTime());
    }

    /**
     * A driver registry with this runtime, named {@code fake}, while {@code present} says so, and
     * no storage driver.
     */
    DriverRegistry registry(BooleanSupplier present) {
        FakeRuntime runtime = this;
        return new DriverRegistry() {
            @Override
            public List<DriverInfo> drivers() {
                return List.of();
            }

            @Override
            public RuntimeDriver runtime(String name) {
                if (present.getAsBoolean() && "fake".equals(name)) {
                    return runtime;
                }
                throw new UnavailableException("runtime driver " + name + " is not available");
            }

            @Override
            public StorageDriver storage(String name) {
                throw new UnavailableException("storage driver " + name + " is not available");
            }

            @Override
            public io.berth.api.volume.VolumeDriver volume(String name) {
                throw new io.berth.api.UnavailableException("no volume driver in this test");
            }

            @Override
            public io.berth.api.network.NetworkDriver network(String name) {
                throw new UnavailableException("network driver " + name + " is not available");
            }

            @Override
            public String defaultName(DriverType type) {
                return null;
            }
        };
    }
}
