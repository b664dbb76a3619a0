/**
 * Driver selection: driver types, the service properties that name drivers, and the engine's registry of them.
 */
@Export
@Version("1.2.0")
package io.berth.api.driver;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
