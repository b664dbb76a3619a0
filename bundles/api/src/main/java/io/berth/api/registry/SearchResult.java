package io.berth.api.registry;

/**
 * One repository found by {@link Registry#search}.
 *
 * @param name the repository name as users type it
 * @param description one line, possibly empty
 * @param stars the number of stars, or 0 where registries have none
 * @param official whether it is an official image
 * @param automated whether it is an automated build
 */
public record SearchResult(String name, String description, int stars, boolean official, boolean automated) {
}
