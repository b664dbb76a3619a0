package io.berth.api.container;

/**
 * What a path in a container's filesystem is ({@code docker cp} asks before copying).
 *
 * @param name its last component
 * @param directory whether it is a directory (a link to one counts when the link is followed)
 * @param size its size in bytes
 * @param mode its permission bits and type, as {@code stat(2)} gives them
 * @param linkTarget where it points when it is a symbolic link, else empty
 */
public record PathStat(String name, boolean directory, long size, int mode, String linkTarget) {
}
