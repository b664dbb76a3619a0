package io.berth.api.network;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a container's network is made from when it starts: its names, its network mode and
 * networks, the ports it publishes and its resolver settings (docker's {@code --network},
 * {@code -p}, {@code -P}, {@code --expose}, {@code --dns*}, {@code --add-host}).
 *
 * @param containerId the container's id
 * @param containerName its name, without a slash
 * @param hostname its host name
 * @param domainname its domain name, or empty
 * @param mode {@code none}, {@code host}, {@code container:ID} (a full id), or the name or id of its first network
 * @param networks the networks it is connected to, first the one of its mode, with what it asks on each
 * @param portBindings published ports: {@code 80/tcp} to where on the host
 * @param publishAll {@code -P}: every exposed port on a port the engine picks
 * @param exposedPorts the ports the image and {@code --expose} declare ({@code 80/tcp})
 * @param dns {@code --dns}
 * @param dnsSearch {@code --dns-search}
 * @param dnsOptions {@code --dns-option}
 * @param extraHosts {@code --add-host}: {@code name:address}, the address possibly {@code host-gateway}
 */
public record SandboxRequest(String containerId, String containerName, String hostname, String domainname, String mode,
                             Map<String, EndpointSettings> networks, Map<String, List<PortBinding>> portBindings,
                             boolean publishAll, List<String> exposedPorts, List<String> dns, List<String> dnsSearch,
                             List<String> dnsOptions, List<String> extraHosts) {
    public SandboxRequest {
        Objects.requireNonNull(containerId, "containerId");
        Objects.requireNonNull(mode, "mode");
        domainname = domainname == null ? "" : domainname;
        networks = networks == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(networks));
        portBindings = portBindings == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(portBindings));
        exposedPorts = exposedPorts == null ? List.of() : List.copyOf(exposedPorts);
        dns = dns == null ? List.of() : List.copyOf(dns);
        dnsSearch = dnsSearch == null ? List.of() : List.copyOf(dnsSearch);
        dnsOptions = dnsOptions == null ? List.of() : List.copyOf(dnsOptions);
        extraHosts = extraHosts == null ? List.of() : List.copyOf(extraHosts);
    }
}
