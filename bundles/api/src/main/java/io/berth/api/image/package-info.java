/**
 * Images: references, the image store, image configs and history.
 */
@Export
@Version("2.1.0")
package io.berth.api.image;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
