package io.berth.api.container;

/**
 * A mount of a container as {@code inspect} shows it ({@code Mounts}).
 *
 * @param type {@code volume}, {@code bind} or {@code tmpfs}
 * @param name the volume's name, or empty
 * @param source where it comes from on the host (a volume's mount point, a bind's path), or empty
 * @param destination the path in the container
 * @param driver the volume's driver, or empty
 * @param mode docker's mode string ({@code z}, {@code ro}, …), or empty
 * @param rw whether it is writable
 * @param propagation a bind's propagation ({@code rprivate}), or empty
 */
public record MountPoint(String type, String name, String source, String destination, String driver, String mode,
                         boolean rw, String propagation) {
}
