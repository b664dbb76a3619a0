package io.berth.network.cni.internal;

import io.berth.api.driver.BerthNetwork;
import io.berth.api.engine.Engine;
import io.berth.api.network.Endpoint;
import io.berth.api.network.EndpointRequest;
import io.berth.api.network.Network;
import io.berth.api.network.NetworkDriver;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Publishes the {@code cni} network driver, configured by the engine's configuration
 * ({@link CniConfiguration}: the CNI config directory, the plugin directories, the plugin timeout).
 * Missing directories do not keep it from registering: a network names its configuration when it is
 * made, and that is when a missing file or plugin is reported.
 */
@Component(service = NetworkDriver.class, configurationPid = Engine.PID)
@BerthNetwork("cni")
public class CniDriverComponent implements NetworkDriver {
    private volatile CniDriver driver;

    @Activate
    public CniDriverComponent(CniConfiguration config) {
        modified(config);
    }

    /** The engine's configuration changed: the directories and timeout apply from the next operation. */
    @Modified
    void modified(CniConfiguration config) {
        driver = new CniDriver(Path.of(config.cniConfigDir()),
                new CniPlugins(config.cniPluginDirs(), Duration.ofSeconds(Math.max(1, config.cniPluginTimeout()))));
    }

    @Override
    public boolean assignsAddresses() {
        return driver.assignsAddresses();
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
