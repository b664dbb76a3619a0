package io.berth.views;

import io.berth.api.network.Endpoint;
import io.berth.api.network.IpamConfig;
import io.berth.api.network.Network;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Networks as docker's daemon gives them: {@code network inspect}'s object
 * ({@code GET /networks/NAME}), and the ids docker shows for a container's connection to one.
 */
public final class NetworkView {
    /** Every Berth network is local to this engine, as docker's networks outside a swarm. */
    public static final String SCOPE = "local";

    /** The key of {@link Endpoint#driverState()} under which a driver may give an endpoint's own id. */
    public static final String ENDPOINT_ID_KEY = "endpointId";

    private NetworkView() {
    }

    /**
     * {@code docker network inspect}'s object, fields in docker's order, maps sorted by key as Go
     * writes them.
     *
     * @param endpoints the connections of running containers to it
     * @param containerNames a container's name (without a slash) by its id, or {@code null} when unknown
     */
    public static Map<String, Object> inspect(Network n, List<Endpoint> endpoints, Function<String, String> containerNames) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Name", n.name());
        m.put("Id", n.id());
        m.put("Created", Times.rfc3339(n.created()));
        m.put("Scope", SCOPE);
        m.put("Driver", n.driver());
        m.put("EnableIPv6", n.enableIpv6());
        Map<String, Object> ipam = new LinkedHashMap<>();
        ipam.put("Driver", "default");
        ipam.put("Options", Map.of());
        List<Map<String, Object>> configs = new ArrayList<>();
        for (IpamConfig c : n.ipam()) {
            configs.add(ipamConfig(c));
        }
        ipam.put("Config", configs);
        m.put("IPAM", ipam);
        m.put("Internal", n.internal());
        m.put("Attachable", n.attachable());
        m.put("Ingress", false);
        m.put("ConfigFrom", Map.of("Network", ""));
        m.put("ConfigOnly", false);
        Map<String, Object> containers = new TreeMap<>();
        for (Endpoint e : endpoints) {
            Map<String, Object> c = new LinkedHashMap<>();
            String name = containerNames == null ? null : containerNames.apply(e.containerId());
            c.put("Name", name == null ? "" : name);
            c.put("EndpointID", endpointId(e));
            c.put("MacAddress", orEmpty(e.macAddress()));
            c.put("IPv4Address", orEmpty(e.ipv4()));
            c.put("IPv6Address", orEmpty(e.ipv6()));
            containers.put(e.containerId(), c);
        }
        m.put("Containers", containers);
        m.put("Options", new TreeMap<>(n.options()));
        m.put("Labels", new TreeMap<>(n.labels()));
        return m;
    }

    /** One entry of {@code IPAM.Config}: Subnet, IPRange, Gateway, each left out when not set (Go's omitempty). */
    private static Map<String, Object> ipamConfig(IpamConfig c) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (c.subnet() != null && !c.subnet().isEmpty()) {
            m.put("Subnet", c.subnet());
        }
        if (c.ipRange() != null && !c.ipRange().isEmpty()) {
            m.put("IPRange", c.ipRange());
        }
        if (c.gateway() != null && !c.gateway().isEmpty() && !c.impliedGateway()) {
            m.put("Gateway", c.gateway());
        }
        return m;
    }

    /**
     * An endpoint's id as docker shows it ({@code EndpointID}): the driver's own when it keeps one
     * under {@link #ENDPOINT_ID_KEY}, else {@link #endpointId(String, String)}.
     */
    public static String endpointId(Endpoint e) {
        String own = e.driverState().get(ENDPOINT_ID_KEY);
        return own != null && !own.isEmpty() ? own : endpointId(e.networkId(), e.containerId());
    }

    /**
     * The id of a container's connection to a network when the driver has none of its own: the
     * SHA-256 (64 hex digits) of the network's id followed by the container's, so that it is the
     * same in every front end and for as long as the connection lasts.
     */
    public static String endpointId(String networkId, String containerId) {
        return sha256Hex(networkId + containerId);
    }

    static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * Whether a network mode names a user's network, as docker's {@code NetworkMode.IsUserDefined}:
     * anything but {@code default}, {@code bridge}, {@code host}, {@code none} and
     * {@code container:ID}.
     */
    public static boolean isUserDefined(String mode) {
        return mode != null && !mode.equals("default") && !mode.equals("bridge") && !mode.equals("host")
                && !mode.equals("none") && !isContainerMode(mode);
    }

    /** Whether a network mode is {@code container:ID}: sharing another container's network. */
    public static boolean isContainerMode(String mode) {
        return mode != null && mode.startsWith("container:");
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    /** A network's id by its name, or {@code null} when there is no such network or no networking ({@code networks} null). */
    public static java.util.function.Function<String, String> ids(io.berth.api.network.NetworkService networks) {
        return name -> {
            if (networks == null) {
                return null;
            }
            try {
                return networks.get(name).id();
            } catch (io.berth.api.BerthException e) {
                return null;
            }
        };
    }

    /**
     * {@code network inspect}'s object of a network ({@code GET /networks/NAME}).
     *
     * @param containers for the names of the containers connected, or {@code null}
     * @throws io.berth.api.NotFoundException if there is no such network
     */
    public static Map<String, Object> inspect(io.berth.api.network.NetworkService networks,
                                              io.berth.api.container.ContainerService containers, String name) {
        Network n = networks.get(name);
        return inspect(n, networks.endpoints(n.id()), id -> {
            if (containers == null) {
                return null;
            }
            try {
                return containers.get(id).name();
            } catch (io.berth.api.BerthException | java.io.IOException e) {
                return null;
            }
        });
    }
}
