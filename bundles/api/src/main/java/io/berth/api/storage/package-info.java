/**
 * Storage drivers (snapshotters): the filesystems containers run on, built from image layers.
 */
@Export
@Version("1.0.0")
package io.berth.api.storage;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
