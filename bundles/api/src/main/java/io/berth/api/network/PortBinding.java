package io.berth.api.network;

import java.util.Objects;

/**
 * Where a container's port is published on the host, as asked for: docker's
 * {@code HostConfig.PortBindings} value. Empty strings mean any address and a port the engine
 * picks; a host port may be a range ({@code 8000-8010}) from which the engine picks a free one.
 *
 * @param hostIp the host address to publish on, or empty for every address
 * @param hostPort the host port, a range, or empty
 */
public record PortBinding(String hostIp, String hostPort) {
    public PortBinding {
        hostIp = Objects.requireNonNullElse(hostIp, "");
        hostPort = Objects.requireNonNullElse(hostPort, "");
    }
}
