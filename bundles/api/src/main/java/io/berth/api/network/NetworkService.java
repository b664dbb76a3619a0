package io.berth.api.network;

import io.berth.api.Filters;
import org.osgi.annotation.versioning.ProviderType;

import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * The engine's networks: docker's {@code network} commands, and the network of each running
 * container (its namespace, addresses, published ports and names), which the container service
 * sets up before a container's process starts and tears down when it ends.
 *
 * <p>Errors follow docker's daemon: {@link io.berth.api.NotFoundException} ({@code network X not
 * found}), {@link io.berth.api.ConflictException} (a name taken, a network in use, a port
 * allocated), {@link io.berth.api.InvalidArgumentException} (overlapping or malformed subnets, an
 * address outside them, an unknown option).
 */
@ProviderType
public interface NetworkService {
    /** The networks docker has from the start and that cannot be removed. */
    Set<String> PREDEFINED = Set.of("bridge", "host", "none");

    /**
     * Makes a network.
     *
     * @param request its name, driver, ranges (empty: the engine picks a free one), options and labels
     * @return the network as made, with its id
     */
    Network create(Network request) throws IOException;

    /**
     * The networks that pass the filters, ordered by name. Filters, as docker's daemon takes them:
     * {@code driver}, {@code id} (a prefix), {@code label} ({@code key} or {@code key=value}),
     * {@code name} (a substring), {@code scope} and {@code type} ({@code builtin} or {@code custom}),
     * {@code dangling} ({@code true}: no running container is connected to it).
     */
    List<Network> list(Filters filters);

    /**
     * A network by full name, full id or unique id prefix.
     *
     * @throws io.berth.api.NotFoundException {@code network X not found}
     */
    Network get(String idOrName);

    /** The connections of running containers to a network. */
    List<Endpoint> endpoints(String idOrName);

    /** Removes a network no running container uses; the predefined ones cannot be removed. */
    void remove(String idOrName) throws IOException;

    /**
     * Removes the user's networks that no running container is connected to and that pass the filters
     * ({@code until}, {@code label}, {@code label!}); returns them.
     */
    List<Network> prune(Filters filters) throws IOException;

    /**
     * Makes a starting container's network: its namespace (unless it shares the host's or another
     * container's), its connections with their addresses and ports, its names on each network, and
     * its {@code hosts} and {@code resolv.conf}. On failure nothing of it is left.
     */
    Sandbox setUp(SandboxRequest request) throws IOException;

    /** The network of a container that has one set up, or {@code null}. */
    Sandbox sandbox(String containerId);

    /** The containers that have a network set up (for the engine's reconciliation at start). */
    Set<String> sandboxes();

    /** Tears down what {@link #setUp} made; idempotent. */
    void tearDown(String containerId) throws IOException;

    /**
     * Connects a running container to one more network.
     *
     * @return the new connection
     */
    Endpoint connect(String containerId, String containerName, String network, EndpointSettings settings)
            throws IOException;

    /** Disconnects a running container from a network. */
    void disconnect(String containerId, String network) throws IOException;
}
