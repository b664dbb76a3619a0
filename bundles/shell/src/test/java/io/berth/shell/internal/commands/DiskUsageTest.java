package io.berth.shell.internal.commands;

import io.berth.api.container.Container;
import io.berth.api.container.ContainerService;
import io.berth.api.container.ContainerState;
import io.berth.api.container.ContainerStatus;
import io.berth.api.container.MountPoint;
import io.berth.api.content.Digest;
import io.berth.api.image.DiskUsage;
import io.berth.api.image.Image;
import io.berth.api.image.ImageStore;
import io.berth.api.NotFoundException;
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
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code system df} with local volumes, and {@code inspect} of a volume, as docker prints them. */
class DiskUsageTest {
    private static final Digest IMAGE_ID = Digest.parse("sha256:" + "1".repeat(64));
    private static final String VOLUME = "a".repeat(64);

    private final VolumeCommandsTest.FakeVolumes volumes = new VolumeCommandsTest.FakeVolumes();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private final ImageStore images = (ImageStore) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[]{ImageStore.class}, (proxy, method, args) -> switch (method.getName()) {
                case "diskUsage" -> new DiskUsage(1, 1, 5_000_000, 0);
                case "list" -> List.of(Image.builder().id(IMAGE_ID).repoTags(List.of("busybox:latest"))
                        .created(Instant.now().minusSeconds(7200)).size(4_860_000).build());
                case "inspect" -> throw new NotFoundException("No such image: " + args[0]);
                default -> throw new AssertionError(method.getName());
            });

    private final ContainerService containers = (ContainerService) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[]{ContainerService.class}, (proxy, method, args) -> switch (method.getName()) {
                case "list" -> List.of(Container.builder().id("c".repeat(64)).name("web").image("busybox")
                        .imageId(IMAGE_ID.toString()).command(List.of("sh")).created(Instant.now().minusSeconds(630))
                        .sizeRw(12)
                        .mountPoints(List.of(new MountPoint("volume", VOLUME, "/v", "/data", "local", "z", true, "")))
                        .state(ContainerState.builder().status(ContainerStatus.EXITED).finishedAt(Instant.now()).build())
                        .build());
                case "inspect" -> throw new NotFoundException("No such container: " + args[0]);
                default -> throw new AssertionError(method.getName());
            });

    private int run(String name, String... args) {
        out.reset();
        err.reset();
        CommandContext context = new CommandContext(null, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Terminal.NONE, Path.of("/"));
        ImageCommands commands = new ImageCommands(images, containers, null, volumes);
        for (Method m : ImageCommands.class.getMethods()) {
            Command c = m.getAnnotation(Command.class);
            if (c != null && c.name().equals(name)) {
                return new CommandInvoker(CommandSpec.of(m), commands).run(context, name, List.of(args));
            }
        }
        throw new AssertionError(name);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void localVolumesAreCountedAsDockersDaemonCountsThem() {
        volumes.add(VOLUME, true, Map.of());
        volumes.use(VOLUME, "c".repeat(64));
        volumes.sizes.put(VOLUME, 2_000L);
        volumes.add("idle", false, Map.of());
        volumes.sizes.put("idle", 500L);
        assertThat(run("system df")).isZero();
        assertThat(out()).isEqualTo("""
                TYPE            TOTAL     ACTIVE    SIZE      RECLAIMABLE
                Images          1         1         5MB       0B (0%)
                Containers      1         0         12B       12B (100%)
                Local Volumes   2         1         2.5kB     500B (20%)
                Build Cache     0         0         0B        0B
                """);
        assertThat(run("system df", "--format", "{{.Type}}: {{.Reclaimable}}")).isZero();
        assertThat(out()).contains("Local Volumes: 500B (20%)\n");
    }

    @Test
    void verboseListsEachVolumeWithItsLinksAndSize() {
        volumes.add(VOLUME, true, Map.of());
        volumes.use(VOLUME, "c".repeat(64));
        volumes.sizes.put(VOLUME, 2_000L);
        volumes.add("idle", false, Map.of());
        volumes.sizes.put("idle", 1_234_567L);
        assertThat(run("system df", "-v")).isZero();
        String text = out();
        assertThat(text).startsWith("Images space usage:\n\nREPOSITORY   TAG       IMAGE ID       CREATED       SIZE      "
                + "SHARED SIZE   UNIQUE SIZE   CONTAINERS\nbusybox      latest    111111111111   2 hours ago   4.86MB    N/A"
                + "           N/A           1\n\nContainers space usage:\n\n");
        assertThat(text).contains("CONTAINER ID   IMAGE     COMMAND   LOCAL VOLUMES   SIZE      CREATED")
                .contains("cccccccccccc   busybox   \"sh\"      1               12B       10 minutes ago   Exited (0)");
        assertThat(text).endsWith("\nLocal Volumes space usage:\n\n"
                + "VOLUME NAME                                                        LINKS     SIZE\n"
                + VOLUME + "   1         2kB\n"
                + "idle                                                               0         1.235MB\n"
                + "\nBuild cache usage: 0B\n\n"
                + "CACHE ID   CACHE TYPE   SIZE      CREATED   LAST USED   USAGE     SHARED\n");
    }

    @Test
    void inspectFindsAVolumeAfterContainersImagesAndNetworks() {
        volumes.add("data", false, Map.of());
        assertThat(run("inspect", "-f", "{{.Name}} {{.Scope}}", "data")).isZero();
        assertThat(out()).isEqualTo("data local\n");
        assertThat(run("inspect", "--type", "volume", "nosuch")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("Error: No such volume: nosuch\n");
    }
}
