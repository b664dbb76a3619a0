package io.berth.api.runtime;

/** A container's status as its runtime sees it. */
public enum RuntimeStatus {
    /** Made, its first process not yet running. */
    CREATED,
    /** Its first process runs. */
    RUNNING,
    /** Frozen. */
    PAUSED,
    /** Its first process has exited. */
    STOPPED
}
