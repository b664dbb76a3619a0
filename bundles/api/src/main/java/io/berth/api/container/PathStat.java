package io.berth.api.container;

/**
 * What a path in a container's filesystem is ({@code docker cp} asks before copying).
 *
 * @param name its last component
 * @param directory whether it is a directory (a link to one counts when the link is followed)
 * @param size its size in bytes
 * @param mode its permission bits and type, as {@code stat(2)} gives them
 * @param linkTarget when it is a symbolic link, the absolute path inside the container where it
 *        leads once every link is followed within the container's root (docker's
 *        {@code LinkTarget}, what {@code cp -L} copies); else empty
 */
public record PathStat(String name, boolean directory, long size, int mode, String linkTarget) {
}
