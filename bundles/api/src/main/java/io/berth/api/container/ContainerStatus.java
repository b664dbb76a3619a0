package io.berth.api.container;

/** A container's status, in docker's words. */
public enum ContainerStatus {
    CREATED, RUNNING, PAUSED, RESTARTING, REMOVING, EXITED, DEAD;

    /** The lowercase word docker uses: {@code created}, {@code running}, {@code exited}... */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
