package io.berth.volumes.internal;

import io.berth.api.ConflictException;
import io.berth.api.Filters;
import io.berth.api.InvalidArgumentException;
import io.berth.api.NotFoundException;
import io.berth.api.UnavailableException;
import io.berth.api.driver.DriverInfo;
import io.berth.api.driver.DriverRegistry;
import io.berth.api.driver.DriverType;
import io.berth.api.network.NetworkDriver;
import io.berth.api.runtime.RuntimeDriver;
import io.berth.api.storage.StorageDriver;
import io.berth.api.volume.Volume;
import io.berth.api.volume.VolumeDriver;
import io.berth.api.volume.VolumeService;
import io.berth.testing.Requirements;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The volume service over the real local driver (and a second driver that only records names). */
class LocalVolumeServiceTest {
    private static final String C1 = "1".repeat(64);
    private static final String C2 = "2".repeat(64);

    @TempDir
    Path dir;
    private LocalVolumeDriver local;
    private final Map<String, Path> other = new HashMap<>();

    @BeforeEach
    void setUp() throws IOException {
        local = new LocalVolumeDriver(dir.resolve("volumes"));
    }

    @AfterEach
    void nothingLeftMounted() throws IOException {
        if (Requirements.isRoot()) {
            assertThat(MountsLeft.cleanUp(dir)).as("mounts left under the test's directory").isEmpty();
        }
    }

    private LocalVolumeService service() throws IOException {
        return new LocalVolumeService(registry(), dir);
    }

    private static Filters filters(String... args) {
        return Filters.parse(List.of(args));
    }

    private static List<String> names(List<Volume> volumes) {
        return volumes.stream().map(Volume::name).toList();
    }

    @Test
    void namesFollowDockersRule() throws IOException {
        LocalVolumeService s = service();
        for (String good : List.of("ab", "data", "a_b.c-d", "A1", "9lives", "a..b")) {
            assertThat(s.create(good, null, null, null).name()).isEqualTo(good);
        }
        for (String bad : List.of("a", "a/b", "..", "../x", "/abs", "-dash", ".hidden", "a b", "é")) {
            assertThatThrownBy(() -> s.create(bad, null, null, null)).as(bad)
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessage("create " + bad + ": \"" + bad + "\" includes invalid characters for a local volume "
                            + "name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host "
                            + "directory, use absolute path");
        }
        try (var entries = Files.list(local.root())) {
            assertThat(entries.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("ab", "data", "a_b.c-d", "A1", "9lives", "a..b");
        }
    }

    @Test
    void createRecordsTheVolumeAndTheSameNameAgainIsTheSameVolume() throws IOException {
        LocalVolumeService s = service();
        Volume v = s.create("data", null, Map.of(), Map.of("team", "a"));
        assertThat(v.driver()).isEqualTo("local");
        assertThat(v.mountpoint()).isEqualTo(local.root().resolve("data/_data").toString());
        assertThat(v.labels()).containsExactly(Map.entry("team", "a"));
        assertThat(v.anonymous()).isFalse();
        assertThat(v.created()).isNotNull();
        assertThat(dir.resolve("volume-db/data.json")).exists();

        assertThat(s.create("data", null, null, Map.of("team", "b"))).isEqualTo(v);
        assertThat(s.create("data", "local", null, null)).isEqualTo(v);
        assertThatThrownBy(() -> s.create("data", "other", null, null)).isInstanceOf(ConflictException.class)
                .hasMessage("create data: driver 'local' already has volume 'data': volume name must be unique");
        assertThat(s.get("data")).isEqualTo(v);
        assertThat(other).isEmpty();
    }

    @Test
    void driverErrorsSayWhichVolume() throws IOException {
        LocalVolumeService s = service();
        assertThatThrownBy(() -> s.create("odd", null, Map.of("colour", "red"), null))
                .isInstanceOf(InvalidArgumentException.class).hasMessage("create odd: invalid option key: \"colour\"");
        assertThatThrownBy(() -> s.create("nodriver", "nosuch", null, null)).isInstanceOf(UnavailableException.class)
                .hasMessage("create nodriver: unknown volume driver 'nosuch'");
        assertThat(s.list(Filters.NONE)).isEmpty();
        assertThat(dir.resolve("volume-db")).isEmptyDirectory();
    }

    @Test
    void anonymousVolumesHaveRandomNames() throws IOException {
        LocalVolumeService s = service();
        Volume a = s.create(null, null, null, null);
        Volume b = s.create("", null, null, null);
        assertThat(a.name()).matches("[0-9a-f]{64}");
        assertThat(b.name()).matches("[0-9a-f]{64}").isNotEqualTo(a.name());
        assertThat(a.anonymous()).isTrue();
        assertThat(s.get(a.name()).anonymous()).isTrue();
    }

    @Test
    void aVolumeInUseIsNotRemoved() throws IOException {
        LocalVolumeService s = service();
        s.create("busy", null, null, null);
        s.use("busy", C2);
        s.use("busy", C1);
        s.use("busy", C1);
        assertThat(s.users("busy")).containsExactlyInAnyOrder(C1, C2);
        assertThatThrownBy(() -> s.remove("busy", false)).isInstanceOf(ConflictException.class)
                .hasMessage("remove busy: volume is in use - [" + C1 + ", " + C2 + "]");
        assertThatThrownBy(() -> s.remove("busy", true)).isInstanceOf(ConflictException.class);
        s.release("busy", C1);
        s.release("busy", C1);
        assertThatThrownBy(() -> s.remove("busy", false)).hasMessage("remove busy: volume is in use - [" + C2 + "]");
        s.release("busy", C2);
        s.remove("busy", false);
        assertThat(local.root().resolve("busy")).doesNotExist();
        assertThatThrownBy(() -> s.use("busy", C1)).isInstanceOf(NotFoundException.class)
                .hasMessage("get busy: no such volume");
    }

    @Test
    void missingVolumes() throws IOException {
        LocalVolumeService s = service();
        assertThatThrownBy(() -> s.get("nosuch")).isInstanceOf(NotFoundException.class)
                .hasMessage("get nosuch: no such volume");
        assertThatThrownBy(() -> s.remove("nosuch", false)).isInstanceOf(NotFoundException.class)
                .hasMessage("get nosuch: no such volume");
        s.remove("nosuch", true);
        assertThatThrownBy(() -> s.mount("nosuch", C1)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> s.size("nosuch")).isInstanceOf(NotFoundException.class);
        s.release("nosuch", C1);
        s.unmount("nosuch", C1);
    }

    @Test
    void listFilters() throws IOException {
        LocalVolumeService s = service();
        s.create("zeta", null, null, Map.of("tier", "web"));
        s.create("alpha", null, null, Map.of("tier", "db", "backup", ""));
        s.create("beta", "other", null, null);
        s.use("alpha", C1);

        assertThat(names(s.list(Filters.NONE))).containsExactly("alpha", "beta", "zeta");
        assertThat(names(s.list(filters("dangling=true")))).containsExactly("beta", "zeta");
        assertThat(names(s.list(filters("dangling=false")))).containsExactly("alpha");
        assertThat(names(s.list(filters("driver=local")))).containsExactly("alpha", "zeta");
        assertThat(names(s.list(filters("driver=other", "driver=local")))).containsExactly("alpha", "beta", "zeta");
        assertThat(names(s.list(filters("label=tier")))).containsExactly("alpha", "zeta");
        assertThat(names(s.list(filters("label=tier=web")))).containsExactly("zeta");
        assertThat(names(s.list(filters("label=tier", "label=backup")))).containsExactly("alpha");
        assertThat(names(s.list(filters("name=eta")))).containsExactly("beta", "zeta");
        assertThat(names(s.list(filters("name=^b")))).containsExactly("beta");
        assertThat(names(s.list(filters("name=al", "name=ze")))).containsExactly("alpha", "zeta");
        assertThat(names(s.list(filters("name=eta", "dangling=true", "driver=local")))).containsExactly("zeta");
        assertThatThrownBy(() -> s.list(filters("colour=red"))).isInstanceOf(InvalidArgumentException.class)
                .hasMessage("invalid filter 'colour'");
        assertThatThrownBy(() -> s.list(filters("dangling=maybe"))).isInstanceOf(InvalidArgumentException.class);
    }

    @Test
    void pruneRemovesUnusedAnonymousVolumesAndNamedOnesOnlyWithAll() throws IOException {
        LocalVolumeService s = service();
        Volume unused = s.create(null, null, null, null);
        Volume used = s.create(null, null, null, null);
        s.create("named", null, null, null);
        s.create("keepme", null, null, Map.of("keep", "yes"));
        s.create("withopts", null, Map.of("type", "tmpfs", "device", "tmpfs"), null);
        s.create("elsewhere", "other", null, null);
        s.use(used.name(), C1);
        Files.write(Path.of(unused.mountpoint()).resolve("f"), new byte[1234]);
        Files.write(local.root().resolve("named/_data/g"), new byte[100]);

        VolumeService.Pruned anonymous = s.prune(Filters.NONE, false);
        assertThat(anonymous.names()).containsExactly(unused.name());
        assertThat(anonymous.reclaimed()).isEqualTo(1234);
        assertThat(local.root().resolve(unused.name())).doesNotExist();
        assertThat(names(s.list(Filters.NONE))).contains("named", "keepme", used.name());

        VolumeService.Pruned kept = s.prune(filters("label!=keep=yes"), true);
        assertThat(kept.names()).containsExactly("named");
        assertThat(kept.reclaimed()).isEqualTo(100);

        assertThat(s.prune(filters("label=nosuch"), true).names()).isEmpty();
        VolumeService.Pruned all = s.prune(filters("all=true"), false);
        // Docker's: volumes with mount options and other drivers' volumes are not pruned.
        assertThat(all.names()).containsExactly("keepme");
        assertThat(names(s.list(Filters.NONE))).containsExactlyInAnyOrder(used.name(), "withopts", "elsewhere");
        assertThatThrownBy(() -> s.prune(filters("dangling=true"), false)).isInstanceOf(InvalidArgumentException.class)
                .hasMessage("invalid filter 'dangling'");
    }

    @Test
    void freshUntilFilled() throws IOException {
        LocalVolumeService s = service();
        s.create("copyup", null, null, null);
        VolumeService.Mounted first = s.mount("copyup", C1);
        assertThat(first.fresh()).isTrue();
        assertThat(first.path()).isEqualTo(local.root().resolve("copyup/_data"));
        // Mounted again before the filling (a second container starting): still fresh.
        assertThat(s.mount("copyup", C2).fresh()).isTrue();
        s.filled("copyup");
        s.unmount("copyup", C1);
        s.unmount("copyup", C2);
        // Filled, even if emptied since.
        assertThat(s.mount("copyup", C1).fresh()).isFalse();
        s.unmount("copyup", C1);

        // Holding data before any filling (files a container wrote): it counts as filled.
        s.create("written", null, null, null);
        Files.writeString(local.root().resolve("written/_data/f"), "x");
        assertThat(s.mount("written", C1).fresh()).isFalse();
        Files.delete(local.root().resolve("written/_data/f"));
        assertThat(s.mount("written", C2).fresh()).isFalse();
        s.unmount("written", C1);
        s.unmount("written", C2);
    }

    @Test
    void recordsSurviveANewServiceUsersDoNot() throws IOException {
        LocalVolumeService s = service();
        Volume v = s.create("kept", null, Map.of(), Map.of("a", "1"));
        Volume anon = s.create(null, null, null, null);
        s.filled("kept");
        s.use("kept", C1);
        Files.writeString(dir.resolve("volume-db/broken.json"), "{not json");

        LocalVolumeService again = service();
        assertThat(again.get("kept")).isEqualTo(v);
        assertThat(again.get(anon.name())).isEqualTo(anon);
        assertThat(names(again.list(Filters.NONE))).containsExactly(anon.name(), "kept");
        assertThat(again.users("kept")).isEmpty();
        assertThat(again.mount("kept", C1).fresh()).isFalse();
        again.unmount("kept", C1);
    }

    @Test
    void tmpfsVolumeThroughTheService() throws IOException {
        Requirements.require(Requirements.isRoot(), "mounting volumes needs root");
        LocalVolumeService s = service();
        s.create("scratch", null, Map.of("type", "tmpfs", "device", "tmpfs", "o", "size=1m,mode=1777"), null);
        s.use("scratch", C1);
        s.use("scratch", C2);
        Path data = s.mount("scratch", C1).path();
        assertThat(s.mount("scratch", C2).fresh()).isTrue();
        assertThat(MountTable.count(data)).isEqualTo(1);
        assertThat(Files.getPosixFilePermissions(data)).hasSize(9);
        s.unmount("scratch", C1);
        assertThat(MountTable.isMountPoint(data)).isTrue();
        s.unmount("scratch", C2);
        assertThat(MountTable.isMountPoint(data)).isFalse();
        s.release("scratch", C1);
        s.release("scratch", C2);
        s.remove("scratch", false);
        assertThat(data.getParent()).doesNotExist();
    }

    @Test
    void concurrentCreatesOfOneNameMakeOneVolume() throws Exception {
        LocalVolumeService s = service();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Volume>> tasks = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                tasks.add(() -> s.create("shared", null, null, null));
            }
            List<Volume> made = new ArrayList<>();
            for (Future<Volume> f : pool.invokeAll(tasks)) {
                made.add(f.get());
            }
            assertThat(made).allMatch(v -> v.equals(made.get(0)));
        } finally {
            pool.shutdownNow();
        }
        try (var entries = Files.list(local.root())) {
            assertThat(entries.map(p -> p.getFileName().toString())).containsExactly("shared");
        }
    }

    /** The local driver, and {@code other}, a driver that keeps nothing but names. */
    private DriverRegistry registry() {
        VolumeDriver recording = new VolumeDriver() {
            @Override
            public Path create(String name, Map<String, String> options) {
                Path p = Path.of("/nonexistent/other", name);
                other.put(name, p);
                return p;
            }

            @Override
            public void remove(String name, Map<String, String> options) {
                other.remove(name);
            }

            @Override
            public Path mount(String name, Map<String, String> options, String user) {
                return other.get(name);
            }

            @Override
            public void unmount(String name, Map<String, String> options, String user) {
            }
        };
        return new DriverRegistry() {
            @Override
            public List<DriverInfo> drivers() {
                return List.of();
            }

            @Override
            public RuntimeDriver runtime(String name) {
                throw new UnavailableException("none");
            }

            @Override
            public StorageDriver storage(String name) {
                throw new UnavailableException("none");
            }

            @Override
            public NetworkDriver network(String name) {
                throw new UnavailableException("none");
            }

            @Override
            public VolumeDriver volume(String name) {
                if (name == null || name.equals("local")) {
                    return local;
                }
                if (name.equals("other")) {
                    return recording;
                }
                throw new UnavailableException("unknown volume driver '" + name + "'");
            }

            @Override
            public String defaultName(DriverType type) {
                return type == DriverType.VOLUME ? "local" : null;
            }
        };
    }
}
