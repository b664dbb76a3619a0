/**
 * The engine's events: what happened to containers, images, networks and volumes, as docker's
 * event stream has them ({@code docker events}, the Docker API's {@code /events}); published by
 * the services that make them to the {@link io.berth.api.event.EventService}.
 */
@Export
@Version("1.1.0")
package io.berth.api.event;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
