package io.berth.api.runtime;

import io.berth.api.storage.Mount;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a runtime driver needs to run a container, computed by the engine. Drivers add no
 * policy of their own: the same spec gives the same container under every driver, as far as the
 * driver's isolation reaches. Made with a {@link Builder}, so that fields can be added without
 * breaking drivers; immutable.
 */
public final class ContainerSpec {
    private final String id;
    private final List<Mount> rootfs;
    private final boolean readonlyRootfs;
    private final ProcessSpec process;
    private final String hostname;
    private final List<Mount> mounts;
    private final Resources resources;
    private final List<String> maskedPaths;
    private final List<String> readonlyPaths;
    private final boolean privileged;
    private final Path netns;
    private final Path stateDir;
    private final LogSpec log;
    private final Map<String, String> annotations;
    private final long shmSize;
    private final boolean hostNetwork;
    private final Seccomp seccomp;
    private final List<IdMapping> uidMappings;
    private final List<IdMapping> gidMappings;

    private ContainerSpec(Builder b) {
        id = Objects.requireNonNull(b.id, "id");
        rootfs = List.copyOf(Objects.requireNonNull(b.rootfs, "rootfs"));
        readonlyRootfs = b.readonlyRootfs;
        process = Objects.requireNonNull(b.process, "process");
        hostname = Objects.requireNonNull(b.hostname, "hostname");
        mounts = b.mounts == null ? List.of() : List.copyOf(b.mounts);
        resources = b.resources == null ? Resources.NONE : b.resources;
        maskedPaths = b.maskedPaths == null ? List.of() : List.copyOf(b.maskedPaths);
        readonlyPaths = b.readonlyPaths == null ? List.of() : List.copyOf(b.readonlyPaths);
        privileged = b.privileged;
        netns = b.netns;
        stateDir = Objects.requireNonNull(b.stateDir, "stateDir");
        log = Objects.requireNonNull(b.log, "log");
        annotations = b.annotations == null ? Map.of() : Map.copyOf(b.annotations);
        if (b.shmSize < 0) {
            throw new IllegalArgumentException("the size of /dev/shm cannot be negative: " + b.shmSize);
        }
        shmSize = b.shmSize == 0 ? ContainerDefaults.SHM_SIZE : b.shmSize;
        hostNetwork = b.hostNetwork;
        seccomp = b.seccomp;
        uidMappings = b.uidMappings == null ? List.of() : List.copyOf(b.uidMappings);
        gidMappings = b.gidMappings == null ? List.of() : List.copyOf(b.gidMappings);
        if (uidMappings.isEmpty() != gidMappings.isEmpty()) {
            throw new IllegalArgumentException("a user namespace needs both uid and gid mappings");
        }
    }

    /** A builder with nothing set. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this one. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.id = id;
        b.rootfs = rootfs;
        b.readonlyRootfs = readonlyRootfs;
        b.process = process;
        b.hostname = hostname;
        b.mounts = mounts;
        b.resources = resources;
        b.maskedPaths = maskedPaths;
        b.readonlyPaths = readonlyPaths;
        b.privileged = privileged;
        b.netns = netns;
        b.stateDir = stateDir;
        b.log = log;
        b.annotations = annotations;
        b.shmSize = shmSize;
        b.hostNetwork = hostNetwork;
        b.seccomp = seccomp;
        b.uidMappings = uidMappings;
        b.gidMappings = gidMappings;
        return b;
    }

    /** The container's id (64 lowercase hexadecimal characters). */
    public String id() {
        return id;
    }

    /** The mounts that make up the root filesystem, from the storage driver. */
    public List<Mount> rootfs() {
        return rootfs;
    }

    /** Whether the root filesystem is mounted read-only. */
    public boolean readonlyRootfs() {
        return readonlyRootfs;
    }

    /** The container's first process. */
    public ProcessSpec process() {
        return process;
    }

    /** The container's hostname. */
    public String hostname() {
        return hostname;
    }

    /** Further mounts inside the container (binds, tmpfs), in order, targets absolute. */
    public List<Mount> mounts() {
        return mounts;
    }

    /**
     * The propagation of the container's root mount, as docker chooses it from its bind mounts'
     * propagation options: {@code rshared} when one asks for {@code shared} or {@code rshared},
     * else {@code rslave} when one asks for {@code slave} or {@code rslave}, else {@code rprivate}.
     *
     * @since 2.3
     */
    public String rootPropagation() {
        boolean slave = false;
        for (Mount m : mounts) {
            if (m.type().equals("bind")) {
                if (m.options().contains("shared") || m.options().contains("rshared")) {
                    return "rshared";
                }
                slave |= m.options().contains("slave") || m.options().contains("rslave");
            }
        }
        return slave ? "rslave" : "rprivate";
    }

    /** Cgroup limits. */
    public Resources resources() {
        return resources;
    }

    /** Paths made unreadable (bind-mounted over with {@code /dev/null} or an empty read-only tmpfs). */
    public List<String> maskedPaths() {
        return maskedPaths;
    }

    /** Paths remounted read-only. */
    public List<String> readonlyPaths() {
        return readonlyPaths;
    }

    /** Whether the container gets all capabilities and device access, and no masks. */
    public boolean privileged() {
        return privileged;
    }

    /** A network namespace to join (a {@code /var/run/netns}-style path), or {@code null} for a new, empty one. */
    public Path netns() {
        return netns;
    }

    /** A directory the driver may use for this container's files (kept until delete). */
    public Path stateDir() {
        return stateDir;
    }

    /** Where the output goes. */
    public LogSpec log() {
        return log;
    }

    /** Free-form metadata; empty if none. */
    public Map<String, String> annotations() {
        return annotations;
    }

    /**
     * The size in bytes of the tmpfs mounted on the container's {@code /dev/shm} (mode 1777,
     * {@code nosuid,nodev,noexec}), as docker mounts it; {@link ContainerDefaults#SHM_SIZE} unless set.
     */
    public long shmSize() {
        return shmSize;
    }

    /** Whether it shares the host's network namespace ({@code --network host}); then {@link #netns} is {@code null}. @since 2.2 */
    public boolean hostNetwork() {
        return hostNetwork;
    }

    /**
     * The seccomp filter the container's processes (and those added to it) run under, installed
     * as the last step before the process is executed; {@code null} for none (unconfined).
     *
     * @since 2.3
     */
    public Seccomp seccomp() {
        return seccomp;
    }

    /**
     * The uid mappings of the container's user namespace ({@code usernsRemap}): its processes run
     * in a user namespace of their own whose ids map to these host ids, and its root filesystem
     * and writable files are owned by the mapped ids. Empty: no user namespace, the host's ids.
     *
     * @since 2.3
     */
    public List<IdMapping> uidMappings() {
        return uidMappings;
    }

    /** The gid mappings of the container's user namespace; empty exactly when {@link #uidMappings} is. @since 2.3 */
    public List<IdMapping> gidMappings() {
        return gidMappings;
    }

    /** Whether the container runs in a user namespace of its own. @since 2.3 */
    public boolean userNamespace() {
        return !uidMappings.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ContainerSpec c && Objects.equals(id, c.id) && Objects.equals(rootfs, c.rootfs)
                && readonlyRootfs == c.readonlyRootfs && Objects.equals(process, c.process)
                && Objects.equals(hostname, c.hostname) && Objects.equals(mounts, c.mounts)
                && Objects.equals(resources, c.resources) && Objects.equals(maskedPaths, c.maskedPaths)
                && Objects.equals(readonlyPaths, c.readonlyPaths) && privileged == c.privileged
                && Objects.equals(netns, c.netns) && hostNetwork == c.hostNetwork && Objects.equals(stateDir, c.stateDir)
                && Objects.equals(log, c.log) && Objects.equals(annotations, c.annotations) && shmSize == c.shmSize
                && Objects.equals(seccomp, c.seccomp) && uidMappings.equals(c.uidMappings)
                && gidMappings.equals(c.gidMappings);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, rootfs, readonlyRootfs, process, hostname, mounts, resources, maskedPaths,
                readonlyPaths, privileged, netns, stateDir, log, annotations, shmSize, seccomp, uidMappings, gidMappings);
    }

    @Override
    public String toString() {
        return "ContainerSpec[" + "id=" + id + ", rootfs=" + rootfs + ", readonlyRootfs=" + readonlyRootfs +
                ", process=" + process + ", hostname=" + hostname + ", mounts=" + mounts +
                ", resources=" + resources + ", maskedPaths=" + maskedPaths + ", readonlyPaths=" + readonlyPaths +
                ", privileged=" + privileged + ", netns=" + netns + ", stateDir=" + stateDir + ", log=" + log +
                ", annotations=" + annotations + ", shmSize=" + shmSize + ", seccomp=" + (seccomp == null ? "unconfined" : seccomp.rules().size() + " rules")
                + (uidMappings.isEmpty() ? "" : ", uidMappings=" + uidMappings + ", gidMappings=" + gidMappings) + "]";
    }

    /** Sets a {@link ContainerSpec}'s fields. */
    public static final class Builder {
        private String id;
        private List<Mount> rootfs;
        private boolean readonlyRootfs;
        private ProcessSpec process;
        private String hostname;
        private List<Mount> mounts;
        private Resources resources;
        private List<String> maskedPaths;
        private List<String> readonlyPaths;
        private boolean privileged;
        private Path netns;
        private Path stateDir;
        private LogSpec log;
        private Map<String, String> annotations;
        private long shmSize;
        private boolean hostNetwork;
        private Seccomp seccomp;
        private List<IdMapping> uidMappings;
        private List<IdMapping> gidMappings;

        private Builder() {
        }

        public Builder id(String id) {
            this.id = id;
            return this;
        }

        public Builder rootfs(List<Mount> rootfs) {
            this.rootfs = rootfs;
            return this;
        }

        public Builder readonlyRootfs(boolean readonlyRootfs) {
            this.readonlyRootfs = readonlyRootfs;
            return this;
        }

        public Builder process(ProcessSpec process) {
            this.process = process;
            return this;
        }

        public Builder hostname(String hostname) {
            this.hostname = hostname;
            return this;
        }

        public Builder mounts(List<Mount> mounts) {
            this.mounts = mounts;
            return this;
        }

        public Builder resources(Resources resources) {
            this.resources = resources;
            return this;
        }

        public Builder maskedPaths(List<String> maskedPaths) {
            this.maskedPaths = maskedPaths;
            return this;
        }

        public Builder readonlyPaths(List<String> readonlyPaths) {
            this.readonlyPaths = readonlyPaths;
            return this;
        }

        public Builder privileged(boolean privileged) {
            this.privileged = privileged;
            return this;
        }

        public Builder netns(Path netns) {
            this.netns = netns;
            return this;
        }

        public Builder stateDir(Path stateDir) {
            this.stateDir = stateDir;
            return this;
        }

        public Builder log(LogSpec log) {
            this.log = log;
            return this;
        }

        public Builder annotations(Map<String, String> annotations) {
            this.annotations = annotations;
            return this;
        }

        /** The size of {@code /dev/shm} in bytes; 0 means {@link ContainerDefaults#SHM_SIZE}. */
        public Builder shmSize(long shmSize) {
            this.shmSize = shmSize;
            return this;
        }

        public Builder hostNetwork(boolean hostNetwork) {
            this.hostNetwork = hostNetwork;
            return this;
        }

        public Builder seccomp(Seccomp seccomp) {
            this.seccomp = seccomp;
            return this;
        }

        /** The user namespace's mappings ({@link #uidMappings}); empty lists (or {@code null}) for none. */
        public Builder idMappings(List<IdMapping> uidMappings, List<IdMapping> gidMappings) {
            this.uidMappings = uidMappings;
            this.gidMappings = gidMappings;
            return this;
        }

        public ContainerSpec build() {
            return new ContainerSpec(this);
        }
    }
}
