package io.berth.api.runtime;

/**
 * A range of user or group ids of a user namespace: {@code size} ids from {@code containerId}
 * inside are {@code hostId}… outside, as OCI's {@code linux.uidMappings} and {@code /proc/PID/uid_map}
 * write them.
 *
 * @since 2.3
 */
public record IdMapping(long containerId, long hostId, long size) {
    public IdMapping {
        if (containerId < 0 || hostId < 0 || size <= 0 || containerId + size > 1L << 32 || hostId + size > 1L << 32) {
            throw new IllegalArgumentException("invalid id mapping " + containerId + " " + hostId + " " + size);
        }
    }

    /** The line of {@code /proc/PID/uid_map} (or {@code gid_map}) that makes it. */
    public String mapLine() {
        return containerId + " " + hostId + " " + size + "\n";
    }

    /** The host's id of {@code id} inside, or -1 when these mappings do not map it. */
    public static long toHost(java.util.List<IdMapping> mappings, long id) {
        for (IdMapping m : mappings) {
            if (id >= m.containerId && id < m.containerId + m.size) {
                return m.hostId + (id - m.containerId);
            }
        }
        return -1;
    }
}
