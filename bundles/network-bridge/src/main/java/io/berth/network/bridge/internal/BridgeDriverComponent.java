package io.berth.network.bridge.internal;

import io.berth.api.driver.BerthNetwork;
import io.berth.api.engine.Engine;
import io.berth.api.network.Endpoint;
import io.berth.api.network.EndpointRequest;
import io.berth.api.network.Network;
import io.berth.api.network.NetworkDriver;
import io.berth.netlink.NetHelper;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;

import java.io.IOException;
import java.util.List;

/** Publishes the {@code bridge} network driver. */
@Component(service = NetworkDriver.class, configurationPid = Engine.PID)
@BerthNetwork("bridge")
public class BridgeDriverComponent implements NetworkDriver {
    private static final System.Logger LOG = System.getLogger(BridgeDriverComponent.class.getName());

    private final BridgeDriver driver;
    private final String chainPrefix;

    @Activate
    public BridgeDriverComponent(@Reference Engine engine, BridgeConfiguration config) throws IOException {
        chainPrefix = config.chainPrefix();
        driver = new BridgeDriver(NetHelper.install(engine.settings().runRoot()), new Firewall(chainPrefix));
    }

    /**
     * The engine's configuration changed (any key: it is one PID). The chains keep their prefix
     * while the driver runs; a new one takes effect when it starts again.
     */
    @Modified
    void modified(BridgeConfiguration config) {
        if (!config.chainPrefix().equals(chainPrefix)) {
            LOG.log(System.Logger.Level.WARNING, "chainPrefix is " + chainPrefix + " while the bridge driver runs; "
                    + config.chainPrefix() + " takes effect when it starts again");
        }
    }

    @Deactivate
    void deactivate() {
        driver.close();
    }

    @Override
    public Network create(Network network) throws IOException {
        return driver.create(network);
    }

    @Override
    public void remove(Network network) throws IOException {
        driver.remove(network);
    }

    @Override
    public Endpoint connect(Network network, EndpointRequest request) throws IOException {
        return driver.connect(network, request);
    }

    @Override
    public void disconnect(Network network, Endpoint endpoint) throws IOException {
        driver.disconnect(network, endpoint);
    }

    @Override
    public void restore(Network network, List<Endpoint> endpoints) throws IOException {
        driver.restore(network, endpoints);
    }
}
