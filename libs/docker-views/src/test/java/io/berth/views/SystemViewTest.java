package io.berth.views;

import io.berth.api.driver.DriverInfo;
import io.berth.api.driver.DriverState;
import io.berth.api.driver.DriverType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code info}'s Plugins: the network drivers available, as docker lists its own. */
class SystemViewTest {
    @Test
    void pluginsListTheAvailableNetworkDriversByName() {
        List<DriverInfo> all = List.of(
                new DriverInfo(DriverType.NETWORK, "null", DriverState.AVAILABLE, false, "b", "1", 0, null),
                new DriverInfo(DriverType.NETWORK, "bridge", DriverState.AVAILABLE, true, "b", "1", 0, null),
                new DriverInfo(DriverType.NETWORK, "macvlan", DriverState.UNAVAILABLE, false, "b", "1", 0, "no"),
                new DriverInfo(DriverType.RUNTIME, "runc", DriverState.AVAILABLE, true, "r", "1", 0, null));
        Map<String, Object> plugins = SystemView.plugins(all);
        assertThat(plugins.get("Network")).isEqualTo(List.of("bridge", "null"));
        assertThat(plugins).containsKeys("Volume", "Network", "Authorization", "Log");
    }
}
