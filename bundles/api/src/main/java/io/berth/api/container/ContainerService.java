package io.berth.api.container;

import io.berth.api.runtime.RuntimeStats;
import io.berth.api.storage.Change;
import org.osgi.annotation.versioning.ProviderType;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The engine's containers: the facade the shell, the Docker API and embedders use. Containers are
 * found by full id, by a unique prefix of it, or by name. Operations on one container are
 * serialized; state is persisted atomically and survives restarts of the engine.
 */
@ProviderType
public interface ContainerService {
    /**
     * Makes a container from an image: its filesystem prepared, its config saved, not running.
     *
     * @throws io.berth.api.NotFoundException if the image does not exist
     * @throws io.berth.api.ConflictException if the name is taken
     * @throws io.berth.api.InvalidArgumentException for a bad name, option or an image without command
     */
    Container create(CreateRequest request) throws IOException;

    /**
     * Starts a created or stopped container; a running one is left as it is. A container made with
     * {@code autoRemove} that cannot be started is removed, as docker's daemon removes it.
     *
     * @return its exit code once this run ends: the container is stopped, cleaned up and, if it
     *         was made with {@code autoRemove}, removed by then
     * @throws io.berth.api.runtime.StartFailedException if its command could not be started
     */
    CompletableFuture<Integer> start(String idOrName) throws IOException;


    /**
     * Stops a running container: its stop signal, then SIGKILL after the timeout.
     *
     * @param timeoutSeconds seconds to wait, or {@code null} for the container's default (10)
     */
    void stop(String idOrName, Integer timeoutSeconds) throws IOException, InterruptedException;

    /** Stops (if running) and starts a container. */
    void restart(String idOrName, Integer timeoutSeconds) throws IOException, InterruptedException;

    /**
     * Sends a signal ({@code KILL}, {@code SIGTERM}, {@code 15}...) to a running container's
     * first process.
     *
     * @throws io.berth.api.ConflictException if it is not running
     */
    void kill(String idOrName, String signal) throws IOException;

    /**
     * Removes a container, its filesystem and its logs.
     *
     * @param force kill it first if it runs
     * @throws io.berth.api.ConflictException if it runs and {@code force} is false
     */
    void remove(String idOrName, boolean force) throws IOException, InterruptedException;

    /**
     * Waits until a container is not running.
     *
     * @return its exit code
     */
    int await(String idOrName) throws IOException, InterruptedException;

    /**
     * Connects to a container's standard streams: its output from now on, byte for byte, its
     * input when asked for. With {@code start}, a container that is not running is started,
     * attached before its first output (as {@code run}, {@code run -it} and {@code start -ai});
     * else it must be running. Output only, of a runtime that cannot attach, comes from the log.
     *
     * @param stdin whether to take the container's input (one client at a time)
     * @param size the terminal's size for a container with a terminal, or {@code null}
     * @return the attachment, and the container's exit status to come
     * @throws io.berth.api.ConflictException if it is not running (without {@code start}), or
     *         paused, or its input is taken
     */
    Attached attach(String idOrName, boolean stdin, io.berth.api.runtime.ConsoleSize size, boolean start)
            throws IOException;

    /** An attachment to a container and its exit status to come. */
    record Attached(io.berth.api.runtime.Attachment io, CompletableFuture<Integer> exit, boolean tty) {
    }

    /**
     * Runs another process in a running container, with the container's environment (plus the
     * request's), user, working directory and capabilities unless the request says otherwise. The
     * attachment carries its output, its input (when asked for) and its exit status at the end;
     * {@code exit} is {@code null}: the status comes with the end of the output.
     *
     * @throws io.berth.api.ConflictException if the container is not running or paused
     * @throws io.berth.api.runtime.StartFailedException if the command cannot be run (126, 127)
     */
    Attached exec(String idOrName, ExecRequest request) throws IOException;

    /**
     * What a path in a container's filesystem is, running or not. Symbolic links on the way are
     * followed as docker follows them, inside the container's root ({@code ..} stops at it, an
     * absolute target starts at it); the last one too when {@code follow} says so.
     *
     * @throws io.berth.api.NotFoundException if there is nothing at that path
     * @throws io.berth.api.InvalidArgumentException if its links nest too deep
     */
    PathStat statPath(String idOrName, String path, boolean follow) throws IOException;

    /**
     * Writes a path of a container's filesystem (a file, or a directory with all it holds) as an
     * uncompressed tar whose top entry is named {@code name} ({@code null}: the path's last
     * component). Links on the way are followed as by {@link #statPath}; a link that is the last
     * component is copied as a link (to copy what it leads to, copy its {@link PathStat#linkTarget()}).
     */
    void copyFrom(String idOrName, String path, String name, java.io.OutputStream tar) throws IOException;

    /**
     * Extracts a tar into a directory of a container's filesystem. Entries that would land
     * outside that directory are refused; nothing outside the container's root is touched.
     */
    void copyTo(String idOrName, String directory, java.io.InputStream tar) throws IOException;

    /**
     * Copies a path of a container (a file, or a directory with all it holds) into a directory of
     * the host, named {@code name} there. Entries that would land outside that directory are
     * refused.
     *
     * @param owners whether files keep the container's owners (else they belong to the caller)
     */
    void copyToHost(String idOrName, String path, java.nio.file.Path hostDirectory, String name, boolean owners)
            throws IOException;

    /**
     * Copies a file or directory of the host into a directory of a container, named {@code name}
     * there.
     */
    void copyFromHost(java.nio.file.Path source, String name, String idOrName, String directory) throws IOException;

    /** Writes a container's whole filesystem, its mounts left out, as an uncompressed tar ({@code export}). */
    void export(String idOrName, java.io.OutputStream tar) throws IOException;

    /** Resizes a running container's terminal. */
    void resize(String idOrName, io.berth.api.runtime.ConsoleSize size) throws IOException;

    /**
     * Makes an image of a container's filesystem changes: one new layer on its image's layers,
     * with the container's config (and the request's changes) as the image's defaults. A running
     * container is paused meanwhile when the request says so.
     *
     * @return the new image
     * @throws io.berth.api.InvalidArgumentException if a change is not understood
     */
    io.berth.api.image.Image commit(String idOrName, CommitRequest request) throws IOException;

    /**
     * Freezes every process of a running container until {@link #unpause}.
     *
     * @throws io.berth.api.ConflictException if it is not running, or paused already
     */
    void pause(String idOrName) throws IOException;

    /**
     * Thaws a paused container.
     *
     * @throws io.berth.api.ConflictException if it is not paused
     */
    void unpause(String idOrName) throws IOException;

    /**
     * The containers the options ask for, newest first, filtered as docker's daemon filters them.
     *
     * @throws io.berth.api.InvalidArgumentException for an unknown filter or a bad value, in
     *         docker's words
     * @throws io.berth.api.NotFoundException for a {@code before} or {@code since} container that
     *         does not exist
     */
    List<Container> list(ContainerListOptions options) throws IOException;

    /**
     * Finds one container.
     *
     * @throws io.berth.api.NotFoundException {@code No such container: NAME}
     */
    Container get(String idOrName) throws IOException;

    /** Everything about one container. */
    ContainerDetails inspect(String idOrName) throws IOException;

    /** Gives a container another name. */
    void rename(String idOrName, String newName) throws IOException;

    /** Removes every container that is not running. */
    PrunedContainers prune() throws IOException, InterruptedException;

    /** The changes of a container's filesystem relative to its image. */
    List<Change> changes(String idOrName) throws IOException;

    /** The host pids of a running container's processes. */
    List<Integer> pids(String idOrName) throws IOException;

    /** A running container's resource use now. */
    RuntimeStats stats(String idOrName) throws IOException;

    /**
     * Sends a container's logged output to {@code sink}, in order, byte for byte as the container
     * wrote it; with {@code follow}, keeps sending until the container stops (or the thread is
     * interrupted). An exception of the sink ends it and is thrown here.
     */
    void logs(String idOrName, LogOptions options, LogSink sink) throws IOException, InterruptedException;

    /**
     * {@code network connect}: connects a container to a network; a running one at once, a stopped
     * one from its next start.
     *
     * @since 2.2
     */
    void connect(String idOrName, String network, io.berth.api.network.EndpointSettings settings) throws IOException;

    /**
     * {@code network disconnect}: disconnects a container from a network.
     *
     * @param force disconnect even when the network is gone
     * @since 2.2
     */
    void disconnect(String idOrName, String network, boolean force) throws IOException;

    /**
     * {@code rm -v}: removes a container as {@link #remove(String, boolean)} does, and its anonymous
     * volumes that no other container uses; named volumes are never removed with a container.
     *
     * @since 2.3
     */
    void remove(String idOrName, boolean force, boolean volumes) throws IOException, InterruptedException;

    /**
     * The id remapping new containers get ({@code usernsRemap}), or {@code null} when they use the
     * host's ids.
     *
     * @throws io.berth.api.InvalidArgumentException if the setting names a user without subordinate ids
     * @since 2.3
     */
    default Remap remap() throws IOException {
        return null;
    }

    /**
     * Waits until a container's health check has a verdict: until its health is
     * {@link HealthStatus#HEALTHY} or {@link HealthStatus#UNHEALTHY}, the container is not running
     * (or is paused), or the timeout passes, whichever comes first; what compose's
     * {@code depends_on: condition: service_healthy} waits for. The wait holds no lock: the
     * container can be stopped, paused or removed meanwhile, which ends it.
     * <pre>{@code
     * if (containers.awaitHealth("db", Duration.ofMinutes(1)) != HealthStatus.HEALTHY) { ... }
     * }</pre>
     *
     * @param timeout how long to wait at most, or {@code null} for as long as it takes
     * @return its health status then: {@link HealthStatus#NONE} at once for a container without a
     *         health check, {@link HealthStatus#STARTING} if the timeout passed first
     * @throws io.berth.api.NotFoundException if there is no such container, or it is removed meanwhile
     * @since 2.4
     */
    HealthStatus awaitHealth(String idOrName, java.time.Duration timeout) throws IOException, InterruptedException;

    /**
     * {@code update}: changes a container's resource limits and restart policy, as docker's
     * daemon does: the new limits are written to a running or paused container's cgroups at once
     * and kept for its next starts; a stopped one gets them when it starts. What the request does
     * not set stays as it is.
     *
     * @return warnings for the caller, as docker's {@code Warnings}; empty when there are none
     * @throws io.berth.api.InvalidArgumentException if a value is out of range or the limits
     *         conflict ({@code Cannot update container ID: ...} where docker says so)
     * @throws io.berth.api.NotFoundException {@code No such container: NAME}
     * @since 2.5
     */
    List<String> update(String idOrName, UpdateRequest request) throws IOException;
}
