package io.berth.api.container;

import io.berth.api.image.ContainerConfig;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything {@code inspect} shows of a container. Made by the container service with a
 * {@link Builder}, so that fields can be added without breaking callers; immutable.
 */
public final class ContainerDetails {
    private final Container container;
    private final String path;
    private final List<String> args;
    private final int restartCount;
    private final ContainerConfig config;
    private final HostConfig host;
    private final Map<String, String> graphData;
    private final String logPath;
    private final String hostsPath;
    private final String hostnamePath;
    private final String resolvConfPath;
    private final boolean runtimeAvailable;
    private final io.berth.api.network.Sandbox sandbox;
    private final Map<String, io.berth.api.network.EndpointSettings> networks;
    private final List<MountPoint> mountPoints;
    private final List<io.berth.api.runtime.IdMapping> uidMappings;
    private final List<io.berth.api.runtime.IdMapping> gidMappings;

    private ContainerDetails(Builder b) {
        container = Objects.requireNonNull(b.container, "container");
        path = b.path;
        args = b.args == null ? List.of() : List.copyOf(b.args);
        restartCount = b.restartCount;
        config = b.config;
        host = b.host;
        graphData = b.graphData == null ? Map.of() : Map.copyOf(b.graphData);
        logPath = b.logPath;
        hostsPath = b.hostsPath;
        hostnamePath = b.hostnamePath;
        resolvConfPath = b.resolvConfPath;
        runtimeAvailable = b.runtimeAvailable;
        sandbox = b.sandbox;
        networks = b.networks == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(b.networks));
        mountPoints = b.mountPoints == null ? List.of() : List.copyOf(b.mountPoints);
        uidMappings = b.uidMappings == null ? List.of() : List.copyOf(b.uidMappings);
        gidMappings = b.gidMappings == null ? List.of() : List.copyOf(b.gidMappings);
    }

    /** A builder with nothing set. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this one. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.container = container;
        b.path = path;
        b.args = args;
        b.restartCount = restartCount;
        b.config = config;
        b.host = host;
        b.graphData = graphData;
        b.logPath = logPath;
        b.hostsPath = hostsPath;
        b.hostnamePath = hostnamePath;
        b.resolvConfPath = resolvConfPath;
        b.runtimeAvailable = runtimeAvailable;
        b.sandbox = sandbox;
        b.networks = networks;
        b.mountPoints = mountPoints;
        b.uidMappings = uidMappings;
        b.gidMappings = gidMappings;
        return b;
    }

    /** The container as listed. */
    public Container container() {
        return container;
    }

    /** The command that runs. */
    public String path() {
        return path;
    }

    /** Its arguments. */
    public List<String> args() {
        return args;
    }

    /** How often it was restarted by its policy. */
    public int restartCount() {
        return restartCount;
    }

    /** The container's config: the image's, with what was asked for applied. */
    public ContainerConfig config() {
        return config;
    }

    /** How it is run. */
    public HostConfig host() {
        return host;
    }

    /** Where its filesystem is, from the storage driver; empty if unknown. */
    public Map<String, String> graphData() {
        return graphData;
    }

    /** Its log file. */
    public String logPath() {
        return logPath;
    }

    /** Its {@code /etc/hosts} on the host. */
    public String hostsPath() {
        return hostsPath;
    }

    /** Its {@code /etc/hostname} on the host. */
    public String hostnamePath() {
        return hostnamePath;
    }

    /** Its {@code /etc/resolv.conf} on the host. */
    public String resolvConfPath() {
        return resolvConfPath;
    }

    /** Whether its runtime driver is installed now. */
    public boolean runtimeAvailable() {
        return runtimeAvailable;
    }

    /** Its network as set up while it runs, or {@code null}. @since 2.2 */
    public io.berth.api.network.Sandbox sandbox() {
        return sandbox;
    }

    /** The networks it is connected to, with what it asked on each, in order. @since 2.2 */
    public Map<String, io.berth.api.network.EndpointSettings> networks() {
        return networks;
    }

    /** Its mounts, as {@code inspect} shows them. @since 2.3 */
    public List<MountPoint> mountPoints() {
        return mountPoints;
    }

    /** The uid mappings of its user namespace ({@code usernsRemap}); empty: the host's ids. @since 2.3 */
    public List<io.berth.api.runtime.IdMapping> uidMappings() {
        return uidMappings;
    }

    /** The gid mappings of its user namespace; empty: the host's ids. @since 2.3 */
    public List<io.berth.api.runtime.IdMapping> gidMappings() {
        return gidMappings;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ContainerDetails c && Objects.equals(container, c.container)
                && Objects.equals(path, c.path) && Objects.equals(args, c.args) && restartCount == c.restartCount
                && Objects.equals(config, c.config) && Objects.equals(host, c.host)
                && Objects.equals(graphData, c.graphData) && Objects.equals(logPath, c.logPath)
                && Objects.equals(hostsPath, c.hostsPath) && Objects.equals(hostnamePath, c.hostnamePath)
                && Objects.equals(resolvConfPath, c.resolvConfPath) && runtimeAvailable == c.runtimeAvailable;
    }

    @Override
    public int hashCode() {
        return Objects.hash(container, path, args, restartCount, config, host, graphData, logPath, hostsPath,
                hostnamePath, resolvConfPath, runtimeAvailable);
    }

    @Override
    public String toString() {
        return "ContainerDetails[" + "container=" + container + ", path=" + path + ", args=" + args +
                ", restartCount=" + restartCount + ", config=" + config + ", host=" + host +
                ", graphData=" + graphData + ", logPath=" + logPath + ", hostsPath=" + hostsPath +
                ", hostnamePath=" + hostnamePath + ", resolvConfPath=" + resolvConfPath +
                ", runtimeAvailable=" + runtimeAvailable + "]";
    }

    /** Sets a {@link ContainerDetails}'s fields. */
    public static final class Builder {
        private Container container;
        private String path;
        private List<String> args;
        private int restartCount;
        private ContainerConfig config;
        private HostConfig host;
        private Map<String, String> graphData;
        private String logPath;
        private String hostsPath;
        private String hostnamePath;
        private String resolvConfPath;
        private boolean runtimeAvailable;
        private io.berth.api.network.Sandbox sandbox;
        private Map<String, io.berth.api.network.EndpointSettings> networks;
        private List<MountPoint> mountPoints;
        private List<io.berth.api.runtime.IdMapping> uidMappings;
        private List<io.berth.api.runtime.IdMapping> gidMappings;

        private Builder() {
        }

        public Builder container(Container container) {
            this.container = container;
            return this;
        }

        public Builder path(String path) {
            this.path = path;
            return this;
        }

        public Builder args(List<String> args) {
            this.args = args;
            return this;
        }

        public Builder restartCount(int restartCount) {
            this.restartCount = restartCount;
            return this;
        }

        public Builder config(ContainerConfig config) {
            this.config = config;
            return this;
        }

        public Builder host(HostConfig host) {
            this.host = host;
            return this;
        }

        public Builder graphData(Map<String, String> graphData) {
            this.graphData = graphData;
            return this;
        }

        public Builder logPath(String logPath) {
            this.logPath = logPath;
            return this;
        }

        public Builder hostsPath(String hostsPath) {
            this.hostsPath = hostsPath;
            return this;
        }

        public Builder hostnamePath(String hostnamePath) {
            this.hostnamePath = hostnamePath;
            return this;
        }

        public Builder resolvConfPath(String resolvConfPath) {
            this.resolvConfPath = resolvConfPath;
            return this;
        }

        public Builder runtimeAvailable(boolean runtimeAvailable) {
            this.runtimeAvailable = runtimeAvailable;
            return this;
        }

        public Builder sandbox(io.berth.api.network.Sandbox sandbox) {
            this.sandbox = sandbox;
            return this;
        }

        public Builder networks(Map<String, io.berth.api.network.EndpointSettings> networks) {
            this.networks = networks;
            return this;
        }

        public Builder idMappings(List<io.berth.api.runtime.IdMapping> uidMappings,
                                  List<io.berth.api.runtime.IdMapping> gidMappings) {
            this.uidMappings = uidMappings;
            this.gidMappings = gidMappings;
            return this;
        }

        public Builder mountPoints(List<MountPoint> mountPoints) {
            this.mountPoints = mountPoints;
            return this;
        }

        public ContainerDetails build() {
            return new ContainerDetails(this);
        }
    }
}
