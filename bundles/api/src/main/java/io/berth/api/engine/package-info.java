/**
 * The engine's settings and identity.
 */
@Export
@Version("1.3.0")
package io.berth.api.engine;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
