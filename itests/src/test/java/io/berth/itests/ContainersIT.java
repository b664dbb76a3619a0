package io.berth.itests;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Containers through bin/berth against a real daemon: the lifecycle as the seed notes use it,
 * isolation and limits as the kernel enforces them, and what survives a killed daemon or shim.
 */
class ContainersIT extends DaemonWithBusybox {
    @Test
    void theLifecycleAsTheSeedNotesUseIt() throws Exception {
        String id = ok("run", "-d", "--name", "web", "busybox", "sleep", "300").out().strip();
        assertThat(id).matches("[0-9a-f]{64}");
        ok("run", "-d", "busybox", "sleep", "300");
        List<String> ps = ok("ps").out().lines().toList();
        assertThat(ps.get(0)).matches("CONTAINER ID +IMAGE +COMMAND +CREATED +STATUS +PORTS +NAMES");
        assertThat(ps).hasSize(3);
        assertThat(ps.get(2)).startsWith(id.substring(0, 12)).contains("busybox").contains("\"sleep 300\"").contains("Up ")
                .endsWith("web");
        assertThat(ps.get(1)).matches(".*[a-z]+_[a-z]+\\d?$");
        assertThat(ok("ps", "-q").out().lines()).hasSize(2).allMatch(l -> l.matches("[0-9a-f]{12}"));

        // As the notes do: stop everything that runs.
        Installation.Result stop = berth.run(Map.of("BERTH_HOST", berth.host()), null, "/bin/sh", "-c",
                "\"$0\" stop -t 1 $(\"$0\" ps -q)");
        assertThat(stop.status()).as(stop.err()).isZero();
        assertThat(stop.out().lines()).hasSize(2);
        assertThat(ok("ps").out().lines()).hasSize(1);
        List<String> all = ok("ps", "-a").out().lines().toList();
        assertThat(all).hasSize(3);
        assertThat(all.subList(1, 3)).allMatch(l -> l.contains("Exited (137) "));
        assertThat(ok("ps", "-a", "-f", "name=web", "--format", "{{.Names}} {{.State}}").out()).isEqualTo("web exited\n");
        assertThat(ok("ps", "-a", "--filter", "status=exited", "-q").out().lines()).hasSize(2);
        assertThat(ok("ps", "-a", "-f", "ancestor=busybox", "-q").out().lines()).hasSize(2);
        assertThat(ok("ps", "-l", "--format", "json").out()).contains("\"State\":\"exited\"");

        // The image is in use: rmi refuses, as docker does.
        Installation.Result rmi = berth.berth("rmi", "busybox");
        assertThat(rmi.status()).isEqualTo(1);
        assertThat(rmi.err()).contains("conflict: unable to remove repository reference \"busybox\"")
                .contains("(must force) - container ");

        Installation.Result rm = berth.run(Map.of("BERTH_HOST", berth.host()), null, "/bin/sh", "-c", "\"$0\" rm $(\"$0\" ps -aq)");
        assertThat(rm.status()).as(rm.err()).isZero();
        assertThat(ok("ps", "-a").out().lines()).hasSize(1);

        // Attached runs: output, exit status, --rm.
        assertThat(ok("run", "--rm", "busybox", "echo", "hello").out()).isEqualTo("hello\n");
        Installation.Result three = berth.berth("run", "--name", "three", "busybox", "sh", "-c", "echo out; echo err >&2; exit 3");
        assertThat(three.status()).isEqualTo(3);
        assertThat(three.out()).isEqualTo("out\n");
        assertThat(three.err()).isEqualTo("err\n");
        Installation.Result missing = berth.berth("run", "--rm", "busybox", "no-such-command");
        assertThat(missing.status()).isEqualTo(127);
        assertThat(missing.err()).contains("exec: \"no-such-command\": executable file not found in $PATH");
        Installation.Result noImage = berth.berth("run", "nosuchimage");
        assertThat(noImage.status()).isEqualTo(125);
        assertThat(noImage.err()).startsWith("Unable to find image 'nosuchimage:latest' locally\n");
        assertThat(ok("ps", "-a", "-q").out().lines()).hasSize(1);

        // logs, wait, start -a, restart, rename, inspect, diff, top, stats, kill, rm -f, prune.
        assertThat(ok("logs", "three").out()).isEqualTo("out\n");
        Installation.Result tail = ok("logs", "--tail", "1", "-t", "three");
        assertThat(tail.out()).isEmpty();
        assertThat(tail.err()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z err\n");
        assertThat(ok("wait", "three").out()).isEqualTo("3\n");
        Installation.Result again = berth.berth("start", "-a", "three");
        assertThat(again.status()).isEqualTo(3);
        assertThat(again.out()).isEqualTo("out\n");
        assertThat(ok("logs", "three").out()).isEqualTo("out\nout\n");

        String created = ok("create", "--name", "made", "-e", "A=1", "-w", "/data", "-l", "tier=test", "busybox",
                "sh", "-c", "echo $A > /data/a; sleep 300").out().strip();
        assertThat(inspect("made").get("State").get("Status").asText()).isEqualTo("created");
        assertThat(ok("start", "made").out()).isEqualTo("made\n");
        JsonNode made = inspect(created.substring(0, 8));
        assertThat(made.get("Id").asText()).isEqualTo(created);
        assertThat(made.get("Name").asText()).isEqualTo("/made");
        assertThat(made.get("State").get("Running").asBoolean()).isTrue();
        assertThat(made.get("State").get("Pid").asInt()).isPositive();
        assertThat(made.get("Path").asText()).isEqualTo("sh");
        assertThat(made.get("Config").get("Env").toString()).contains("A=1");
        assertThat(made.get("Config").get("Labels").get("tier").asText()).isEqualTo("test");
        assertThat(made.get("Config").get("WorkingDir").asText()).isEqualTo("/data");
        assertThat(made.get("HostConfig").get("Runtime").asText()).isEqualTo("native");
        assertThat(made.get("GraphDriver").get("Name").asText()).isEqualTo("overlay");
        assertThat(made.get("Image").asText()).startsWith("sha256:");
        assertThat(ok("ps", "-f", "label=tier=test", "-q").out().strip()).isEqualTo(created.substring(0, 12));
        assertThat(ok("top", "made").out()).contains("PID").contains("sleep 300");
        // As docker's: a detached container's output is attached by nobody; a memory limit allows as much swap again.
        String detachedId = ok("run", "-d", "-m", "32m", "busybox", "true").out().strip();
        JsonNode detached = inspect(detachedId);
        assertThat(detached.path("Config").path("AttachStdout").asBoolean()).isFalse();
        assertThat(detached.path("Config").path("AttachStderr").asBoolean()).isFalse();
        assertThat(detached.path("HostConfig").path("MemorySwap").asLong()).isEqualTo(64L << 20);
        assertThat(inspect("made").path("Config").path("AttachStdout").asBoolean()).isTrue();
        // Go templates as docker's: structs print their values, printf pads and truncates, a missing
        // field fails (1), a malformed template too (64, before anything is looked up).
        assertThat(ok("inspect", "-f", "{{.HostConfig.RestartPolicy}} [{{printf \"%-8s\" .State.Status}}] {{printf \"%.4s|%5d\" .Name 42}}",
                "made").out()).isEqualTo("{no 0} [running ] /mad|   42\n");
        Installation.Result nope = berth.berth("inspect", "-f", "{{.Nope}}", "made");
        assertThat(nope.status()).isEqualTo(1);
        assertThat(nope.err()).isEqualTo("template parsing error: template: :1:2: executing \"\" at <.Nope>: map has no entry for key \"Nope\"\n");
        Installation.Result unclosed = berth.berth("inspect", "-f", "{{.Nope", "made");
        assertThat(unclosed.status()).isEqualTo(64);
        assertThat(unclosed.err()).isEqualTo("template parsing error: template: :1: unclosed action\n");
        assertThat(ok("inspect", "-f", "{{.Config.Labels.nope}}", "made").out()).isEqualTo("<no value>\n");
        // ps's COMMAND as docker's: an argument with spaces in single quotes, then quoted and cut at 20.
        ok("run", "--name", "quoted", "busybox", "sh", "-c", "echo one; echo two");
        assertThat(ok("ps", "-a", "--filter", "name=quoted", "--format", "{{.Command}}").out())
                .isEqualTo("\"sh -c 'echo one; ec…\"\n");
        assertThat(ok("ps", "-a", "--no-trunc", "--filter", "name=quoted", "--format", "{{.Command}}").out())
                .isEqualTo("\"sh -c 'echo one; echo two'\"\n");
        ok("rm", "quoted");
        // docker's init layer: /etc/mtab for df and mount; dev entries export shows; none of it in diff.
        assertThat(ok("exec", "made", "readlink", "/etc/mtab").out()).isEqualTo("/proc/mounts\n");
        assertThat(ok("exec", "made", "df", "/").out()).contains("Filesystem");
        String exported = new String(berth.berth("export", detachedId).stdout(), java.nio.charset.StandardCharsets.ISO_8859_1);
        for (String entry : List.of("dev/console\0", "dev/pts/\0", "dev/shm/\0", "etc/mtab\0")) {
            assertThat(exported).as(entry).contains(entry);
        }
        assertThat(ok("diff", detachedId).out()).isEmpty();
        ok("rm", "-f", detachedId);
        // ps options of one's own, for a process of another user: ps is asked for the container's pids.
        String other = ok("run", "-d", "-u", "1000", "busybox", "sleep", "301").out().strip();
        assertThat(ok("top", other, "-o", "pid,comm").out().lines().toList()).hasSize(2).last().asString().endsWith("sleep");
        ok("rm", "-f", other);
        List<String> stats = ok("stats", "--no-stream", "made").out().lines().toList();
        assertThat(stats.get(0)).matches("CONTAINER ID +NAME +CPU % +MEM USAGE / LIMIT +MEM % +NET I/O +BLOCK I/O +PIDS");
        assertThat(stats.get(1)).startsWith(created.substring(0, 12)).contains("made").endsWith(" 1");
        Conditions.await("the container's file", Duration.ofSeconds(10),
                () -> ok("diff", "made").out().contains("A /data/a"));
        assertThat(ok("diff", "made").out()).contains("A /data\n").doesNotContain("hosts");
        ok("rename", "made", "renamed");
        assertThat(ok("inspect", "-f", "{{.Name}}", "renamed").out()).isEqualTo("/renamed\n");
        Installation.Result running = berth.berth("rm", "renamed");
        assertThat(running.status()).isEqualTo(1);
        assertThat(running.err()).isEqualTo("Error: You cannot remove a running container " + created
                + ". Stop the container before attempting removal or force remove\n");
        // docker's words for what goes wrong with rename and kill.
        Installation.Result sameName = berth.berth("rename", "renamed", "renamed");
        assertThat(sameName.status()).isEqualTo(1);
        assertThat(sameName.err()).isEqualTo("Error: Renaming a container with the same name as its current name\n"
                + "Error: failed to rename container named renamed\n");
        assertThat(berth.berth("kill", "nosuch").err()).isEqualTo("Error: Cannot kill container: nosuch: No such container: nosuch\n");
        // As pid 1, sleep has no handler for TERM: the kernel ignores it; KILL (the default) ends it.
        assertThat(ok("kill", "-s", "TERM", "renamed").out()).isEqualTo("renamed\n");
        assertThat(inspect("renamed").get("State").get("Running").asBoolean()).isTrue();
        assertThat(ok("kill", "renamed").out()).isEqualTo("renamed\n");
        assertThat(ok("wait", "renamed").out()).isEqualTo("137\n");
        ok("restart", "-t", "1", "renamed");
        assertThat(inspect("renamed").get("State").get("Status").asText()).isEqualTo("running");
        assertThat(ok("rm", "-f", "renamed").out()).isEqualTo("renamed\n");
        assertThat(ok("container", "prune", "-f").out()).startsWith("Deleted Containers:\n")
                .contains("Total reclaimed space: ");
        assertThat(ok("ps", "-aq").out()).isEmpty();
        Installation.Result none = berth.berth("stop", "nope");
        assertThat(none.status()).isEqualTo(1);
        assertThat(none.err()).isEqualTo("Error: No such container: nope\n");
        ok("rmi", "busybox");
    }

    @Test
    void aContainerSeesOnlyItselfAndCannotTouchWhatIsMaskedOrReadOnly() throws Exception {
        String out = ok("run", "--rm", "-h", "box", "busybox", "sh", "-c",
                "echo pid=$$ host=$(hostname); ls /proc > /dev/shm/p; grep -c '^[0-9]*$' /dev/shm/p; cat /proc/kcore | wc -c;"
                        + " cat /proc/keys | wc -c; echo 1 > /proc/sys/kernel/domainname || echo sys-ro;"
                        + " echo x > /proc/sysrq-trigger || echo sysrq-ro; touch /sys/x || echo sysfs-ro;"
                        + " grep -E '^(CapInh|CapPrm|CapEff|CapBnd|NoNewPrivs)' /proc/self/status;"
                        + " grep -c ' /proc ' /proc/mounts; ls /dev | tr '\\n' ' '").out();
        // The processes: sh and ls, nothing of the host.
        assertThat(out).startsWith("pid=1 host=box\n2\n0\n0\n").contains("sys-ro\n").contains("sysrq-ro\n")
                .contains("sysfs-ro\n")
                .contains("CapInh:\t0000000000000000\nCapPrm:\t00000000a80425fb\nCapEff:\t00000000a80425fb\n"
                        + "CapBnd:\t00000000a80425fb\n")
                .contains("NoNewPrivs:\t1\n");
        // docker's /dev: no console without a terminal.
        assertThat(out.lines().reduce((a, b) -> b).orElseThrow().split(" ")).contains("null", "zero", "full", "random",
                "urandom", "tty", "pts", "shm", "mqueue", "ptmx", "fd", "stdin", "stdout", "stderr")
                .doesNotContain("sda", "kmsg", "mem", "console");
        assertThat(ok("run", "--rm", "--cap-drop", "ALL", "--cap-add", "NET_ADMIN", "busybox", "grep", "CapEff",
                "/proc/self/status").out()).isEqualTo("CapEff:\t0000000000001000\n");
        assertThat(ok("run", "--rm", "-u", "user", "busybox", "sh", "-c", "id; grep CapEff /proc/self/status").out())
                .isEqualTo("uid=1000(user) gid=1000(user) groups=10(wheel),100(users),1000(user)\nCapEff:\t0000000000000000\n");
        assertThat(ok("run", "--rm", "--read-only", "--tmpfs", "/run", "busybox", "sh", "-c",
                "touch /x 2>/dev/null || echo ro; touch /run/x && echo tmpfs-rw").out()).isEqualTo("ro\ntmpfs-rw\n");
        // The host's processes, mounts and name are not the container's.
        String hostname = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        assertThat(ok("run", "--rm", "busybox", "hostname").out().strip()).hasSize(12).isNotEqualTo(hostname);
    }

    @Test
    void limitsContainAForkBombAndAMemoryHog() throws Exception {
        String out = ok("run", "--rm", "--pids-limit", "20", "busybox", "sh", "-c",
                "(for i in $(seq 1 60); do sleep 30 & done) 2>/dev/null; set -- /proc/[0-9]*; echo $#; kill -9 -1").out();
        int processes = Integer.parseInt(out.lines().filter(l -> l.matches("\\d+")).findFirst().orElseThrow());
        assertThat(processes).isBetween(2, 21);

        Installation.Result hog = berth.berth("run", "--name", "hog", "--memory", "32m", "busybox", "sh", "-c",
                "head -c 100000000 /dev/zero | tail -c 90000000 > /dev/null");
        assertThat(hog.status()).isEqualTo(137);
        JsonNode state = inspect("hog").get("State");
        assertThat(state.get("OOMKilled").asBoolean()).isTrue();
        assertThat(state.get("ExitCode").asInt()).isEqualTo(137);
        assertThat(inspect("hog").get("HostConfig").get("Memory").asLong()).isEqualTo(32L << 20);
        Installation.Result tooSmall = berth.berth("run", "--memory", "1m", "busybox", "true");
        assertThat(tooSmall.status()).isEqualTo(125);
        assertThat(tooSmall.err()).isEqualTo("Error: Minimum memory limit allowed is 6MB\n");
    }

    @Test
    void containersOutliveAKilledDaemonAndAKilledShimIsRecorded() throws Exception {
        String running = ok("run", "-d", "--name", "long", "busybox", "sleep", "300").out().strip();
        ok("run", "-d", "--name", "short", "busybox", "sh", "-c", "sleep 2; exit 4");
        int pid = inspect("long").get("State").get("Pid").asInt();
        daemon.destroyForcibly().waitFor();
        Thread.sleep(3000);
        assertThat(Path.of("/proc", Integer.toString(pid))).exists();
        daemon = berth.startDaemon();
        List<String> ps = ok("ps", "-a", "--format", "{{.Names}} {{.Status}}").out().lines().toList();
        assertThat(ps).anyMatch(l -> l.startsWith("long Up ")).anyMatch(l -> l.startsWith("short Exited (4) "));
        JsonNode state = inspect("long").get("State");
        assertThat(state.get("Pid").asInt()).isEqualTo(pid);
        assertThat(state.get("Running").asBoolean()).isTrue();
        // Watched again: stop works and is seen.
        ok("stop", "-t", "1", "long");
        assertThat(inspect("long").get("State").get("ExitCode").asInt()).isEqualTo(137);

        // A shim killed: its container dies with it, and the engine records the end and cleans up.
        String victim = ok("run", "-d", "--name", "victim", "busybox", "sleep", "300").out().strip();
        int init = inspect("victim").get("State").get("Pid").asInt();
        int shim = parentOf(init);
        assertThat(Files.readString(Path.of("/proc", Integer.toString(shim), "comm")).strip()).isEqualTo("berth-shim");
        new ProcessBuilder("kill", "-9", Integer.toString(shim)).start().waitFor();
        Conditions.await("the victim's end", Duration.ofSeconds(15),
                () -> inspect("victim").get("State").get("Status").asText().equals("exited"));
        assertThat(inspect("victim").get("State").get("ExitCode").asInt()).isEqualTo(137);
        Conditions.await("the victim's process to go", Duration.ofSeconds(10), () -> !Files.exists(Path.of("/proc", Integer.toString(init))));
        assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(victim);
        assertThat(cgroupsOf(victim)).isEmpty();
        assertThat(cgroupsOf(running)).isEmpty();
    }

    private static int parentOf(int pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", Integer.toString(pid), "status"))) {
            if (line.startsWith("PPid:")) {
                return Integer.parseInt(line.substring(5).strip());
            }
        }
        throw new AssertionError("no parent for " + pid);
    }

    private static List<Path> cgroupsOf(String id) throws Exception {
        try (Stream<Path> s = Files.walk(Path.of("/sys/fs/cgroup"), 4)) {
            return s.filter(p -> p.getFileName() != null && p.getFileName().toString().contains(id.substring(0, 12)))
                    .collect(Collectors.toList());
        }
    }
}
