/**
 * Containers as users see them: the engine's facade that the shell, the Docker API and embedders use.
 */
@Export
@Version("2.5.0")
package io.berth.api.container;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
