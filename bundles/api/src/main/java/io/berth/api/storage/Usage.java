package io.berth.api.storage;

/**
 * The disk a snapshot uses by itself, excluding its parents.
 *
 * @param size bytes
 * @param inodes files, directories and other entries
 */
public record Usage(long size, long inodes) {
}
