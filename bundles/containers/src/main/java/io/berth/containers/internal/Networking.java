package io.berth.containers.internal;

import io.berth.api.container.HostConfig;
import io.berth.api.image.ContainerConfig;
import io.berth.api.network.NetworkService;
import io.berth.api.network.Sandbox;
import io.berth.api.network.SandboxRequest;

import java.io.IOException;
import java.util.Set;

/**
 * Containers' networks through the engine's {@link NetworkService}: made before a container's
 * process starts, torn down when it ends or is removed. Without a network service (an engine
 * embedded without networking) a container gets a namespace of its own with only its loopback,
 * as with {@code --network none}.
 */
final class Networking {
    private static final System.Logger LOG = System.getLogger(Networking.class.getName());

    private final NetworkService networks;

    Networking(NetworkService networks) {
        this.networks = networks;
    }

    boolean available() {
        return networks != null;
    }

    NetworkService service() {
        return networks;
    }

    /** Sets up a starting container's network; {@code null} without a network service. */
    Sandbox setUp(ContainerRecord r) throws IOException {
        if (networks == null) {
            return null;
        }
        ContainerConfig c = r.config();
        HostConfig h = r.host();
        return networks.setUp(new SandboxRequest(r.id(), r.name(), c.hostname(), c.domainname(), h.networkMode(),
                r.networks(), h.portBindings(), h.publishAllPorts(), c.exposedPorts(), h.dns(), h.dnsSearch(),
                h.dnsOptions(), h.extraHosts()));
    }

    /** Tears down a container's network, if it has one; failures are logged (the engine's next start retries). */
    void tearDown(String containerId) {
        if (networks == null) {
            return;
        }
        try {
            networks.tearDown(containerId);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot tear down the network of container " + containerId.substring(0, 12)
                    + ": " + e.getMessage());
        }
    }

    /** The network of a running container, or {@code null}. */
    Sandbox sandbox(String containerId) {
        return networks == null ? null : networks.sandbox(containerId);
    }

    /** Tears down the networks of containers that are gone (a crash between their removal and this). */
    void tearDownStrays(Set<String> containers) {
        if (networks == null) {
            return;
        }
        for (String id : networks.sandboxes()) {
            if (!containers.contains(id)) {
                tearDown(id);
            }
        }
    }
}
