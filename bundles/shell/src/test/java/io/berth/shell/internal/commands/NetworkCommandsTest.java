package io.berth.shell.internal.commands;

import io.berth.api.Filters;
import io.berth.api.InvalidArgumentException;
import io.berth.api.NotFoundException;
import io.berth.api.container.Container;
import io.berth.api.container.ContainerService;
import io.berth.api.network.Endpoint;
import io.berth.api.network.EndpointSettings;
import io.berth.api.network.IpamConfig;
import io.berth.api.network.Network;
import io.berth.api.network.NetworkService;
import io.berth.api.network.Sandbox;
import io.berth.api.network.SandboxRequest;
import io.berth.shell.internal.framework.Command;
import io.berth.shell.internal.framework.CommandContext;
import io.berth.shell.internal.framework.CommandInvoker;
import io.berth.shell.internal.framework.CommandSpec;
import io.berth.shell.internal.framework.Terminal;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code network} commands over a network service kept in memory. */
class NetworkCommandsTest {
    private static final String WEB_ID = "c".repeat(64);

    /** Networks in memory, as the engine's service would answer. */
    static final class FakeNetworks implements NetworkService {
        final Map<String, Network> byName = new LinkedHashMap<>();
        final Map<String, List<Endpoint>> endpoints = new LinkedHashMap<>();
        Filters lastFilters;
        Network lastRequest;

        void add(String name, String driver, char idDigit) {
            byName.put(name, Network.builder().id(String.valueOf(idDigit).repeat(64)).name(name).driver(driver)
                    .created(Instant.parse("2026-05-01T10:20:30.5Z")).build());
        }

        @Override
        public Network create(Network request) {
            lastRequest = request;
            Network n = request.toBuilder().id("e".repeat(64)).created(Instant.parse("2026-05-01T10:20:30Z")).build();
            byName.put(n.name(), n);
            return n;
        }

        @Override
        public List<Network> list(Filters filters) {
            lastFilters = filters;
            return new ArrayList<>(byName.values());
        }

        @Override
        public Network get(String idOrName) {
            if (byName.containsKey(idOrName)) {
                return byName.get(idOrName);
            }
            for (Network n : byName.values()) {
                if (n.id().startsWith(idOrName)) {
                    return n;
                }
            }
            throw new NotFoundException("network " + idOrName + " not found");
        }

        @Override
        public List<Endpoint> endpoints(String idOrName) {
            return endpoints.getOrDefault(get(idOrName).name(), List.of());
        }

        @Override
        public void remove(String idOrName) {
            Network n = get(idOrName);
            if (PREDEFINED.contains(n.name())) {
                throw new io.berth.api.ConflictException(n.name() + " is a pre-defined network and cannot be removed");
            }
            byName.remove(n.name());
        }

        @Override
        public List<Network> prune(Filters filters) {
            lastFilters = filters;
            List<Network> removed = byName.values().stream().filter(n -> !PREDEFINED.contains(n.name())).toList();
            removed.forEach(n -> byName.remove(n.name()));
            return removed;
        }

        @Override
        public Sandbox setUp(SandboxRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Sandbox sandbox(String containerId) {
            return null;
        }

        @Override
        public Set<String> sandboxes() {
            return Set.of();
        }

        @Override
        public void tearDown(String containerId) {
        }

        @Override
        public Endpoint connect(String containerId, String containerName, String network, EndpointSettings settings) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void disconnect(String containerId, String network) {
        }
    }

    private final FakeNetworks networks = new FakeNetworks();
    private final List<List<Object>> containerCalls = new ArrayList<>();
    private final ContainerService containers = (ContainerService) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[]{ContainerService.class}, (proxy, method, args) -> {
                containerCalls.add(List.of(method.getName(), List.of(args)));
                if (method.getName().equals("get")) {
                    if (args[0].equals(WEB_ID)) {
                        return Container.builder().id(WEB_ID).name("web").build();
                    }
                    throw new NotFoundException("No such container: " + args[0]);
                }
                return null;
            });
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private String input = "";

    NetworkCommandsTest() {
        networks.add("bridge", "bridge", 'b');
        networks.add("host", "host", 'h');
        networks.add("none", "null", 'a');
    }

    private int run(NetworkCommands commands, String name, String... args) {
        out.reset();
        err.reset();
        CommandContext context = new CommandContext(null, new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Terminal.NONE, Path.of("/"));
        for (Method m : NetworkCommands.class.getMethods()) {
            Command c = m.getAnnotation(Command.class);
            if (c != null && (c.name().equals(name) || List.of(c.aliases()).contains(name))) {
                return new CommandInvoker(CommandSpec.of(m), commands).run(context, name, List.of(args));
            }
        }
        throw new AssertionError(name);
    }

    private int run(String name, String... args) {
        return run(new NetworkCommands(networks, containers), name, args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void createPrintsTheIdOfWhatItAskedFor() {
        assertThat(run("network create", "-d", "bridge", "--subnet", "10.80.0.0/20", "--gateway", "10.80.0.1",
                "--ip-range", "10.80.8.0/21", "--subnet=fd00:80::/64", "--internal", "--ipv6", "--attachable",
                "--label", "tier=db", "--label", "flag", "-o", "com.docker.network.bridge.name=br-db", "backend")).isZero();
        assertThat(out()).isEqualTo("e".repeat(64) + "\n");
        Network r = networks.lastRequest;
        assertThat(r.name()).isEqualTo("backend");
        assertThat(r.driver()).isEqualTo("bridge");
        assertThat(r.internal()).isTrue();
        assertThat(r.enableIpv6()).isTrue();
        assertThat(r.attachable()).isTrue();
        assertThat(r.labels()).containsExactly(Map.entry("tier", "db"), Map.entry("flag", ""));
        assertThat(r.options()).containsExactly(Map.entry("com.docker.network.bridge.name", "br-db"));
        assertThat(r.ipam()).containsExactly(new IpamConfig("10.80.0.0/20", "10.80.0.1", "10.80.8.0/21"),
                new IpamConfig("fd00:80::/64", null, null));

        assertThat(run("network create", "plain")).isZero();
        assertThat(networks.lastRequest.driver()).isEqualTo("bridge");
        assertThat(networks.lastRequest.ipam()).isEmpty();
        // A string slice, as docker's: several subnets in one value.
        assertThat(run("network create", "--subnet", "10.1.0.0/24,10.2.0.0/24", "two")).isZero();
        assertThat(networks.lastRequest.ipam()).extracting(IpamConfig::subnet).containsExactly("10.1.0.0/24", "10.2.0.0/24");
    }

    @Test
    void createChecksTheRangesAsDockersCli() {
        assertThat(error(List.of(), List.of(), List.of("10.0.0.1")))
                .isEqualTo("every ip-range or gateway must have a corresponding subnet");
        assertThat(error(List.of("10.0.0.0/24"), List.of("10.0.0.0/25", "10.0.0.128/25"), List.of()))
                .isEqualTo("every ip-range or gateway must have a corresponding subnet");
        assertThat(error(List.of("10.0.0.0/16", "10.0.1.0/24"), List.of(), List.of()))
                .isEqualTo("multiple overlapping subnet configuration is not supported");
        assertThat(error(List.of("10.0.0.0/24", "10.0.0.0/24"), List.of(), List.of()))
                .isEqualTo("multiple overlapping subnet configuration is not supported");
        assertThat(error(List.of("10.0.0.0/24", "10.1.0.0/24"), List.of(), List.of("10.0.0.1", "10.0.0.2")))
                .isEqualTo("cannot configure multiple gateways (10.0.0.2, 10.0.0.1) for the same subnet (10.0.0.0/24)");
        assertThat(error(List.of("10.0.0.0/24", "10.1.0.0/24"), List.of("10.0.0.0/25", "10.0.0.128/25"), List.of()))
                .isEqualTo("cannot configure multiple ranges (10.0.0.128/25, 10.0.0.0/25) on the same subnet (10.0.0.0/24)");
        assertThat(error(List.of("10.0.0.0/24"), List.of(), List.of("10.9.0.1")))
                .isEqualTo("no matching subnet for gateway 10.9.0.1");
        assertThat(error(List.of("10.0.0.0/24"), List.of(), List.of("gateway")))
                .isEqualTo("no matching subnet for gateway gateway");
        assertThat(error(List.of("10.0.0.0/24"), List.of("10.9.0.0/25"), List.of()))
                .isEqualTo("no matching subnet for range 10.9.0.0/25");
        // An address for a range is taken, as docker's CLI takes it; a lone malformed subnet is the daemon's to refuse.
        assertThat(error(List.of("10.0.0.0/24"), List.of("10.0.0.0"), List.of())).isEqualTo("no error");
        assertThat(error(List.of("10.0.0.0"), List.of(), List.of())).isEqualTo("no error");
        assertThat(error(List.of("10.0.0.0", "10.0.1.0"), List.of(), List.of()))
                .isEqualTo("invalid subnet: invalid CIDR address: 10.0.1.0");
        assertThat(error(List.of("10.0.0.0/24"), List.of("10.0.0.0/33"), List.of()))
                .isEqualTo("invalid CIDR address: 10.0.0.0/33");

        // Through the command: an error of status 1, as docker's CLI.
        assertThat(run("network create", "--gateway", "10.0.0.1", "x")).isEqualTo(1);
        assertThat(err()).isEqualTo("Error: every ip-range or gateway must have a corresponding subnet\n");
        assertThat(run("network create", "--label", "=x", "x")).isEqualTo(125);
        assertThat(err()).isEqualTo("invalid argument \"=x\" for \"--label\" flag: invalid label '=x': empty name\n"
                + "See 'berth network create --help'.\n");
        assertThat(run("network create", "--label", "a b=x", "x")).isEqualTo(125);
        assertThat(err()).startsWith("invalid argument \"a b=x\" for \"--label\" flag: label 'a b' contains whitespaces\n");
        assertThat(networks.byName).doesNotContainKey("x");
    }

    private static String error(List<String> subnets, List<String> ranges, List<String> gateways) {
        try {
            IpamConfigs.consolidate(subnets, ranges, gateways);
            return "no error";
        } catch (InvalidArgumentException e) {
            return e.getMessage();
        }
    }

    @Test
    void lsPrintsDockersTableSortedByName() {
        networks.add("net10", "bridge", '1');
        networks.add("net9", "bridge", '9');
        assertThat(run("network ls")).isZero();
        assertThat(out()).isEqualTo("""
                NETWORK ID     NAME      DRIVER    SCOPE
                bbbbbbbbbbbb   bridge    bridge    local
                hhhhhhhhhhhh   host      host      local
                999999999999   net9      bridge    local
                111111111111   net10     bridge    local
                aaaaaaaaaaaa   none      null      local
                """);
        assertThat(run("network list", "-q", "-f", "driver=bridge", "--filter", "name=net")).isZero();
        assertThat(out()).startsWith("bbbbbbbbbbbb\nhhhhhhhhhhhh\n");
        assertThat(networks.lastFilters.asMap()).isEqualTo(Map.of("driver", List.of("bridge"), "name", List.of("net")));
        assertThat(run("network ls", "-q", "--no-trunc")).isZero();
        assertThat(out()).startsWith("b".repeat(64) + "\n");
        assertThat(run("network ls", "--format", "{{.Name}} {{.Driver}} {{.IPv6}} {{.Internal}} {{.CreatedAt}}")).isZero();
        assertThat(out()).startsWith("bridge bridge false false 2026-05-01 10:20:30.5 +0000 UTC\n");
        assertThat(run("network ls", "--format", "table {{.ID}}\t{{.Name}}")).isZero();
        assertThat(out()).startsWith("NETWORK ID     NAME\nbbbbbbbbbbbb   bridge\n");
        assertThat(run("network ls", "--format", "json")).isZero();
        assertThat(out()).startsWith("{\"CreatedAt\":\"2026-05-01 10:20:30.5 +0000 UTC\",\"Driver\":\"bridge\","
                + "\"ID\":\"bbbbbbbbbbbb\",\"IPv6\":\"false\",\"Internal\":\"false\",\"Labels\":\"\",\"Name\":\"bridge\","
                + "\"Scope\":\"local\"}\n");
    }

    @Test
    void namesSortNaturallyAsDockersCli() {
        List<String> names = new ArrayList<>(List.of("net10", "net9", "a", "net09", "Net1", "net1b", "net1a"));
        names.sort(NetworkCommands::naturalCompare);
        assertThat(names).containsExactly("Net1", "a", "net1a", "net1b", "net9", "net09", "net10");
    }

    @Test
    void inspectPrintsDockersJsonAndSaysWhatIsMissing() {
        networks.endpoints.put("bridge", List.of(new Endpoint("b".repeat(64), WEB_ID, Path.of("/run/netns/x"), "eth0",
                null, "02:42:ac:11:00:02", "172.17.0.2/16", "172.17.0.1", null, null, List.of(), Map.of())));
        assertThat(run("network inspect", "bridge", "nosuch")).isEqualTo(1);
        assertThat(err()).isEqualTo("Error: network nosuch not found\n");
        assertThat(out()).startsWith("[\n    {\n        \"Name\": \"bridge\",\n        \"Id\": \"" + "b".repeat(64) + "\",\n")
                .contains("\"Containers\": {\n            \"" + WEB_ID + "\": {\n                \"Name\": \"web\",\n")
                .contains("\"IPv4Address\": \"172.17.0.2/16\"")
                .endsWith("        \"Options\": {},\n        \"Labels\": {}\n    }\n]\n");
        assertThat(run("network inspect", "-f", "{{.Name}} {{.Driver}} {{.Scope}}", "none", "host")).isZero();
        assertThat(out()).isEqualTo("none null local\nhost host local\n");
    }

    @Test
    void rmPrintsEachNameAndFailsForAnyError() {
        networks.add("a", "bridge", '1');
        networks.add("b", "bridge", '2');
        assertThat(run("network rm", "a", "nosuch", "bridge", "b")).isEqualTo(1);
        assertThat(out()).isEqualTo("a\nb\n");
        assertThat(err()).isEqualTo("Error: network nosuch not found\n"
                + "Error: bridge is a pre-defined network and cannot be removed\n");
        assertThat(networks.byName).doesNotContainKeys("a", "b");
        networks.add("c", "bridge", '3');
        assertThat(run("network remove", "c")).isZero();
    }

    @Test
    void pruneAsksFirstThenListsWhatItRemoved() {
        networks.add("unused", "bridge", '1');
        input = "n\n";
        assertThat(run("network prune")).isZero();
        assertThat(out()).isEqualTo("WARNING! This will remove all custom networks not used by at least one container.\n"
                + "Are you sure you want to continue? [y/N] ");
        assertThat(networks.byName).containsKey("unused");
        input = "y\n";
        assertThat(run("network prune", "--filter", "label=x")).isZero();
        assertThat(out()).endsWith("[y/N] Deleted Networks:\nunused\n\n");
        assertThat(networks.lastFilters.get("label")).containsExactly("x");
        networks.add("other", "bridge", '2');
        assertThat(run("network prune", "-f")).isZero();
        assertThat(out()).isEqualTo("Deleted Networks:\nother\n\n");
        assertThat(run("network prune", "-f")).isZero();
        assertThat(out()).isEmpty();
    }

    @Test
    void connectAndDisconnectGoThroughTheContainerService() {
        assertThat(run("network connect", "--alias", "db,primary", "--alias", "x", "--ip", "10.80.0.5", "backend", "web"))
                .isZero();
        assertThat(containerCalls).containsExactly(List.of("connect", List.of("web", "backend",
                new EndpointSettings(List.of("db", "primary", "x"), "10.80.0.5", null, null))));
        containerCalls.clear();
        assertThat(run("network disconnect", "-f", "backend", "web")).isZero();
        assertThat(containerCalls).containsExactly(List.of("disconnect", List.of("web", "backend", true)));
        assertThat(run("network connect", "backend")).isEqualTo(1);
        assertThat(err()).startsWith("\"berth network connect\" requires exactly 2 arguments.\n");
    }

    @Test
    void withoutNetworkingEveryCommandSaysSoInOneLine() {
        NetworkCommands none = new NetworkCommands(null, containers);
        for (String[] command : new String[][]{{"network ls"}, {"network create", "x"}, {"network inspect", "x"},
                {"network rm", "x"}, {"network connect", "n", "c"}, {"network disconnect", "n", "c"},
                {"network prune", "-f"}}) {
            assertThat(run(none, command[0], java.util.Arrays.copyOfRange(command, 1, command.length)))
                    .as(command[0]).isEqualTo(1);
            assertThat(err()).as(command[0]).matches("Error: networking is not available: [^\n]+\n");
        }
    }

    @Test
    void labelsAsDockersValidateLabel() {
        assertThat(NetworkCommands.labelError("a=b")).isNull();
        assertThat(NetworkCommands.labelError("  a=b c")).isNull();
        assertThat(NetworkCommands.labelError("=b")).isEqualTo("invalid label '=b': empty name");
        assertThatThrownBy(() -> NetworkCommands.request("n", "bridge", List.of(), List.of(), List.of(), false, false, false,
                List.of("a\tb"), List.of())).hasMessageContaining("label 'a\tb' contains whitespaces");
    }
}
