package io.berth.api.runtime;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A process to run in a container: its first process, or one added by {@code exec}. Made with a
 * {@link Builder}, so that fields can be added without breaking drivers; immutable.
 */
public final class ProcessSpec {
    private final List<String> args;
    private final List<String> env;
    private final String cwd;
    private final User user;
    private final boolean terminal;
    private final Set<String> capabilities;
    private final boolean noNewPrivileges;
    private final List<Rlimit> rlimits;
    private final boolean openStdin;
    private final boolean stdinOnce;
    private final ConsoleSize consoleSize;

    private ProcessSpec(Builder b) {
        args = List.copyOf(Objects.requireNonNull(b.args, "args"));
        env = b.env == null ? List.of() : List.copyOf(b.env);
        cwd = Objects.requireNonNull(b.cwd, "cwd");
        user = Objects.requireNonNull(b.user, "user");
        terminal = b.terminal;
        capabilities = b.capabilities == null ? Set.of() : Set.copyOf(b.capabilities);
        noNewPrivileges = b.noNewPrivileges;
        rlimits = b.rlimits == null ? List.of() : List.copyOf(b.rlimits);
        openStdin = b.openStdin;
        stdinOnce = b.stdinOnce;
        consoleSize = b.consoleSize;
        if (args.isEmpty()) {
            throw new IllegalArgumentException("a process needs a command");
        }
    }

    /** A builder with nothing set. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this one. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.args = args;
        b.env = env;
        b.cwd = cwd;
        b.user = user;
        b.terminal = terminal;
        b.capabilities = capabilities;
        b.noNewPrivileges = noNewPrivileges;
        b.rlimits = rlimits;
        b.openStdin = openStdin;
        b.stdinOnce = stdinOnce;
        b.consoleSize = consoleSize;
        return b;
    }

    /** The command and its arguments; the command is looked up in the container's {@code PATH} when it has no slash. */
    public List<String> args() {
        return args;
    }

    /** {@code NAME=value} entries, complete (the image's, then the user's). */
    public List<String> env() {
        return env;
    }

    /** The working directory inside the container, absolute. */
    public String cwd() {
        return cwd;
    }

    /** The numeric identity. */
    public User user() {
        return user;
    }

    /** Whether the process gets a pseudo-terminal instead of pipes. */
    public boolean terminal() {
        return terminal;
    }

    /**
     * The capability names ({@code CAP_CHOWN}...) the process keeps in its bounding, effective, permitted and
     * inheritable sets.
     */
    public Set<String> capabilities() {
        return capabilities;
    }

    /** Whether to set {@code no_new_privs}. */
    public boolean noNewPrivileges() {
        return noNewPrivileges;
    }

    /** Resource limits to apply. */
    public List<Rlimit> rlimits() {
        return rlimits;
    }

    /**
     * Whether the process's standard input stays open for attached clients to write to (else it reads {@code
     * /dev/null}); a terminal always takes input.
     */
    public boolean openStdin() {
        return openStdin;
    }

    /** Whether its standard input closes when the first client that wrote to it detaches ({@code docker run -i}). */
    public boolean stdinOnce() {
        return stdinOnce;
    }

    /** The terminal's size at start, or {@code null}. */
    public ConsoleSize consoleSize() {
        return consoleSize;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProcessSpec c && Objects.equals(args, c.args) && Objects.equals(env, c.env)
                && Objects.equals(cwd, c.cwd) && Objects.equals(user, c.user) && terminal == c.terminal
                && Objects.equals(capabilities, c.capabilities) && noNewPrivileges == c.noNewPrivileges
                && Objects.equals(rlimits, c.rlimits) && openStdin == c.openStdin && stdinOnce == c.stdinOnce
                && Objects.equals(consoleSize, c.consoleSize);
    }

    @Override
    public int hashCode() {
        return Objects.hash(args, env, cwd, user, terminal, capabilities, noNewPrivileges, rlimits, openStdin,
                stdinOnce, consoleSize);
    }

    @Override
    public String toString() {
        return "ProcessSpec[" + "args=" + args + ", env=" + env + ", cwd=" + cwd + ", user=" + user +
                ", terminal=" + terminal + ", capabilities=" + capabilities + ", noNewPrivileges=" + noNewPrivileges +
                ", rlimits=" + rlimits + ", openStdin=" + openStdin + ", stdinOnce=" + stdinOnce +
                ", consoleSize=" + consoleSize + "]";
    }

    /** Sets a {@link ProcessSpec}'s fields. */
    public static final class Builder {
        private List<String> args;
        private List<String> env;
        private String cwd;
        private User user;
        private boolean terminal;
        private Set<String> capabilities;
        private boolean noNewPrivileges;
        private List<Rlimit> rlimits;
        private boolean openStdin;
        private boolean stdinOnce;
        private ConsoleSize consoleSize;

        private Builder() {
        }

        public Builder args(List<String> args) {
            this.args = args;
            return this;
        }

        public Builder env(List<String> env) {
            this.env = env;
            return this;
        }

        public Builder cwd(String cwd) {
            this.cwd = cwd;
            return this;
        }

        public Builder user(User user) {
            this.user = user;
            return this;
        }

        public Builder terminal(boolean terminal) {
            this.terminal = terminal;
            return this;
        }

        public Builder capabilities(Set<String> capabilities) {
            this.capabilities = capabilities;
            return this;
        }

        public Builder noNewPrivileges(boolean noNewPrivileges) {
            this.noNewPrivileges = noNewPrivileges;
            return this;
        }

        public Builder rlimits(List<Rlimit> rlimits) {
            this.rlimits = rlimits;
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

        public Builder consoleSize(ConsoleSize consoleSize) {
            this.consoleSize = consoleSize;
            return this;
        }

        public ProcessSpec build() {
            return new ProcessSpec(this);
        }
    }
}
