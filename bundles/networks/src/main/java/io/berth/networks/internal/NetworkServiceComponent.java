package io.berth.networks.internal;

import io.berth.api.Filters;
import io.berth.api.driver.DriverRegistry;
import io.berth.api.engine.Engine;
import io.berth.api.network.Endpoint;
import io.berth.api.network.EndpointSettings;
import io.berth.api.network.Network;
import io.berth.api.network.NetworkDriver;
import io.berth.api.network.NetworkService;
import io.berth.api.network.Sandbox;
import io.berth.api.network.SandboxRequest;
import io.berth.netlink.NetHelper;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Publishes the engine's {@link NetworkService}; follows the network drivers so that one that
 * returns restores its networks' host side.
 */
@Component(service = NetworkService.class, configurationPid = Engine.PID)
public class NetworkServiceComponent implements NetworkService {
    private final LocalNetworkService service;

    @Activate
    public NetworkServiceComponent(@Reference Engine engine, @Reference DriverRegistry drivers,
                                   NetworkConfiguration config) throws IOException {
        Path runRoot = engine.settings().runRoot();
        service = new LocalNetworkService(drivers, NetHelper.install(runRoot), engine.settings().root(), runRoot,
                settings(config), Path.of("/etc/resolv.conf"), Path.of("/etc/hosts"));
        service.start();
    }

    private static NetworkSettings settings(NetworkConfiguration config) {
        return new NetworkSettings(config.bridgeName(), config.bridgeSubnet(), config.addressPool(),
                config.addressPoolSize());
    }

    /**
     * The engine's configuration changed (any of its keys: it is one PID): the address pool applies
     * to networks made from now on; the default bridge network keeps the device and subnet it was
     * made with. The service is not restarted, so nothing that depends on it is.
     */
    @Modified
    void modified(NetworkConfiguration config) {
        service.settings(settings(config));
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(berth.network=*)")
    void bindDriver(ServiceReference<NetworkDriver> ref, NetworkDriver driver) {
        LocalNetworkService s = service;
        if (s != null) {
            s.driverArrived((String) ref.getProperty("berth.network"), driver);
        }
    }

    void unbindDriver(ServiceReference<NetworkDriver> ref) {
        // Its containers keep what they have; the driver registry reports it missing.
    }

    @Deactivate
    void deactivate() {
        service.close();
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = org.osgi.service.component.annotations.ReferencePolicyOption.GREEDY)
    private volatile io.berth.api.event.EventService events;

    /** docker's network events: the network's id, {@code name} and {@code type} (its driver), and what else. */
    private void publish(Network n, String action, Map<String, String> extra) {
        io.berth.api.event.EventService s = events;
        if (s != null && n != null) {
            Map<String, String> attributes = new java.util.HashMap<>(extra);
            attributes.put("name", n.name());
            attributes.put("type", n.driver());
            s.publish(io.berth.api.event.Event.of(io.berth.api.event.Event.NETWORK, action, n.id(), attributes));
        }
    }

    @Override
    public Network create(Network request) throws IOException {
        Network n = service.create(request);
        publish(n, "create", Map.of());
        return n;
    }

    @Override
    public List<Network> list(Filters filters) {
        return service.list(filters);
    }

    @Override
    public Network get(String idOrName) {
        return service.get(idOrName);
    }

    @Override
    public List<Endpoint> endpoints(String idOrName) {
        return service.endpoints(idOrName);
    }

    @Override
    public void remove(String idOrName) throws IOException {
        Network n;
        try {
            n = service.get(idOrName);
        } catch (io.berth.api.NotFoundException missing) {
            n = null;
        }
        service.remove(idOrName);
        publish(n, "destroy", Map.of());
    }

    @Override
    public List<Network> prune(Filters filters) throws IOException {
        List<Network> gone = service.prune(filters);
        gone.forEach(n -> publish(n, "destroy", Map.of()));
        return gone;
    }

    @Override
    public Sandbox setUp(SandboxRequest request) throws IOException {
        Sandbox s = service.setUp(request);
        publishEndpoints(s, request.containerId(), "connect");
        return s;
    }

    private void publishEndpoints(Sandbox s, String containerId, String action) {
        if (s == null || events == null) {
            return;
        }
        for (String network : s.endpoints().keySet()) {
            try {
                publish(service.get(network), action, Map.of("container", containerId));
            } catch (io.berth.api.NotFoundException gone) {
                // Removed meanwhile: nothing to say of it.
            }
        }
    }

    @Override
    public Sandbox sandbox(String containerId) {
        return service.sandbox(containerId);
    }

    @Override
    public Set<String> sandboxes() {
        return service.sandboxes();
    }

    @Override
    public void tearDown(String containerId) throws IOException {
        Sandbox s = service.sandbox(containerId);
        service.tearDown(containerId);
        publishEndpoints(s, containerId, "disconnect");
    }

    @Override
    public Endpoint connect(String containerId, String containerName, String network, EndpointSettings settings)
            throws IOException {
        Endpoint e = service.connect(containerId, containerName, network, settings);
        publish(service.get(network), "connect", Map.of("container", containerId));
        return e;
    }

    @Override
    public void disconnect(String containerId, String network) throws IOException {
        service.disconnect(containerId, network);
        publish(service.get(network), "disconnect", Map.of("container", containerId));
    }
}
