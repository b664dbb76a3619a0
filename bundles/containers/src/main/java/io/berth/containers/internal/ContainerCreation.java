package io.berth.containers.internal;

import io.berth.api.InvalidArgumentException;
import io.berth.api.ProgressListener;
import io.berth.api.UnavailableException;
import io.berth.api.container.CreateRequest;
import io.berth.api.container.HostConfig;
import io.berth.api.container.MountSpec;
import io.berth.api.driver.DriverRegistry;
import io.berth.api.driver.DriverType;
import io.berth.api.image.ContainerConfig;
import io.berth.api.image.ImageStore;
import io.berth.api.network.EndpointSettings;
import io.berth.api.network.Network;
import io.berth.api.network.NetworkService;
import io.berth.api.runtime.Resources;
import io.berth.api.storage.StorageDriver;
import io.berth.posix.IdMap;

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
    private final Networking networking;
    private final Volumes volumes;
    private final Remapping remapping;

    ContainerCreation(ContainerStore store, ImageStore images, DriverRegistry drivers, ContainerSnapshots snapshots,
                      Path hostResolvConf, Networking networking, Volumes volumes, Remapping remapping) {
        this.remapping = remapping;
        this.networking = networking;
        this.volumes = volumes;
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
        io.berth.api.content.Digest imageId = images.id(req.image());
        ContainerConfig ic = images.config(imageId.toString()).config();
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
        ContainerConfig.Healthcheck healthcheck = healthcheck(req.healthcheck(), ic.healthcheck());
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
        IdMap ids = remapping.forNew(host);

        String id = Names.newId();
        Map<String, EndpointSettings> networks = new LinkedHashMap<>();
        host = network(req, host, networks);
        String mode = host.networkMode();
        String hostname = req.hostname() != null && !req.hostname().isEmpty() ? req.hostname()
                : mode.equals("host") ? hostHostname() : id.substring(0, 12);
        if (hostname.length() > 64 || !hostname.matches("[A-Za-z0-9][A-Za-z0-9.-]*")) {
            throw new InvalidArgumentException("invalid hostname format: " + hostname);
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (ic.labels() != null) {
            labels.putAll(ic.labels());
        }
        labels.putAll(req.labels());
        ContainerConfig config = ContainerConfig.builder().hostname(hostname)
                .user(req.user() != null ? req.user() : ic.user()).attachStdin(req.openStdin() && !req.detached())
                .attachStdout(!req.detached()).attachStderr(!req.detached()).exposedPorts(exposedPorts(ic.exposedPorts(), req, host)).tty(req.tty()).openStdin(req.openStdin())
                .stdinOnce(req.stdinOnce()).env(RuntimeSpecs.mergeEnv(orEmpty(ic.env()), req.env()))
                .cmd(cmd.isEmpty() ? null : cmd).healthcheck(healthcheck).image(req.image()).volumes(ic.volumes())
                .workingDir(workingDir).entrypoint(entrypoint.isEmpty() ? null : entrypoint).onBuild(ic.onBuild())
                .labels(labels).stopSignal(stopSignal == null || stopSignal.isEmpty() ? null : stopSignal)
                .stopTimeout(stopTimeout).build();
        HostConfig fixed = host.toBuilder().runtime(runtimeName).resources(withSwap(host.resources())).build();

        String name;
        if (wantedName != null) {
            store.reserve(wantedName, id);
            name = wantedName;
        } else {
            name = store.reserveGenerated(id);
        }
        try {
            String chain = images.unpack(imageId.toString(), storageName, ProgressListener.NONE);
            String init = snapshots.prepare(storage, id, chain, ids == null ? IdMap.IDENTITY : ids);
            List<MountSpec> mounts;
            try {
                mounts = volumes.resolve(id, fixed, orEmpty(ic.volumes()), store);
            } catch (IOException | RuntimeException ex) {
                ContainerSnapshots.remove(storage, id);
                throw ex;
            }
            ContainerRecord record = new ContainerRecord(id, name, Instant.now().toString(), req.image(),
                    imageId.toString(), argv.get(0), argv.subList(1, argv.size()), config, fixed, storageName, id, init,
                    networks, mounts, ids);
            try {
                Map<String, byte[]> files = new LinkedHashMap<>();
                files.put("hosts", HostFiles.hosts(hostname));
                files.put("hostname", HostFiles.hostname(hostname));
                files.put("resolv.conf", HostFiles.resolvConf(hostResolvConf));
                ContainerStore.Entry added = store.add(record, StateRecord.CREATED, files);
                // Bound over the container's /etc: its root may write them, as docker's remapped root may.
                for (String f : files.keySet()) {
                    record.ids().chownToRoot(added.dir.resolve(f));
                }
                return added;
            } catch (IOException | RuntimeException ex) {
                volumes.release(record, true);
                ContainerSnapshots.remove(storage, id);
                throw ex;
            }
        } catch (IOException | RuntimeException ex) {
            store.release(name, id);
            throw ex;
        }
    }

    /** docker's default: a memory limit without a swap limit allows as much swap again (memory + swap = twice it). */
    private static Resources withSwap(Resources r) {
        return r.memory() > 0 && r.memorySwap() == 0 ? r.toBuilder().memorySwap(2 * r.memory()).build() : r;
    }

    /**
     * Checks the network mode and the networks asked for, as docker's daemon does, and fills
     * {@code networks} with those the container is connected to (its mode's first).
     *
     * @return the host config, with a {@code container:} mode naming the full id
     */
    private HostConfig network(CreateRequest req, HostConfig host, Map<String, EndpointSettings> networks) {
        String mode = host.networkMode();
        boolean asksEndpoint = req.networks().values().stream().anyMatch(s -> s.macAddress() != null);
        if (mode.startsWith("container:")) {
            String target = mode.substring("container:".length());
            if (req.hostname() != null && !req.hostname().isEmpty()) {
                throw new InvalidArgumentException("conflicting options: hostname and the network mode");
            }
            if (!host.portBindings().isEmpty() || host.publishAllPorts() || !req.exposedPorts().isEmpty()) {
                throw new InvalidArgumentException("conflicting options: port publishing and the container type network mode");
            }
            if (!host.dns().isEmpty() || !host.dnsSearch().isEmpty() || !host.dnsOptions().isEmpty()) {
                throw new InvalidArgumentException("conflicting options: dns and the network mode");
            }
            if (!host.extraHosts().isEmpty()) {
                throw new InvalidArgumentException("conflicting options: custom host-to-IP mapping and the network mode");
            }
            if (asksEndpoint) {
                throw new InvalidArgumentException("conflicting options: mac-address and the network mode");
            }
            ContainerStore.Entry joined = store.find(target);
            return host.toBuilder().networkMode("container:" + joined.id()).build();
        }
        if (mode.equals("host") || mode.equals("none")) {
            for (String other : req.networks().keySet()) {
                if (!other.equals(mode)) {
                    throw new InvalidArgumentException("conflicting options: cannot attach both user-defined and non-user-defined "
                            + "network-modes");
                }
            }
            return host;
        }
        if (!networking.available()) {
            // An engine embedded without networking: the container runs with only its loopback.
            return host;
        }
        NetworkService service = networking.service();
        Network first = service.get(mode);
        if (NetworkService.PREDEFINED.contains(first.name()) && !first.name().equals("bridge")) {
            return host.toBuilder().networkMode(first.name()).build();
        }
        add(networks, first, settings(req, mode, first));
        for (Map.Entry<String, EndpointSettings> other : req.networks().entrySet()) {
            Network n = service.get(other.getKey());
            if (n.name().equals("host") || n.name().equals("none")) {
                throw new InvalidArgumentException("conflicting options: cannot attach both user-defined and non-user-defined "
                        + "network-modes");
            }
            if (!networks.containsKey(n.name())) {
                add(networks, n, other.getValue());
            }
        }
        return host;
    }

    private static EndpointSettings settings(CreateRequest req, String mode, Network n) {
        EndpointSettings s = req.networks().get(mode);
        if (s == null) {
            s = req.networks().get(n.name());
        }
        return s == null ? EndpointSettings.DEFAULT : s;
    }

    /** Adds a network; the default bridge takes neither an address nor aliases, as docker's daemon says. */
    private static void add(Map<String, EndpointSettings> networks, Network n, EndpointSettings s) {
        if (n.name().equals("bridge")) {
            if (s.ipv4Address() != null || s.ipv6Address() != null) {
                throw new InvalidArgumentException("user specified IP address is supported on user defined networks only");
            }
            if (!s.aliases().isEmpty()) {
                throw new InvalidArgumentException("network-scoped alias is supported only for containers in user defined "
                        + "networks");
            }
        }
        networks.put(n.name(), s);
    }

    /** The image's exposed ports, {@code --expose}'s and the published ones ({@code 80/tcp}). */
    private static List<String> exposedPorts(List<String> image, CreateRequest req, HostConfig host) {
        java.util.Set<String> all = new java.util.LinkedHashSet<>();
        for (String p : orEmpty(image)) {
            all.add(p.contains("/") ? p : p + "/tcp");
        }
        for (String p : req.exposedPorts()) {
            all.add(p.contains("/") ? p : p + "/tcp");
        }
        for (String p : host.portBindings().keySet()) {
            all.add(p.contains("/") ? p : p + "/tcp");
        }
        return all.isEmpty() ? null : List.copyOf(all);
    }

    /** The host's name, which a container on the host's network has unless given one. */
    private static String hostHostname() {
        try {
            return java.nio.file.Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException e) {
            return "localhost";
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
        SecurityOptions.check(host.securityOpt());
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

    /**
     * The health check asked for merged with the image's, as docker's daemon merges them: each
     * field not set (an empty test, a zero duration or retries) is the image's.
     *
     * @throws InvalidArgumentException in docker's words, for a duration under 1ms or negative retries
     */
    static ContainerConfig.Healthcheck healthcheck(ContainerConfig.Healthcheck asked, ContainerConfig.Healthcheck image) {
        if (asked == null) {
            return image;
        }
        // Checked before the merge, as docker checks the request: the image's values are as they are.
        checkDuration("Interval", asked.interval());
        checkDuration("Timeout", asked.timeout());
        if (asked.retries() < 0) {
            throw new InvalidArgumentException("Retries in Healthcheck cannot be negative");
        }
        checkDuration("StartPeriod", asked.startPeriod());
        if (image == null) {
            return asked;
        }
        return new ContainerConfig.Healthcheck(asked.test() == null || asked.test().isEmpty() ? image.test() : asked.test(),
                asked.interval() == 0 ? image.interval() : asked.interval(),
                asked.timeout() == 0 ? image.timeout() : asked.timeout(),
                asked.startPeriod() == 0 ? image.startPeriod() : asked.startPeriod(),
                asked.retries() == 0 ? image.retries() : asked.retries());
    }

    /** Docker's {@code MinimumDuration}: a duration, when set, is at least 1ms. */
    private static void checkDuration(String field, long nanos) {
        if (nanos != 0 && nanos < 1_000_000) {
            throw new InvalidArgumentException(field + " in Healthcheck cannot be less than 1ms");
        }
    }
}
