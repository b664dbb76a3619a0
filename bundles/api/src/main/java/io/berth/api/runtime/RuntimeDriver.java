package io.berth.api.runtime;

import org.osgi.annotation.versioning.ConsumerType;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * Runs containers: turns a {@link ContainerSpec} into an isolated process tree, and reports on it.
 *
 * <p><b>Lifecycle.</b> {@link #create} makes the container and leaves it {@code CREATED};
 * {@link #start} runs its first process ({@code RUNNING}); when that process exits it is
 * {@code STOPPED} with an exit code; {@link #delete} removes what the driver made. The container
 * runs under a small supervising process (the shim) that does not depend on the JVM: it keeps
 * the container's output flowing to the log and records the exit status even while the engine is
 * down or this driver is uninstalled.
 * <pre>{@code
 * driver.create(spec);
 * driver.start(spec.id());
 * RuntimeState end = driver.await(spec.id(), null);
 * driver.delete(spec.id());
 * }</pre>
 *
 * <p><b>Reattach.</b> A driver keeps its per-container state on disk under the engine's run root,
 * so after a restart of the engine, or a reinstall of the driver, {@link #list} and
 * {@link #state} report containers created before.
 *
 * <p><b>Concurrency.</b> Calls for different containers may run concurrently. The engine
 * serializes lifecycle calls for one container; {@link #state} and {@link #await} may be called
 * at any time.
 *
 * <p>Registered as an OSGi service with the property {@value io.berth.api.driver.BerthRuntime#NAME}
 * (see {@link io.berth.api.driver.BerthRuntime}).
 */
@ConsumerType
public interface RuntimeDriver {
    /**
     * Makes a container from a spec, ready to start.
     *
     * @throws io.berth.api.ConflictException if a container with this id exists
     * @throws io.berth.api.InvalidArgumentException if the spec asks for something this driver
     *         cannot do; the message says what
     */
    void create(ContainerSpec spec) throws IOException;

    /**
     * Runs the container's first process.
     *
     * @throws io.berth.api.NotFoundException if there is no such container
     * @throws io.berth.api.ConflictException if it is not {@code CREATED}
     * @throws StartFailedException if the process could not be started (command not found, set-up
     *         failed); the container can be started again or deleted
     */
    void start(String id) throws IOException;

    /**
     * Runs the container's first process, as {@link #start} does, and says what it started: its
     * state as of the start, {@code RUNNING} with its first process's pid and start time. The
     * process may have ended since (the default, which reads the state back with {@link #state},
     * then says {@code STOPPED}); whoever waits for its end finds that out. A driver that learns
     * the pid as it starts answers without reading it back.
     *
     * @throws io.berth.api.NotFoundException if there is no such container
     * @throws io.berth.api.ConflictException if it is not {@code CREATED}
     * @throws StartFailedException as {@link #start} does
     */
    default RuntimeState startAndReport(String id) throws IOException {
        start(id);
        return state(id);
    }

    /**
     * Sends a signal to the container's first process, or to all its processes.
     *
     * @throws io.berth.api.NotFoundException if there is no such container
     * @throws io.berth.api.ConflictException if it is not running
     */
    void kill(String id, int signal, boolean all) throws IOException;

    /**
     * The container's state.
     *
     * @throws io.berth.api.NotFoundException if there is no such container
     */
    RuntimeState state(String id) throws IOException;

    /**
     * Waits for the container's first process to exit.
     *
     * @param timeout how long to wait, or {@code null} for as long as it takes
     * @return the state, {@code STOPPED} unless the timeout passed first
     * @throws InterruptedException if the calling thread is interrupted
     */
    RuntimeState await(String id, Duration timeout) throws IOException, InterruptedException;

    /**
     * Removes everything the driver made for a stopped or created container: its state, its
     * cgroup, its supervising process. Deleting an unknown container does nothing.
     *
     * @throws io.berth.api.ConflictException if it is running
     */
    void delete(String id) throws IOException;

    /**
     * Freezes every process of a running container ({@code PAUSED}); they keep their memory and
     * state and get no CPU until {@link #resume}. A driver that cannot says so.
     *
     * @throws io.berth.api.NotFoundException if there is no such container
     * @throws io.berth.api.ConflictException if it is not running
     * @throws io.berth.api.InvalidArgumentException if the driver cannot pause containers
     */
    default void pause(String id) throws IOException {
        throw new io.berth.api.InvalidArgumentException("this runtime cannot pause containers");
    }

    /**
     * Thaws a paused container.
     *
     * @throws io.berth.api.NotFoundException if there is no such container
     * @throws io.berth.api.ConflictException if it is not paused
     * @throws io.berth.api.InvalidArgumentException if the driver cannot pause containers
     */
    default void resume(String id) throws IOException {
        throw new io.berth.api.InvalidArgumentException("this runtime cannot pause containers");
    }

    /**
     * Connects to a running container's standard streams.
     *
     * @param stdin whether to take its input (one attachment at a time can)
     * @throws io.berth.api.NotFoundException if there is no such container
     * @throws io.berth.api.ConflictException if it is not running, or its input is taken or closed
     * @throws io.berth.api.InvalidArgumentException if the driver cannot attach
     */
    default Attachment attach(String id, boolean stdin) throws IOException {
        throw new io.berth.api.InvalidArgumentException("this runtime cannot attach to containers");
    }

    /**
     * Runs the container's first process with an attachment made before it runs, so that none of
     * its output is missed. Drivers that cannot attach first start, then attach.
     *
     * @see #start
     * @see #attach
     */
    default Attachment startAttached(String id, boolean stdin) throws IOException {
        start(id);
        return attach(id, stdin);
    }

    /**
     * Runs another process in a running container: in its namespaces and cgroups, with the given
     * identity, capabilities and environment. The returned attachment, made before the process
     * runs, carries its output and (with {@code stdin}) its input, and its exit status at the end;
     * closing it leaves the process running.
     *
     * @throws io.berth.api.ConflictException if the container is not running
     * @throws StartFailedException if the process could not be started (126, 127 as docker)
     * @throws io.berth.api.InvalidArgumentException if the driver cannot exec
     */
    default Attachment exec(String id, ProcessSpec process, boolean stdin) throws IOException {
        throw new io.berth.api.InvalidArgumentException("this runtime cannot run processes in containers");
    }

    /**
     * Changes a running or paused container's resource limits to {@code resources} (all of them:
     * what is zero there becomes unlimited).
     *
     * @throws io.berth.api.NotFoundException if there is no such container
     * @throws io.berth.api.ConflictException if it is not running
     * @throws io.berth.api.InvalidArgumentException if the driver cannot change limits, or the
     *         kernel refuses a value; the message says which
     * @since 2.5
     */
    default void update(String id, Resources resources) throws IOException {
        throw new io.berth.api.InvalidArgumentException("this runtime cannot change the limits of a running container");
    }

    /** Resizes a running container's terminal; nothing happens without one. */
    default void resize(String id, ConsoleSize size) throws IOException {
        throw new io.berth.api.InvalidArgumentException("this runtime cannot resize terminals");
    }

    /** The containers this driver knows, including those made before a restart. */
    List<RuntimeState> list() throws IOException;

    /**
     * The host pids of the container's processes.
     *
     * @throws io.berth.api.NotFoundException if there is no such container
     */
    List<Integer> pids(String id) throws IOException;

    /**
     * The container's resource use now.
     *
     * @throws io.berth.api.NotFoundException if there is no such container
     * @throws io.berth.api.ConflictException if it is not running
     */
    RuntimeStats stats(String id) throws IOException;
}
