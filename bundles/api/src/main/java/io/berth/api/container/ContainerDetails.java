package io.berth.api.container;

import io.berth.api.image.ContainerConfig;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything {@code inspect} shows of a container.
 *
 * @param container the container as listed
 * @param path the command that runs
 * @param args its arguments
 * @param restartCount how often it was restarted by its policy
 * @param config the container's config: the image's, with what was asked for applied
 * @param host how it is run
 * @param graphData where its filesystem is, from the storage driver
 * @param logPath its log file
 * @param hostsPath its {@code /etc/hosts}
 * @param hostnamePath its {@code /etc/hostname}
 * @param resolvConfPath its {@code /etc/resolv.conf}
 * @param runtimeAvailable whether its runtime driver is installed now
 */
public record ContainerDetails(Container container, String path, List<String> args, int restartCount,
                               ContainerConfig config, HostConfig host, Map<String, String> graphData, String logPath,
                               String hostsPath, String hostnamePath, String resolvConfPath, boolean runtimeAvailable) {
    public ContainerDetails {
        Objects.requireNonNull(container, "container");
        args = List.copyOf(args);
        graphData = graphData == null ? Map.of() : Map.copyOf(graphData);
    }
}
