/**
 * Content-addressed storage: blobs named by their digest, and the OCI descriptors that point
 * at them.
 */
@Export
@Version("1.0.0")
package io.berth.api.content;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
