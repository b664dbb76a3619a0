package io.berth.network.cni.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.api.InvalidArgumentException;
import io.berth.api.network.Endpoint;
import io.berth.api.network.EndpointRequest;
import io.berth.api.network.Network;
import io.berth.api.network.NetworkDriver;
import io.berth.api.network.PortMapping;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * CNI networks: a network is a CNI configuration list, and connecting a container runs its plugins.
 *
 * <p><b>Terms.</b> The network names its configuration with the option {@value #CONFIG} (a file in the
 * config directory, or the {@code name} in one; the network's own name by default). {@link #create}
 * checks it (its JSON, {@code cniVersion}, {@code name}, each plugin's {@code type}, that each plugin
 * and IPAM plugin is in a plugin directory and speaks the list's version) and copies its text into the
 * network's option {@value #CONFLIST}, with the file it came from in {@value #CONFIG_FILE}: the engine
 * keeps the network's options, so every ADD and DEL of the network reads the configuration it was made
 * with, even after the file changes or goes. The network's address ranges ({@code ipam}) are the list's
 * host-local ranges, for display: the plugins {@linkplain #assignsAddresses() assign addresses}.
 *
 * <p><b>Lifecycle.</b> {@link #connect} runs ADD over the list's plugins in order (each with the
 * previous one's result), with the container's id, namespace and interface name, and the capability
 * arguments it declares: {@code portMappings} (the endpoint's published ports) and {@code mac}. The
 * final result and the runtime config are kept in the endpoint's {@link Endpoint#driverState()}
 * ({@value #RESULT}, {@value #RUNTIME_CONFIG}). When a plugin fails, DEL runs over the whole list and the
 * error names the plugin. {@link #disconnect} runs DEL in reverse order with that result and the same
 * runtime config (without which portmap leaves its DNAT rules), with the namespace if it still exists.
 * For example, with {@code bridge + host-local + portmap}: ADD makes the veth, takes an address and adds
 * the DNAT chain; DEL removes the DNAT chain, the veth and gives the address back.
 *
 * <p><b>Invariants.</b> The driver keeps nothing in memory or on disk: CNI's state is in the kernel and
 * the plugins' own files, and what DEL needs is in the network and the endpoint, so an engine started
 * again has nothing to {@link #restore} (CHECK is not run: portmap 1.1.1 fails it for IPv4-only
 * containers). DEL may be repeated: the plugins treat what is gone as done. The bridge plugin leaves
 * its masquerade chain when DEL runs without the namespace; the driver removes that chain itself.
 * {@link #remove} removes nothing: what the plugins make for the network as a whole (the bridge, its
 * {@code CNI-HOSTPORT-*} chains, host-local's directory) belongs to the configuration, which the host's
 * administrator wrote and may share among networks, as CNI leaves them to the runtime's administrator.
 * The engine never runs two operations on one container at once; operations on different containers
 * may run concurrently, which the plugins allow (host-local locks, iptables waits).
 */
final class CniDriver implements NetworkDriver {
    /** The option naming the network's CNI configuration: a file in the config directory, or a config's name. */
    static final String CONFIG = "cni.config";
    /** The option the driver sets: the configuration list's text, as the network was made with it. */
    static final String CONFLIST = "cni.conflist";
    /** The option the driver sets: the file the configuration was read from. */
    static final String CONFIG_FILE = "cni.configFile";
    /** The endpoint's final ADD result (JSON). */
    static final String RESULT = "result";
    /** The endpoint's runtime config (JSON): every capability argument ADD had, given to DEL again. */
    static final String RUNTIME_CONFIG = "runtimeConfig";

    private final Path configDir;
    private final CniPlugins plugins;

    CniDriver(Path configDir, CniPlugins plugins) {
        this.configDir = configDir;
        this.plugins = plugins;
    }

    @Override
    public boolean assignsAddresses() {
        return true;
    }

    @Override
    public Network create(Network n) throws IOException {
        for (String key : n.options().keySet()) {
            if (!key.equals(CONFIG)) {
                throw new InvalidArgumentException("invalid option for the cni driver: " + key + " (it takes " + CONFIG
                        + ")");
            }
        }
        if (!n.ipam().isEmpty()) {
            throw new InvalidArgumentException("the cni driver takes addresses from the CNI config's IPAM: "
                    + "--subnet, --gateway and --ip-range do not apply");
        }
        if (n.internal()) {
            throw new InvalidArgumentException("the cni driver cannot make an internal network: its CNI config decides "
                    + "the routes");
        }
        String wanted = n.options().getOrDefault(CONFIG, "");
        if (wanted.isEmpty()) {
            wanted = n.name();
        }
        CniConfigList config = CniConfigList.find(configDir, wanted);
        plugins.check(config);
        Map<String, String> options = new LinkedHashMap<>(n.options());
        options.put(CONFIG, wanted);
        options.put(CONFIG_FILE, config.source());
        options.put(CONFLIST, config.text());
        return n.toBuilder().options(options).ipam(config.ipam()).build();
    }

    /** Nothing: what the plugins made for the network is the configuration's (see the class comment). */
    @Override
    public void remove(Network n) {
    }

    @Override
    public Endpoint connect(Network n, EndpointRequest r) throws IOException {
        CniConfigList config = kept(n);
        ObjectNode runtimeConfig = runtimeConfig(r.ports(), r.macAddress());
        Map<String, String> env = env(r.containerId(), r.netns().toString(), r.ifName());
        JsonNode result = null;
        for (ObjectNode plugin : config.chain()) {
            String type = CniConfigList.type(plugin);
            try {
                JsonNode out = plugins.run(type, with(env, "ADD"), bytes(config.request(plugin, runtimeConfig, result)));
                if (out == null || !out.isObject()) {
                    throw new CniPluginException(type, null, "it printed no result");
                }
                result = out;
            } catch (IOException e) {
                IOException failure = new IOException("CNI network " + config.name() + ": " + e.getMessage(), e);
                // The specification: a failed ADD is followed by DEL of the whole list, which takes back
                // what the plugins before it made (and what the failing one may have made).
                List<String> left = delete(config, env, runtimeConfig, result);
                if (!left.isEmpty()) {
                    failure.addSuppressed(new IOException("DEL after the failed ADD: " + String.join("; ", left)));
                }
                throw failure;
            }
        }
        Map<String, String> state = new LinkedHashMap<>();
        state.put(RESULT, text(result));
        state.put(RUNTIME_CONFIG, text(runtimeConfig));
        Addresses a = Addresses.of(result, r.ifName(), config.bridges());
        return new Endpoint(n.id(), r.containerId(), r.netns(), r.ifName(), a.hostIfName, a.mac, a.ipv4, a.gateway,
                a.ipv6, a.gateway6, r.ports(), state);
    }

    @Override
    public void disconnect(Network n, Endpoint e) throws IOException {
        CniConfigList config = kept(n);
        JsonNode result = parse(e.driverState().get(RESULT), "result", config);
        JsonNode kept = parse(e.driverState().get(RUNTIME_CONFIG), "runtime config", config);
        // An endpoint the engine recorded before ADD ended has no state: its request had the same ports and MAC.
        ObjectNode runtimeConfig = kept instanceof ObjectNode o ? o : runtimeConfig(e.ports(), e.macAddress());
        boolean namespace = isNamespace(e.netns());
        Map<String, String> env = env(e.containerId(), namespace ? e.netns().toString() : "", e.ifName());
        List<String> errors = delete(config, env, runtimeConfig, result);
        if (!namespace && config.bridgeMasquerades()) {
            String chain = MasqueradeChains.chainName(config.name(), e.containerId());
            for (String tool : List.of("iptables", "ip6tables")) {
                try {
                    MasqueradeChains.remove(tool, chain);
                } catch (IOException ex) {
                    errors.add("removing the masquerade chain " + chain + ": " + ex.getMessage());
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new IOException("CNI network " + config.name() + ": DEL of container " + e.containerId() + " failed: "
                    + String.join("; ", errors));
        }
    }

    /**
     * Nothing to make again: the interfaces, addresses and rules the plugins made are in the kernel and
     * their files, and DEL needs only what the engine kept. CHECK is not run (portmap 1.1.1 fails it
     * for containers without IPv6).
     */
    @Override
    public void restore(Network n, List<Endpoint> endpoints) {
    }

    /** DEL over the list in reverse order, every plugin tried; the failures, one line each. */
    private List<String> delete(CniConfigList config, Map<String, String> env, ObjectNode runtimeConfig,
                                JsonNode result) {
        List<String> errors = new ArrayList<>();
        List<ObjectNode> chain = config.chain();
        for (int i = chain.size() - 1; i >= 0; i--) {
            ObjectNode plugin = chain.get(i);
            try {
                plugins.run(CniConfigList.type(plugin), with(env, "DEL"),
                        bytes(config.request(plugin, runtimeConfig, result)));
            } catch (IOException ex) {
                errors.add(ex instanceof CniPluginException ? ex.getMessage()
                        : "plugin " + CniConfigList.type(plugin) + " failed: " + CniConfigList.oneLine(ex.getMessage()));
            }
        }
        return errors;
    }

    /** The configuration the network was made with. */
    private static CniConfigList kept(Network n) throws IOException {
        String text = n.options().get(CONFLIST);
        if (text == null) {
            throw new IOException("network " + n.name() + " has no CNI config (option " + CONFLIST + "): it was not made "
                    + "by the cni driver");
        }
        String source = n.options().getOrDefault(CONFIG_FILE, "of network " + n.name());
        try {
            return CniConfigList.parse(source, text);
        } catch (InvalidArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * The capability arguments the runtime offers: {@code portMappings} (when ports are published;
     * {@code hostIP} left out for every address) and {@code mac} (when one is asked for). Each plugin gets
     * those it declares.
     */
    static ObjectNode runtimeConfig(List<PortMapping> ports, String mac) {
        ObjectNode rc = CniConfigList.JSON.createObjectNode();
        if (!ports.isEmpty()) {
            ArrayNode list = rc.putArray("portMappings");
            for (PortMapping p : ports) {
                ObjectNode m = list.addObject();
                m.put("hostPort", p.hostPort());
                m.put("containerPort", p.containerPort());
                m.put("protocol", p.protocol());
                if (!p.hostIp().isEmpty() && !p.hostIp().equals("0.0.0.0") && !p.hostIp().equals("::")) {
                    m.put("hostIP", p.hostIp());
                }
            }
        }
        if (mac != null && !mac.isEmpty()) {
            rc.put("mac", mac);
        }
        return rc;
    }

    private Map<String, String> env(String containerId, String netns, String ifName) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CNI_CONTAINERID", containerId);
        env.put("CNI_NETNS", netns);
        env.put("CNI_IFNAME", ifName);
        return env;
    }

    private static Map<String, String> with(Map<String, String> env, String command) {
        Map<String, String> out = new LinkedHashMap<>(env);
        out.put("CNI_COMMAND", command);
        return out;
    }

    /** Whether {@code netns} is a namespace file still (a bind-mounted nsfs file, not what is left of one). */
    static boolean isNamespace(Path netns) {
        if (netns == null || !Files.exists(netns)) {
            return false;
        }
        try {
            return "nsfs".equals(Files.getFileStore(netns).type());
        } catch (IOException e) {
            return false;
        }
    }

    private static JsonNode parse(String json, String what, CniConfigList config) throws IOException {
        if (json == null || json.isEmpty()) {
            return null;
        }
        try {
            return CniConfigList.JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IOException("CNI network " + config.name() + ": the endpoint's kept " + what + " is not JSON: "
                    + CniConfigList.oneLine(e.getOriginalMessage()), e);
        }
    }

    private static byte[] bytes(JsonNode node) {
        return text(node).getBytes(StandardCharsets.UTF_8);
    }

    private static String text(JsonNode node) {
        try {
            return CniConfigList.JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What an ADD result says of the container's interface (the CNI result format of 0.3.0 to 1.1.0). */
    record Addresses(String ipv4, String gateway, String ipv6, String gateway6, String mac, String hostIfName) {
        static Addresses of(JsonNode result, String ifName, Set<String> bridges) {
            String ipv4 = null;
            String gateway = null;
            String ipv6 = null;
            String gateway6 = null;
            for (JsonNode ip : result.path("ips")) {
                String address = ip.path("address").asText("");
                String via = ip.path("gateway").asText("");
                if (address.isEmpty()) {
                    continue;
                }
                if (address.contains(":")) {
                    if (ipv6 == null) {
                        ipv6 = address;
                        gateway6 = via.isEmpty() ? null : via;
                    }
                } else if (ipv4 == null) {
                    ipv4 = address;
                    gateway = via.isEmpty() ? null : via;
                }
            }
            String mac = null;
            String hostIfName = null;
            for (JsonNode i : result.path("interfaces")) {
                String name = i.path("name").asText("");
                boolean inSandbox = !i.path("sandbox").asText("").isEmpty();
                if (inSandbox && name.equals(ifName) && mac == null) {
                    String m = i.path("mac").asText("");
                    mac = m.isEmpty() ? null : m;
                } else if (!inSandbox && !name.isEmpty() && !bridges.contains(name) && hostIfName == null) {
                    hostIfName = name;
                }
            }
            return new Addresses(ipv4, gateway, ipv6, gateway6, mac, hostIfName);
        }
    }
}
