/**
 * Registries: pull, push, search and login against OCI Distribution registries.
 */
@Export
@Version("1.3.0")
package io.berth.api.registry;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
