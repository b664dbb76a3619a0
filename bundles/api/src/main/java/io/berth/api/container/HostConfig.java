package io.berth.api.container;

import io.berth.api.runtime.ContainerDefaults;
import io.berth.api.runtime.Resources;
import io.berth.api.runtime.Rlimit;

import io.berth.api.network.PortBinding;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a container is run on this host, as docker's {@code HostConfig}. Made with a {@link Builder}
 * (absent values are docker's defaults), so that fields can be added without breaking callers;
 * immutable.
 */
public final class HostConfig {
    /** No options: the defaults of {@code docker run}. */
    public static final HostConfig DEFAULT = builder().build();

    private final String runtime;
    private final boolean autoRemove;
    private final boolean privileged;
    private final boolean readonlyRootfs;
    private final List<String> capAdd;
    private final List<String> capDrop;
    private final Map<String, String> tmpfs;
    private final Resources resources;
    private final LogConfig log;
    private final List<String> securityOpt;
    private final List<Rlimit> ulimits;
    private final RestartPolicy restartPolicy;
    private final long shmSize;
    private final String networkMode;
    private final Map<String, List<PortBinding>> portBindings;
    private final boolean publishAllPorts;
    private final List<String> dns;
    private final List<String> dnsSearch;
    private final List<String> dnsOptions;
    private final List<String> extraHosts;
    private final List<String> binds;
    private final List<MountSpec> mounts;
    private final List<String> volumesFrom;
    private final String volumeDriver;
    private final String usernsMode;
    private final Boolean init;

    private HostConfig(Builder b) {
        runtime = b.runtime;
        autoRemove = b.autoRemove;
        privileged = b.privileged;
        readonlyRootfs = b.readonlyRootfs;
        capAdd = b.capAdd == null ? List.of() : List.copyOf(b.capAdd);
        capDrop = b.capDrop == null ? List.of() : List.copyOf(b.capDrop);
        tmpfs = b.tmpfs == null ? Map.of() : Map.copyOf(b.tmpfs);
        resources = b.resources == null ? Resources.NONE : b.resources;
        log = b.log == null ? LogConfig.DEFAULT : b.log;
        securityOpt = b.securityOpt == null ? List.of() : List.copyOf(b.securityOpt);
        ulimits = b.ulimits == null ? List.of() : List.copyOf(b.ulimits);
        restartPolicy = b.restartPolicy == null ? RestartPolicy.NO : b.restartPolicy;
        shmSize = b.shmSize == 0 ? ContainerDefaults.SHM_SIZE : b.shmSize;
        networkMode = b.networkMode == null || b.networkMode.isEmpty() || b.networkMode.equals("default")
                ? "bridge" : b.networkMode;
        portBindings = b.portBindings == null ? Map.of() : orderedCopy(b.portBindings);
        publishAllPorts = b.publishAllPorts;
        dns = b.dns == null ? List.of() : List.copyOf(b.dns);
        dnsSearch = b.dnsSearch == null ? List.of() : List.copyOf(b.dnsSearch);
        dnsOptions = b.dnsOptions == null ? List.of() : List.copyOf(b.dnsOptions);
        extraHosts = b.extraHosts == null ? List.of() : List.copyOf(b.extraHosts);
        if (autoRemove && !restartPolicy.name().equals("no")) {
            throw new io.berth.api.InvalidArgumentException("Conflicting options: --restart and --rm");
        }
        binds = b.binds == null ? List.of() : List.copyOf(b.binds);
        mounts = b.mounts == null ? List.of() : List.copyOf(b.mounts);
        volumesFrom = b.volumesFrom == null ? List.of() : List.copyOf(b.volumesFrom);
        volumeDriver = b.volumeDriver;
        usernsMode = b.usernsMode == null || b.usernsMode.isEmpty() ? null : b.usernsMode;
        if (usernsMode != null && !usernsMode.equals("host")) {
            throw new io.berth.api.InvalidArgumentException("invalid USER namespace mode: " + usernsMode);
        }
        init = b.init;
    }

    private static Map<String, List<PortBinding>> orderedCopy(Map<String, List<PortBinding>> m) {
        Map<String, List<PortBinding>> copy = new LinkedHashMap<>();
        m.forEach((k, v) -> copy.put(k, v == null ? List.of() : List.copyOf(v)));
        return Collections.unmodifiableMap(copy);
    }

    /** A builder with nothing set. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this config. */
    public Builder toBuilder() {
        return new Builder().runtime(runtime).autoRemove(autoRemove).privileged(privileged).readonlyRootfs(readonlyRootfs)
                .capAdd(capAdd).capDrop(capDrop).tmpfs(tmpfs).resources(resources).log(log).securityOpt(securityOpt)
                .ulimits(ulimits).restartPolicy(restartPolicy).shmSize(shmSize).networkMode(networkMode)
                .portBindings(portBindings).publishAllPorts(publishAllPorts).dns(dns).dnsSearch(dnsSearch)
                .dnsOptions(dnsOptions).extraHosts(extraHosts).binds(binds).mounts(mounts).volumesFrom(volumesFrom).volumeDriver(volumeDriver)
                .usernsMode(usernsMode).init(init);
    }

    /** The runtime driver's name ({@code --runtime}), or {@code null} for the default one. */
    public String runtime() {
        return runtime;
    }

    /** {@code --rm}: removed once it ends. */
    public boolean autoRemove() {
        return autoRemove;
    }

    /** {@code --privileged}. */
    public boolean privileged() {
        return privileged;
    }

    /** {@code --read-only}. */
    public boolean readonlyRootfs() {
        return readonlyRootfs;
    }

    /** {@code --cap-add}, names as given; empty if none. */
    public List<String> capAdd() {
        return capAdd;
    }

    /** {@code --cap-drop}; empty if none. */
    public List<String> capDrop() {
        return capDrop;
    }

    /** {@code --tmpfs} mounts: path to options; empty if none. */
    public Map<String, String> tmpfs() {
        return tmpfs;
    }

    /** Cgroup limits. */
    public Resources resources() {
        return resources;
    }

    /** The json-file log's rotation. */
    public LogConfig log() {
        return log;
    }

    /** {@code --security-opt}: {@code no-new-privileges}, {@code no-new-privileges=false}. */
    public List<String> securityOpt() {
        return securityOpt;
    }

    /**
     * {@code --ulimit}: the limits the container's processes get, exactly; a hard limit above the
     * engine's own fails the start unless the engine may raise it (see {@link Rlimit}).
     */
    public List<Rlimit> ulimits() {
        return ulimits;
    }

    /** When the engine starts the container again after it ended. */
    public RestartPolicy restartPolicy() {
        return restartPolicy;
    }

    /**
     * {@code --shm-size}: the size of the container's {@code /dev/shm} in bytes; docker's 64 MB
     * ({@link ContainerDefaults#SHM_SIZE}) when none was given. Negative only when a caller gave a
     * negative size, which creating a container refuses.
     */
    public long shmSize() {
        return shmSize;
    }

    /**
     * {@code --network}: {@code bridge} (the default), {@code host}, {@code none},
     * {@code container:ID}, or a user network's name or id.
     * @since 2.2
     */
    public String networkMode() {
        return networkMode;
    }

    /** {@code -p}: a container port ({@code 80/tcp}) to where it is published on the host. @since 2.2 */
    public Map<String, List<PortBinding>> portBindings() {
        return portBindings;
    }

    /** {@code -P}: every exposed port published on a port the engine picks. @since 2.2 */
    public boolean publishAllPorts() {
        return publishAllPorts;
    }

    /** {@code --dns}. @since 2.2 */
    public List<String> dns() {
        return dns;
    }

    /** {@code --dns-search}. @since 2.2 */
    public List<String> dnsSearch() {
        return dnsSearch;
    }

    /** {@code --dns-option}. @since 2.2 */
    public List<String> dnsOptions() {
        return dnsOptions;
    }

    /** {@code --add-host}: {@code name:address}. @since 2.2 */
    public List<String> extraHosts() {
        return extraHosts;
    }

    /** {@code -v}: {@code SOURCE:TARGET[:OPTIONS]} as given, docker's {@code HostConfig.Binds}. @since 2.3 */
    public List<String> binds() {
        return binds;
    }

    /** {@code --mount} (and what {@code -v} and {@code --tmpfs} ask), in order. @since 2.3 */
    public List<MountSpec> mounts() {
        return mounts;
    }

    /** {@code --volumes-from CONTAINER[:ro|rw]}. @since 2.3 */
    public List<String> volumesFrom() {
        return volumesFrom;
    }

    /** {@code --volume-driver}: the driver of volumes made for it, or {@code null} for the default. @since 2.3 */
    public String volumeDriver() {
        return volumeDriver;
    }

    /**
     * {@code --userns}: {@code host} to run in the host's user namespace when the engine remaps
     * ids ({@code usernsRemap}), or {@code null} for the engine's choice. @since 2.3
     */
    public String usernsMode() {
        return usernsMode;
    }

    /**
     * {@code --init}: {@code true} to run the engine's init ({@code initPath}, docker's
     * {@code docker-init}) as the container's first process, which starts the command as its child,
     * forwards signals to it and reaps orphans; {@code null} when not given, as docker keeps it
     * ({@code --init=false} is {@code false}). @since 2.4
     */
    public Boolean init() {
        return init;
    }

    /** Whether the container runs the engine's init: {@link #init()} is {@code true}. @since 2.4 */
    public boolean runsInit() {
        return Boolean.TRUE.equals(init);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HostConfig h && Objects.equals(runtime, h.runtime) && autoRemove == h.autoRemove
                && privileged == h.privileged && readonlyRootfs == h.readonlyRootfs && capAdd.equals(h.capAdd)
                && capDrop.equals(h.capDrop) && tmpfs.equals(h.tmpfs) && resources.equals(h.resources) && log.equals(h.log)
                && securityOpt.equals(h.securityOpt) && ulimits.equals(h.ulimits) && restartPolicy.equals(h.restartPolicy)
                && shmSize == h.shmSize && networkMode.equals(h.networkMode) && portBindings.equals(h.portBindings)
                && publishAllPorts == h.publishAllPorts && dns.equals(h.dns) && dnsSearch.equals(h.dnsSearch)
                && dnsOptions.equals(h.dnsOptions) && extraHosts.equals(h.extraHosts) && binds.equals(h.binds)
                && mounts.equals(h.mounts) && volumesFrom.equals(h.volumesFrom)
                && java.util.Objects.equals(volumeDriver, h.volumeDriver)
                && java.util.Objects.equals(usernsMode, h.usernsMode) && Objects.equals(init, h.init);
    }

    @Override
    public int hashCode() {
        return Objects.hash(runtime, autoRemove, privileged, readonlyRootfs, capAdd, capDrop, tmpfs, resources, log,
                securityOpt, ulimits, restartPolicy, shmSize, networkMode, portBindings, publishAllPorts, dns, dnsSearch,
                dnsOptions, extraHosts, binds, mounts, volumesFrom, volumeDriver, usernsMode, init);
    }

    @Override
    public String toString() {
        return "HostConfig[runtime=" + runtime + ", autoRemove=" + autoRemove + ", privileged=" + privileged
                + ", readonlyRootfs=" + readonlyRootfs + ", capAdd=" + capAdd + ", capDrop=" + capDrop + ", tmpfs=" + tmpfs
                + ", resources=" + resources + ", log=" + log + ", securityOpt=" + securityOpt + ", ulimits=" + ulimits
                + ", restartPolicy=" + restartPolicy + ", shmSize=" + shmSize + ", networkMode=" + networkMode
                + ", portBindings=" + portBindings + ", publishAllPorts=" + publishAllPorts + ", dns=" + dns
                + ", dnsSearch=" + dnsSearch + ", dnsOptions=" + dnsOptions + ", extraHosts=" + extraHosts + ", init=" + init + "]";
    }

    /** Sets a {@link HostConfig}'s fields; {@code null} (or nothing) means docker's default. */
    public static final class Builder {
        private String runtime;
        private boolean autoRemove;
        private boolean privileged;
        private boolean readonlyRootfs;
        private List<String> capAdd;
        private List<String> capDrop;
        private Map<String, String> tmpfs;
        private Resources resources;
        private LogConfig log;
        private List<String> securityOpt;
        private List<Rlimit> ulimits;
        private RestartPolicy restartPolicy;
        private long shmSize;
        private String networkMode;
        private Map<String, List<PortBinding>> portBindings;
        private boolean publishAllPorts;
        private List<String> dns;
        private List<String> dnsSearch;
        private List<String> dnsOptions;
        private List<String> extraHosts;
        private List<String> binds;
        private List<MountSpec> mounts;
        private List<String> volumesFrom;
        private String volumeDriver;
        private String usernsMode;
        private Boolean init;

        private Builder() {
        }

        public Builder runtime(String runtime) {
            this.runtime = runtime;
            return this;
        }

        public Builder autoRemove(boolean autoRemove) {
            this.autoRemove = autoRemove;
            return this;
        }

        public Builder privileged(boolean privileged) {
            this.privileged = privileged;
            return this;
        }

        public Builder readonlyRootfs(boolean readonlyRootfs) {
            this.readonlyRootfs = readonlyRootfs;
            return this;
        }

        public Builder capAdd(List<String> capAdd) {
            this.capAdd = capAdd;
            return this;
        }

        public Builder capDrop(List<String> capDrop) {
            this.capDrop = capDrop;
            return this;
        }

        public Builder tmpfs(Map<String, String> tmpfs) {
            this.tmpfs = tmpfs;
            return this;
        }

        public Builder resources(Resources resources) {
            this.resources = resources;
            return this;
        }

        public Builder log(LogConfig log) {
            this.log = log;
            return this;
        }

        public Builder securityOpt(List<String> securityOpt) {
            this.securityOpt = securityOpt;
            return this;
        }

        public Builder ulimits(List<Rlimit> ulimits) {
            this.ulimits = ulimits;
            return this;
        }

        public Builder restartPolicy(RestartPolicy restartPolicy) {
            this.restartPolicy = restartPolicy;
            return this;
        }

        /** The size of {@code /dev/shm} in bytes; 0 means docker's default, 64 MB. */
        public Builder shmSize(long shmSize) {
            this.shmSize = shmSize;
            return this;
        }

        public Builder networkMode(String networkMode) {
            this.networkMode = networkMode;
            return this;
        }

        public Builder portBindings(Map<String, List<PortBinding>> portBindings) {
            this.portBindings = portBindings;
            return this;
        }

        public Builder publishAllPorts(boolean publishAllPorts) {
            this.publishAllPorts = publishAllPorts;
            return this;
        }

        public Builder dns(List<String> dns) {
            this.dns = dns;
            return this;
        }

        public Builder dnsSearch(List<String> dnsSearch) {
            this.dnsSearch = dnsSearch;
            return this;
        }

        public Builder dnsOptions(List<String> dnsOptions) {
            this.dnsOptions = dnsOptions;
            return this;
        }

        public Builder extraHosts(List<String> extraHosts) {
            this.extraHosts = extraHosts;
            return this;
        }

        public Builder binds(List<String> binds) {
            this.binds = binds;
            return this;
        }

        public Builder mounts(List<MountSpec> mounts) {
            this.mounts = mounts;
            return this;
        }

        public Builder volumesFrom(List<String> volumesFrom) {
            this.volumesFrom = volumesFrom;
            return this;
        }

        public Builder usernsMode(String usernsMode) {
            this.usernsMode = usernsMode;
            return this;
        }

        public Builder volumeDriver(String volumeDriver) {
            this.volumeDriver = volumeDriver;
            return this;
        }

        /** {@code --init}: {@code true} or {@code false} as given, {@code null} when not given. */
        public Builder init(Boolean init) {
            this.init = init;
            return this;
        }

        /**
         * The config.
         *
         * @throws io.berth.api.InvalidArgumentException for {@code --rm} with a restart policy
         */
        public HostConfig build() {
            return new HostConfig(this);
        }
    }
}
