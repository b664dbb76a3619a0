package io.berth.shell.internal.commands;

import io.berth.api.ConflictException;
import io.berth.api.Filters;
import io.berth.api.InvalidArgumentException;
import io.berth.api.NotFoundException;
import io.berth.api.volume.Volume;
import io.berth.api.volume.VolumeService;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code volume} commands over a volume service kept in memory. */
class VolumeCommandsTest {
    private static final Instant CREATED = Instant.parse("2026-05-01T10:20:30.25Z");

    /** Volumes in memory, answering as the engine's service would. */
    static final class FakeVolumes implements VolumeService {
        final Map<String, Volume> byName = new TreeMap<>();
        final Map<String, Set<String>> users = new HashMap<>();
        final Map<String, Long> sizes = new HashMap<>();
        Filters lastFilters;
        Boolean lastAll;
        List<Object> lastCreate;

        Volume add(String name, boolean anonymous, Map<String, String> labels) {
            Volume v = new Volume(name, "local", "/var/lib/berth/volumes/" + name + "/_data", CREATED, labels, Map.of(),
                    anonymous);
            byName.put(name, v);
            return v;
        }

        @Override
        public Volume create(String name, String driver, Map<String, String> options, Map<String, String> labels) {
            lastCreate = List.of(name == null ? "<null>" : name, driver == null ? "<null>" : driver, options, labels);
            if (name != null && name.contains("/")) {
                throw new InvalidArgumentException("create " + name + ": \"" + name + "\" includes invalid characters");
            }
            String n = name == null ? "f".repeat(64) : name;
            Volume v = new Volume(n, driver == null ? "local" : driver, "/var/lib/berth/volumes/" + n + "/_data", CREATED,
                    labels, options, name == null);
            byName.putIfAbsent(n, v);
            return byName.get(n);
        }

        @Override
        public List<Volume> list(Filters filters) {
            lastFilters = filters;
            return new ArrayList<>(byName.values());
        }

        @Override
        public Volume get(String name) {
            Volume v = byName.get(name);
            if (v == null) {
                throw new NotFoundException("get " + name + ": no such volume");
            }
            return v;
        }

        @Override
        public void remove(String name, boolean force) {
            if (!byName.containsKey(name)) {
                if (force) {
                    return;
                }
                throw new NotFoundException("get " + name + ": no such volume");
            }
            if (!users(name).isEmpty()) {
                throw new ConflictException("remove " + name + ": volume is in use - [" + String.join(", ", users(name)) + "]");
            }
            byName.remove(name);
        }

        @Override
        public Pruned prune(Filters filters, boolean all) {
            lastFilters = filters;
            lastAll = all;
            List<String> removed = new ArrayList<>();
            long bytes = 0;
            for (Volume v : new ArrayList<>(byName.values())) {
                if ((all || v.anonymous()) && users(v.name()).isEmpty()) {
                    removed.add(v.name());
                    bytes += Math.max(0, size(v.name()));
                    byName.remove(v.name());
                }
            }
            return new Pruned(removed, bytes);
        }

        @Override
        public Set<String> users(String name) {
            return users.getOrDefault(name, Set.of());
        }

        @Override
        public void use(String name, String containerId) {
            users.computeIfAbsent(name, k -> new HashSet<>()).add(containerId);
        }

        @Override
        public void release(String name, String containerId) {
            users.getOrDefault(name, new HashSet<>()).remove(containerId);
        }

        @Override
        public long size(String name) {
            return sizes.getOrDefault(name, -1L);
        }

        @Override
        public Mounted mount(String name, String containerId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void filled(String name) {
        }

        @Override
        public void unmount(String name, String containerId) {
        }
    }

    private final FakeVolumes volumes = new FakeVolumes();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private String input = "";

    private int run(VolumeCommands commands, String name, String... args) {
        out.reset();
        err.reset();
        CommandContext context = new CommandContext(null, new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Terminal.NONE, Path.of("/"));
        for (Method m : VolumeCommands.class.getMethods()) {
            Command c = m.getAnnotation(Command.class);
            if (c != null && (c.name().equals(name) || List.of(c.aliases()).contains(name))) {
                return new CommandInvoker(CommandSpec.of(m), commands).run(context, name, List.of(args));
            }
        }
        throw new AssertionError(name);
    }

    private int run(String name, String... args) {
        return run(new VolumeCommands(volumes), name, args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void createPrintsTheName() {
        assertThat(run("volume create", "-d", "local", "--label", "tier=db", "--label", "flag", "-o", "type=tmpfs",
                "--opt", "o=size=4m", "data")).isZero();
        assertThat(out()).isEqualTo("data\n");
        assertThat(volumes.lastCreate).isEqualTo(List.of("data", "local", Map.of("type", "tmpfs", "o", "size=4m"),
                Map.of("tier", "db", "flag", "")));
        assertThat(run("volume create")).isZero();
        assertThat(out()).isEqualTo("f".repeat(64) + "\n");
        assertThat(run("volume create", "--name", "other")).isZero();
        assertThat(out()).isEqualTo("other\n");
        assertThat(run("volume create", "--name", "x1", "y1")).isEqualTo(1);
        assertThat(err()).isEqualTo("Error: conflicting options: either specify --name or provide positional arg, not both\n");
        assertThat(run("volume create", "--label", "=x", "x1")).isEqualTo(125);
        assertThat(err()).startsWith("invalid argument \"=x\" for \"--label\" flag: invalid label '=x': empty name\n");
        // The service's words for a bad name, status 1.
        assertThat(run("volume create", "a/b")).isEqualTo(1);
        assertThat(err()).isEqualTo("Error: create a/b: \"a/b\" includes invalid characters\n");
        assertThat(run("volume create", "a1", "b1")).isEqualTo(1);
        assertThat(err()).startsWith("\"berth volume create\" accepts at most 1 argument");
    }

    @Test
    void lsPrintsDockersTableSortedNaturally() {
        volumes.add("vol10", false, Map.of());
        volumes.add("vol9", false, Map.of("tier", "db", "a", "1"));
        volumes.add("a".repeat(64), true, Map.of());
        assertThat(run("volume ls")).isZero();
        assertThat(out()).isEqualTo("DRIVER    VOLUME NAME\n"
                + "local     " + "a".repeat(64) + "\n"
                + "local     vol9\n"
                + "local     vol10\n");
        assertThat(run("volume list", "-q", "-f", "dangling=true", "--filter", "label=tier")).isZero();
        assertThat(out()).isEqualTo("a".repeat(64) + "\nvol9\nvol10\n");
        assertThat(volumes.lastFilters.asMap()).isEqualTo(Map.of("dangling", List.of("true"), "label", List.of("tier")));
        assertThat(run("volume ls", "--format", "{{.Name}} {{.Driver}} {{.Scope}} {{.Mountpoint}} [{{.Labels}}] "
                + "{{.Label \"tier\"}}|{{.Label \"none\"}}| {{.Links}} {{.Size}}", "-f", "name=vol9")).isZero();
        assertThat(out()).contains("vol9 local local /var/lib/berth/volumes/vol9/_data [a=1,tier=db] db|| N/A N/A\n");
        assertThat(run("volume ls", "--format", "table {{.Name}}\t{{.Driver}}\t{{.Links}}")).isZero();
        assertThat(out()).startsWith("VOLUME NAME" + " ".repeat(56) + "DRIVER    LINKS\n");
        assertThat(run("volume ls", "--format", "json")).isZero();
        assertThat(out()).endsWith("{\"Driver\":\"local\",\"Labels\":\"\",\"Links\":\"N/A\","
                + "\"Mountpoint\":\"/var/lib/berth/volumes/vol10/_data\",\"Name\":\"vol10\",\"Scope\":\"local\","
                + "\"Size\":\"N/A\"}\n");
        assertThat(run("volume ls", "--format", "{{json .}}", "-f", "name=vol9")).isZero();
        assertThat(out()).doesNotContain("Label()").contains("\"Labels\":\"a=1,tier=db\"");
        assertThat(run("volume ls", "-q", "--format", "{{.Driver}}")).isZero();
        assertThat(out()).startsWith("local\n");
    }

    @Test
    void inspectPrintsDockersJsonAndSaysWhatIsMissing() {
        volumes.add("data", false, Map.of("z", "1", "a", "2"));
        volumes.add("bare", true, Map.of());
        assertThat(run("volume inspect", "data", "nosuch")).isEqualTo(1);
        assertThat(err()).isEqualTo("Error: No such volume: nosuch\n");
        String createdAt = io.berth.views.VolumeView.createdAt(CREATED, java.time.ZoneId.systemDefault());
        assertThat(out()).isEqualTo("[\n    {\n"
                + "        \"CreatedAt\": \"" + createdAt + "\",\n"
                + "        \"Driver\": \"local\",\n"
                + "        \"Labels\": {\n            \"a\": \"2\",\n            \"z\": \"1\"\n        },\n"
                + "        \"Mountpoint\": \"/var/lib/berth/volumes/data/_data\",\n"
                + "        \"Name\": \"data\",\n"
                + "        \"Options\": null,\n"
                + "        \"Scope\": \"local\"\n    }\n]\n");
        assertThat(run("volume inspect", "-f", "{{.Name}} {{.Labels}} {{.Options}}", "bare")).isZero();
        assertThat(out()).isEqualTo("bare <nil> <nil>\n");
        assertThat(run("volume inspect", "nosuch")).isEqualTo(1);
        assertThat(out()).isEqualTo("[]\n");
    }

    @Test
    void rmPrintsEachNameThenEveryError() {
        volumes.add("a1", false, Map.of());
        volumes.add("b1", false, Map.of());
        volumes.add("used", false, Map.of());
        volumes.use("used", "c".repeat(64));
        assertThat(run("volume rm", "a1", "nosuch", "used", "b1")).isEqualTo(1);
        assertThat(out()).isEqualTo("a1\nb1\n");
        assertThat(err()).isEqualTo("Error: get nosuch: no such volume\n"
                + "Error: remove used: volume is in use - [" + "c".repeat(64) + "]\n");
        assertThat(volumes.byName).containsOnlyKeys("used");
        assertThat(run("volume remove", "-f", "nosuch")).isZero();
        assertThat(out()).isEqualTo("nosuch\n");
    }

    @Test
    void pruneAsksFirstThenListsWhatItRemoved() {
        volumes.add("a".repeat(64), true, Map.of());
        volumes.sizes.put("a".repeat(64), 1234L);
        volumes.add("named", false, Map.of());
        input = "n\n";
        assertThat(run("volume prune")).isZero();
        assertThat(out()).isEqualTo("WARNING! This will remove anonymous local volumes not used by at least one container.\n"
                + "Are you sure you want to continue? [y/N] Total reclaimed space: 0B\n");
        assertThat(volumes.byName).hasSize(2);
        input = "y\n";
        assertThat(run("volume prune", "--filter", "label=x")).isZero();
        assertThat(out()).isEqualTo("WARNING! This will remove anonymous local volumes not used by at least one container.\n"
                + "Are you sure you want to continue? [y/N] Deleted Volumes:\n" + "a".repeat(64) + "\n\n"
                + "Total reclaimed space: 1.234kB\n");
        assertThat(volumes.lastFilters.get("label")).containsExactly("x");
        assertThat(volumes.lastAll).isFalse();
        input = "n\n";
        assertThat(run("volume prune", "-a")).isZero();
        assertThat(out()).startsWith("WARNING! This will remove all local volumes not used by at least one container.\n");
        assertThat(run("volume prune", "-f", "--all")).isZero();
        assertThat(out()).isEqualTo("Deleted Volumes:\nnamed\n\nTotal reclaimed space: 0B\n");
        assertThat(volumes.lastAll).isTrue();
        assertThat(run("volume prune", "-f")).isZero();
        assertThat(out()).isEqualTo("Total reclaimed space: 0B\n");
        // all=true as a filter is --all, as docker's daemon takes it; both at once are refused.
        assertThat(run("volume prune", "-f", "--filter", "all=1", "--filter", "label=y")).isZero();
        assertThat(volumes.lastAll).isTrue();
        assertThat(volumes.lastFilters.asMap()).isEqualTo(Map.of("label", List.of("y")));
        assertThat(run("volume prune", "-f", "-a", "--filter", "all=true")).isEqualTo(1);
        assertThat(err()).isEqualTo("Error: conflicting options: cannot specify both --all and --filter all=1\n");
        assertThat(run("volume prune", "-f", "--filter", "all=maybe")).isEqualTo(1);
        assertThat(err()).isEqualTo("Error: invalid filter 'all': strconv.ParseBool: parsing \"maybe\": invalid syntax\n");
        assertThat(run("volume prune", "-f", "--filter", "all=false")).isZero();
        assertThat(volumes.lastAll).isFalse();
    }

    @Test
    void withoutTheVolumeServiceEveryCommandSaysSoInOneLine() {
        VolumeCommands none = new VolumeCommands(null);
        for (String[] command : new String[][]{{"volume ls"}, {"volume create", "x1"}, {"volume inspect", "x1"},
                {"volume rm", "x1"}, {"volume prune", "-f"}}) {
            assertThat(run(none, command[0], java.util.Arrays.copyOfRange(command, 1, command.length)))
                    .as(command[0]).isEqualTo(1);
            assertThat(err()).as(command[0]).matches("Error: volumes are not available: [^\n]+\n");
        }
    }
}
