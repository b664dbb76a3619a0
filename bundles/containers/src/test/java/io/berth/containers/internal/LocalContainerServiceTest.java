package io.berth.containers.internal;

import io.berth.api.ConflictException;
import io.berth.api.InvalidArgumentException;
import io.berth.api.NotFoundException;
import io.berth.api.container.Container;
import io.berth.api.container.ContainerDetails;
import io.berth.api.container.ContainerListOptions;
import io.berth.api.container.ContainerStatus;
import io.berth.api.container.CreateRequest;
import io.berth.api.container.HostConfig;
import io.berth.api.container.LogConfig;
import io.berth.api.container.LogEntry;
import io.berth.api.container.LogOptions;
import io.berth.api.runtime.StartFailedException;
import io.berth.api.storage.Change;
import io.berth.testing.BusyboxImage;
import io.berth.testing.Requirements;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The container lifecycle on the real parts: image store, overlay, the native runtime; the
 * subclasses run the same tests on runc and crun.
 */
class LocalContainerServiceTest {
    @TempDir
    Path tmp;
    private TestEngine engine;
    private LocalContainerService service;

    @BeforeEach
    void setUp() throws IOException {
        Requirements.require(Requirements.isRoot(), "containers need root");
        Requirements.require(BusyboxImage.available(), "busybox is not installed (apt-get install busybox-static)");
        engine = new TestEngine(tmp, runtime());
        service = engine.service;
    }

    /** The runtime the containers run on. */
    String runtime() {
        return "native";
    }

    @AfterEach
    void tearDown() throws Exception {
        if (engine != null) {
            engine.close();
        }
    }

    private String output(String id) throws Exception {
        StringBuilder out = new StringBuilder();
        service.logs(id, LogOptions.ALL, e -> out.append(e.text()));
        return out.toString();
    }

    private String run(CreateRequest request) throws Exception {
        Container c = service.create(request);
        int code = service.start(c.id()).get(60, TimeUnit.SECONDS);
        assertThat(code).as("exit code of %s, output %s", request.command(), output(c.id())).isZero();
        return output(c.id());
    }

    @Test
    void runsACommandAndKeepsItsOutputAndExit() throws Exception {
        Container c = service.create(TestEngine.request("sh", "-c", "echo out; echo err >&2; exit 3"));
        assertThat(c.state().status()).isEqualTo(ContainerStatus.CREATED);
        assertThat(c.name()).matches("[a-z]+_[a-z]+");
        assertThat(c.image()).isEqualTo("busybox");
        assertThat(service.start(c.id()).get(60, TimeUnit.SECONDS)).isEqualTo(3);
        Container after = service.get(c.name());
        assertThat(after.state().status()).isEqualTo(ContainerStatus.EXITED);
        assertThat(after.state().exitCode()).isEqualTo(3);
        assertThat(after.state().startedAt()).isNotNull();
        assertThat(after.state().finishedAt()).isAfterOrEqualTo(after.state().startedAt());
        List<LogEntry> logs = new ArrayList<>();
        service.logs(c.id(), LogOptions.ALL, logs::add);
        assertThat(logs).extracting(LogEntry::stream, LogEntry::text)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("stdout", "out\n"), org.assertj.core.groups.Tuple.tuple("stderr", "err\n"));
        assertThat(service.await(c.id())).isEqualTo(3);
        // The root filesystem is unmounted once it exited.
        assertThat(Files.readString(Path.of("/proc/mounts"))).doesNotContain(c.id());
        // Start again: a second run, same container.
        assertThat(service.start(c.id().substring(0, 6)).get(60, TimeUnit.SECONDS)).isEqualTo(3);
        assertThat(output(c.id())).isEqualTo("out\nerr\nout\nerr\n");
    }

    @Test
    void theContainerSeesItsOwnWorld() throws Exception {
        CreateRequest r = CreateRequest.builder("busybox").name("world").command("sh", "-c",
                "echo pid=$$; hostname; cat /etc/hostname; pwd; echo home=$HOME host=$HOSTNAME v=$V; id;"
                        + " grep -c . /etc/hosts; set -- /proc/[0-9]*; echo $#")
                .env(List.of("V=1")).workingDir("/work/dir").user("user").hostname("box").build();
        String out = run(r);
        assertThat(out).contains("pid=1\nbox\nbox\n/work/dir\nhome=/home/user host=box v=1\n")
                .contains("uid=1000(user) gid=1000(user) groups=10(wheel),100(users),1000(user)");
        // Only its own process: the shell, counted by a glob of /proc (no child to race with).
        assertThat(out.strip()).endsWith("\n1");
        ContainerDetails d = service.inspect("world");
        assertThat(d.config().hostname()).isEqualTo("box");
        assertThat(d.config().env()).contains("V=1", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        assertThat(d.path()).isEqualTo("sh");
        assertThat(d.graphData()).containsKeys("LowerDir", "UpperDir", "MergedDir", "WorkDir");
    }

    @Test
    void anUnknownUserOrCommandFailsTheStartAndSaysWhy() throws Exception {
        CreateRequest r = CreateRequest.builder("busybox").command("true").user("nobody1").build();
        Container c = service.create(r);
        assertThatThrownBy(() -> service.start(c.id())).isInstanceOf(StartFailedException.class)
                .hasMessage("unable to find user nobody1: no matching entries in passwd file");
        Container missing = service.create(TestEngine.request("no-such-command"));
        assertThatThrownBy(() -> service.start(missing.id())).isInstanceOf(StartFailedException.class)
                .hasMessageContaining("executable file not found in $PATH");
        Container after = service.get(missing.id());
        assertThat(after.state().status()).isEqualTo(ContainerStatus.CREATED);
        assertThat(after.state().exitCode()).isEqualTo(127);
        assertThat(after.state().error()).contains("no-such-command");
        assertThat(Files.readString(Path.of("/proc/mounts"))).doesNotContain(c.id()).doesNotContain(missing.id());
    }

    @Test
    void badRequestsAreRefusedBeforeAnythingIsMade() throws Exception {
        // An empty entrypoint resets the image's command too.
        assertThatThrownBy(() -> service.create(CreateRequest.builder("busybox").command(List.of()).entrypoint(List.of()).build()))
                .isInstanceOf(InvalidArgumentException.class).hasMessage("No command specified");
        assertThatThrownBy(() -> service.create(CreateRequest.builder("busybox").name("bad name").command("true").build())).isInstanceOf(InvalidArgumentException.class)
                .hasMessage("Invalid container name (bad name), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
        assertThatThrownBy(() -> service.create(CreateRequest.builder("nosuchimage").command("true").build())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> service.create(TestEngine.request(HostConfig.builder().capAdd(List.of("CAP_NOPE")).build(), "true")))
                .hasMessage("invalid CapAdd: unknown capability: \"CAP_NOPE\"");
        assertThatThrownBy(() -> service.create(CreateRequest.builder("busybox").command("true").stopSignal("SIGNOPE").build())).hasMessage("Invalid signal: SIGNOPE");
        service.create(CreateRequest.builder("busybox").name("taken").command("true").build());
        assertThatThrownBy(() -> service.create(CreateRequest.builder("busybox").name("/taken").command("true").build())).isInstanceOf(ConflictException.class)
                .hasMessageStartingWith("Conflict. The container name \"/taken\" is already in use by container");
        assertThat(service.list(ContainerListOptions.ALL)).hasSize(1);
        List<String> snapshots = new ArrayList<>();
        engine.overlay.walk(s -> snapshots.add(s.key()));
        assertThat(snapshots.stream().filter(k -> k.matches("[0-9a-f]{64}"))).hasSize(1);
    }

    @Test
    void stopSignalsThenKills() throws Exception {
        // As pid 1, sleep ignores SIGTERM: stop has to kill it.
        Container c = service.create(TestEngine.request("sleep", "300"));
        var exit = service.start(c.id());
        assertThat(service.list(ContainerListOptions.RUNNING)).extracting(Container::id).containsExactly(c.id());
        assertThat(service.pids(c.id())).hasSize(1);
        assertThatThrownBy(() -> service.remove(c.id(), false)).isInstanceOf(ConflictException.class)
                .hasMessageContaining("Stop the container before attempting removal or force remove");
        service.stop(c.id(), 1);
        assertThat(exit.get(10, TimeUnit.SECONDS)).isEqualTo(137);
        assertThat(service.get(c.id()).state().status()).isEqualTo(ContainerStatus.EXITED);
        assertThat(service.list(ContainerListOptions.RUNNING)).isEmpty();
        assertThatThrownBy(() -> service.kill(c.id(), "KILL")).isInstanceOf(ConflictException.class)
                .hasMessageContaining("is not running");
        // A shell that traps TERM exits on it.
        Container trap = service.create(TestEngine.request("sh", "-c", "trap 'exit 42' TERM; while true; do sleep 0.1; done"));
        service.start(trap.id());
        Thread.sleep(300);
        service.stop(trap.id(), 30);
        assertThat(service.get(trap.id()).state().exitCode()).isEqualTo(42);
        // restart runs it again.
        service.restart(trap.id(), 30);
        assertThat(service.get(trap.id()).state().status()).isEqualTo(ContainerStatus.RUNNING);
        service.kill(trap.id(), "SIGKILL");
        assertThat(service.await(trap.id())).isEqualTo(137);
    }

    @Test
    void autoRemoveRemovesEverythingOnExit() throws Exception {
        Container c = service.create(TestEngine.request(TestEngine.host(true), "sh", "-c", "exit 7"));
        assertThat(service.start(c.id()).get(60, TimeUnit.SECONDS)).isEqualTo(7);
        assertThatThrownBy(() -> service.get(c.id())).isInstanceOf(NotFoundException.class)
                .hasMessage("No such container: " + c.id());
        assertThat(Files.exists(engine.root.resolve("containers").resolve(c.id()))).isFalse();
        List<String> snapshots = new ArrayList<>();
        engine.overlay.walk(s -> snapshots.add(s.key()));
        assertThat(snapshots).doesNotContain(c.id());
        // The image's init layer stays for its next container.
        assertThat(snapshots).filteredOn(k -> k.endsWith("-init")).hasSize(1);
    }

    @Test
    void diffListsWhatTheContainerChangedAndNotItsMountPoints() throws Exception {
        Container c = service.create(TestEngine.request("sh", "-c",
                "touch /new-file; rm /" + BusyboxImage.ADDED_FILE + "; mkdir -p /tmp/x; echo 1 > /etc/hosts"));
        service.start(c.id()).get(60, TimeUnit.SECONDS);
        List<String> changes = service.changes(c.id()).stream().map(Change::toString).collect(Collectors.toList());
        assertThat(changes).contains("A /new-file", "D /" + BusyboxImage.ADDED_FILE, "C /etc", "A /tmp/x")
                .noneMatch(l -> l.contains("hosts") || l.contains("resolv") || l.contains("/proc") || l.contains("/sys"));
        // /etc/hosts is the container's own file, outside its layer.
        assertThat(Files.readString(Path.of(service.inspect(c.id()).hostsPath()))).isEqualTo("1\n");
    }

    @Test
    void imagesInUseCannotBeRemoved() throws Exception {
        Container c = service.create(TestEngine.request("true"));
        assertThatThrownBy(() -> engine.images.remove("busybox", false, false)).isInstanceOf(ConflictException.class)
                .hasMessageContaining("(must force) - container " + c.id().substring(0, 12));
        String imageId = engine.images.get("busybox").id().toString();
        assertThatThrownBy(() -> engine.images.remove(imageId, false, false)).isInstanceOf(ConflictException.class)
                .hasMessageContaining("image is being used by stopped container " + c.id().substring(0, 12));
        service.remove(c.id(), false);
        engine.images.remove("busybox", false, false);
        // The image's layers go, and the init layer made for its containers with them.
        List<String> snapshots = new ArrayList<>();
        engine.overlay.walk(s -> snapshots.add(s.key()));
        assertThat(snapshots).isEmpty();
    }

    @Test
    void logsRotateAndReadBackInOrder() throws Exception {
        HostConfig h = HostConfig.builder().log(new LogConfig(2000, 3)).build();
        String out = run(TestEngine.request(h, "sh", "-c", "i=0; while [ $i -lt 300 ]; do echo line-$i; i=$((i+1)); done"));
        Path log = Path.of(service.inspect(out.isEmpty() ? "" : service.list(ContainerListOptions.ALL).get(0).id()).logPath());
        assertThat(log.resolveSibling(log.getFileName() + ".1")).exists();
        assertThat(log.resolveSibling(log.getFileName() + ".2")).exists();
        assertThat(log.resolveSibling(log.getFileName() + ".3")).doesNotExist();
        String[] lines = out.split("\n");
        // The oldest lines are gone; the rest are there in order, ending with the last.
        assertThat(lines[lines.length - 1]).isEqualTo("line-299");
        int first = Integer.parseInt(lines[0].substring(5));
        assertThat(first).isPositive();
        for (int i = 0; i < lines.length; i++) {
            assertThat(lines[i]).isEqualTo("line-" + (first + i));
        }
        String id = service.list(ContainerListOptions.ALL).get(0).id();
        List<String> tail = new ArrayList<>();
        service.logs(id, new LogOptions(false, 2, null, null), e -> tail.add(e.text()));
        assertThat(tail).containsExactly("line-298\n", "line-299\n");
        List<String> none = new ArrayList<>();
        service.logs(id, new LogOptions(false, -1, Instant.now().plusSeconds(5), null), e -> none.add(e.text()));
        assertThat(none).isEmpty();
    }

    @Test
    void followingLogsEndsWhenTheContainerDoes() throws Exception {
        Container c = service.create(TestEngine.request("sh", "-c", "for i in 1 2 3; do echo $i; sleep 0.2; done"));
        service.start(c.id());
        StringBuilder out = new StringBuilder();
        service.logs(c.id(), new LogOptions(true, -1, null, null), e -> out.append(e.text()));
        assertThat(out.toString()).isEqualTo("1\n2\n3\n");
        assertThat(service.get(c.id()).state().status()).isEqualTo(ContainerStatus.EXITED);
    }

    @Test
    void aRestartedEngineFindsRunningContainersAndRecordsExitsItMissed() throws Exception {
        Container running = service.create(TestEngine.request("sleep", "300"));
        service.start(running.id());
        Container shortLived = service.create(TestEngine.request("sh", "-c", "sleep 1; exit 5"));
        service.start(shortLived.id());
        int pid = service.get(running.id()).state().pid();
        // A state file torn by a host crash (state is written without fsync).
        Container torn = service.create(TestEngine.request("true"));
        // The engine goes away (its threads stop, containers stay) and a new one starts on the same state.
        service.close();
        Files.write(engine.root.resolve("containers").resolve(torn.id()).resolve("state.json"), new byte[0]);
        Thread.sleep(1500);
        LocalContainerService again = engine.open();
        service = again;
        Container r = again.get(running.id());
        assertThat(r.state().status()).isEqualTo(ContainerStatus.RUNNING);
        assertThat(r.state().pid()).isEqualTo(pid);
        Container s = again.get(shortLived.id());
        assertThat(s.state().status()).isEqualTo(ContainerStatus.EXITED);
        assertThat(s.state().exitCode()).isEqualTo(5);
        Container t = again.get(torn.id());
        assertThat(t.state().status()).isEqualTo(ContainerStatus.EXITED);
        assertThat(t.state().exitCode()).isEqualTo(255);
        assertThat(t.state().error()).isEqualTo("its state was lost");
        again.stop(running.id(), 1);
        assertThat(again.get(running.id()).state().exitCode()).isEqualTo(137);
    }

    @Test
    void pausedContainersTakeOnlyAKillAndStopKillsThem() throws Exception {
        Container c = service.create(TestEngine.request("sleep", "300"));
        service.start(c.id());
        assertThatThrownBy(() -> service.unpause(c.id())).isInstanceOf(ConflictException.class)
                .hasMessage("Container " + c.id() + " is not paused");
        service.pause(c.id());
        assertThat(service.get(c.id()).state().status()).isEqualTo(ContainerStatus.PAUSED);
        assertThatThrownBy(() -> service.pause(c.id())).isInstanceOf(ConflictException.class)
                .hasMessage("Container " + c.id() + " is already paused");
        assertThatThrownBy(() -> service.kill(c.id(), "TERM")).isInstanceOf(ConflictException.class)
                .hasMessageEndingWith("is paused. Unpause the container before stopping or killing");
        service.unpause(c.id());
        assertThat(service.get(c.id()).state().status()).isEqualTo(ContainerStatus.RUNNING);
        service.pause(c.id());
        // docker stops a paused container with SIGKILL at once.
        service.stop(c.id(), 30);
        assertThat(service.get(c.id()).state().status()).isEqualTo(ContainerStatus.EXITED);
        assertThat(service.get(c.id()).state().exitCode()).isEqualTo(137);
        assertThatThrownBy(() -> service.pause(c.id())).isInstanceOf(ConflictException.class)
                .hasMessage("Container " + c.id() + " is not running");
    }

    @Test
    void updateChangesTheLimitsOfARunningOrPausedContainerAndOfItsNextStarts() throws Exception {
        Container c = service.create(TestEngine.request(HostConfig.builder()
                .resources(io.berth.api.runtime.Resources.builder().memory(64L << 20).build()).build(), "sleep", "300"));
        service.start(c.id());
        int pid = service.get(c.id()).state().pid();
        assertThat(cgroupValue(pid, "memory", "memory.max", "memory.limit_in_bytes")).isEqualTo(Long.toString(64L << 20));
        assertThat(service.update(c.id(), io.berth.api.container.UpdateRequest.builder().memory(128L << 20)
                .memorySwap(256L << 20).pidsLimit(20L).cpuShares(512L).build())).isEmpty();
        assertThat(cgroupValue(pid, "memory", "memory.max", "memory.limit_in_bytes")).isEqualTo(Long.toString(128L << 20));
        assertThat(cgroupValue(pid, "pids", "pids.max", "pids.max")).isEqualTo("20");
        var resources = service.inspect(c.id()).host().resources();
        assertThat(resources.memory()).isEqualTo(128L << 20);
        assertThat(resources.memorySwap()).isEqualTo(256L << 20);
        assertThat(resources.cpuShares()).isEqualTo(512L);

        // docker's refusals, and nothing changed by them.
        assertThatThrownBy(() -> service.update(c.id(), io.berth.api.container.UpdateRequest.builder().memory(2L << 20).build()))
                .isInstanceOf(InvalidArgumentException.class).hasMessage("Minimum memory limit allowed is 6MB");
        assertThatThrownBy(() -> service.update(c.id(), io.berth.api.container.UpdateRequest.builder().memory(300L << 20).build()))
                .isInstanceOf(InvalidArgumentException.class).hasMessage("Cannot update container " + c.id()
                        + ": Memory limit should be smaller than already set memoryswap limit, update the memoryswap at "
                        + "the same time");
        assertThat(cgroupValue(pid, "memory", "memory.max", "memory.limit_in_bytes")).isEqualTo(Long.toString(128L << 20));

        // Paused, and back to unlimited; a raise of both limits past the present memory+swap.
        service.pause(c.id());
        service.update(c.id(), io.berth.api.container.UpdateRequest.builder().pidsLimit(-1L).memory(512L << 20)
                .memorySwap(1024L << 20).restartPolicy(io.berth.api.container.RestartPolicy.parse("on-failure:3")).build());
        assertThat(cgroupValue(pid, "pids", "pids.max", "pids.max")).isEqualTo("max");
        assertThat(cgroupValue(pid, "memory", "memory.max", "memory.limit_in_bytes")).isEqualTo(Long.toString(512L << 20));
        service.unpause(c.id());
        assertThat(service.inspect(c.id()).host().restartPolicy().toString()).isEqualTo("on-failure:3");

        // A stopped container keeps them for its next start.
        service.stop(c.id(), 0);
        service.update(c.id(), io.berth.api.container.UpdateRequest.builder().memory(96L << 20).build());
        service.start(c.id());
        int again = service.get(c.id()).state().pid();
        assertThat(cgroupValue(again, "memory", "memory.max", "memory.limit_in_bytes")).isEqualTo(Long.toString(96L << 20));
        service.stop(c.id(), 0);

        Container auto = service.create(TestEngine.request(TestEngine.host(true), "true"));
        assertThatThrownBy(() -> service.update(auto.id(), io.berth.api.container.UpdateRequest.builder()
                .restartPolicy(io.berth.api.container.RestartPolicy.parse("always")).build()))
                .isInstanceOf(InvalidArgumentException.class).hasMessageEndingWith(
                        "Restart policy cannot be updated because AutoRemove is enabled for the container");
        service.remove(auto.id(), true);
    }

    /**
     * A limit of the cgroup a process is in, as the host's cgroup files show it: cgroup v2's
     * {@code v2File} in its unified cgroup, or v1's {@code v1File} in the controller's hierarchy.
     */
    private static String cgroupValue(int pid, String controller, String v2File, String v1File) throws IOException {
        String v2 = null;
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
            String[] f = line.split(":", 3);
            if (java.util.Arrays.asList(f[1].split(",")).contains(controller)) {
                return Files.readString(Path.of("/sys/fs/cgroup", controller + f[2], v1File)).strip();
            }
            if (f[1].isEmpty()) {
                v2 = f[2];
            }
        }
        assertThat(v2).as("the cgroup of %s", pid).isNotNull();
        return Files.readString(Path.of("/sys/fs/cgroup" + v2, v2File)).strip();
    }

    @Test
    void commitRecordsOnlyTheChangesAndAppliesConfigChanges() throws Exception {
        Container c = service.create(TestEngine.request("sh", "-c", "echo data > /made; rm /bin/vi; mkdir -p /work"));
        assertThat(service.start(c.id()).get(60, TimeUnit.SECONDS)).isZero();
        io.berth.api.image.Image image = service.commit(c.id(), io.berth.api.container.CommitRequest.builder().author("me")
                .comment("msg").changes(List.of("CMD [\"cat\", \"/made\"]", "ENV MODE=committed", "WORKDIR /work",
                        "LABEL kind=test")).build());
        // Untagged: a dangling image, as docker's commit without a name.
        assertThat(image.repoTags()).isEmpty();
        var details = engine.images.inspect(image.id().toString());
        var base = engine.images.inspect("busybox");
        assertThat(details.config().diffIds()).hasSize(base.config().diffIds().size() + 1)
                .startsWith(base.config().diffIds().toArray(new io.berth.api.content.Digest[0]));
        assertThat(details.config().config().cmd()).containsExactly("cat", "/made");
        assertThat(details.config().config().env()).contains("MODE=committed");
        assertThat(details.config().config().workingDir()).isEqualTo("/work");
        assertThat(details.config().config().labels()).containsEntry("kind", "test");
        assertThat(details.config().author()).isEqualTo("me");
        assertThat(details.config().container()).isEqualTo(c.id());
        // The new layer holds the changes only: a few bytes, not busybox again.
        var top = engine.images.history(image.id().toString()).get(0);
        assertThat(top.size()).isLessThan(10_000);
        assertThat(top.entry().comment()).isEqualTo("msg");
        // A container of the new image runs its CMD in its WORKDIR and sees the deletion.
        String out = run(CreateRequest.builder(image.id().toString()).build());
        assertThat(out).isEqualTo("data\n");
        Container check = service.create(CreateRequest.builder(image.id().toString())
                .command("sh", "-c", "pwd; ls /bin/vi 2>&1 || true").build());
        service.start(check.id()).get(60, TimeUnit.SECONDS);
        assertThat(output(check.id())).isEqualTo("/work\nls: /bin/vi: No such file or directory\n");
        // ps's ancestor filter: the image and the images built on it, as the daemon walks them.
        assertThat(service.list(ContainerListOptions.builder().all(true)
                .filters(io.berth.api.Filters.parse(List.of("ancestor=busybox"))).build()))
                .extracting(Container::id).contains(c.id(), check.id());
        assertThat(service.list(ContainerListOptions.builder().all(true)
                .filters(io.berth.api.Filters.parse(List.of("ancestor=" + image.id()))).build()))
                .extracting(Container::id).doesNotContain(c.id()).contains(check.id());
    }

    @Test
    void shmSizeSizesDevShmSurvivesARestartedEngineAndStaysOutOfCommits() throws Exception {
        String mounts = "grep ' /dev/shm ' /proc/mounts";
        Container sized = service.create(TestEngine.request(HostConfig.builder().shmSize(128L << 20).build(), "sh", "-c", mounts));
        assertThat(service.start(sized.id()).get(60, TimeUnit.SECONDS)).isZero();
        assertThat(output(sized.id())).contains(" /dev/shm tmpfs ").contains("nosuid,nodev,noexec").contains("size=131072k");
        assertThat(service.inspect(sized.id()).host().shmSize()).isEqualTo(134217728L);
        // None given, or 0: docker's 64 MB.
        for (HostConfig h : List.of(HostConfig.DEFAULT, HostConfig.builder().shmSize(0).build())) {
            Container plain = service.create(TestEngine.request(h, "sh", "-c", mounts));
            assertThat(service.start(plain.id()).get(60, TimeUnit.SECONDS)).isZero();
            assertThat(output(plain.id())).contains("size=65536k");
            assertThat(service.inspect(plain.id()).host().shmSize()).isEqualTo(67108864L);
        }
        assertThatThrownBy(() -> service.create(TestEngine.request(HostConfig.builder().shmSize(-1).build(), "true")))
                .isInstanceOf(InvalidArgumentException.class).hasMessage("SHM size can not be less than 0");
        // A restarted engine reads it back from the container's config and mounts it again.
        service.close();
        service = engine.open();
        assertThat(service.inspect(sized.id()).host().shmSize()).isEqualTo(134217728L);
        assertThat(service.start(sized.id()).get(60, TimeUnit.SECONDS)).isZero();
        assertThat(output(sized.id()).lines()).hasSize(2).allMatch(l -> l.contains("size=131072k"));
        // A commit keeps the container's own setting and, as docker, puts none in the image.
        io.berth.api.image.Image image = service.commit(sized.id(), io.berth.api.container.CommitRequest.builder().build());
        assertThat(service.inspect(sized.id()).host().shmSize()).isEqualTo(134217728L);
        Container fromImage = service.create(CreateRequest.builder(image.id().toString()).build());
        assertThat(service.start(fromImage.id()).get(60, TimeUnit.SECONDS)).isZero();
        assertThat(output(fromImage.id())).contains("size=65536k").doesNotContain("size=131072k");
        assertThat(service.inspect(fromImage.id()).host().shmSize()).isEqualTo(67108864L);
    }

    @Test
    void anInitIsPidOneWithTheCommandItsChildAndARestartedEngineKeepsIt() throws Exception {
        Requirements.require(Files.isRegularFile(Path.of("/usr/bin/tini-static")), "tini is not installed (apt-get install tini)");
        String ps = "ps -o pid,ppid,comm | sed 1d | sed 's/  */ /g; s/^ //'";
        Container c = service.create(TestEngine.request(HostConfig.builder().init(true).build(), "sh", "-c", ps));
        assertThat(service.start(c.id()).get(60, TimeUnit.SECONDS)).isZero();
        assertThat(output(c.id()).lines().toList()).startsWith("1 0 docker-init").anyMatch(l -> l.matches("\\d+ 1 sh"));
        ContainerDetails d = service.inspect(c.id());
        assertThat(d.host().init()).isTrue();
        assertThat(d.path()).isEqualTo("sh");
        // A restarted engine reads it back from the container's config and runs the init again.
        service.close();
        service = engine.open();
        assertThat(service.inspect(c.id()).host().init()).isTrue();
        assertThat(service.start(c.id()).get(60, TimeUnit.SECONDS)).isZero();
        assertThat(output(c.id()).lines().filter(l -> l.equals("1 0 docker-init"))).hasSize(2);
        assertThat(service.inspect(service.create(TestEngine.request("true")).id()).host().init()).isNull();
    }

    @Test
    void anAutoRemoveContainerThatCannotStartIsRemovedByTheService() throws Exception {
        Container c = service.create(TestEngine.request(TestEngine.host(true), "no-such-command"));
        assertThatThrownBy(() -> service.start(c.id())).isInstanceOf(StartFailedException.class)
                .hasMessageContaining("executable file not found");
        assertThatThrownBy(() -> service.get(c.id())).isInstanceOf(NotFoundException.class);
        Container attached = service.create(TestEngine.request(TestEngine.host(true), "no-such-command"));
        assertThatThrownBy(() -> service.attach(attached.id(), false, null, true)).isInstanceOf(StartFailedException.class);
        assertThat(service.list(ContainerListOptions.ALL)).isEmpty();
        List<String> snapshots = new ArrayList<>();
        engine.overlay.walk(s -> snapshots.add(s.key()));
        assertThat(snapshots).doesNotContain(c.id(), attached.id());
        // Without --rm it stays, created, with the error, as docker leaves it.
        Container kept = service.create(TestEngine.request("no-such-command"));
        assertThatThrownBy(() -> service.start(kept.id())).isInstanceOf(StartFailedException.class);
        assertThat(service.get(kept.id()).state().exitCode()).isEqualTo(127);
        service.remove(kept.id(), false);
    }

    private static HostConfig policy(String restart) {
        return HostConfig.builder().restartPolicy(io.berth.api.container.RestartPolicy.parse(restart)).build();
    }

    private void awaitState(String id, java.util.function.Predicate<io.berth.api.container.ContainerState> condition)
            throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.test(service.get(id).state())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("container " + id + " is " + service.get(id).state());
            }
            Thread.sleep(20);
        }
    }

    @Test
    void restartPoliciesStartContainersAgainAsDockerDoes() throws Exception {
        // on-failure:2 — two restarts after failures, then it stays exited.
        Container failing = service.create(TestEngine.request(policy("on-failure:2"), "sh", "-c", "exit 3"));
        service.start(failing.id());
        awaitState(failing.id(), st -> st.status() == ContainerStatus.EXITED
                && service.inspect(failing.id()).restartCount() == 2);
        Thread.sleep(1000);
        assertThat(service.inspect(failing.id()).restartCount()).isEqualTo(2);
        assertThat(service.get(failing.id()).state().exitCode()).isEqualTo(3);
        // on-failure does not restart a success.
        Container fine = service.create(TestEngine.request(policy("on-failure"), "true"));
        assertThat(service.start(fine.id()).get(60, TimeUnit.SECONDS)).isZero();
        Thread.sleep(500);
        assertThat(service.inspect(fine.id()).restartCount()).isZero();
        // always — started again after each exit; stop keeps it stopped.
        Container always = service.create(TestEngine.request(policy("always"), "sh", "-c", "sleep 0.2"));
        service.start(always.id());
        awaitState(always.id(), st -> service.inspect(always.id()).restartCount() >= 2);
        service.stop(always.id(), 1);
        awaitState(always.id(), st -> st.status() == ContainerStatus.EXITED);
        int count = service.inspect(always.id()).restartCount();
        Thread.sleep(1000);
        assertThat(service.get(always.id()).state().status()).isEqualTo(ContainerStatus.EXITED);
        assertThat(service.inspect(always.id()).restartCount()).isEqualTo(count);
        // unless-stopped, stopped by the user, and always, stopped too: after an engine restart only always comes back.
        Container unless = service.create(TestEngine.request(policy("unless-stopped"), "sleep", "300"));
        service.start(unless.id());
        service.stop(unless.id(), 1);
        Container always2 = service.create(TestEngine.request(policy("always"), "sleep", "300"));
        service.start(always2.id());
        service.stop(always2.id(), 1);
        service.close();
        service = engine.open();
        awaitState(always2.id(), st -> st.status() == ContainerStatus.RUNNING);
        Thread.sleep(500);
        assertThat(service.get(unless.id()).state().status()).isEqualTo(ContainerStatus.EXITED);
        // --rm and --restart do not go together.
        assertThatThrownBy(() -> HostConfig.builder().autoRemove(true)
                .restartPolicy(io.berth.api.container.RestartPolicy.parse("always")).build())
                .isInstanceOf(io.berth.api.InvalidArgumentException.class).hasMessage("Conflicting options: --restart and --rm");
        service.remove(always2.id(), true);
    }

    @Test
    void renameAndPrune() throws Exception {
        Container a = service.create(TestEngine.request("true"));
        service.rename(a.id(), "first");
        assertThat(service.get("first").id()).isEqualTo(a.id());
        assertThatThrownBy(() -> service.rename("first", "first")).hasMessage(
                "Renaming a container with the same name as its current name");
        Container b = service.create(TestEngine.request("sleep", "300"));
        service.start(b.id());
        assertThatThrownBy(() -> service.rename(b.id(), "first")).isInstanceOf(ConflictException.class);
        var pruned = service.prune();
        assertThat(pruned.ids()).containsExactly(a.id());
        assertThat(service.list(ContainerListOptions.ALL)).extracting(Container::id).containsExactly(b.id());
        service.remove(b.id(), true);
        assertThat(service.list(ContainerListOptions.ALL)).isEmpty();
    }

    @Test
    void vfsContainersWork() throws Exception {
        CreateRequest r = CreateRequest.builder("busybox").command("sh", "-c", "echo hi > /x; cat /x").storage("vfs").build();
        assertThat(run(r)).isEqualTo("hi\n");
        String id = service.list(ContainerListOptions.ALL).get(0).id();
        assertThat(service.changes(id)).extracting(Change::toString).contains("A /x");
        service.remove(id, false);
    }

    /** What a container could leave behind: mounts, cgroups, processes, files. */
    private record Footprint(List<String> mounts, List<String> cgroups, java.util.Set<Long> processes, List<String> files) {
    }

    private Footprint footprint() throws IOException {
        List<String> mounts = Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .map(l -> l.split(" ")[4]).sorted().collect(Collectors.toList());
        List<String> cgroups = new ArrayList<>();
        try (Stream<Path> s = Files.walk(Path.of("/sys/fs/cgroup"), 3)) {
            s.filter(p -> p.toString().contains("/berth/") && Files.isDirectory(p)).map(Path::toString).sorted().forEach(cgroups::add);
        }
        java.util.Set<Long> processes = io.berth.testing.ChildProcesses.descendants();
        List<String> files = new ArrayList<>();
        for (Path p : List.of(engine.root.resolve("containers"), engine.runRoot.resolve("containers"),
                engine.runRoot.resolve(runtime().equals("native") ? "native" : "oci/" + runtime()))) {
            try (Stream<Path> s = Files.walk(p)) {
                s.map(Path::toString).sorted().forEach(files::add);
            }
        }
        return new Footprint(mounts, cgroups, processes, files);
    }

    @Test
    void churnLeavesNothingBehind() throws Exception {
        // One container first, so the image's layers and init snapshot exist either way, and run once,
        // so the runtime's compiled seccomp filter is in its cache (kept: a cache, not a leftover).
        Container keep = service.create(TestEngine.request("true"));
        service.start(keep.id());
        service.await(keep.id());
        assertThat(engine.runtime.awaitRemovals(java.time.Duration.ofSeconds(30))).isTrue();
        Footprint before = footprint();
        List<String> cgroupsBefore = before.cgroups();
        for (int i = 0; i < 200; i++) {
            Container c = service.create(TestEngine.request("sleep", "300"));
            service.start(c.id());
            service.stop(c.id(), 0);
            service.remove(c.id(), false);
        }
        // Shims that just ended are reaped by the subreaper thread, a moment later; the runtime's
        // part of a removal ends after the removal answered.
        assertThat(engine.runtime.awaitRemovals(java.time.Duration.ofSeconds(30))).isTrue();
        io.berth.testing.ChildProcesses.awaitShimsGone(java.time.Duration.ofSeconds(10));
        Footprint after = footprint();
        assertThat(after.mounts()).isEqualTo(before.mounts());
        assertThat(after.cgroups()).isEqualTo(cgroupsBefore);
        // What the churn added, not what ended meanwhile (processes of earlier tests reaped since).
        java.util.Set<Long> added = new java.util.TreeSet<>(after.processes());
        added.removeAll(before.processes());
        assertThat(added).as("processes the churn left: %s",
                added.stream().map(io.berth.testing.ChildProcesses::status).toList()).isEmpty();
        assertThat(after.files()).isEqualTo(before.files());
        service.remove(keep.id(), false);
    }
}
