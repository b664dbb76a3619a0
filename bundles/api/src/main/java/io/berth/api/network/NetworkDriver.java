package io.berth.api.network;

import org.osgi.annotation.versioning.ConsumerType;

import java.io.IOException;
import java.util.List;

/**
 * Makes networks on the host and connects containers' network namespaces to them. Registered as
 * an OSGi service with the property {@value io.berth.api.driver.BerthNetwork#NAME} (the driver's
 * name, which networks record); it may come and go while the engine runs: containers connected
 * through a driver that left keep the connectivity they have, and the engine calls {@link
 * #restore} when it returns.
 *
 * <p>The engine calls a driver for one network at a time (never two operations on the same
 * network and container at once), keeps the networks and endpoints on disk and hands them back
 * as they were returned. Network namespaces are the engine's: it makes and removes them.
 */
@ConsumerType
public interface NetworkDriver {
    /**
     * Checks a new network's options and sets up its host side (a bridge and its rules, say).
     *
     * @param network the network with its id, and with its address ranges chosen unless the
     *        driver {@linkplain #assignsAddresses() assigns its own}
     * @return the network as made: the same, or with the ranges the driver uses filled in
     * @throws io.berth.api.InvalidArgumentException for an option it does not take, naming it
     */
    Network create(Network network) throws IOException;

    /** Removes what {@link #create} set up; called when no container is connected. Idempotent. */
    void remove(Network network) throws IOException;

    /**
     * Connects a container: makes its interface in its namespace with its addresses and routes, and
     * publishes its ports. On failure nothing of it is left.
     */
    Endpoint connect(Network network, EndpointRequest request) throws IOException;

    /** Undoes {@link #connect}; best effort, idempotent, also when the namespace is already gone. */
    void disconnect(Network network, Endpoint endpoint) throws IOException;

    /**
     * Makes the host side of a network match what the engine knows after the engine (or the
     * driver) started: the network's bridge and rules exist once, the endpoints' published ports
     * are set up once, and whatever the driver finds of endpoints not listed is removed.
     */
    void restore(Network network, List<Endpoint> endpoints) throws IOException;

    /**
     * Whether the driver gives containers their addresses itself (a CNI configuration's IPAM); if
     * not, the engine allocates them from the network's ranges.
     */
    default boolean assignsAddresses() {
        return false;
    }
}
