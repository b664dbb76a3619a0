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
        assertThat(plugins.get("Volume")).isEqualTo(List.of());
        assertThat(plugins).containsKeys("Volume", "Network", "Authorization", "Log");
    }

    @Test
    void pluginsListTheAvailableVolumeDrivers() {
        List<DriverInfo> all = List.of(
                new DriverInfo(DriverType.VOLUME, "local", DriverState.AVAILABLE, true, "v", "1", 0, null),
                new DriverInfo(DriverType.VOLUME, "nfs", DriverState.UNAVAILABLE, false, "n", "1", 0, "no nfs"));
        assertThat(SystemView.plugins(all).get("Volume")).isEqualTo(List.of("local"));
    }

    @Test
    void diskUsageCountsLocalVolumesWithoutOptionsAsDockersDaemon() throws Exception {
        io.berth.api.volume.VolumeService volumes = (io.berth.api.volume.VolumeService) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[]{io.berth.api.volume.VolumeService.class}, (proxy, method, args) ->
                        switch (method.getName()) {
                            case "list" -> List.of(volume("used", "local", Map.of()), volume("idle", "local", Map.of()),
                                    volume("unknown", "local", Map.of()), volume("mem", "local", Map.of("type", "tmpfs")),
                                    volume("far", "nfs", Map.of()));
                            case "users" -> args[0].equals("used") ? java.util.Set.of("c1") : java.util.Set.of();
                            case "size" -> switch ((String) args[0]) {
                                case "used" -> 1000L;
                                case "idle" -> 300L;
                                default -> -1L;
                            };
                            default -> throw new AssertionError(method.getName());
                        });
        Map<String, Object> row = SystemView.diskUsage(null, null, volumes).get(2);
        assertThat(row).containsEntry("Type", "Local Volumes").containsEntry("TotalCount", 3).containsEntry("Active", 1)
                .containsEntry("Size", 1300L).containsEntry("Reclaimable", 300L);
        assertThat(SystemView.localVolumes(volumes)).extracting(u -> u.volume().name() + " " + u.links() + " " + u.size())
                .containsExactly("used 1 1000", "idle 0 300", "unknown 0 -1");
        assertThat(SystemView.diskUsage(null, null, null).get(2)).containsEntry("TotalCount", 0);
    }

    private static io.berth.api.volume.Volume volume(String name, String driver, Map<String, String> options) {
        return new io.berth.api.volume.Volume(name, driver, "/v/" + name, null, null, options, false);
    }
}
