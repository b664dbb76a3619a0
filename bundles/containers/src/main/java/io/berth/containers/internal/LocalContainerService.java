package io.berth.containers.internal;

import io.berth.api.container.CommitRequest;
import io.berth.api.container.Container;
import io.berth.api.container.ContainerDetails;
import io.berth.api.container.ContainerListOptions;
import io.berth.api.container.ContainerService;
import io.berth.api.container.ContainerStatus;
import io.berth.api.container.CreateRequest;
import io.berth.api.container.ExecRequest;
import io.berth.api.container.LogSink;
import io.berth.api.container.LogOptions;
import io.berth.api.container.PathStat;
import io.berth.api.container.PrunedContainers;
import io.berth.api.content.Digest;
import io.berth.api.driver.DriverRegistry;
import io.berth.api.image.Image;
import io.berth.api.image.ImageStore;
import io.berth.api.network.EndpointSettings;
import io.berth.api.network.NetworkService;
import io.berth.api.volume.VolumeService;
import io.berth.api.image.ImageUsers;
import io.berth.api.runtime.ConsoleSize;
import io.berth.api.runtime.RuntimeDriver;
import io.berth.api.runtime.RuntimeStats;
import io.berth.api.storage.Change;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The engine's containers: the {@link ContainerService} the front ends and embedders use, made of
 * parts that each do one thing. {@link ContainerCreation} makes containers; {@link ContainerLifecycle}
 * runs them (with the {@link ExitMonitor} that sees them end and the {@link RestartPolicies} that
 * start them again); {@link Reconciler} brings the records in line with the drivers when the engine
 * starts or a driver returns; {@link ContainerFiles} reads and writes their files; {@link Commits}
 * makes images of them; {@link ContainerQueries} answers questions, with docker's filters. State is
 * in the {@link ContainerStore}; root filesystems are mounted by {@link RootFilesystems} under
 * {@code <runRoot>/containers/<id>/rootfs} while a container runs.
 */
public final class LocalContainerService implements ContainerService, ImageUsers {
    private final ContainerStore store;
    private final ContainerCreation creation;
    private final ContainerLifecycle lifecycle;
    private final Reconciler reconciler;
    private final ContainerFiles files;
    private final Commits commits;
    private final ContainerQueries queries;
    private final Remapping remapping;
    private final ContainerUpdates updates;

    /**
     * @param root where containers are kept ({@code <root>/containers})
     * @param runRoot where their root filesystems are mounted ({@code <runRoot>/containers})
     * @param hostResolvConf the host's {@code resolv.conf}, which containers get a copy of
     * @param networks the engine's networks, or {@code null} to run containers with only their loopback
     * @param volumes the engine's volumes, or {@code null} for an engine without (volumes are then refused)
     */
    public LocalContainerService(Path root, Path runRoot, ImageStore images, DriverRegistry drivers, Path hostResolvConf,
                                 NetworkService networks, VolumeService volumes) throws IOException {
        this(root, runRoot, images, drivers, hostResolvConf, networks, volumes, () -> null);
    }

    /**
     * @param usernsRemap the engine's {@code usernsRemap} setting as it is now ({@code null}: none),
     *        read for each container made
     */
    public LocalContainerService(Path root, Path runRoot, ImageStore images, DriverRegistry drivers, Path hostResolvConf,
                                 NetworkService networks, VolumeService volumes,
                                 java.util.function.Supplier<String> usernsRemap) throws IOException {
        this(root, runRoot, images, drivers, hostResolvConf, networks, volumes, usernsRemap, () -> null);
    }

    /**
     * @param initPath the engine's {@code initPath} setting as it is now ({@code null}: docker's
     *        places), read for each start of a container made with {@code --init}
     */
    public LocalContainerService(Path root, Path runRoot, ImageStore images, DriverRegistry drivers, Path hostResolvConf,
                                 NetworkService networks, VolumeService volumes,
                                 java.util.function.Supplier<String> usernsRemap,
                                 java.util.function.Supplier<Path> initPath) throws IOException {
        store = new ContainerStore(root);
        remapping = new Remapping(usernsRemap, Path.of("/etc"));
        RootFilesystems rootfs = new RootFilesystems(runRoot, remapping);
        Networking networking = new Networking(networks);
        Volumes mounts = new Volumes(volumes);
        creation = new ContainerCreation(store, images, drivers, new ContainerSnapshots(rootfs.runRoot()), hostResolvConf,
                networking, mounts, remapping);
        lifecycle = new ContainerLifecycle(store, drivers, rootfs, networking, mounts, new InitBinary(initPath));
        reconciler = new Reconciler(store, drivers, lifecycle, rootfs);
        files = new ContainerFiles(store, drivers, rootfs, mounts, lifecycle);
        commits = new Commits(store, drivers, images, lifecycle);
        queries = new ContainerQueries(store, drivers, images, rootfs, lifecycle);
        updates = new ContainerUpdates(store, lifecycle);
        store.load();
        mounts.rebuild(store.all());
        networking.tearDownStrays(store.all().stream().map(ContainerStore.Entry::id).collect(java.util.stream.Collectors.toSet()));
    }

    // ------------------------------------------------------------------ the engine's side

    /**
     * Brings the containers on a runtime in line with what it says, when the engine starts or the
     * runtime (re)appears; see {@link Reconciler}.
     */
    public void reconcile(String runtimeName, RuntimeDriver runtime) {
        reconciler.reconcile(runtimeName, runtime);
    }

    /** Starts, soon, the containers on a runtime that just came whose restart policy says so. */
    public void startByPolicies(String runtimeName) {
        lifecycle.policies().startWithEngine(runtimeName);
    }

    /** Stops watching the containers of a runtime that is going away; they keep running. */
    public void forget(String runtimeName) {
        reconciler.forget(runtimeName);
    }

    /** Removes snapshots of containers that are gone (a crash between removing a container and its filesystem). */
    public void collectOrphans() {
        reconciler.collectOrphans();
    }

    /** Stops watching: running containers keep running, to be picked up by the next engine. */
    public void close() {
        lifecycle.close();
        remapping.close();
    }

    // ------------------------------------------------------------------ ContainerService

    @Override
    public io.berth.api.container.Remap remap() throws IOException {
        io.berth.posix.SubordinateIds.Remap r = remapping.current();
        return r == null ? null : new io.berth.api.container.Remap(r.user(), r.group(), r.uids(), r.gids());
    }

    @Override
    public Container create(CreateRequest request) throws IOException {
        ContainerStore.Entry e = creation.create(request);
        lifecycle.events.publish(e.record, "create");
        return queries.container(e, false);
    }

    @Override
    public CompletableFuture<Integer> start(String idOrName) throws IOException {
        return lifecycle.start(idOrName);
    }

    @Override
    public void stop(String idOrName, Integer timeoutSeconds) throws IOException, InterruptedException {
        lifecycle.stop(idOrName, timeoutSeconds);
    }

    @Override
    public void restart(String idOrName, Integer timeoutSeconds) throws IOException, InterruptedException {
        lifecycle.restart(idOrName, timeoutSeconds);
    }

    @Override
    public void kill(String idOrName, String signal) throws IOException {
        lifecycle.kill(idOrName, signal);
    }

    @Override
    public void remove(String idOrName, boolean force) throws IOException, InterruptedException {
        lifecycle.remove(idOrName, force);
    }

    @Override
    public int await(String idOrName) throws IOException, InterruptedException {
        return lifecycle.await(idOrName);
    }

    @Override
    public Attached attach(String idOrName, boolean stdin, ConsoleSize size, boolean start) throws IOException {
        return lifecycle.attach(idOrName, stdin, size, start);
    }

    @Override
    public Attached exec(String idOrName, ExecRequest request) throws IOException {
        return lifecycle.exec(idOrName, request);
    }

    @Override
    public void resize(String idOrName, ConsoleSize size) throws IOException {
        lifecycle.resize(idOrName, size);
    }

    @Override
    public List<String> update(String idOrName, io.berth.api.container.UpdateRequest request) throws IOException {
        return updates.update(idOrName, request);
    }

    @Override
    public void pause(String idOrName) throws IOException {
        lifecycle.pause(idOrName);
    }

    @Override
    public void unpause(String idOrName) throws IOException {
        lifecycle.unpause(idOrName);
    }

    @Override
    public PrunedContainers prune() throws IOException {
        return lifecycle.prune();
    }

    @Override
    public PathStat statPath(String idOrName, String path, boolean follow) throws IOException {
        return files.stat(idOrName, path, follow);
    }

    @Override
    public void copyFrom(String idOrName, String path, String name, OutputStream tar) throws IOException {
        files.copyFrom(idOrName, path, name, tar);
    }

    @Override
    public void copyTo(String idOrName, String directory, InputStream tar) throws IOException {
        files.copyTo(idOrName, directory, tar);
    }

    @Override
    public void copyToHost(String idOrName, String path, Path hostDirectory, String name, boolean owners) throws IOException {
        files.copyToHost(idOrName, path, hostDirectory, name, owners);
    }

    @Override
    public void copyFromHost(Path source, String name, String idOrName, String directory) throws IOException {
        files.copyFromHost(source, name, idOrName, directory);
    }

    @Override
    public void export(String idOrName, OutputStream tar) throws IOException {
        files.export(idOrName, tar);
    }

    @Override
    public Image commit(String idOrName, CommitRequest request) throws IOException {
        Image image = commits.commit(idOrName, request);
        ContainerStore.Entry e = store.find(idOrName);
        lifecycle.events.publish(e.record, "commit", java.util.Map.of("comment",
                request.comment() == null ? "" : request.comment(), "imageID", image.id().toString()));
        return image;
    }

    @Override
    public List<Container> list(ContainerListOptions options) {
        return queries.list(options);
    }

    @Override
    public Container get(String idOrName) {
        return queries.get(idOrName);
    }

    @Override
    public ContainerDetails inspect(String idOrName) {
        return queries.inspect(idOrName);
    }

    @Override
    public void remove(String idOrName, boolean force, boolean volumes) throws IOException, InterruptedException {
        lifecycle.remove(idOrName, force, volumes);
    }

    @Override
    public void connect(String idOrName, String network, EndpointSettings settings) throws IOException {
        lifecycle.connect(idOrName, network, settings);
    }

    @Override
    public void disconnect(String idOrName, String network, boolean force) throws IOException {
        lifecycle.disconnect(idOrName, network, force);
    }

    @Override
    public void rename(String idOrName, String newName) throws IOException {
        String oldName = store.find(idOrName).record.name();
        store.rename(idOrName, newName);
        // docker names the old name as it keeps names, with a leading slash.
        lifecycle.events.publish(store.find(newName).record, "rename", java.util.Map.of("oldName", "/" + oldName));
    }

    /** Where container events go: the event service as it is when each is published, or none. */
    public void events(java.util.function.Supplier<io.berth.api.event.EventService> events) {
        lifecycle.events.service(events);
    }

    @Override
    public List<Change> changes(String idOrName) throws IOException {
        return queries.changes(idOrName);
    }

    @Override
    public List<Integer> pids(String idOrName) throws IOException {
        return queries.pids(idOrName);
    }

    @Override
    public RuntimeStats stats(String idOrName) throws IOException {
        return queries.stats(idOrName);
    }

    @Override
    public void logs(String idOrName, LogOptions options, LogSink sink) throws IOException, InterruptedException {
        queries.logs(idOrName, options, sink);
    }

    @Override
    public io.berth.api.container.HealthStatus awaitHealth(String idOrName, java.time.Duration timeout)
            throws InterruptedException {
        return lifecycle.health().await(idOrName, timeout);
    }

    @Override
    public List<String> usersOf(Digest imageId) {
        return queries.usersOf(imageId);
    }

    /** The status of a container as a test sees it. */
    ContainerStatus status(String idOrName) {
        return store.find(idOrName).state.status();
    }
}
