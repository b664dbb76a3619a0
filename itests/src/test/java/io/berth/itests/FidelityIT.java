package io.berth.itests;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Berth beside dockerd, command by command: the same scenarios run through {@code bin/berth} and
 * through the docker CLI against Debian's dockerd (started by the test on private paths, see
 * {@link Dockerd}), both with the busybox fixture loaded and containers on {@code --network none}
 * unless a scenario makes a network. Each side has its own files ({DIR}), credentials
 * ({CONFIG}), registry on loopback ({REG}), subnet ({NET}) and host port ({PORT}), named alike in
 * the comparison. Each command's exit status, output and error output are compared after what
 * legitimately differs is normalised: ids, names docker makes up, times and durations, "docker"
 * for "berth", docker's "Error response from daemon:" for Berth's "Error:". A difference fails
 * the test unless {@link #ALLOWED} names it with its reason (each one stated in the README). The
 * same scenarios run a second time with the docker CLI itself on Berth's side, through Berth's
 * Docker API socket, against the same dockerd: the API must answer as dockerd's does.
 */
class FidelityIT extends DaemonWithBusybox {
    /** Deliberate differences: the scenario's name, and why (as README states it). */
    private static final Map<String, String> ALLOWED = Map.of(
            "volume prune", "Berth's volume prune takes unused anonymous volumes only (--all: named ones too), as docker "
                    + "does since 23.0; dockerd 20.10 takes named ones too (README: Volumes and mounts)",
            "published ports on IPv6", "Berth publishes ports on IPv4 only, as NAT rules without a userland proxy; "
                    + "dockerd 20.10's proxy also listens on [::]:PORT, which port and ps list (README: Networks)",
            "disconnect from none", "a --network none container's namespace is its runtime's, which Berth does not "
                    + "connect to other networks, so it stays on none; docker lets it leave none and join a network "
                    + "(README: Networks)",
            "search", "search HOST/TERM lists the registry's _catalog; docker asks the v1 search API, which a "
                    + "registry of the v2 API does not serve, and fails (README: Registries)");

    /** A command's words, what it reads on stdin (null: /dev/null), and whether it runs in a terminal. */
    private record Command(List<String> words, byte[] stdin, boolean terminal) {
        @Override
        public String toString() {
            return (stdin == null ? "" : "echo " + new String(stdin, java.nio.charset.StandardCharsets.UTF_8).strip() + " | ")
                    + (terminal ? "tty " : "") + String.join(" ", words);
        }
    }

    private record Scenario(String name, List<Command> commands) {
    }

    /** What the caller's environment adds, on both sides. */
    private static final Map<String, String> CALLER_ENV = Map.of("FX_FROM_CALLER", "from the caller");

    private static final Pattern PIPED = Pattern.compile("echo (\\S+) \\| (.*)");

    /**
     * Commands as a shell would read them; {@code echo WORD | COMMAND} gives the command WORD and a
     * newline on stdin; {@code tty COMMAND} runs it in a terminal of its own (util-linux's
     * {@code script}), as a user at a terminal runs it.
     */
    private static Scenario scenario(String name, String... commands) {
        List<Command> all = new ArrayList<>();
        for (String c : commands) {
            var piped = PIPED.matcher(c);
            byte[] stdin = piped.matches() ? (piped.group(1) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8) : null;
            String rest = piped.matches() ? piped.group(2) : c;
            boolean terminal = rest.startsWith("tty ");
            all.add(new Command(words(terminal ? rest.substring(4) : rest), stdin, terminal));
        }
        return new Scenario(name, all);
    }

    private static Installation.Result withoutNulEcho(Installation.Result r) {
        return new Installation.Result(r.status(), r.out().replace("^@", ""), r.err(), r.stdout(), r.stderr());
    }

    /** Runs {@code command} in a terminal of its own: {@code script -qec COMMAND /dev/null}, its status its own. */
    private static Installation.Result inTerminal(List<String> command, Map<String, String> env, byte[] stdin)
            throws Exception {
        String line = command.stream().map(w -> "'" + w.replace("'", "'\\''") + "'")
                .collect(java.util.stream.Collectors.joining(" "));
        ProcessBuilder pb = new ProcessBuilder("script", "-qec", line, "/dev/null");
        pb.environment().remove("DOCKER_HOST");
        pb.environment().putAll(env);
        return Installation.run(pb, stdin, "script " + line);
    }

    /** Splits a command line on spaces, keeping what single quotes hold together. */
    private static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (char ch : line.toCharArray()) {
            if (ch == '\'') {
                quoted = !quoted;
                any = true;
            } else if (ch == ' ' && !quoted) {
                if (any) {
                    out.add(w.toString());
                    w.setLength(0);
                    any = false;
                }
            } else {
                w.append(ch);
                any = true;
            }
        }
        if (any) {
            out.add(w.toString());
        }
        return out;
    }

    private static final List<Scenario> SCENARIOS = List.of(
            scenario("run echo", "run --rm --network none busybox echo hello"),
            scenario("run exit status", "run --rm --network none busybox sh -c 'echo out; echo err >&2; exit 3'"),
            scenario("run no such command", "run --rm --network none busybox no-such-command"),
            scenario("run not executable", "run --rm --network none busybox /etc/passwd"),
            scenario("run no such user", "run --rm --network none -u nosuchuser busybox id"),
            scenario("run as user", "run --rm --network none -u 1000:1000 busybox id"),
            scenario("run workdir env", "run --rm --network none -w /tmp -e A=1 busybox sh -c 'pwd; echo $A; echo $HOME'"),
            // The caller's environment has FX_FROM_CALLER (CALLER_ENV), not FX_UNSET; {DIR}/env.list names both.
            scenario("run env from the caller", "run --rm --network none -e FX_FROM_CALLER -e FX_UNSET -e PATH busybox "
                    + "sh -c 'echo $FX_FROM_CALLER; env | grep -c FX_UNSET; echo $PATH'",
                    "run --rm --network none --env-file {DIR}/env.list busybox sh -c 'echo $FX_FROM_CALLER; echo $B; env | grep -c FX_UNSET'"),
            scenario("run hostname", "run --rm --network none -h fixed busybox hostname"),
            scenario("run read-only", "run --rm --network none --read-only busybox touch /x"),
            scenario("run caps", "run --rm --network none busybox grep Cap /proc/self/status",
                    "run --rm --network none --cap-drop ALL busybox grep CapEff /proc/self/status",
                    "run --rm --network none --cap-add NET_ADMIN busybox grep CapEff /proc/self/status"),
            scenario("run mtab", "run --rm --network none busybox readlink /etc/mtab"),
            scenario("run pull never", "run --pull never --network none nosuchimg:1"),
            scenario("run bad memory", "run -m notanumber busybox true"),
            scenario("run seccomp", "run --rm --network none busybox grep Seccomp: /proc/self/status"),
            scenario("exec", "run -d --name fx --network none busybox sleep 300",
                    "exec fx echo hi", "exec fx sh -c 'exit 7'", "exec fx nosuchcmd", "exec -u nosuchuser fx id",
                    "exec -w /etc fx pwd", "exec -e X=y fx sh -c 'echo $X'", "rm -f fx"),
            scenario("lifecycle", "create --name fx --network none busybox sleep 300", "start fx", "pause fx",
                    "unpause fx", "stop -t 1 fx", "start fx", "kill fx", "wait fx", "rm fx"),
            // Separate pipes: what a process writes to stdout and stderr at once has no order (with docker either).
            scenario("logs", "run --name fx --network none busybox sh -c 'echo one; echo two >&2; sleep 0.2; echo three'",
                    "logs fx", "logs --tail 1 fx", "logs --details fx", "rm fx"),
            scenario("rm errors", "run -d --name fx --network none busybox sleep 300", "rm fx", "rm -f nosuch",
                    "rm nosuch", "rm -f fx"),
            scenario("kill errors", "kill nosuch", "create --name fx --network none busybox true", "kill fx", "rm fx"),
            scenario("rename errors", "create --name fx --network none busybox true", "rename fx fx", "rename nosuch x",
                    "rename fx fy", "rm fy"),
            scenario("inspect templates", "create --name fx --network none --restart on-failure:3 -m 32m busybox true",
                    "inspect -f '{{.HostConfig.RestartPolicy}}' fx", "inspect -f '{{.State.Status}} {{.State.Running}}' fx",
                    "inspect -f '{{printf \"%-8s|%5d|%.3s\" .State.Status 42 .Config.Image}}' fx",
                    "inspect -f '{{.HostConfig.MemorySwap}} {{.Config.AttachStdout}}' fx",
                    "inspect -f '{{.Nope}}' fx", "inspect -f '{{.Nope' fx", "inspect -f '{{json .Config.Cmd}}' fx",
                    "inspect -f '{{.Config.Labels}}' fx", "rm fx"),
            scenario("inspect missing", "inspect nosuch", "image inspect nosuch"),
            // Health checks: a check that passes is healthy within three seconds of a 1 s interval.
            scenario("health checks", "run -d --name fx --network none --health-cmd true --health-interval 1s busybox sleep 300",
                    "inspect -f '{{json .Config.Healthcheck}}' fx", "run --rm --network none busybox sleep 3",
                    "inspect -f '{{.State.Health.Status}} {{.State.Health.FailingStreak}}' fx",
                    "ps --filter health=healthy --format '{{.Names}}'", "ps --filter health=fine",
                    "inspect -f '{{(index .State.Health.Log 0).ExitCode}} {{len .State.Health.Log}}' fx",
                    "events --since 1m --until 0s --filter container=fx --filter event=health_status --format '{{.Action}}'",
                    "create --name fy --network none --no-healthcheck busybox true",
                    "inspect -f '{{json .State.Health}} {{json .Config.Healthcheck}}' fy",
                    "ps -a --filter health=none --format '{{.Names}}'",
                    "run --no-healthcheck --health-cmd true busybox true", "run --health-interval -1s busybox true",
                    "run --health-timeout 5 busybox true", "rm -f fx fy"),
            scenario("ps formats", "create --name fx --network none busybox sh -c 'echo one; echo two'",
                    "ps -a --format '{{.Names}} {{.Command}} {{.Status}}'", "ps -a -q --no-trunc --filter name=nosuch",
                    "ps -a --no-trunc --format '{{.Command}}'", "rm fx"),
            scenario("top", "run -d --name fx --network none -u 1000 busybox sleep 300", "top fx -o pid,comm", "rm -f fx"),
            scenario("images", "images --format '{{.Repository}}:{{.Tag}}'", "images -q --filter dangling=true",
                    "images --format '{{.Repository}} {{.Size}}'", "history --format '{{.Size}}' busybox",
                    "image inspect -f '{{.Size}} {{.VirtualSize}}' busybox",
                    "images busybox --format '{{.Repository}}'"),
            scenario("tag and rmi", "tag busybox fx:1", "images fx --format '{{.Repository}}:{{.Tag}}'", "rmi fx:1",
                    "rmi fx:1", "rmi nosuch"),
            scenario("commit", "run --name fx --network none busybox touch /made", "commit -c 'FROM busybox' fx fx:1",
                    "commit fx fx:1", "diff fx", "run --rm --network none fx:1 ls /made", "rm fx", "rmi fx:1"),
            scenario("cp", "create --name fx --network none busybox true", "cp fx:/etc/hostname-nosuch /tmp/x",
                    "cp /nonexistent fx:/", "rm fx"),
            scenario("history", "history --format '{{.CreatedBy}}' busybox"),
            scenario("volumes", "volume create fxv", "volume ls -q --filter name=fxv",
                    "run --rm --network none -v fxv:/data busybox sh -c 'echo x > /data/f; ls /data'",
                    "volume inspect -f '{{.Name}} {{.Driver}}' fxv", "volume rm fxv", "volume rm fxv"),
            scenario("wait and restart", "run -d --name fx --network none busybox sh -c 'exit 3'", "wait fx",
                    "inspect -f '{{.State.ExitCode}} {{.RestartCount}}' fx", "restart -t 1 fx", "wait fx", "rm fx"),
            scenario("state errors", "create --name fx --network none busybox sleep 300", "exec fx true", "pause fx",
                    "unpause fx", "logs nosuch", "wait nosuch", "start nosuch", "rm fx"),
            scenario("name conflict", "create --name fx --network none busybox true",
                    "create --name fx --network none busybox true", "rm fx"),
            scenario("port and stats", "run -d --name fx --network none busybox sleep 300", "port fx",
                    "stats --no-stream --format '{{.Name}}' fx", "rm -f fx"),
            scenario("update", "run -d --name fx --network none -m 64m --memory-swap 128m busybox sleep 300",
                    "update --memory 100m --memory-swap 200m --cpu-shares 512 --pids-limit 50 --restart on-failure:2 fx",
                    "inspect -f '{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}} {{.HostConfig.CpuShares}} "
                            + "{{.HostConfig.PidsLimit}} {{json .HostConfig.RestartPolicy}}' fx",
                    "exec fx sh -c 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes "
                            + "/sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/cpu/cpu.shares'",
                    "update --memory 300m fx", "update --memory 2m fx", "update --cpu-shares 2 nosuch", "update fx",
                    "stop -t 0 fx", "update --memory 50m fx", "start fx", "exec fx cat /sys/fs/cgroup/memory/memory.limit_in_bytes",
                    "rm -f fx"),
            scenario("prune", "create --name fx --network none busybox true", "container prune -f", "image prune -f"),
            scenario("volume prune", "volume create fxv", "volume prune -f", "volume rm fxv"),
            scenario("tag errors", "tag busybox UPPER", "tag nosuch fx:1", "history nosuch", "save nosuch"),
            scenario("rmi in use", "create --name fx --network none busybox true", "rmi busybox", "rm fx"),
            scenario("diff", "run --name fx --network none busybox sh -c 'mkdir /new; touch /new/f; rm /etc/hosts.allow 2>/dev/null; echo x > /tmp/t'",
                    "diff fx", "rm fx"),
            scenario("import", "import {ROOTFS} fx:imp", "history --format '{{.CreatedBy}}|{{.Comment}}|{{.Size}}' fx:imp",
                    "images fx --format '{{.Repository}}:{{.Tag}} {{.Size}}'", "rmi fx:imp"),
            scenario("seed walkthrough", "create --name fx --network none busybox sleep 300", "start fx",
                    "ps --format '{{.Names}} {{.Image}} {{.Command}}'", "stop -t 1 fx",
                    "commit -a author -m 'a message' fx fx:1.0.0", "images fx --format '{{.Repository}} {{.Tag}}'",
                    "inspect -f '{{.Author}} {{.Comment}} {{.Config.Cmd}}' fx:1.0.0",
                    "history --no-trunc --format '{{.CreatedBy}} {{.Comment}}' fx:1.0.0", "rm fx", "rmi fx:1.0.0"),
            scenario("ps filters", "run --name fx --network none busybox sh -c 'exit 2'",
                    "create --name fy --network none busybox true", "ps -a --filter status=exited --format '{{.Names}} {{.Status}}'",
                    "ps -a --filter status=created --format '{{.Names}}'", "ps -a --filter exited=2 --format '{{.Names}}'",
                    "ps -a -n 1 --format '{{.Names}}'", "ps -l --format '{{.Names}}'", "ps -a --filter name=f --format '{{.Names}}'",
                    "ps --filter status=bogus", "rm fx fy"),
            scenario("cp and export", "run --name fx --network none busybox sh -c 'mkdir /d; echo hi > /d/f'",
                    "cp fx:/d {DIR}/copied", "cp fx:/d/f {DIR}/f1", "cp {DIR}/f1 fx:/d/g", "cp fx:/nosuch {DIR}/x",
                    "export -o {DIR}/fx.tar fx", "rm fx"),
            scenario("logs timestamps", "run --name fx --network none busybox echo hi", "logs -t fx", "logs --since 1h fx",
                    "logs --until 2000-01-01T00:00:00Z fx", "logs -n bogus fx", "rm fx"),
            scenario("README containers", "run --rm --network none -v {DIR}:/h busybox sh -c 'echo x > /h/made; ls /h'",
                    "run --rm --network none --tmpfs /t:size=1m busybox sh -c 'df -k /t | tail -1'",
                    "run --name fx --network none busybox echo attached", "start -a fx",
                    "container ls -a --format '{{.Names}} {{.Status}}'", "container inspect -f '{{.Name}} {{.State.ExitCode}}' fx",
                    "run --rm -d --restart always --network none busybox true", "rm fx"),
            scenario("README images", "image ls --format '{{.Repository}}'", "save -o {DIR}/bb.tar busybox",
                    "system df --format '{{.Type}} {{.TotalCount}}'", "image inspect -f '{{.Os}} {{.Architecture}}' busybox"),
            scenario("README volumes", "volume create fxv", "volume ls --format '{{.Name}} {{.Driver}}'",
                    "run --rm --network none -v fxv:/data busybox sh -c 'ls -ld /data | cut -c1-10'",
                    "run --rm --network none --mount type=volume,source=fxv,target=/data,readonly busybox touch /data/x",
                    "volume rm fxv"),
            scenario("load garbage", "load -i {GARBAGE}", "load -i /nonexistent.tar"),
            scenario("stdin", "echo hi | run -i --rm --network none busybox cat", "run -it --rm --network none busybox true",
                    "echo hi | run --rm --network none busybox cat", "run -d --name fx --network none busybox sleep 300",
                    "echo there | exec -i fx cat", "exec -it fx true", "exec -d fx true", "rm -f fx"),
            scenario("attach", "run -d --name fx --network none busybox sh -c 'sleep 2; echo late; echo err >&2; exit 4'",
                    "attach fx", "attach fx", "start -a fx", "rm fx"),
            scenario("terminal", "tty run -it --rm --network none busybox sh -c 'tty; echo $TERM; exit 3'",
                    "echo hi | tty run -it --rm --network none busybox sh -c 'read x; echo got $x'",
                    "tty run -t --rm --network none busybox sh -c 'echo out; echo err >&2'",
                    "tty run -it --rm --network none -e TERM=dumb busybox sh -c 'echo $TERM; stty -a | head -1 | cut -d\\; -f1'",
                    "run -d --name fx --network none busybox sleep 300", "tty exec -it fx sh -c 'tty; exit 4'",
                    "echo hi | tty exec -it fx sh -c 'read x; echo got $x'", "tty exec -it fx stty -a",
                    "tty run -it --rm --network none busybox stty -a",
                    "tty exec -t fx echo hi", "rm -f fx"),
            scenario("attach paused", "run -d --name fx --network none busybox sleep 300", "pause fx", "attach fx",
                    "unpause fx", "rm -f fx"),
            scenario("logs follow", "run --name fx --network none busybox sh -c 'echo one; echo two'", "logs -f fx",
                    "logs -f --tail 1 fx", "rm fx"),
            // User networks: each side's own subnet ({NET}) and host port ({PORT}), named alike in the comparison.
            scenario("networks", "network create --subnet {NET}.0/24 fxn", "network create fxn",
                    "network ls --filter name=fxn --format '{{.Name}} {{.Driver}} {{.Scope}}'",
                    "network inspect -f '{{.Name}} {{.Driver}} {{range .IPAM.Config}}{{.Subnet}} {{.Gateway}}{{end}} {{.Internal}}' fxn",
                    "run --rm --network fxn busybox sh -c 'ip -4 addr show eth0 | grep inet'",
                    "run -d --name fx --network fxn --network-alias www busybox sleep 300",
                    "inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{$v.IPAddress}} {{$v.Aliases}} {{end}}' fx",
                    "network rm fxn", "network disconnect fxn fx", "network connect fxn fx",
                    "inspect -f '{{len .NetworkSettings.Networks}}' fx", "rm -f fx", "network rm fxn", "network rm fxn",
                    "network inspect fxn", "run --rm --network nosuch busybox true"),
            scenario("network none", "run -d --name fx --network none busybox sleep 300", "network create --subnet {NET}.0/24 fxn",
                    "network connect fxn fx", "rm -f fx", "network prune -f", "network ls -q --filter name=fxn"),
            scenario("disconnect from none", "run -d --name fx --network none busybox sleep 300", "network disconnect none fx",
                    "rm -f fx"),
            scenario("published ports", "network create --subnet {NET}.0/24 fxn",
                    "run -d --name fx --network fxn -p {PORT}:80 -p 127.0.0.1:{PORT}:81/udp busybox sleep 300",
                    "port fx 81/udp", "port fx 82", "inspect -f '{{json .HostConfig.PortBindings}}' fx", "rm -f fx",
                    "network rm fxn"),
            scenario("published ports on IPv6", "network create --subnet {NET}.0/24 fxn",
                    "run -d --name fx --network fxn -p {PORT}:80 busybox sleep 300", "port fx", "port fx 80",
                    "ps --format '{{.Names}} {{.Ports}}'", "rm -f fx", "network rm fxn"),
            // Each side its own registry ({REG}): a second push of the same layers says otherwise.
            scenario("registry", "tag busybox {REG}/fx/bb:1", "push {REG}/fx/bb:1", "push {REG}/fx/nosuch:1",
                    "rmi {REG}/fx/bb:1", "pull {REG}/fx/bb:1", "pull {REG}/fx/bb:1",
                    "images {REG}/fx/bb --format '{{.Repository}}:{{.Tag}}'", "pull {REG}/fx/nosuch:1", "pull {REG}/fx/bb",
                    "rmi {REG}/fx/bb:1", "pull -q {REG}/fx/bb:1", "rmi {REG}/fx/bb:1",
                    "run --rm --network none {REG}/fx/bb:1 echo pulled", "rmi {REG}/fx/bb:1"),
            scenario("login", "login -u someone -p secret {REG}", "logout {REG}", "logout {REG}",
                    "echo secret | login -u someone --password-stdin {REG}", "logout {REG}"),
            scenario("search", "search {REG}/fx"),
            // Names of their own: events since a minute ago would find the other scenarios' fx. The docker CLI sends a
            // relative --until in whole seconds, so a second goes by before each look back.
            scenario("events", "run --name fxev --network none busybox true", "rm fxev",
                    "run --rm --network none busybox sleep 1",
                    "events --since 1m --until 0s --filter container=fxev",
                    "events --since 1m --until 0s --filter type=container --filter container=fxev --format '{{.Status}} {{.From}} {{json .Actor.Attributes}}'",
                    "volume create fxev", "volume rm fxev", "run --rm --network none busybox sleep 1",
                    "events --since 1m --until 0s --filter volume=fxev --format '{{.Type}} {{.Action}} {{.Actor.ID}} {{.Actor.Attributes.driver}}'",
                    "network create --subnet {NET}.0/24 fxevn", "network rm fxevn", "run --rm --network none busybox sleep 1",
                    "events --since 1m --until 0s --filter network=fxevn --format '{{.Type}} {{.Action}} {{.Actor.Attributes.name}} {{.Actor.Attributes.type}}'",
                    "tag busybox fxev:1", "rmi fxev:1", "run --rm --network none busybox sleep 1",
                    "events --since 1m --until 0s --filter image=fxev --format '{{.Type}} {{.Action}} {{.Actor.Attributes.name}}'"),
            scenario("events of a lifecycle", "run -d --name fxev2 --network none busybox sleep 300", "pause fxev2",
                    "unpause fxev2", "rename fxev2 fxev3", "stop -t 1 fxev3", "rm fxev3",
                    "run --rm --network none busybox sleep 1",
                    "events --since 1m --until 0s --filter container=fxev2 --filter container=fxev3 --format "
                            + "'{{.Action}} {{.Actor.Attributes.name}} {{.Actor.Attributes.signal}} {{.Actor.Attributes.exitCode}} {{.Actor.Attributes.oldName}}'"),
            // ps -o ppid: pid 1's parent is 0, the command's is 1 (pids themselves differ between runtimes).
            scenario("init", "run --rm --init --network none busybox ps -o ppid,comm",
                    "run --rm --init --network none busybox sh -c 'sh -c \"sleep 0.1 &\"; sleep 1; ps -o ppid,stat,comm'",
                    "run -d --init --name fx --network none busybox sh -c 'trap \"echo got TERM; exit 0\" TERM; touch /tmp/ready; sleep 300 & wait'",
                    "exec fx sh -c 'until [ -e /tmp/ready ]; do sleep 0.1; done'",
                    "inspect -f '{{.HostConfig.Init}} {{.Path}} {{.Args}}' fx", "ps --no-trunc --format '{{.Names}} {{.Command}}'",
                    "stop fx", "logs fx", "inspect -f '{{.State.ExitCode}}' fx", "diff fx", "rm fx",
                    "create --name fx --network none busybox true", "inspect -f '{{.HostConfig.Init}}' fx",
                    "inspect -f '{{json .HostConfig.Init}}' fx", "create --name fy --init=false --network none busybox true",
                    "inspect -f '{{.HostConfig.Init}}' fy", "rm fx fy"),
            scenario("export missing", "export nosuch", "diff nosuch", "port nosuch", "top nosuch"),
            // Last: it untags busybox for a while ({ARCHIVE} is the busybox archive both loaded).
            scenario("dangling parent", "run --name fx --network none busybox touch /x", "commit fx fx:1",
                    "rmi busybox", "rmi -f busybox", "images -q --filter dangling=true", "images --format '{{.Repository}}'",
                    "image prune -f", "rm fx", "rmi fx:1", "load -i {ARCHIVE}", "images --format '{{.Repository}}:{{.Tag}}'"));

    private static final Pattern ID64 = Pattern.compile("\\b[0-9a-f]{64}\\b");
    private static final Pattern ID12 = Pattern.compile("\\b[0-9a-f]{12}\\b");
    private static final Pattern TIME = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?(Z|[+-]\\d\\d:\\d\\d)");
    private static final Pattern DURATION = Pattern.compile(
            "(Less than a second|About a minute|About an hour|\\d+ (seconds?|minutes?|hours?|days?|weeks?|months?|years?))");

    /**
     * What legitimately differs between the two, made the same: ids, times, durations; docker's
     * "Error response from daemon:" for Berth's "Error:"; runc's wrapping of a process that could
     * not start ("OCI runtime create failed: … : unknown": Berth's native runtime is not runc, the
     * reason itself must match); the CLI's pointer to help after a flag error (docker 28 prints the
     * usage line, docker 20.10 and Berth "See '… --help'."); the doubled slash of docker's
     * {@code lstat //path}.
     */
    static String normalise(String s, boolean sortLines) {
        String t = normalise(s);
        if (!sortLines) {
            return t;
        }
        List<String> lines = new ArrayList<>(t.lines().toList());
        java.util.Collections.sort(lines);
        return lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
    }

    static String normalise(String s) {
        String t = s.replace("Error response from daemon: ", "Error: ");
        t = t.replace("failed to create shim task: OCI runtime create failed: runc create failed: "
                + "unable to start container process: ", "");
        t = t.replace("OCI runtime exec failed: exec failed: unable to start container process: ", "");
        t = t.replaceAll(": unknown(\\r?\\n)", "$1");
        t = t.replaceAll("(?m)^See '(docker|berth) [a-z ]+--help'\\.\\n", "");
        t = t.replaceAll("\\n\\nUsage:  (docker|berth) [^\\n]*\\n", "\n");
        t = t.replace("lstat //", "lstat /");
        // The size of the manifest a push made: each engine writes its own JSON and compresses layers its way.
        t = t.replaceAll("(: digest: sha256:[0-9a-f]{64}) size: \\d+", "$1 size: <SIZE>");
        // docker 28's network rm follows its errors with its own exit status.
        t = t.replaceAll("(?m)^exit status \\d+\\n", "");
        // docker writes what it relays from its runtime over the exec's stream with CRLF.
        t = t.replace("\r\n", "\n");
        // Process ids (top's PID column) are the machine's.
        t = t.replaceAll("(?m)^\\d+(\\s{2,})", "<PID>$1");
        t = t.replaceAll("(?m)^docker: ", "");
        // docker's run prints a pointer to its help after a daemon error; Berth does not.
        t = t.replaceAll("(?m)^\\n?Run 'docker [a-z ]+--help' for more information\\n?", "");
        t = t.replace("'docker ", "'berth ").replace("Usage:  docker ", "Usage:  berth ");
        t = ID64.matcher(t).replaceAll("<ID>");
        t = ID12.matcher(t).replaceAll("<ID>");
        t = TIME.matcher(t).replaceAll("<TIME>");
        t = DURATION.matcher(t).replaceAll("<DURATION>");
        return t;
    }

    /** What one side's commands say for a placeholder; its outputs say the placeholder again. */
    private record Side(Map<String, String> values) {
        String[] fill(List<String> words) {
            return words.stream().map(w -> {
                String out = w;
                for (var e : values.entrySet()) {
                    out = out.replace(e.getKey(), e.getValue());
                }
                return out;
            }).toArray(String[]::new);
        }

        String unfill(String output) {
            String out = output;
            for (var e : values.entrySet()) {
                out = out.replace(e.getValue(), e.getKey());
            }
            return out;
        }

        String compared(Installation.Result r, boolean set) {
            return r.status() + "\n" + normalise(unfill(r.out()), set) + "--\n" + normalise(unfill(r.err()), false);
        }
    }

    @Test
    void berthAnswersAsDockerDoes() throws Exception {
        compare(false);
    }

    /** The same scenarios through the docker CLI on Berth's Docker API socket, beside dockerd. */
    @Test
    void theDockerCliThroughBerthsApiAnswersAsThroughDockerd() throws Exception {
        compare(true);
    }

    private void compare(boolean api) throws Exception {
        Path archive = berth.root.resolveSibling("busybox.tar");
        Path rootfs = java.nio.file.Files.write(berth.root.resolveSibling("rootfs.tar"),
                io.berth.testing.BusyboxImage.build().layers().get(0));
        Path garbage = java.nio.file.Files.write(berth.root.resolveSibling("garbage.tar"),
                "not an archive at all ".repeat(64).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        Path berthDir = java.nio.file.Files.createDirectories(berth.root.resolveSibling("fidelity-berth"));
        Path dockerDir = java.nio.file.Files.createDirectories(berth.root.resolveSibling("fidelity-docker"));
        for (Path dir : List.of(berthDir, dockerDir)) {
            java.nio.file.Files.writeString(dir.resolve("env.list"), "# the caller's\nFX_FROM_CALLER\nFX_UNSET\nB=2\n");
        }
        // Credentials go to the test's directories, never to the machine's ~/.docker.
        berth.configure("registryConfig", berthDir.resolve("config").toString(), "RegistryConfigDir");
        try (Dockerd docker = Dockerd.start(berth.root.resolveSibling("dockerd"));
             var berthRegistry = new io.berth.testing.LocalRegistry(berth.root.resolveSibling("registry-berth"));
             var dockerRegistry = new io.berth.testing.LocalRegistry(berth.root.resolveSibling("registry-docker"))) {
            assertThat(docker.docker("load", "-i", archive.toString()).status()).isZero();
            Map<String, String> common = Map.of("{ARCHIVE}", archive.toString(), "{ROOTFS}", rootfs.toString(),
                    "{GARBAGE}", garbage.toString());
            // Where each keeps registry credentials ({CONFIG}).
            Side b = side(common, berthDir.resolve("config"), berthDir, berthRegistry.host(), "10.201.7", "18371");
            Side d = side(common, docker.configDir(), dockerDir, dockerRegistry.host(), "10.201.8", "18372");
            Map<String, String> different = new LinkedHashMap<>();
            int identical = 0;
            int allowed = 0;
            // -Dfidelity.only=NAME,NAME runs those scenarios alone (when working on them).
            String only = System.getProperty("fidelity.only", "");
            for (Scenario s : SCENARIOS) {
                if (!only.isEmpty() && !List.of(only.split(",")).contains(s.name())) {
                    continue;
                }
                StringBuilder diff = new StringBuilder();
                for (Command command : s.commands()) {
                    Installation.Result br;
                    Installation.Result dr;
                    List<String> apiCli = List.of("docker", "-H", "unix://" + berth.runRoot.resolve("docker.sock"));
                    // The CLI keeps its credentials where Berth keeps its own ({CONFIG}): the same config.json.
                    Map<String, String> apiEnv = Map.of("DOCKER_CONFIG", berthDir.resolve("config").toString());
                    if (command.terminal()) {
                        List<String> bc = new ArrayList<>(api ? apiCli : List.of(berth.home.resolve("bin/berth").toString()));
                        bc.addAll(List.of(b.fill(command.words())));
                        br = inTerminal(bc, api ? apiEnv : Map.of("BERTH_HOST", berth.host()), command.stdin());
                        List<String> dc = new ArrayList<>(docker.cli());
                        dc.addAll(List.of(d.fill(command.words())));
                        dr = inTerminal(dc, Map.of("DOCKER_CONFIG", docker.configDir().toString()), command.stdin());
                        // The container terminal's echo of the NUL that script types when its own input ends (a user
                        // types none): it comes before or after the output, as the race goes, with either engine.
                        br = withoutNulEcho(br);
                        dr = withoutNulEcho(dr);
                    } else {
                        Map<String, String> env = new java.util.HashMap<>(CALLER_ENV);
                        env.put("BERTH_HOST", berth.host());
                        if (api) {
                            List<String> bc = new ArrayList<>(apiCli);
                            bc.addAll(List.of(b.fill(command.words())));
                            ProcessBuilder pb = new ProcessBuilder(bc);
                            pb.environment().remove("DOCKER_HOST");
                            pb.environment().putAll(CALLER_ENV);
                            pb.environment().putAll(apiEnv);
                            br = Installation.run(pb, command.stdin(), String.join(" ", bc));
                        } else {
                            br = berth.run(env, command.stdin(), b.fill(command.words()));
                        }
                        dr = docker.docker(CALLER_ENV, command.stdin(), d.fill(command.words()));
                    }
                    // diff's changes are a set: docker lists them in its filesystem's order, Berth by path.
                    boolean set = command.words().get(0).equals("diff");
                    String bb = b.compared(br, set);
                    String dd = d.compared(dr, set);
                    if (!bb.equals(dd)) {
                        diff.append("  $ ").append(command).append("\n  berth:  ")
                                .append(bb.replace("\n", "\n          ")).append("\n  docker: ")
                                .append(dd.replace("\n", "\n          ")).append('\n');
                    }
                }
                // Whatever a scenario left is not the next one's.
                berth.berth("rm", "-f", "fx", "fy");
                docker.docker("rm", "-f", "fx", "fy");
                berth.berth("network", "rm", "fxn");
                docker.docker("network", "rm", "fxn");
                if (diff.length() == 0) {
                    identical++;
                } else if (ALLOWED.containsKey(s.name())) {
                    allowed++;
                } else {
                    different.put(s.name(), diff.toString());
                }
            }
            StringBuilder report = new StringBuilder((api ? "fidelity through the Docker API: " : "fidelity: ")
                    + SCENARIOS.size() + " scenarios, " + identical + " identical, " + allowed + " allowed, "
                    + different.size() + " different\n");
            different.forEach((name, diff) -> report.append("- ").append(name).append('\n').append(diff));
            System.out.println(report);
            assertThat(different).as(report.toString()).isEmpty();
        }
    }

    private static Side side(Map<String, String> common, Path config, Path dir, String registry, String net, String port) {
        Map<String, String> values = new LinkedHashMap<>(common);
        // Before {DIR}, which may hold it.
        values.put("{CONFIG}", config.toString());
        values.put("{DIR}", dir.toString());
        values.put("{REG}", registry);
        values.put("{NET}", net);
        values.put("{PORT}", port);
        return new Side(values);
    }
}
