/**
 * Networks: the {@link io.berth.api.network.NetworkDriver} SPI (service property
 * {@value io.berth.api.driver.BerthNetwork#NAME}) through which a network's host side and a
 * container's interfaces are made, and the {@link io.berth.api.network.NetworkService} that keeps
 * the networks, their addresses, published ports and names.
 */
@Export
@Version("1.0.0")
package io.berth.api.network;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
