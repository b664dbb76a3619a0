package io.berth.containers.internal;

import io.berth.api.InvalidArgumentException;
import io.berth.api.ProgressListener;
import io.berth.api.UnavailableException;
import io.berth.api.container.CreateRequest;
import io.berth.api.container.HostConfig;
import io.berth.api.driver.DriverRegistry;
import io.berth.api.driver.DriverType;
import io.berth.api.image.ContainerConfig;
import io.berth.api.image.Image;
import io.berth.api.image.ImageStore;
import io.berth.api.runtime.Resources;
import io.berth.api.storage.StorageDriver;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes containers ({@code create}): checks the request as docker's daemon does, merges it with
 * the image's config, picks the drivers, reserves the name, prepares the filesystem and saves the
 * container, all of it or nothing.
 */
final class ContainerCreation {
    private static final long MIN_MEMORY = 6L << 20;

    private final ContainerStore store;
    private final ImageStore images;
    private final DriverRegistry drivers;
    private final ContainerSnapshots snapshots;
    private final Path hostResolvConf;

    ContainerCreation(ContainerStore store, ImageStore images, DriverRegistry drivers, ContainerSnapshots snapshots,
                      Path hostResolvConf) {
        this.store = store;
        this.images = images;
        this.drivers = drivers;
        this.snapshots = snapshots;
        this.hostResolvConf = hostResolvConf;
    }

    /**
     * Makes a container, not running.
     *
     * @throws io.berth.api.NotFoundException if the image does not exist
     * @throws io.berth.api.ConflictException if the name is taken
     * @throws InvalidArgumentException for a bad name, option or an image without command
     * @throws UnavailableException if a driver it needs is not available
     */
    ContainerStore.Entry create(CreateRequest req) throws IOException {
        String wantedName = req.name() == null || req.name().isEmpty() ? null : Names.validate(req.name());
        Image image = images.get(req.image());
        ContainerConfig ic = images.inspect(image.id().toString()).config().config();
        HostConfig host = req.host();

        List<String> entrypoint = req.entrypoint() != null ? req.entrypoint() : orEmpty(ic.entrypoint());
        List<String> cmd = req.command() != null && !req.command().isEmpty() ? req.command()
                : req.entrypoint() != null ? List.of() : orEmpty(ic.cmd());
        List<String> argv = new ArrayList<>(entrypoint);
        argv.addAll(cmd);
        if (argv.isEmpty()) {
            throw new InvalidArgumentException("No command specified");
        }
        String workingDir = req.workingDir() != null && !req.workingDir().isEmpty() ? req.workingDir() : ic.workingDir();
        if (!workingDir.isEmpty() && !workingDir.startsWith("/")) {
            throw new InvalidArgumentException("the working directory '" + workingDir + "' is invalid, it needs to be an absolute path");
        }
        String stopSignal = req.stopSignal() != null ? req.stopSignal() : ic.stopSignal();
        if (stopSignal != null && !stopSignal.isEmpty()) {
            Signals.parse(stopSignal);
        }
        Integer stopTimeout = req.stopTimeout() != null ? req.stopTimeout() : ic.stopTimeout();
        Capabilities.of(host.capAdd(), host.capDrop());
        validate(host);
        String runtimeName = host.runtime() != null && !host.runtime().isEmpty() ? host.runtime()
                : drivers.defaultName(DriverType.RUNTIME);
        if (runtimeName == null) {
            throw new UnavailableException("no runtime driver is available");
        }
        drivers.runtime(runtimeName);
        String storageName = req.storage() != null ? req.storage() : drivers.defaultName(DriverType.STORAGE);
        if (storageName == null) {
            throw new UnavailableException("no storage driver is available");
        }
        StorageDriver storage = drivers.storage(storageName);

        String id = Names.newId();
        String hostname = req.hostname() != null && !req.hostname().isEmpty() ? req.hostname() : id.substring(0, 12);
        if (hostname.length() > 64 || !hostname.matches("[A-Za-z0-9][A-Za-z0-9.-]*")) {
            throw new InvalidArgumentException("invalid hostname format: " + hostname);
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (ic.labels() != null) {
            labels.putAll(ic.labels());
        }
        labels.putAll(req.labels());
        ContainerConfig config = ContainerConfig.builder().hostname(hostname)
                .user(req.user() != null ? req.user() : ic.user()).attachStdin(req.openStdin()).attachStdout(true)
                .attachStderr(true).exposedPorts(ic.exposedPorts()).tty(req.tty()).openStdin(req.openStdin())
                .stdinOnce(req.stdinOnce()).env(RuntimeSpecs.mergeEnv(orEmpty(ic.env()), req.env()))
                .cmd(cmd.isEmpty() ? null : cmd).healthcheck(ic.healthcheck()).image(req.image()).volumes(ic.volumes())
                .workingDir(workingDir).entrypoint(entrypoint.isEmpty() ? null : entrypoint).onBuild(ic.onBuild())
                .labels(labels).stopSignal(stopSignal == null || stopSignal.isEmpty() ? null : stopSignal)
                .stopTimeout(stopTimeout).build();
        HostConfig fixed = host.toBuilder().runtime(runtimeName).build();

        String name;
        if (wantedName != null) {
            store.reserve(wantedName, id);
            name = wantedName;
        } else {
            name = store.reserveGenerated(id);
        }
        try {
            String chain = images.unpack(image.id().toString(), storageName, ProgressListener.NONE);
            String init = snapshots.prepare(storage, id, chain);
            try {
                ContainerRecord record = new ContainerRecord(id, name, Instant.now().toString(), req.image(),
                        image.id().toString(), argv.get(0), argv.subList(1, argv.size()), config, fixed, storageName, id, init);
                Map<String, byte[]> files = new LinkedHashMap<>();
                files.put("hosts", HostFiles.hosts(hostname));
                files.put("hostname", HostFiles.hostname(hostname));
                files.put("resolv.conf", HostFiles.resolvConf(hostResolvConf));
                return store.add(record, StateRecord.CREATED, files);
            } catch (IOException | RuntimeException ex) {
                ContainerSnapshots.remove(storage, id);
                throw ex;
            }
        } catch (IOException | RuntimeException ex) {
            store.release(name, id);
            throw ex;
        }
    }

    /** What docker's daemon refuses of a host config, in its words. */
    static void validate(HostConfig host) {
        Resources r = host.resources();
        if (r.memory() != 0 && r.memory() < MIN_MEMORY) {
            throw new InvalidArgumentException("Minimum memory limit allowed is 6MB");
        }
        if (r.memorySwap() > 0 && r.memory() == 0) {
            throw new InvalidArgumentException("You should always set the Memory limit when using Memoryswap limit, see usage");
        }
        if (r.memorySwap() > 0 && r.memorySwap() < r.memory()) {
            throw new InvalidArgumentException("Minimum memoryswap limit should be larger than memory limit, see usage");
        }
        if (r.cpuQuota() < 0 || r.cpuPeriod() < 0 || r.cpuShares() < 0) {
            throw new InvalidArgumentException("CPU limits cannot be negative");
        }
        if (r.cpuPeriod() != 0 && (r.cpuPeriod() < 1000 || r.cpuPeriod() > 1000000)) {
            throw new InvalidArgumentException("CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1 second (i.e. 1000000)");
        }
        if (r.cpuQuota() != 0 && r.cpuQuota() < 1000) {
            throw new InvalidArgumentException("CPU cfs quota can not be less than 1ms (i.e. 1000)");
        }
        if (r.cpusetCpus() != null && !r.cpusetCpus().isEmpty()) {
            CpuSets.check(r.cpusetCpus());
        }
        for (String opt : host.securityOpt()) {
            if (!opt.equals("no-new-privileges") && !opt.matches("no-new-privileges[=:](true|false)")) {
                throw new InvalidArgumentException("invalid --security-opt: " + opt
                        + " (supported: no-new-privileges, no-new-privileges=false)");
            }
        }
        if (host.shmSize() < 0) {
            throw new InvalidArgumentException("SHM size can not be less than 0");
        }
        for (String path : host.tmpfs().keySet()) {
            if (!path.startsWith("/") || ContainerPaths.clean(path).isEmpty()) {
                throw new InvalidArgumentException("invalid mount path for --tmpfs: " + path);
            }
        }
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
