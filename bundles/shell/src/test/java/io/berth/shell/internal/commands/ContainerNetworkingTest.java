package io.berth.shell.internal.commands;

import io.berth.api.container.CreateRequest;
import io.berth.api.network.EndpointSettings;
import io.berth.api.network.PortBinding;
import io.berth.shell.internal.framework.CommandContext;
import io.berth.shell.internal.framework.CommandInvoker;
import io.berth.shell.internal.framework.CommandSpec;
import io.berth.shell.internal.framework.Terminal;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The networking options of {@code run} and {@code create}, as docker 20.10's CLI reads and maps them. */
class ContainerNetworkingTest {
    private final CreateOptionsTest.Sample sample = new CreateOptionsTest.Sample();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final CommandContext context = new CommandContext(null, System.in, new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(err, true, StandardCharsets.UTF_8), Terminal.NONE, Path.of("/"));

    private int run(String... args) throws NoSuchMethodException {
        sample.request = null;
        err.reset();
        return new CommandInvoker(CommandSpec.of(CreateOptionsTest.Sample.class.getMethod("run", CommandContext.class,
                CreateOptions.class, List.class)), sample).run(context, "run", List.of(args));
    }

    private CreateRequest request(String... args) throws NoSuchMethodException {
        assertThat(run(args)).as("berth run %s: %s", String.join(" ", args), err).isZero();
        return sample.request;
    }

    /** The status and stderr of a refused command line; nothing is requested. */
    private String refused(int status, String... args) throws NoSuchMethodException {
        assertThat(run(args)).as("berth run %s", String.join(" ", args)).isEqualTo(status);
        assertThat(sample.request).isNull();
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void noNetworkOptionsAskForNothing() throws Exception {
        CreateRequest r = request("busybox");
        assertThat(r.host().networkMode()).isEqualTo("bridge");
        assertThat(r.networks()).isEmpty();
        assertThat(r.exposedPorts()).isEmpty();
        assertThat(r.host().portBindings()).isEmpty();
        assertThat(r.host().publishAllPorts()).isFalse();
        assertThat(r.host().dns()).isEmpty();
        assertThat(r.host().extraHosts()).isEmpty();
    }

    @Test
    void publishedPortsAreBoundAndExposedWithExposedOnes() throws Exception {
        CreateRequest r = request("-p", "8080:80", "--publish=127.0.0.1::53/udp", "-p", "8000-8001:90-91",
                "--expose", "443", "--expose", "7000-7001/udp", "-P", "busybox");
        assertThat(r.host().portBindings()).containsExactly(
                Map.entry("80/tcp", List.of(new PortBinding("", "8080"))),
                Map.entry("53/udp", List.of(new PortBinding("127.0.0.1", ""))),
                Map.entry("90/tcp", List.of(new PortBinding("", "8000"))),
                Map.entry("91/tcp", List.of(new PortBinding("", "8001"))));
        assertThat(r.exposedPorts()).containsExactly("80/tcp", "53/udp", "90/tcp", "91/tcp", "443/tcp", "7000/udp", "7001/udp");
        assertThat(r.host().publishAllPorts()).isTrue();
    }

    @Test
    void aUsersNetworkGetsTheAliasesAndAddresses() throws Exception {
        CreateRequest r = request("--network", "backend", "--network-alias", "db", "--net-alias", "primary",
                "--ip", "10.80.0.5", "--ip6", "fd00::5", "--mac-address", "92:d0:c6:0a:29:33", "busybox");
        assertThat(r.host().networkMode()).isEqualTo("backend");
        assertThat(r.networks()).isEqualTo(Map.of("backend",
                new EndpointSettings(List.of("db", "primary"), "10.80.0.5", "fd00::5", "92:d0:c6:0a:29:33")));

        r = request("--net=backend", "busybox");
        assertThat(r.host().networkMode()).isEqualTo("backend");
        assertThat(r.networks()).as("one network asked nothing: no entry, as docker's CLI sends").isEmpty();

        r = request("--network", "name=backend,alias=web,ip=10.80.0.9", "busybox");
        assertThat(r.host().networkMode()).isEqualTo("backend");
        assertThat(r.networks()).isEqualTo(Map.of("backend", new EndpointSettings(List.of("web"), "10.80.0.9", null, null)));
    }

    @Test
    void predefinedModes() throws Exception {
        assertThat(request("--network", "host", "busybox").host().networkMode()).isEqualTo("host");
        assertThat(request("--network", "none", "busybox").host().networkMode()).isEqualTo("none");
        assertThat(request("--network", "default", "busybox").host().networkMode()).isEqualTo("bridge");
        CreateRequest r = request("--network", "container:web", "busybox");
        assertThat(r.host().networkMode()).isEqualTo("container:web");
        assertThat(r.networks()).isEmpty();
        // The MAC address goes where the service looks for it: the default network's settings.
        assertThat(request("--mac-address", "92:d0:c6:0a:29:33", "busybox").networks())
                .isEqualTo(Map.of("bridge", new EndpointSettings(List.of(), null, null, "92:d0:c6:0a:29:33")));
        // On the default bridge, --ip is the daemon's to refuse: passed on.
        assertThat(request("--network", "bridge", "--ip", "172.17.0.9", "busybox").networks())
                .isEqualTo(Map.of("bridge", new EndpointSettings(List.of(), "172.17.0.9", null, null)));
    }

    @Test
    void resolverOptions() throws Exception {
        CreateRequest r = request("--dns", "1.1.1.1", "--dns", " 2001:DB8::1 ", "--dns-search", "example.com.",
                "--dns-search", ".", "--dns-option", "ndots:2", "--dns-opt", "timeout:1", "--add-host", "db:10.0.0.5",
                "--add-host", "v6:::1", "--add-host", "gw:host-gateway", "busybox");
        assertThat(r.host().dns()).containsExactly("1.1.1.1", "2001:db8::1");
        assertThat(r.host().dnsSearch()).containsExactly("example.com", ".");
        assertThat(r.host().dnsOptions()).containsExactly("ndots:2", "timeout:1");
        assertThat(r.host().extraHosts()).containsExactly("db:10.0.0.5", "v6:::1", "gw:host-gateway");
    }

    @Test
    void valuesTheFlagsRefuseAreFlagErrors() throws Exception {
        assertThat(refused(125, "--add-host", "db", "busybox")).isEqualTo(
                "invalid argument \"db\" for \"--add-host\" flag: bad format for add-host: \"db\"\nSee 'berth run --help'.\n");
        assertThat(refused(125, "--add-host", ":10.0.0.1", "busybox")).startsWith(
                "invalid argument \":10.0.0.1\" for \"--add-host\" flag: bad format for add-host: \":10.0.0.1\"\n");
        assertThat(refused(125, "--add-host", "db:10.0.0", "busybox")).startsWith(
                "invalid argument \"db:10.0.0\" for \"--add-host\" flag: invalid IP address in add-host: \"10.0.0\"\n");
        assertThat(refused(125, "--add-host", "db:gateway", "busybox")).startsWith(
                "invalid argument \"db:gateway\" for \"--add-host\" flag: invalid IP address in add-host: \"gateway\"\n");
        assertThat(refused(125, "--dns", "one.one.one.one", "busybox")).startsWith(
                "invalid argument \"one.one.one.one\" for \"--dns\" flag: one.one.one.one is not an ip address\n");
        assertThat(refused(125, "--dns-search", "-bad-", "busybox")).startsWith(
                "invalid argument \"-bad-\" for \"--dns-search\" flag: -bad- is not a valid domain\n");
        assertThat(refused(125, "--network", "name=a,foo=b", "busybox")).startsWith(
                "invalid argument \"name=a,foo=b\" for \"--network\" flag: invalid field key foo\n");
        assertThat(refused(125, "--network", "alias=a", "busybox")).startsWith(
                "invalid argument \"alias=a\" for \"--network\" flag: network name/id is not specified\n");
    }

    @Test
    void theClisOwnChecksAreFlagErrors() throws Exception {
        assertThat(refused(125, "-p", "x", "busybox")).isEqualTo("Invalid containerPort: x\nSee 'berth run --help'.\n");
        assertThat(refused(125, "-p", "1.2.3.4.5:80:80", "busybox")).startsWith("Invalid ip address: 1.2.3.4.5\n");
        assertThat(refused(125, "--expose", "80:80", "busybox")).startsWith("invalid port format for --expose: 80:80\n");
        assertThat(refused(125, "--mac-address", "92:d0", "busybox")).startsWith("92:d0 is not a valid mac address\n");
        assertThat(refused(125, "--network", "bridge", "--network-alias", "x", "busybox"))
                .startsWith("network-scoped aliases are only supported for user-defined networks\n");
        assertThat(refused(125, "--network", "host", "--network", "backend", "busybox"))
                .startsWith("conflicting options: cannot attach both user-defined and non-user-defined network-modes\n");
        assertThat(refused(125, "--network", "a", "--network", "a", "busybox"))
                .startsWith("network \"a\" is specified multiple times\n");
        assertThat(refused(125, "--network", "name=a,alias=x", "--network-alias", "y", "busybox"))
                .startsWith("conflicting options: cannot specify both --network-alias and per-network alias\n");
    }

    @Test
    void aSharedNetworkRefusesWhatItCannotHaveAsDockersDaemon() throws Exception {
        String c = "container:web";
        assertThat(refused(1, "--network", c, "-h", "box", "busybox"))
                .isEqualTo("Error: conflicting options: hostname and the network mode\n");
        assertThat(refused(1, "--network", c, "--dns", "1.1.1.1", "busybox"))
                .isEqualTo("Error: conflicting options: dns and the network mode\n");
        assertThat(refused(1, "--network", c, "--add-host", "a:10.0.0.1", "busybox"))
                .isEqualTo("Error: conflicting options: custom host-to-IP mapping and the network mode\n");
        assertThat(refused(1, "--network", c, "--mac-address", "92:d0:c6:0a:29:33", "busybox"))
                .isEqualTo("Error: conflicting options: mac-address and the network mode\n");
        assertThat(refused(1, "--network", "host", "--mac-address", "92:d0:c6:0a:29:33", "busybox"))
                .isEqualTo("Error: conflicting options: mac-address and the network mode\n");
        assertThat(refused(1, "--network", c, "-p", "80", "busybox"))
                .isEqualTo("Error: conflicting options: port publishing and the container type network mode\n");
        assertThat(refused(1, "--network", c, "-P", "busybox"))
                .isEqualTo("Error: conflicting options: port publishing and the container type network mode\n");
        assertThat(refused(1, "--network", c, "--expose", "80", "busybox"))
                .isEqualTo("Error: conflicting options: port exposing and the container type network mode\n");
        assertThat(refused(1, "--network", "container:", "busybox"))
                .isEqualTo("Error: Invalid network mode: invalid container format container:<name|id>\n");
        // The host's network takes a hostname and ports (which docker only warns about).
        assertThat(request("--network", "host", "-h", "box", "-p", "80:80", "busybox").host().portBindings()).hasSize(1);
    }
}
