package io.berth.itests;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code usernsRemap = default} on every runtime (native, runc, crun) and both storage drivers:
 * containers run in a user namespace whose root is the first id of the {@code berth} user's
 * subordinate range; what they write is owned by the mapped ids on the host; a host file only
 * root may read stays unreadable to them; commit, cp and export still carry the container's ids;
 * {@code --userns=host} opts out and {@code --privileged} is refused as docker refuses it.
 *
 * <p>The {@code berth} user and its ranges are made by the engine if missing (as docker makes
 * {@code dockremap}); the test removes them afterwards if the host did not have them before.
 */
class UsernsRemapIT extends DaemonWithBusybox {
    private boolean hadUser;
    private long uid;
    private long gid;

    @BeforeEach
    void remap() throws Exception {
        hadUser = Files.readString(Path.of("/etc/passwd")).lines().anyMatch(l -> l.startsWith("berth:"));
        berth.configure("usernsRemap", "default", "UsernsRemap");
        uid = firstId("/etc/subuid");
        gid = firstId("/etc/subgid");
    }

    @AfterEach
    void removeUser() throws Exception {
        if (!hadUser && Files.readString(Path.of("/etc/passwd")).lines().anyMatch(l -> l.startsWith("berth:"))) {
            Process p = new ProcessBuilder("userdel", "berth").inheritIO().start();
            assertThat(p.waitFor()).isZero();
            for (String f : List.of("/etc/subuid", "/etc/subgid")) {
                Path path = Path.of(f);
                List<String> kept = Files.readAllLines(path).stream().filter(l -> !l.startsWith("berth:")).toList();
                Files.write(path, kept);
            }
        }
    }

    private static long firstId(String file) throws Exception {
        return Files.readAllLines(Path.of(file)).stream().filter(l -> l.startsWith("berth:"))
                .map(l -> Long.parseLong(l.split(":")[1])).findFirst().orElseThrow();
    }

    private static String owner(Path p) throws Exception {
        Map<String, Object> a = Files.readAttributes(p, "unix:uid,gid", LinkOption.NOFOLLOW_LINKS);
        return a.get("uid") + ":" + a.get("gid");
    }

    @Test
    void containersRunWithTheMappedIdsOnEveryRuntimeAndStorageDriver() throws Exception {
        String map = "0 " + uid + " 65536";
        assertThat(ok("info").out()).contains("userns").contains("berth:berth");

        Path secret = berth.root.resolveSibling("secret");
        Files.writeString(secret, "only root\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));

        for (String storage : List.of("overlay", "vfs")) {
            for (String runtime : runtimes()) {
                String as = runtime + "/" + storage;
                List<String> run = List.of("run", "--rm", "--runtime", runtime, "--storage-driver", storage);
                assertThat(ok(cat(run, "busybox", "cat", "/proc/self/uid_map", "/proc/self/gid_map")).out()
                        .replaceAll(" +", " ").lines().map(String::strip).toList())
                        .as(as).containsExactly(map, "0 " + gid + " 65536");
                assertThat(ok(cat(run, "busybox", "id", "-u")).out()).as(as).isEqualTo("0\n");
                // The host's root-only file, bound in: the container's root is nobody to it.
                Installation.Result denied = berth.berth(cat(run, "-v", secret + ":/secret", "busybox", "cat", "/secret")
                        .toArray(String[]::new));
                assertThat(denied.status()).as(as).isEqualTo(1);
                assertThat(denied.err()).as(as).contains("Permission denied");

                String vol = "v-" + runtime + "-" + storage;
                String c = ok("run", "-d", "--runtime", runtime, "--storage-driver", storage, "-v", vol + ":/data", "-w", "/made",
                        "busybox", "sh", "-c", "echo hi > /data/f && echo root > /f && touch here && sleep 300").out().strip();
                Conditions.await("the container's files", java.time.Duration.ofSeconds(10),
                        () -> berth.berth("exec", c, "test", "-e", "/made/here").status() == 0);
                assertThat(ok("exec", c, "cat", "/proc/self/uid_map").out().strip().replaceAll(" +", " ")).as(as).isEqualTo(map);
                assertThat(ok("exec", c, "stat", "-c", "%u:%g", "/f", "/data/f", "/made/here", "/etc/hosts").out())
                        .as(as).isEqualTo("0:0\n0:0\n0:0\n0:0\n");
                // On the host, the mapped ids.
                String volume = ok("volume", "inspect", "-f", "{{.Mountpoint}}", vol).out().strip();
                assertThat(owner(Path.of(volume, "f"))).as(as).isEqualTo(uid + ":" + gid);
                Path upper = Path.of(ok("inspect", "-f", storage.equals("vfs") ? "{{.GraphDriver.Data.Dir}}"
                        : "{{.GraphDriver.Data.UpperDir}}", c).out().strip());
                assertThat(owner(upper.resolve("f"))).as(as).isEqualTo(uid + ":" + gid);
                if (storage.equals("vfs")) {
                    // vfs: the container's copy of the image has the mapped ids.
                    assertThat(owner(upper.resolve("bin/busybox"))).as(as).isEqualTo(uid + ":" + gid);
                } else {
                    // overlay: the image's layer on disk is unchanged (mapped only as mounted), shared with everyone.
                    Path layer = java.util.Arrays.stream(ok("inspect", "-f", "{{.GraphDriver.Data.LowerDir}}", c).out().strip()
                            .split(":")).map(Path::of).filter(d -> Files.exists(d.resolve("bin/busybox"))).findFirst().orElseThrow();
                    assertThat(owner(layer.resolve("bin/busybox"))).as(as).isEqualTo("0:0");
                }
                assertThat(inspect(c).path("IdMappings").path("UidMap").get(0).path("HostID").asLong()).isEqualTo(uid);
                assertThat(inspect(c).path("HostConfig").path("UsernsMode").asText()).isEmpty();

                // cp in: the container's ids become the host's; cp out and commit: the container's again.
                Path file = berth.root.resolveSibling("in-" + runtime + storage);
                Files.writeString(file, "copied\n");
                ok("cp", file.toString(), c + ":/copied");
                assertThat(ok("exec", c, "stat", "-c", "%u:%g", "/copied").out()).as(as).isEqualTo("0:0\n");
                assertThat(owner(upper.resolve("copied"))).as(as).isEqualTo(uid + ":" + gid);
                ok("exec", c, "sh", "-c", "touch /owned && chown 1000:1001 /owned");
                assertThat(owner(upper.resolve("owned"))).as(as).isEqualTo((uid + 1000) + ":" + (gid + 1001));
                String image = "committed-" + runtime + "-" + storage;
                ok("commit", c, image);
                assertThat(ok("run", "--rm", "--userns=host", "--runtime", runtime, "--storage-driver", storage, image, "stat",
                        "-c", "%u:%g %n", "/f", "/owned", "/copied", "/bin/busybox").out())
                        .as(as).isEqualTo("0:0 /f\n1000:1001 /owned\n0:0 /copied\n0:0 /bin/busybox\n");
                String tar = ok("export", c).out();
                assertThat(tar).as(as).contains("owned");
                ok("rm", "-f", c);
                ok("rmi", image);
                ok("volume", "rm", vol);
            }
        }
        // --userns=host: the host's ids; --privileged needs it.
        assertThat(ok("run", "--rm", "--userns=host", "busybox", "cat", "/proc/self/uid_map").out().strip().replaceAll(" +", " "))
                .isEqualTo("0 0 4294967295");
        Installation.Result privileged = berth.berth("run", "--rm", "--privileged", "busybox", "true");
        assertThat(privileged.status()).isEqualTo(125);
        assertThat(privileged.err()).contains("privileged mode is incompatible with user namespaces");
        ok("run", "--rm", "--privileged", "--userns=host", "busybox", "true");
    }

    @Test
    void anInitRunsInTheUserNamespaceOnEveryRuntime() throws Exception {
        io.berth.testing.Requirements.require(Files.isRegularFile(Path.of("/usr/bin/tini-static")),
                "tini is not installed (apt-get install tini)");
        for (String runtime : runtimes()) {
            // The host's init, bound read-only into the remapped container, is its pid 1; the command its child.
            assertThat(ok("run", "--rm", "--init", "--runtime", runtime, "busybox", "sh", "-c",
                    "cat /proc/self/uid_map; ps -o pid,ppid,comm | sed -n 2p; touch /sbin/docker-init 2>&1 || true").out()
                    .replaceAll(" +", " ").lines().map(String::strip).toList())
                    .as(runtime).containsExactly("0 " + uid + " 65536", "1 0 docker-init",
                            "touch: /sbin/docker-init: Read-only file system");
        }
    }

    private static List<String> cat(List<String> head, String... tail) {
        List<String> all = new java.util.ArrayList<>(head);
        all.addAll(List.of(tail));
        return all;
    }

    private Installation.Result ok(List<String> args) throws Exception {
        return ok(args.toArray(String[]::new));
    }
}
