/**
 * Volumes: the {@link io.berth.api.volume.VolumeDriver} SPI (service property
 * {@value io.berth.api.driver.BerthVolume#NAME}) that keeps volumes' data, and the
 * {@link io.berth.api.volume.VolumeService} that keeps the volumes, who uses them, and mounts them
 * for containers.
 */
@Export
@Version("1.0.0")
package io.berth.api.volume;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
