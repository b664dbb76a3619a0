package io.berth.api.image;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The run-time defaults an image carries (its config's {@code config} object), and a container's
 * config, in docker's terms ({@code Config}). {@code null} means absent, as distinct from empty,
 * because docker shows the two differently. Made with a {@link Builder}, so that fields can be
 * added without breaking callers; immutable.
 */
public final class ContainerConfig {
    /** A config with nothing set. */
    public static final ContainerConfig EMPTY = builder().build();
    private final String hostname;
    private final String domainname;
    private final String user;
    private final boolean attachStdin;
    private final boolean attachStdout;
    private final boolean attachStderr;
    private final List<String> exposedPorts;
    private final boolean tty;
    private final boolean openStdin;
    private final boolean stdinOnce;
    private final List<String> env;
    private final List<String> cmd;
    private final Healthcheck healthcheck;
    private final boolean argsEscaped;
    private final String image;
    private final List<String> volumes;
    private final String workingDir;
    private final List<String> entrypoint;
    private final List<String> onBuild;
    private final Map<String, String> labels;
    private final String stopSignal;
    private final Integer stopTimeout;
    private final List<String> shell;

    private ContainerConfig(Builder b) {
        hostname = b.hostname == null ? "" : b.hostname;
        domainname = b.domainname == null ? "" : b.domainname;
        user = b.user == null ? "" : b.user;
        attachStdin = b.attachStdin;
        attachStdout = b.attachStdout;
        attachStderr = b.attachStderr;
        exposedPorts = b.exposedPorts == null ? null : List.copyOf(b.exposedPorts);
        tty = b.tty;
        openStdin = b.openStdin;
        stdinOnce = b.stdinOnce;
        env = b.env == null ? null : List.copyOf(b.env);
        cmd = b.cmd == null ? null : List.copyOf(b.cmd);
        healthcheck = b.healthcheck;
        argsEscaped = b.argsEscaped;
        image = b.image == null ? "" : b.image;
        volumes = b.volumes == null ? null : List.copyOf(b.volumes);
        workingDir = b.workingDir == null ? "" : b.workingDir;
        entrypoint = b.entrypoint == null ? null : List.copyOf(b.entrypoint);
        onBuild = b.onBuild == null ? null : List.copyOf(b.onBuild);
        labels = b.labels == null ? null : Map.copyOf(b.labels);
        stopSignal = b.stopSignal;
        stopTimeout = b.stopTimeout;
        shell = b.shell == null ? null : List.copyOf(b.shell);
    }

    /** A builder with nothing set. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this config. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.hostname = hostname;
        b.domainname = domainname;
        b.user = user;
        b.attachStdin = attachStdin;
        b.attachStdout = attachStdout;
        b.attachStderr = attachStderr;
        b.exposedPorts = exposedPorts;
        b.tty = tty;
        b.openStdin = openStdin;
        b.stdinOnce = stdinOnce;
        b.env = env;
        b.cmd = cmd;
        b.healthcheck = healthcheck;
        b.argsEscaped = argsEscaped;
        b.image = image;
        b.volumes = volumes;
        b.workingDir = workingDir;
        b.entrypoint = entrypoint;
        b.onBuild = onBuild;
        b.labels = labels;
        b.stopSignal = stopSignal;
        b.stopTimeout = stopTimeout;
        b.shell = shell;
        return b;
    }

    /** This config with other labels. */
    public ContainerConfig withLabels(Map<String, String> newLabels) {
        return toBuilder().labels(newLabels).build();
    }

    /** {@code Hostname}; empty if none. */
    public String hostname() {
        return hostname;
    }

    /** {@code Domainname}; empty if none. */
    public String domainname() {
        return domainname;
    }

    /** {@code User}: a name or uid, with an optional {@code :group}; empty if none. */
    public String user() {
        return user;
    }

    /** {@code AttachStdin}. */
    public boolean attachStdin() {
        return attachStdin;
    }

    /** {@code AttachStdout}. */
    public boolean attachStdout() {
        return attachStdout;
    }

    /** {@code AttachStderr}. */
    public boolean attachStderr() {
        return attachStderr;
    }

    /** {@code ExposedPorts}: {@code 80/tcp} and the like, or {@code null}. */
    public List<String> exposedPorts() {
        return exposedPorts;
    }

    /** {@code Tty}. */
    public boolean tty() {
        return tty;
    }

    /** {@code OpenStdin}. */
    public boolean openStdin() {
        return openStdin;
    }

    /** {@code StdinOnce}. */
    public boolean stdinOnce() {
        return stdinOnce;
    }

    /** {@code Env}: {@code NAME=value} entries, or {@code null}. */
    public List<String> env() {
        return env;
    }

    /** {@code Cmd}, or {@code null}. */
    public List<String> cmd() {
        return cmd;
    }

    /** {@code Healthcheck}, or {@code null}. */
    public Healthcheck healthcheck() {
        return healthcheck;
    }

    /** {@code ArgsEscaped}. */
    public boolean argsEscaped() {
        return argsEscaped;
    }

    /** {@code Image}; empty if none. */
    public String image() {
        return image;
    }

    /** {@code Volumes}: container paths, or {@code null}. */
    public List<String> volumes() {
        return volumes;
    }

    /** {@code WorkingDir}; empty if none. */
    public String workingDir() {
        return workingDir;
    }

    /** {@code Entrypoint}, or {@code null}. */
    public List<String> entrypoint() {
        return entrypoint;
    }

    /** {@code OnBuild}, or {@code null}. */
    public List<String> onBuild() {
        return onBuild;
    }

    /** {@code Labels}, or {@code null}. */
    public Map<String, String> labels() {
        return labels;
    }

    /** {@code StopSignal}, or {@code null}. */
    public String stopSignal() {
        return stopSignal;
    }

    /** {@code StopTimeout} in seconds, or {@code null}. */
    public Integer stopTimeout() {
        return stopTimeout;
    }

    /** {@code Shell}, or {@code null}. */
    public List<String> shell() {
        return shell;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ContainerConfig c && Objects.equals(hostname, c.hostname)
                && Objects.equals(domainname, c.domainname) && Objects.equals(user, c.user)
                && attachStdin == c.attachStdin && attachStdout == c.attachStdout && attachStderr == c.attachStderr
                && Objects.equals(exposedPorts, c.exposedPorts) && tty == c.tty && openStdin == c.openStdin
                && stdinOnce == c.stdinOnce && Objects.equals(env, c.env) && Objects.equals(cmd, c.cmd)
                && Objects.equals(healthcheck, c.healthcheck) && argsEscaped == c.argsEscaped
                && Objects.equals(image, c.image) && Objects.equals(volumes, c.volumes)
                && Objects.equals(workingDir, c.workingDir) && Objects.equals(entrypoint, c.entrypoint)
                && Objects.equals(onBuild, c.onBuild) && Objects.equals(labels, c.labels)
                && Objects.equals(stopSignal, c.stopSignal) && Objects.equals(stopTimeout, c.stopTimeout)
                && Objects.equals(shell, c.shell);
    }

    @Override
    public int hashCode() {
        return Objects.hash(hostname, domainname, user, attachStdin, attachStdout, attachStderr, exposedPorts, tty,
                openStdin, stdinOnce, env, cmd, healthcheck, argsEscaped, image, volumes, workingDir, entrypoint,
                onBuild, labels, stopSignal, stopTimeout, shell);
    }

    @Override
    public String toString() {
        return "ContainerConfig[" + "hostname=" + hostname + ", domainname=" + domainname + ", user=" + user
                + ", attachStdin=" + attachStdin + ", attachStdout=" + attachStdout + ", attachStderr=" + attachStderr
                + ", exposedPorts=" + exposedPorts + ", tty=" + tty + ", openStdin=" + openStdin
                + ", stdinOnce=" + stdinOnce + ", env=" + env + ", cmd=" + cmd + ", healthcheck=" + healthcheck
                + ", argsEscaped=" + argsEscaped + ", image=" + image + ", volumes=" + volumes
                + ", workingDir=" + workingDir + ", entrypoint=" + entrypoint + ", onBuild=" + onBuild
                + ", labels=" + labels + ", stopSignal=" + stopSignal + ", stopTimeout=" + stopTimeout
                + ", shell=" + shell + "]";
    }

    /**
     * A health check.
     *
     * @param test the test, such as {@code ["CMD-SHELL", "curl -f http://localhost/"]}
     * @param interval nanoseconds between checks, or 0
     * @param timeout nanoseconds before a check is considered hung, or 0
     * @param startPeriod nanoseconds of grace at start, or 0
     * @param retries failures before unhealthy, or 0
     */
    public record Healthcheck(List<String> test, long interval, long timeout, long startPeriod, int retries) {
        public Healthcheck {
            test = test == null ? null : List.copyOf(test);
        }
    }

    /** Sets a {@link ContainerConfig}'s fields; what is not set is absent. */
    public static final class Builder {
        private String hostname;
        private String domainname;
        private String user;
        private boolean attachStdin;
        private boolean attachStdout;
        private boolean attachStderr;
        private List<String> exposedPorts;
        private boolean tty;
        private boolean openStdin;
        private boolean stdinOnce;
        private List<String> env;
        private List<String> cmd;
        private Healthcheck healthcheck;
        private boolean argsEscaped;
        private String image;
        private List<String> volumes;
        private String workingDir;
        private List<String> entrypoint;
        private List<String> onBuild;
        private Map<String, String> labels;
        private String stopSignal;
        private Integer stopTimeout;
        private List<String> shell;

        private Builder() {
        }

        public Builder hostname(String hostname) {
            this.hostname = hostname;
            return this;
        }

        public Builder domainname(String domainname) {
            this.domainname = domainname;
            return this;
        }

        public Builder user(String user) {
            this.user = user;
            return this;
        }

        public Builder attachStdin(boolean attachStdin) {
            this.attachStdin = attachStdin;
            return this;
        }

        public Builder attachStdout(boolean attachStdout) {
            this.attachStdout = attachStdout;
            return this;
        }

        public Builder attachStderr(boolean attachStderr) {
            this.attachStderr = attachStderr;
            return this;
        }

        public Builder exposedPorts(List<String> exposedPorts) {
            this.exposedPorts = exposedPorts;
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

        public Builder stdinOnce(boolean stdinOnce) {
            this.stdinOnce = stdinOnce;
            return this;
        }

        public Builder env(List<String> env) {
            this.env = env;
            return this;
        }

        public Builder cmd(List<String> cmd) {
            this.cmd = cmd;
            return this;
        }

        public Builder healthcheck(Healthcheck healthcheck) {
            this.healthcheck = healthcheck;
            return this;
        }

        public Builder argsEscaped(boolean argsEscaped) {
            this.argsEscaped = argsEscaped;
            return this;
        }

        public Builder image(String image) {
            this.image = image;
            return this;
        }

        public Builder volumes(List<String> volumes) {
            this.volumes = volumes;
            return this;
        }

        public Builder workingDir(String workingDir) {
            this.workingDir = workingDir;
            return this;
        }

        public Builder entrypoint(List<String> entrypoint) {
            this.entrypoint = entrypoint;
            return this;
        }

        public Builder onBuild(List<String> onBuild) {
            this.onBuild = onBuild;
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

        public Builder shell(List<String> shell) {
            this.shell = shell;
            return this;
        }

        public ContainerConfig build() {
            return new ContainerConfig(this);
        }
    }
}
