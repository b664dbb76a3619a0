package io.berth.api.container;

import io.berth.api.runtime.ConsoleSize;
import java.util.List;
import java.util.Objects;

/**
 * A process to run in a running container ({@code exec}). Made with a {@link Builder}, so that
 * fields can be added without breaking callers; immutable. {@code null} means the container's for
 * user and working directory.
 */
public final class ExecRequest {
    private final List<String> command;
    private final List<String> env;
    private final String user;
    private final String workingDir;
    private final boolean tty;
    private final boolean stdin;
    private final boolean privileged;
    private final ConsoleSize size;

    private ExecRequest(Builder b) {
        command = List.copyOf(b.command);
        env = b.env == null ? List.of() : List.copyOf(b.env);
        user = b.user;
        workingDir = b.workingDir;
        tty = b.tty;
        stdin = b.stdin;
        privileged = b.privileged;
        size = b.size;
        if (command.isEmpty()) {
            throw new IllegalArgumentException("exec needs a command");
        }
    }

    /** A request to run {@code command} (the command and its arguments). */
    public static Builder builder(List<String> command) {
        return new Builder().command(command);
    }

    /** A builder starting from this one. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.command = command;
        b.env = env;
        b.user = user;
        b.workingDir = workingDir;
        b.tty = tty;
        b.stdin = stdin;
        b.privileged = privileged;
        b.size = size;
        return b;
    }

    /** The command and its arguments. */
    public List<String> command() {
        return command;
    }

    /** {@code NAME=value} entries added to the container's environment; a {@code NAME} alone removes it. */
    public List<String> env() {
        return env;
    }

    /** {@code user}, {@code user:group}, {@code uid} or {@code uid:gid}, or {@code null} for the container's. */
    public String user() {
        return user;
    }

    /** The working directory, absolute, or {@code null} for the container's. */
    public String workingDir() {
        return workingDir;
    }

    /** Whether the process gets a terminal. */
    public boolean tty() {
        return tty;
    }

    /** Whether the process's standard input stays open for the caller. */
    public boolean stdin() {
        return stdin;
    }

    /** Whether the process gets every capability. */
    public boolean privileged() {
        return privileged;
    }

    /** The terminal's size, or {@code null}. */
    public ConsoleSize size() {
        return size;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExecRequest c && Objects.equals(command, c.command) && Objects.equals(env, c.env)
                && Objects.equals(user, c.user) && Objects.equals(workingDir, c.workingDir) && tty == c.tty
                && stdin == c.stdin && privileged == c.privileged && Objects.equals(size, c.size);
    }

    @Override
    public int hashCode() {
        return Objects.hash(command, env, user, workingDir, tty, stdin, privileged, size);
    }

    @Override
    public String toString() {
        return "ExecRequest[" + "command=" + command + ", env=" + env + ", user=" + user +
                ", workingDir=" + workingDir + ", tty=" + tty + ", stdin=" + stdin + ", privileged=" + privileged +
                ", size=" + size + "]";
    }

    /** Sets a {@link ExecRequest}'s fields. */
    public static final class Builder {
        private List<String> command;
        private List<String> env;
        private String user;
        private String workingDir;
        private boolean tty;
        private boolean stdin;
        private boolean privileged;
        private ConsoleSize size;

        private Builder() {
        }

        public Builder command(List<String> command) {
            this.command = command;
            return this;
        }

        public Builder env(List<String> env) {
            this.env = env;
            return this;
        }

        public Builder user(String user) {
            this.user = user;
            return this;
        }

        public Builder workingDir(String workingDir) {
            this.workingDir = workingDir;
            return this;
        }

        public Builder tty(boolean tty) {
            this.tty = tty;
            return this;
        }

        public Builder stdin(boolean stdin) {
            this.stdin = stdin;
            return this;
        }

        public Builder privileged(boolean privileged) {
            this.privileged = privileged;
            return this;
        }

        public Builder size(ConsoleSize size) {
            this.size = size;
            return this;
        }

        public ExecRequest build() {
            return new ExecRequest(this);
        }
    }
}
