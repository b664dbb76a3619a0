package io.berth.api.container;

/**
 * A container's health as its health check says, with docker's words ({@link #label()}):
 * {@code none} for a container without a check, else {@code starting} until the first success
 * (or until the check fails its retries after the start period), then {@code healthy} or
 * {@code unhealthy}.
 *
 * @since 2.4
 */
public enum HealthStatus {
    /** The container has no health check (none configured, or {@code NONE}). */
    NONE("none"),
    /** Not yet healthy: no probe has succeeded since the container started. */
    STARTING("starting"),
    /** The last probe succeeded. */
    HEALTHY("healthy"),
    /** As many probes as its retries failed in a row, or the checks stopped (the container stopped or was paused). */
    UNHEALTHY("unhealthy");

    private final String label;

    HealthStatus(String label) {
        this.label = label;
    }

    /** Docker's word: {@code none}, {@code starting}, {@code healthy}, {@code unhealthy}. */
    public String label() {
        return label;
    }

    /**
     * The status a word names.
     *
     * @throws IllegalArgumentException for another word
     */
    public static HealthStatus of(String label) {
        for (HealthStatus s : values()) {
            if (s.label.equals(label)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown health status: " + label);
    }
}
