/**
 * Compose projects: docker compose v2's file model as the engine reads it. A
 * {@link io.berth.api.compose.ComposeLoader} finds a project's compose files from a working directory,
 * reads its {@code .env}, interpolates, merges, validates against the compose-spec schema and
 * normalises, and gives back a {@link io.berth.api.compose.ComposeProject}: the services, networks,
 * volumes and secrets the orchestration (up, down, ps...) works from.
 */
@Export
@Version("1.2.0")
package io.berth.api.compose;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
