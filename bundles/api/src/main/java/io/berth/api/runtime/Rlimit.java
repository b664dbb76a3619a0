package io.berth.api.runtime;

/**
 * A resource limit for the container's processes, as {@code setrlimit(2)} takes it. Drivers
 * only lower limits: a hard limit above the engine's own is clamped to it, never raised, since
 * the host may lack {@code CAP_SYS_RESOURCE}.
 *
 * @param type the limit in {@code RLIMIT_NOFILE} style
 * @param soft the soft limit
 * @param hard the hard limit
 */
public record Rlimit(String type, long soft, long hard) {
}
