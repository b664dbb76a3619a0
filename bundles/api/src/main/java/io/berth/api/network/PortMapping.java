package io.berth.api.network;

import java.util.Objects;

/**
 * A published port as it is set up: traffic to {@code hostIp:hostPort} goes to the container's
 * {@code containerPort}.
 *
 * @param protocol {@code tcp}, {@code udp} or {@code sctp}
 * @param containerPort the port in the container
 * @param hostIp the host address ({@code 0.0.0.0} for every IPv4 address)
 * @param hostPort the host port
 */
public record PortMapping(String protocol, int containerPort, String hostIp, int hostPort) {
    public PortMapping {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(hostIp, "hostIp");
    }

    /** Docker's key for the container's side: {@code 80/tcp}. */
    public String port() {
        return containerPort + "/" + protocol;
    }
}
