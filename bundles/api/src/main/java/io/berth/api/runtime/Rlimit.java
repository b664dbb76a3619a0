package io.berth.api.runtime;

/**
 * A resource limit for the container's processes, as {@code setrlimit(2)} takes it. Drivers give
 * exactly the limits asked, or fail the start ({@link StartFailedException}, from
 * {@link RuntimeDriver#start} or {@link RuntimeDriver#exec}) as runc does, in a message that names
 * the limit, the value asked and the engine's own hard limit; they never lower one quietly. A hard
 * limit above the engine's own can be set only where the engine may raise it
 * ({@code CAP_SYS_RESOURCE}).
 *
 * @param type the limit in {@code RLIMIT_NOFILE} style
 * @param soft the soft limit
 * @param hard the hard limit
 */
public record Rlimit(String type, long soft, long hard) {
}
