package io.berth.shell.internal.commands;

import io.berth.api.NotFoundException;
import io.berth.api.container.Container;
import io.berth.api.container.ContainerDetails;
import io.berth.api.container.ContainerListOptions;
import io.berth.api.container.ContainerService;
import io.berth.api.container.ContainerState;
import io.berth.api.container.ContainerStatus;
import io.berth.api.container.CreateRequest;
import io.berth.api.container.HostConfig;
import io.berth.api.image.ContainerConfig;
import io.berth.api.image.ImageStore;
import io.berth.api.network.Endpoint;
import io.berth.api.network.PortMapping;
import io.berth.api.network.Sandbox;
import io.berth.shell.internal.framework.Command;
import io.berth.shell.internal.framework.CommandContext;
import io.berth.shell.internal.framework.CommandInvoker;
import io.berth.shell.internal.framework.CommandSpec;
import io.berth.shell.internal.framework.Terminal;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code port}, {@code ps}'s PORTS and NETWORKS, and {@code run}'s warning, over a container service in memory. */
class ContainerPortsTest {
    private static final String ID = "0123456789ab" + "c".repeat(52);

    private final List<Object> created = new ArrayList<>();
    private ContainerDetails details;
    private List<Container> listed = List.of();

    private final ContainerService containers = (ContainerService) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[]{ContainerService.class}, (proxy, method, args) -> switch (method.getName()) {
                case "create" -> {
                    created.add(args[0]);
                    yield container(ContainerStatus.CREATED, List.of(), List.of());
                }
                case "inspect" -> {
                    if (!args[0].equals("web")) {
                        throw new NotFoundException("No such container: " + args[0]);
                    }
                    yield details;
                }
                case "list" -> listed;
                default -> null;
            });
    private final ImageStore images = (ImageStore) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[]{ImageStore.class}, (proxy, method, args) -> null);

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private static Container container(ContainerStatus status, List<PortMapping> ports, List<String> networks) {
        return Container.builder().id(ID).name("web").image("busybox").command(List.of("sh"))
                .created(Instant.now()).state(ContainerState.builder().status(status).build()).ports(ports)
                .networks(networks).build();
    }

    private int run(String name, String... args) {
        out.reset();
        err.reset();
        CommandContext context = new CommandContext(null, System.in, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Terminal.NONE, Path.of("/"));
        for (Method m : ContainerCommands.class.getMethods()) {
            Command c = m.getAnnotation(Command.class);
            if (c != null && c.name().equals(name)) {
                return new CommandInvoker(CommandSpec.of(m), new ContainerCommands(containers, images))
                        .run(context, name, List.of(args));
            }
        }
        throw new AssertionError(name);
    }

    private void running(List<PortMapping> ports) {
        Endpoint e = new Endpoint("b".repeat(64), ID, Path.of("/run/netns/x"), "eth0", null, null, "172.17.0.2/16",
                "172.17.0.1", null, null, ports, Map.of());
        details = ContainerDetails.builder().container(container(ContainerStatus.RUNNING, ports, List.of("bridge")))
                .config(ContainerConfig.builder().exposedPorts(List.of("80/tcp", "443/tcp", "53/udp")).build())
                .host(HostConfig.builder().build())
                .sandbox(new Sandbox(ID, "bridge", Path.of("/run/netns/x"), Map.of("bridge", e), "", "")).build();
    }

    @Test
    void portListsThePublishedPorts() {
        running(List.of(new PortMapping("tcp", 80, "0.0.0.0", 8080), new PortMapping("tcp", 80, "::", 8080),
                new PortMapping("udp", 53, "127.0.0.1", 5353)));
        assertThat(run("port", "web")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .isEqualTo("53/udp -> 127.0.0.1:5353\n80/tcp -> 0.0.0.0:8080\n80/tcp -> :::8080\n");
        assertThat(run("port", "web", "80")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("0.0.0.0:8080\n:::8080\n");
        assertThat(run("port", "web", "53/udp")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("127.0.0.1:5353\n");
    }

    @Test
    void aPortNotPublishedIsAnError() {
        running(List.of(new PortMapping("tcp", 80, "0.0.0.0", 8080)));
        assertThat(run("port", "web", "443")).isEqualTo(1);
        // As the docker CLI, the port as given.
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("Error: No public port '443' published for web\n");
        assertThat(run("port", "web", "80/udp")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("Error: No public port '80/udp' published for web\n");
        assertThat(run("port", "web", "http")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("Error: strconv.ParseUint: parsing \"http\": invalid syntax\n");
        assertThat(run("port", "nosuch")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("Error: No such container: nosuch\n");

        // Stopped: nothing is published.
        details = details.toBuilder().sandbox(null).build();
        assertThat(run("port", "web")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(run("port", "web", "80")).isEqualTo(1);
    }

    @Test
    void psShowsPortsAndNetworks() {
        listed = List.of(container(ContainerStatus.RUNNING, List.of(new PortMapping("tcp", 80, "0.0.0.0", 8080),
                new PortMapping("tcp", 443, "", 0)), List.of("backend", "bridge")));
        assertThat(run("ps", "--format", "{{.Names}}|{{.Ports}}|{{.Networks}}")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("web|443/tcp, 0.0.0.0:8080->80/tcp|backend,bridge\n");
        assertThat(run("ps", "-f", "network=backend", "--format", "{{.Names}}")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("web\n");
        assertThat(run("ps")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8).lines().toList().get(0)).contains("   PORTS   ");
        assertThat(out.toString(StandardCharsets.UTF_8).lines().toList().get(1))
                .contains("   443/tcp, 0.0.0.0:8080->80/tcp   web");
    }

    @Test
    void publishingOnTheHostsNetworkIsOnlyWarnedAbout() {
        assertThat(run("create", "--network", "host", "-p", "80:80", "busybox")).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("WARNING: Published ports are discarded when using host network mode\n");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(ID + "\n");
        assertThat(((CreateRequest) created.get(0)).host().networkMode()).isEqualTo("host");
        assertThat(run("create", "-p", "80:80", "busybox")).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(run("run", "-d", "--network", "host", "-p", "80:80", "busybox")).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("WARNING: Published ports are discarded when using host network mode\n");
    }

    @Test
    void runsOptionErrorsAreStatus125() {
        assertThat(run("run", "-d", "-p", "x", "busybox")).isEqualTo(125);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("Invalid containerPort: x\nSee 'berth run --help'.\n");
        assertThat(run("create", "-p", "x", "busybox")).isEqualTo(125);
        assertThat(run("run", "-d", "--network", "container:db", "-p", "80", "busybox")).isEqualTo(125);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .isEqualTo("Error: conflicting options: port publishing and the container type network mode\n");
        assertThat(created).isEmpty();
    }
}
