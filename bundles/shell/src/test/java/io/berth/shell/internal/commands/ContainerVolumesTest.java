package io.berth.shell.internal.commands;

import io.berth.api.InvalidArgumentException;
import io.berth.api.container.ContainerService;
import io.berth.api.container.CreateRequest;
import io.berth.api.container.MountSpec;
import io.berth.api.image.ImageStore;
import io.berth.shell.internal.framework.CommandContext;
import io.berth.shell.internal.framework.CommandInvoker;
import io.berth.shell.internal.framework.CommandSpec;
import io.berth.shell.internal.framework.Terminal;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code -v}, {@code --mount}, {@code --volumes-from} and {@code --volume-driver}, as docker 20.10 reads them. */
class ContainerVolumesTest {
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

    /** The stderr of a command line refused with the status; nothing is requested. */
    private String refused(int status, String... args) throws NoSuchMethodException {
        assertThat(run(args)).as("berth run %s", String.join(" ", args)).isEqualTo(status);
        assertThat(sample.request).isNull();
        return err.toString(StandardCharsets.UTF_8);
    }

    /** What docker's daemon says of a command line (here a status-1 error of the sample command). */
    private String daemonError(String... args) throws NoSuchMethodException {
        String e = refused(1, args);
        assertThat(e).startsWith("Error: ").endsWith("\n");
        return e.substring("Error: ".length(), e.length() - 1);
    }

    private static MountSpec volume(String name, String target, boolean readOnly, boolean noCopy) {
        return new MountSpec("volume", name, target, readOnly, "", false, noCopy, null, Map.of(), 0, 0);
    }

    private static MountSpec bind(String source, String target, boolean readOnly, String propagation) {
        return new MountSpec("bind", source, target, readOnly, propagation, true, false, null, Map.of(), 0, 0);
    }

    @Test
    void noMountOptionsAskForNothing() throws Exception {
        CreateRequest r = request("busybox");
        assertThat(r.host().binds()).isEmpty();
        assertThat(r.host().mounts()).isEmpty();
        assertThat(r.host().volumesFrom()).isEmpty();
        assertThat(r.host().volumeDriver()).isNull();
    }

    @Test
    void volumeFormsBecomeBindsAndMounts() throws Exception {
        CreateRequest r = request("-v", "data:/data", "--volume", "/srv/www/:/var/www:ro,Z", "-v", "/cache",
                "-v", "logs:/logs/./:nocopy,rw", "-v", "/host:/shared:rshared,z", "-v", "data:/data", "busybox");
        // Binds: the values with a source, as given, each once.
        assertThat(r.host().binds()).containsExactly("data:/data", "/srv/www/:/var/www:ro,Z", "logs:/logs/./:nocopy,rw",
                "/host:/shared:rshared,z");
        assertThat(r.host().mounts()).containsExactly(
                volume("data", "/data", false, false),
                bind("/srv/www", "/var/www", true, ""),
                volume("logs", "/logs", false, true),
                bind("/host", "/shared", false, "rshared"),
                // -v PATH: an anonymous volume.
                volume("", "/cache", false, false));
    }

    @Test
    void everyModeDockerTakesIsTaken() throws Exception {
        for (String mode : List.of("ro", "rw", "z", "Z", "ro,z", "rw,Z", "private", "rprivate", "shared", "rshared",
                "slave", "rslave", "ro,rslave,Z", "cached", "delegated", "consistent")) {
            CreateRequest r = request("-v", "/h:/c:" + mode, "busybox");
            MountSpec m = r.host().mounts().get(0);
            assertThat(m.readOnly()).as(mode).isEqualTo(mode.contains("ro"));
            String propagation = java.util.Arrays.stream(mode.split(","))
                    .filter(o -> o.matches("r?(private|shared|slave)")).findFirst().orElse("");
            assertThat(m.bindPropagation()).as(mode).isEqualTo(propagation);
        }
        assertThat(request("-v", "v1:/c:nocopy,ro", "busybox").host().mounts()).containsExactly(volume("v1", "/c", true, true));
    }

    @Test
    void badVolumeValuesAreRefusedInTheDaemonsWords() throws Exception {
        assertThat(daemonError("-v", "vol:data", "busybox")).isEqualTo("invalid volume specification: 'vol:data': "
                + "invalid mount config for type \"volume\": invalid mount path: 'data' mount path must be absolute");
        assertThat(daemonError("-v", "/h:data", "busybox")).isEqualTo("invalid volume specification: '/h:data': "
                + "invalid mount config for type \"bind\": invalid mount path: 'data' mount path must be absolute");
        assertThat(daemonError("-v", "/data:ro", "busybox")).isEqualTo("invalid volume specification: '/data:ro'");
        assertThat(daemonError("-v", "/a:/b:ro:x", "busybox")).isEqualTo("invalid volume specification: '/a:/b:ro:x'");
        assertThat(daemonError("-v", ":/x", "busybox")).isEqualTo("invalid volume specification: ':/x'");
        assertThat(daemonError("-v", "/a:/b:rx", "busybox")).isEqualTo("invalid mode: rx");
        assertThat(daemonError("-v", "/a:/b:ro,rw", "busybox")).isEqualTo("invalid mode: ro,rw");
        assertThat(daemonError("-v", "v1:", "busybox")).isEqualTo("invalid volume specification: 'v1:'");
        assertThat(daemonError("-v", "v1::ro", "busybox")).isEqualTo("invalid volume specification: 'v1::ro': "
                + "invalid mount config for type \"volume\": field Target must not be empty");
        assertThat(daemonError("-v", "/a:/", "busybox")).isEqualTo("invalid volume specification: '/a:/': "
                + "invalid mount config for type \"bind\": invalid specification: destination can't be '/'");
        assertThat(daemonError("-v", "/a:/b:nocopy", "busybox")).isEqualTo("invalid volume specification: '/a:/b:nocopy': "
                + "invalid mount config for type \"bind\": field VolumeOptions must not be specified");
        assertThat(daemonError("-v", "v1:/b:rshared", "busybox")).isEqualTo("invalid volume specification: "
                + "'v1:/b:rshared': invalid mount config for type \"volume\": field BindOptions must not be specified");
        assertThat(daemonError("-v", "", "busybox")).isEqualTo("invalid volume specification: ''");
    }

    @Test
    void aRelativeHostPathIsAVolumeNameTheLocalDriverRefuses() throws Exception {
        // docker 20.10 takes any source that is not absolute for a volume's name.
        String chars = " includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are "
                + "allowed. If you intended to pass a host directory, use absolute path";
        assertThat(daemonError("-v", "./x:/y", "busybox")).isEqualTo("create ./x: \"./x\"" + chars);
        assertThat(daemonError("-v", "../x:/data", "busybox")).isEqualTo("create ../x: \"../x\"" + chars);
        assertThat(daemonError("-v", "~/x:/data", "busybox")).isEqualTo("create ~/x: \"~/x\"" + chars);
        assertThat(daemonError("--mount", "source=a/b,target=/x", "busybox")).isEqualTo("create a/b: \"a/b\"" + chars);
        assertThat(daemonError("-v", "x:/y", "busybox"))
                .isEqualTo("create x: volume name is too short, names should be at least two alphanumeric characters");
        // Another driver judges its own names.
        assertThat(request("--volume-driver", "nfs", "-v", "./x:/y", "busybox").host().mounts())
                .containsExactly(volume("./x", "/y", false, false));
        assertThat(request("--volume-driver", "nfs", "-v", "./x:/y", "busybox").host().volumeDriver()).isEqualTo("nfs");
    }

    @Test
    void mountFieldsAsDockersCliReadsThem() throws Exception {
        CreateRequest r = request(
                "--mount", "type=volume,source=data,target=/data,readonly,volume-nocopy,volume-driver=nfs,"
                        + "volume-opt=o=addr=10.0.0.1,volume-opt=device=:/export",
                "--mount", "Type=BIND,src=/srv,dst=/srv,ro=false,bind-propagation=RSLAVE,consistency=cached",
                "--mount", "type=tmpfs,destination=/run/t,tmpfs-size=64m,tmpfs-mode=1770",
                "--mount", "target=/anon",
                "--mount", "\"type=bind\",\"source=/a,b\",target=/c,ro=1",
                "busybox");
        assertThat(r.host().binds()).isEmpty();
        assertThat(r.host().mounts()).containsExactly(
                new MountSpec("volume", "data", "/data", true, "", false, true, "nfs",
                        Map.of("o", "addr=10.0.0.1", "device", ":/export"), 0, 0),
                new MountSpec("bind", "/srv", "/srv", false, "rslave", false, false, null, Map.of(), 0, 0),
                new MountSpec("tmpfs", "", "/run/t", false, "", false, false, null, Map.of(), 64L << 20, 01770),
                volume("", "/anon", false, false),
                new MountSpec("bind", "/a,b", "/c", true, "", false, false, null, Map.of(), 0, 0));
    }

    @Test
    void badMountValuesAreFlagErrorsInDockersWords() throws Exception {
        String[][] cases = {
                {"type=bind,source=/a,target", "invalid field 'target' must be a key=value pair"},
                {"type=volume,target=/a,color=blue", "unexpected key 'color' in 'color=blue'"},
                {"type=volume,target=/a,readonly=maybe", "invalid value for readonly: maybe"},
                {"type=volume,target=/a,ro=2", "invalid value for ro: 2"},
                {"type=volume,target=/a,volume-nocopy=x", "invalid value for volume-nocopy: x"},
                {"type=tmpfs,target=/a,tmpfs-size=big", "invalid value for tmpfs-size: big"},
                {"type=tmpfs,target=/a,tmpfs-mode=999", "invalid value for tmpfs-mode: 999"},
                {"type=,target=/a", "type is required"},
                {"type=bind,source=/a", "target is required"},
                {"type=bind,source=/a,target=/b,volume-driver=x", "cannot mix 'volume-*' options with mount type 'bind'"},
                {"type=volume,target=/b,bind-propagation=shared", "cannot mix 'bind-*' options with mount type 'volume'"},
                {"type=bind,source=/a,target=/b,tmpfs-size=1m", "cannot mix 'tmpfs-*' options with mount type 'bind'"},
                {"type=bind,source=/a,target=/b,bind-nonrecursive", "'bind-nonrecursive' is not supported by Berth"},
                {"type=volume,target=/b,volume-label=a=b", "'volume-label' is not supported by Berth"},
                {"type=bind,so\"urce=/a,target=/b", "parse error on line 1, column 13: bare \" in non-quoted-field"},
                {"", "EOF"},
        };
        for (String[] c : cases) {
            assertThat(refused(125, "--mount", c[0], "busybox")).as(c[0])
                    .isEqualTo("invalid argument \"" + c[0] + "\" for \"--mount\" flag: " + c[1] + "\n"
                            + "See 'berth run --help'.\n");
        }
        // A flag error comes before anything the daemon would say.
        assertThat(refused(125, "-v", "vol:data", "--mount", "type=bind", "busybox")).startsWith("invalid argument");
    }

    @Test
    void mountsTheDaemonRefusesInItsWords() throws Exception {
        assertThat(daemonError("--mount", "type=bind,target=/b", "busybox"))
                .isEqualTo("invalid mount config for type \"bind\": field Source must not be empty");
        assertThat(daemonError("--mount", "type=bind,source=rel,target=/b", "busybox"))
                .isEqualTo("invalid mount config for type \"bind\": invalid mount path: 'rel' mount path must be absolute");
        assertThat(daemonError("--mount", "type=bind,source=/a,target=/b,bind-propagation=sideways", "busybox"))
                .isEqualTo("invalid mount config for type \"bind\": invalid propagation mode: sideways");
        assertThat(daemonError("--mount", "type=volume,target=b", "busybox"))
                .isEqualTo("invalid mount config for type \"volume\": invalid mount path: 'b' mount path must be absolute");
        assertThat(daemonError("--mount", "type=volume,target=/", "busybox"))
                .isEqualTo("invalid mount config for type \"volume\": invalid specification: destination can't be '/'");
        assertThat(daemonError("--mount", "type=volume,target=/b,ro", "busybox"))
                .isEqualTo("invalid mount config for type \"volume\": must not set ReadOnly mode when using anonymous volumes");
        assertThat(daemonError("--mount", "type=tmpfs,source=x,target=/b", "busybox"))
                .isEqualTo("invalid mount config for type \"tmpfs\": field Source must not be specified");
        assertThat(daemonError("--mount", "type=npipe,target=/b", "busybox"))
                .isEqualTo("invalid mount config for type \"npipe\": mount type unknown");
        // The mounts are checked before the binds, as docker's daemon checks them.
        assertThat(daemonError("-v", "vol:data", "--mount", "type=bind,target=/b", "busybox"))
                .startsWith("invalid mount config for type \"bind\"");
    }

    @Test
    void aMountPointTakenTwiceIsRefused() throws Exception {
        assertThat(daemonError("-v", "a1:/data", "-v", "/h:/data/", "busybox")).isEqualTo("Duplicate mount point: /data");
        assertThat(daemonError("-v", "a1:/data", "--mount", "type=tmpfs,target=/data/", "busybox"))
                .isEqualTo("Duplicate mount point: /data/");
        assertThat(daemonError("--mount", "target=/x", "--mount", "type=tmpfs,target=/x", "busybox"))
                .isEqualTo("Duplicate mount point: /x");
        assertThat(daemonError("--tmpfs", "/run", "-v", "a1:/run", "busybox")).isEqualTo("Duplicate mount point: /run");
        // The same value twice is one bind; an anonymous volume where something else is mounted is left out, as docker's.
        assertThat(request("-v", "a1:/data", "-v", "a1:/data", "busybox").host().mounts()).hasSize(1);
        assertThat(request("-v", "/data", "-v", "a1:/data", "-v", "/data/", "busybox").host().mounts())
                .containsExactly(volume("a1", "/data", false, false));
    }

    @Test
    void duplicateMountPointsAreStatus125OfRunAndCreate() throws Exception {
        Object unused = Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{ContainerService.class},
                (proxy, method, args) -> {
                    throw new AssertionError("nothing is to be made: " + method.getName());
                });
        ImageStore images = (ImageStore) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{ImageStore.class},
                (proxy, method, args) -> {
                    throw new AssertionError("no image is to be looked at: " + method.getName());
                });
        ContainerCommands commands = new ContainerCommands((ContainerService) unused, images);
        java.lang.reflect.Method run = ContainerCommands.class.getMethod("run", CommandContext.class, CreateOptions.class,
                boolean.class, String.class, List.class);
        int status = new CommandInvoker(CommandSpec.of(run), commands).run(context, "run",
                List.of("-v", "a1:/data", "--mount", "type=volume,target=/data", "busybox"));
        assertThat(status).isEqualTo(125);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("Error: Duplicate mount point: /data\n");
        // And of create, as docker's.
        err.reset();
        java.lang.reflect.Method create = ContainerCommands.class.getMethod("create", CommandContext.class,
                CreateOptions.class, List.class);
        status = new CommandInvoker(CommandSpec.of(create), commands).run(context, "create",
                List.of("-v", "/h:/data", "-v", "a1:/data/.", "busybox"));
        assertThat(status).isEqualTo(125);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("Error: Duplicate mount point: /data\n");
    }

    @Test
    void volumesFromAndTheVolumeDriverAreKept() throws Exception {
        CreateRequest r = request("--volumes-from", "db", "--volumes-from", "cache:ro", "--volumes-from", "web:rw,z",
                "--volumes-from", "logs:Z,ro", "--volumes-from", "x:z", "--volume-driver", "local", "busybox");
        assertThat(r.host().volumesFrom()).containsExactly("db", "cache:ro", "web:rw", "logs:ro", "x");
        assertThat(r.host().volumeDriver()).isEqualTo("local");
        assertThat(daemonError("--volumes-from", "db:rslave", "busybox")).isEqualTo("invalid mode: rslave");
        assertThat(daemonError("--volumes-from", "db:nocopy", "busybox")).isEqualTo("invalid mode: nocopy");
        assertThat(daemonError("--volumes-from", "db:wx", "busybox")).isEqualTo("invalid mode: wx");
        assertThat(daemonError("--volumes-from", "", "busybox"))
                .isEqualTo("volumes-from specification cannot be an empty string");
    }

    @Test
    void tmpfsStaysAsItWas() throws Exception {
        CreateRequest r = request("--tmpfs", "/run:size=1m", "busybox");
        assertThat(r.host().tmpfs()).containsExactly(Map.entry("/run", "size=1m"));
        assertThat(r.host().mounts()).isEmpty();
    }

    @Test
    void csvAsGosReaderReadsIt() {
        assertThat(io.berth.views.VolumeMounts.csvRecord("a=1,\"b=2,3\",\"c=\"\"q\"\"\",")).containsExactly("a=1", "b=2,3", "c=\"q\"", "");
        assertThatThrownBy(() -> io.berth.views.VolumeMounts.csvRecord("\"a=1")).hasMessage(
                "parse error on line 1, column 5: extraneous or missing \" in quoted-field");
        assertThatThrownBy(() -> io.berth.views.VolumeMounts.parseBind("a:b:c:d")).isInstanceOf(InvalidArgumentException.class);
    }
}
