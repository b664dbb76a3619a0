/**
 * Runtime drivers: what runs a container's processes, and the spec Berth hands them.
 */
@Export
@Version("2.6.0")
package io.berth.api.runtime;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
