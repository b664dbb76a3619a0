package io.berth.containers.internal;

import io.berth.api.ConflictException;
import io.berth.api.UnavailableException;
import io.berth.api.container.Container;
import io.berth.api.container.ContainerListOptions;
import io.berth.api.content.Digest;
import io.berth.api.driver.DriverRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Questions about containers answered from the store and the drivers, without changing anything. */
class ContainerQueriesTest {
    @TempDir
    Path tmp;
    private final FakeRuntime runtime = new FakeRuntime();
    private volatile boolean runtimePresent = true;
    private ContainerStore store;
    private ContainerLifecycle lifecycle;
    private ContainerQueries queries;

    private final DriverRegistry drivers = runtime.registry(() -> runtimePresent);

    @BeforeEach
    void setUp() throws IOException {
        store = new ContainerStore(tmp.resolve("containers"));
        RootFilesystems rootfs = new RootFilesystems(tmp.resolve("run"), Remapping.none());
        lifecycle = new ContainerLifecycle(store, drivers, rootfs, new Networking(null), new Volumes(null));
        queries = new ContainerQueries(store, drivers, null, rootfs, lifecycle);
    }

    @AfterEach
    void tearDown() {
        lifecycle.close();
    }

    private ContainerStore.Entry add(char c, int minute, StateRecord state) throws IOException {
        ContainerRecord r = FakeRuntime.record(FakeRuntime.id(c));
        r = new ContainerRecord(r.id(), r.name(), Instant.parse("2026-01-01T00:00:00Z").plusSeconds(60L * minute).toString(),
                r.image(), r.imageId(), r.path(), r.args(), r.config(), r.host(), r.storage(), r.snapshot(), r.initSnapshot(), r.networks(), r.mounts(), r.userns());
        store.reserve(r.name(), r.id());
        return store.add(r, state, Map.of());
    }

    @Test
    void theListIsNewestFirstAndSizesThatCannotBeToldAreMinusOne() throws IOException {
        add('a', 1, StateRecord.CREATED);
        add('b', 3, StateRecord.CREATED.startedByUser(11, Instant.now()));
        add('c', 2, StateRecord.CREATED);
        assertThat(queries.list(ContainerListOptions.ALL)).extracting(Container::id)
                .containsExactly(FakeRuntime.id('b'), FakeRuntime.id('c'), FakeRuntime.id('a'));
        assertThat(queries.list(ContainerListOptions.RUNNING)).extracting(Container::id).containsExactly(FakeRuntime.id('b'));
        assertThat(queries.list(ContainerListOptions.builder().all(true).size(true).build()))
                .extracting(Container::sizeRw).containsOnly(-1L);
        assertThat(queries.get("c-aaaa").command()).containsExactly("sleep", "300");
    }

    @Test
    void inspectSaysWhetherTheRuntimeIsHereAndWhereTheFilesAre() throws IOException {
        ContainerStore.Entry e = add('d', 1, StateRecord.CREATED);
        assertThat(queries.inspect(e.id()).runtimeAvailable()).isTrue();
        runtimePresent = false;
        var d = queries.inspect(e.id());
        assertThat(d.runtimeAvailable()).isFalse();
        assertThat(d.logPath()).isEqualTo(e.dir.resolve(e.id() + "-json.log").toString());
        assertThat(d.hostsPath()).isEqualTo(e.dir.resolve("hosts").toString());
        // The storage driver is gone too: no graph data, and no error.
        assertThat(d.graphData()).isEmpty();
    }

    @Test
    void processesAndStatsOnlyOfARunningContainer() throws IOException {
        ContainerStore.Entry stopped = add('e', 1, StateRecord.CREATED);
        assertThatThrownBy(() -> queries.pids(stopped.id())).isInstanceOf(ConflictException.class)
                .hasMessage("container " + stopped.id() + " is not running");
        ContainerStore.Entry running = add('f', 2, StateRecord.CREATED.startedByUser(12, Instant.now()));
        runtime.states.put(running.id(), FakeRuntime.running(running.id(), 12));
        assertThat(queries.pids(running.id())).containsExactly(12);
        runtimePresent = false;
        assertThatThrownBy(() -> queries.stats(running.id())).isInstanceOf(UnavailableException.class)
                .hasMessageContaining("runtime driver fake of container c-ffff is missing");
    }

    @Test
    void theUsersOfAnImageAreItsContainers() throws IOException {
        add('a', 1, StateRecord.CREATED);
        add('b', 2, StateRecord.CREATED.startedByUser(13, Instant.now()));
        assertThat(queries.usersOf(Digest.parse("sha256:" + "0".repeat(64))))
                .containsExactlyInAnyOrder("stopped container aaaaaaaaaaaa", "running container bbbbbbbbbbbb");
        assertThat(queries.usersOf(Digest.parse("sha256:" + "9".repeat(64)))).isEmpty();
    }
}
