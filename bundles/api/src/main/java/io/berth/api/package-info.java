/**
 * Errors shared by every Berth service.
 *
 * <p>Each service method documents which of these it throws. The shell and the Docker API
 * map them once, in one place each, to docker-style messages and exit codes and to HTTP
 * status codes: {@link io.berth.api.NotFoundException} (404),
 * {@link io.berth.api.ConflictException} (409), {@link io.berth.api.InvalidArgumentException}
 * (400) and {@link io.berth.api.UnavailableException} (503). Anything else is an internal
 * error (500).
 */
@Export
@Version("1.2.0")
package io.berth.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
