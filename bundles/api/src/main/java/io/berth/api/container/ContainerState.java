package io.berth.api.container;

import java.time.Instant;
import java.util.Objects;

/**
 * A container's state, as {@code inspect} shows it under {@code State}. Made by the container
 * service with a {@link Builder}, so that fields can be added without breaking callers; immutable.
 */
public final class ContainerState {
    private final ContainerStatus status;
    private final int pid;
    private final int exitCode;
    private final boolean oomKilled;
    private final String error;
    private final Instant startedAt;
    private final Instant finishedAt;
    private final Health health;

    private ContainerState(Builder b) {
        status = Objects.requireNonNull(b.status, "status");
        pid = b.pid;
        exitCode = b.exitCode;
        oomKilled = b.oomKilled;
        error = b.error == null ? "" : b.error;
        startedAt = b.startedAt;
        finishedAt = b.finishedAt;
        health = b.health;
    }

    /** A builder with nothing set. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this one. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.status = status;
        b.pid = pid;
        b.exitCode = exitCode;
        b.oomKilled = oomKilled;
        b.error = error;
        b.startedAt = startedAt;
        b.finishedAt = finishedAt;
        b.health = health;
        return b;
    }

    /** Where it stands. */
    public ContainerStatus status() {
        return status;
    }

    /** The host pid of its first process, or 0. */
    public int pid() {
        return pid;
    }

    /** The last exit code, or 0 if it never exited. */
    public int exitCode() {
        return exitCode;
    }

    /** Whether the OOM killer ended it. */
    public boolean oomKilled() {
        return oomKilled;
    }

    /** The last error starting it, or empty. */
    public String error() {
        return error;
    }

    /** When it last started, or {@code null}. */
    public Instant startedAt() {
        return startedAt;
    }

    /** When it last exited, or {@code null}. */
    public Instant finishedAt() {
        return finishedAt;
    }

    /**
     * What its health check found, or {@code null} for a container without a health check or
     * never started since it has one.
     *
     * @since 2.4
     */
    public Health health() {
        return health;
    }

    /** Its health status: {@link HealthStatus#NONE} without a {@link #health()}. */
    public HealthStatus healthStatus() {
        return health == null ? HealthStatus.NONE : health.status();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ContainerState c && Objects.equals(status, c.status) && pid == c.pid
                && exitCode == c.exitCode && oomKilled == c.oomKilled && Objects.equals(error, c.error)
                && Objects.equals(startedAt, c.startedAt) && Objects.equals(finishedAt, c.finishedAt)
                && Objects.equals(health, c.health);
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, pid, exitCode, oomKilled, error, startedAt, finishedAt, health);
    }

    @Override
    public String toString() {
        return "ContainerState[" + "status=" + status + ", pid=" + pid + ", exitCode=" + exitCode +
                ", oomKilled=" + oomKilled + ", error=" + error + ", startedAt=" + startedAt +
                ", finishedAt=" + finishedAt + ", health=" + health + "]";
    }

    /** Sets a {@link ContainerState}'s fields. */
    public static final class Builder {
        private ContainerStatus status;
        private int pid;
        private int exitCode;
        private boolean oomKilled;
        private String error;
        private Instant startedAt;
        private Instant finishedAt;
        private Health health;

        private Builder() {
        }

        public Builder status(ContainerStatus status) {
            this.status = status;
            return this;
        }

        public Builder pid(int pid) {
            this.pid = pid;
            return this;
        }

        public Builder exitCode(int exitCode) {
            this.exitCode = exitCode;
            return this;
        }

        public Builder oomKilled(boolean oomKilled) {
            this.oomKilled = oomKilled;
            return this;
        }

        public Builder error(String error) {
            this.error = error;
            return this;
        }

        public Builder startedAt(Instant startedAt) {
            this.startedAt = startedAt;
            return this;
        }

        public Builder finishedAt(Instant finishedAt) {
            this.finishedAt = finishedAt;
            return this;
        }

        /** @since 2.4 */
        public Builder health(Health health) {
            this.health = health;
            return this;
        }

        public ContainerState build() {
            return new ContainerState(this);
        }
    }
}
