package io.berth.api.container;

import io.berth.api.network.EndpointSettings;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code create} and {@code run} ask for. Made with a {@link Builder}, so that fields can be
 * added without breaking callers; immutable. {@code null} means "the image's" for command,
 * entrypoint, working directory, user and stop signal; an empty entrypoint resets the image's.
 */
public final class CreateRequest {
    private final String image;
    private final String name;
    private final List<String> command;
    private final List<String> entrypoint;
    private final List<String> env;
    private final String workingDir;
    private final String user;
    private final String hostname;
    private final Map<String, String> labels;
    private final String stopSignal;
    private final Integer stopTimeout;
    private final String storage;
    private final HostConfig host;
    private final boolean tty;
    private final boolean openStdin;
    private final boolean stdinOnce;
    private final boolean detached;
    private final List<String> exposedPorts;
    private final io.berth.api.image.ContainerConfig.Healthcheck healthcheck;
    private final Map<String, EndpointSettings> networks;

    private CreateRequest(Builder b) {
        image = Objects.requireNonNull(b.image, "image");
        name = b.name;
        command = b.command == null ? null : List.copyOf(b.command);
        entrypoint = b.entrypoint == null ? null : List.copyOf(b.entrypoint);
        env = b.env == null ? List.of() : List.copyOf(b.env);
        workingDir = b.workingDir;
        user = b.user;
        hostname = b.hostname;
        labels = b.labels == null ? Map.of() : Map.copyOf(b.labels);
        stopSignal = b.stopSignal;
        stopTimeout = b.stopTimeout;
        storage = b.storage;
        host = b.host == null ? HostConfig.DEFAULT : b.host;
        tty = b.tty;
        openStdin = b.openStdin;
        stdinOnce = b.stdinOnce;
        detached = b.detached;
        exposedPorts = b.exposedPorts == null ? List.of() : List.copyOf(b.exposedPorts);
        healthcheck = b.healthcheck;
        networks = b.networks == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(b.networks));
    }

    /** A request for a container of {@code image} (as the user named it), everything else the image's. */
    public static Builder builder(String image) {
        return new Builder().image(image);
    }

    /** A builder starting from this request. */
    public Builder toBuilder() {
        return new Builder().image(image).name(name).command(command).entrypoint(entrypoint).env(env).workingDir(workingDir)
                .user(user).hostname(hostname).labels(labels).stopSignal(stopSignal).stopTimeout(stopTimeout)
                .storage(storage).host(host).tty(tty).openStdin(openStdin).stdinOnce(stdinOnce).detached(detached).exposedPorts(exposedPorts).networks(networks)
                .healthcheck(healthcheck);
    }

    /** The image, as the user named it. */
    public String image() {
        return image;
    }

    /** The container's name, or {@code null} for a generated one. */
    public String name() {
        return name;
    }

    /** Arguments to the entrypoint, or the command; {@code null} for the image's. */
    public List<String> command() {
        return command;
    }

    /** The entrypoint; {@code null} for the image's, empty to reset it. */
    public List<String> entrypoint() {
        return entrypoint;
    }

    /**
     * {@code NAME=value} entries added to the image's; a {@code NAME} alone removes it (the caller
     * resolves {@code -e NAME} to a value when it can).
     */
    public List<String> env() {
        return env;
    }

    /** The working directory, or {@code null} for the image's. */
    public String workingDir() {
        return workingDir;
    }

    /** {@code user}, {@code user:group}, {@code uid} or {@code uid:gid}, or {@code null} for the image's. */
    public String user() {
        return user;
    }

    /** The hostname, or {@code null} for the short id. */
    public String hostname() {
        return hostname;
    }

    /** Labels added to the image's. */
    public Map<String, String> labels() {
        return labels;
    }

    /** The signal {@code stop} sends, or {@code null} for the image's (else SIGTERM). */
    public String stopSignal() {
        return stopSignal;
    }

    /** Seconds {@code stop} waits before killing, or {@code null} for the image's (else 10). */
    public Integer stopTimeout() {
        return stopTimeout;
    }

    /** The storage driver, or {@code null} for the default. */
    public String storage() {
        return storage;
    }

    /** How the container is run. */
    public HostConfig host() {
        return host;
    }

    /** Whether the container's process gets a terminal ({@code -t}). */
    public boolean tty() {
        return tty;
    }

    /** Whether its standard input stays open for clients to write to ({@code -i}). */
    public boolean openStdin() {
        return openStdin;
    }

    /** Whether its standard input closes when the first attached client detaches ({@code run -i} attached). */
    public boolean stdinOnce() {
        return stdinOnce;
    }

    /**
     * Whether it is made to run detached ({@code run -d}): nobody attaches its output, so its
     * config says {@code AttachStdout} and {@code AttachStderr} false, as docker's client sends it.
     * @since 2.3
     */
    public boolean detached() {
        return detached;
    }

    /** {@code --expose}: ports exposed besides the image's ({@code 80/tcp}). @since 2.2 */
    public List<String> exposedPorts() {
        return exposedPorts;
    }

    /**
     * The health check asked for ({@code --health-cmd}, {@code --health-interval}...), merged with the
     * image's {@code HEALTHCHECK} as docker merges them: a field set here (a test, a duration or retries
     * other than zero) wins, the image's fills the others; a test of {@code ["NONE"]} turns the check
     * off ({@code --no-healthcheck}). {@code null}: the image's as it is. Durations in nanoseconds.
     *
     * @since 2.4
     */
    public io.berth.api.image.ContainerConfig.Healthcheck healthcheck() {
        return healthcheck;
    }

    /**
     * What the container asks on each network it is connected to at creation (docker's
     * {@code NetworkingConfig}): {@code --network-alias}, {@code --ip}, {@code --mac-address} for
     * the network of its mode. Empty: nothing asked.
     * @since 2.2
     */
    public Map<String, EndpointSettings> networks() {
        return networks;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CreateRequest r && image.equals(r.image) && Objects.equals(name, r.name)
                && Objects.equals(command, r.command) && Objects.equals(entrypoint, r.entrypoint) && env.equals(r.env)
                && Objects.equals(workingDir, r.workingDir) && Objects.equals(user, r.user)
                && Objects.equals(hostname, r.hostname) && labels.equals(r.labels) && Objects.equals(stopSignal, r.stopSignal)
                && Objects.equals(stopTimeout, r.stopTimeout) && Objects.equals(storage, r.storage) && host.equals(r.host)
                && tty == r.tty && openStdin == r.openStdin && stdinOnce == r.stdinOnce && detached == r.detached
                && exposedPorts.equals(r.exposedPorts) && networks.equals(r.networks)
                && Objects.equals(healthcheck, r.healthcheck);
    }

    @Override
    public int hashCode() {
        return Objects.hash(image, name, command, entrypoint, env, workingDir, user, hostname, labels, stopSignal,
                stopTimeout, storage, host, tty, openStdin, stdinOnce, detached, exposedPorts, networks, healthcheck);
    }

    @Override
    public String toString() {
        return "CreateRequest[image=" + image + ", name=" + name + ", command=" + command + ", entrypoint=" + entrypoint
                + ", env=" + env + ", workingDir=" + workingDir + ", user=" + user + ", hostname=" + hostname + ", labels="
                + labels + ", stopSignal=" + stopSignal + ", stopTimeout=" + stopTimeout + ", storage=" + storage
                + ", host=" + host + ", tty=" + tty + ", openStdin=" + openStdin + ", stdinOnce=" + stdinOnce + ", exposedPorts=" + exposedPorts + ", networks=" + networks
                + ", healthcheck=" + healthcheck + "]";
    }

    /** Sets a {@link CreateRequest}'s fields; what is not set is the image's or docker's default. */
    public static final class Builder {
        private String image;
        private String name;
        private List<String> command;
        private List<String> entrypoint;
        private List<String> env;
        private String workingDir;
        private String user;
        private String hostname;
        private Map<String, String> labels;
        private String stopSignal;
        private Integer stopTimeout;
        private String storage;
        private HostConfig host;
        private boolean tty;
        private boolean openStdin;
        private boolean stdinOnce;
        private boolean detached;
        private List<String> exposedPorts;
        private io.berth.api.image.ContainerConfig.Healthcheck healthcheck;
        private Map<String, EndpointSettings> networks;

        private Builder() {
        }

        public Builder image(String image) {
            this.image = image;
            return this;
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder command(List<String> command) {
            this.command = command;
            return this;
        }

        public Builder command(String... command) {
            return command(List.of(command));
        }

        public Builder entrypoint(List<String> entrypoint) {
            this.entrypoint = entrypoint;
            return this;
        }

        public Builder env(List<String> env) {
            this.env = env;
            return this;
        }

        public Builder workingDir(String workingDir) {
            this.workingDir = workingDir;
            return this;
        }

        public Builder user(String user) {
            this.user = user;
            return this;
        }

        public Builder hostname(String hostname) {
            this.hostname = hostname;
            return this;
        }

        public Builder labels(Map<String, String> labels) {
            this.labels = labels;
            return this;
        }

        public Builder stopSignal(String stopSignal) {
            this.stopSignal = stopSignal;
            return this;
        }

        public Builder stopTimeout(Integer stopTimeout) {
            this.stopTimeout = stopTimeout;
            return this;
        }

        public Builder storage(String storage) {
            this.storage = storage;
            return this;
        }

        public Builder host(HostConfig host) {
            this.host = host;
            return this;
        }

        public Builder tty(boolean tty) {
            this.tty = tty;
            return this;
        }

        public Builder openStdin(boolean openStdin) {
            this.openStdin = openStdin;
            return this;
        }

        public Builder detached(boolean detached) {
            this.detached = detached;
            return this;
        }

        public Builder stdinOnce(boolean stdinOnce) {
            this.stdinOnce = stdinOnce;
            return this;
        }

        /** @since 2.4 */
        public Builder healthcheck(io.berth.api.image.ContainerConfig.Healthcheck healthcheck) {
            this.healthcheck = healthcheck;
            return this;
        }

        public Builder exposedPorts(List<String> exposedPorts) {
            this.exposedPorts = exposedPorts;
            return this;
        }

        public Builder networks(Map<String, EndpointSettings> networks) {
            this.networks = networks;
            return this;
        }

        public CreateRequest build() {
            return new CreateRequest(this);
        }
    }
}
