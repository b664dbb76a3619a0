package io.berth.itests;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Volumes, binds and tmpfs through bin/berth, on every runtime (native, runc, crun): a named
 * volume's data outlives its container and is shared with another running one; read-only mounts
 * refuse writes; an image's VOLUME is filled from the image (owners and modes kept); tmpfs sizes
 * hold; links in an image never take a mount out of the container; names that are paths are
 * refused; a volume in use is not removed; prune and rm -v remove only what they should; a churn of
 * containers with volumes leaves no mount.
 */
class VolumesIT extends DaemonWithBusybox {
    private String mounts() throws Exception {
        return Files.readString(Path.of("/proc/self/mountinfo"));
    }

    @Test
    void aNamedVolumeOutlivesItsContainerAndIsShared() throws Exception {
        for (String runtime : runtimes()) {
            String vol = "data-" + runtime;
            ok("run", "--rm", "--runtime", runtime, "-v", vol + ":/data", "busybox", "sh", "-c", "echo kept > /data/f");
            assertThat(ok("volume", "ls", "-q").out()).contains(vol + "\n");
            String reader = ok("run", "-d", "--runtime", runtime, "-v", vol + ":/data:ro", "busybox", "sleep", "300").out().strip();
            String writer = ok("run", "-d", "--runtime", runtime, "-v", vol + ":/data", "busybox", "sleep", "300").out().strip();
            assertThat(ok("exec", reader, "cat", "/data/f").out()).as(runtime).isEqualTo("kept\n");
            ok("exec", writer, "sh", "-c", "echo shared > /data/g");
            assertThat(ok("exec", reader, "cat", "/data/g").out()).as(runtime).isEqualTo("shared\n");
            Installation.Result refused = berth.berth("exec", reader, "sh", "-c", "echo x > /data/h");
            assertThat(refused.status()).as(runtime).isNotZero();
            assertThat(refused.err()).contains("Read-only file system");
            String mountpoint = ok("volume", "inspect", "-f", "{{.Mountpoint}}", vol).out().strip();
            assertThat(Files.readString(Path.of(mountpoint, "f"))).isEqualTo("kept\n");
            Installation.Result inUse = berth.berth("volume", "rm", vol);
            assertThat(inUse.status()).isEqualTo(1);
            assertThat(inUse.err()).contains("volume is in use").contains(reader);
            ok("rm", "-f", reader, writer);
            ok("volume", "rm", vol);
        }
    }

    @Test
    void anImageVolumeIsFilledFromTheImageWithItsOwnersAndModes() throws Exception {
        ok("run", "--name", "base", "busybox", "sh", "-c",
                "mkdir -p /data/sub && echo from-image > /data/sub/f && chown 1234:5678 /data/sub/f && chmod 640 /data/sub/f "
                        + "&& ln -s sub/f /data/link");
        ok("commit", "-c", "VOLUME /data", "base", "withvolume");
        for (String runtime : runtimes()) {
            String c = ok("run", "-d", "--runtime", runtime, "withvolume", "sleep", "300").out().strip();
            assertThat(ok("exec", c, "stat", "-c", "%u:%g %a", "/data/sub/f").out()).as(runtime).isEqualTo("1234:5678 640\n");
            assertThat(ok("exec", c, "cat", "/data/link").out()).isEqualTo("from-image\n");
            String volume = inspect(c).path("Mounts").get(0).path("Name").asText();
            assertThat(volume).hasSize(64);
            // nocopy: the same path, empty.
            assertThat(ok("run", "--rm", "--runtime", runtime, "-v", "empty-" + runtime + ":/data:nocopy", "withvolume", "ls",
                    "/data").out()).isEmpty();
            ok("rm", "-f", "-v", c);
            assertThat(ok("volume", "ls", "-q").out()).doesNotContain(volume).contains("empty-" + runtime);
        }
    }

    @Test
    void tmpfsSizesHold() throws Exception {
        for (String runtime : runtimes()) {
            Installation.Result small = berth.berth("run", "--rm", "--runtime", runtime, "--mount",
                    "type=tmpfs,destination=/t,tmpfs-size=1048576", "busybox", "sh", "-c",
                    "dd if=/dev/zero of=/t/f bs=1M count=2 2>&1; df -k /t | tail -1");
            assertThat(small.out()).as(runtime).contains("No space left on device");
            assertThat(ok("run", "--rm", "--runtime", runtime, "--tmpfs", "/u:size=2m", "busybox", "sh", "-c",
                    "df -k /u | tail -1").out()).as(runtime).contains(" 2048 ");
        }
    }

    @Test
    void linksInAnImageNeverTakeAMountOutOfTheContainer() throws Exception {
        ok("run", "--name", "links", "busybox", "sh", "-c", "ln -s /etc /data && ln -s ../../../../tmp /up");
        ok("commit", "links", "linked");
        Path host = Files.createTempDirectory(berth.root.getParent(), "bind");
        Files.writeString(host.resolve("marker"), "from the host\n");
        String hostEtc = Files.readString(Path.of("/etc/hostname"));
        for (String runtime : runtimes()) {
            // /data leads to the container's /etc: the bind lands there, not on the host's /etc.
            assertThat(ok("run", "--rm", "--runtime", runtime, "-v", host + ":/data", "linked", "cat", "/etc/marker").out())
                    .as(runtime).isEqualTo("from the host\n");
            assertThat(Files.exists(Path.of("/etc/marker"))).isFalse();
            assertThat(Files.readString(Path.of("/etc/hostname"))).isEqualTo(hostEtc);
            // /up climbs above the root: it stops there, at the container's /tmp.
            ok("run", "--rm", "--runtime", runtime, "-v", "esc-" + runtime + ":/up", "linked", "sh", "-c",
                    "echo inside > /tmp/written");
            assertThat(Files.exists(Path.of("/tmp/written"))).isFalse();
            String mountpoint = ok("volume", "inspect", "-f", "{{.Mountpoint}}", "esc-" + runtime).out().strip();
            assertThat(Files.readString(Path.of(mountpoint, "written"))).isEqualTo("inside\n");
        }
        assertThat(mounts()).doesNotContain(host.toString());
    }

    @Test
    void badNamesAndPathsAreRefused() throws Exception {
        Installation.Result dots = berth.berth("run", "--rm", "-v", "../x:/data", "busybox", "true");
        assertThat(dots.status()).isEqualTo(125);
        Installation.Result slash = berth.berth("volume", "create", "a/b");
        assertThat(slash.status()).isEqualTo(1);
        assertThat(slash.err()).contains("includes invalid characters for a local volume name");
        Installation.Result relative = berth.berth("run", "--rm", "-v", "vol:data", "busybox", "true");
        assertThat(relative.status()).isEqualTo(125);
        Installation.Result missing = berth.berth("run", "--rm", "--mount", "type=bind,source=/nonexistent/x,target=/x",
                "busybox", "true");
        assertThat(missing.status()).isEqualTo(125);
        assertThat(missing.err()).contains("bind source path does not exist: /nonexistent/x");
        assertThat(ok("volume", "ls", "-q").out()).isEmpty();
    }

    @Test
    void pruneAndRmVRemoveOnlyWhatTheyShould() throws Exception {
        ok("volume", "create", "named-unused");
        ok("volume", "create", "named-used");
        String c = ok("create", "-v", "named-used:/a", "-v", "/anon", "busybox", "true").out().strip();
        ok("run", "-v", "/dangling", "--name", "gone", "busybox", "true");
        String dangling = inspect("gone").path("Mounts").get(0).path("Name").asText();
        ok("rm", "gone");
        // Without --all only anonymous volumes nobody uses go.
        String pruned = ok("volume", "prune", "-f").out();
        assertThat(pruned).contains(dangling).doesNotContain("named-unused");
        assertThat(ok("volume", "prune", "-f", "--all").out()).contains("named-unused").doesNotContain("named-used");
        String anon = inspect(c).path("Mounts").toString();
        ok("rm", "-v", c);
        String left = ok("volume", "ls", "-q").out();
        assertThat(left).isEqualTo("named-used\n");
        assertThat(anon).contains("/anon");
        ok("volume", "rm", "named-used");
    }

    @Test
    void aChurnOfContainersWithVolumesLeavesNoMount() throws Exception {
        ok("volume", "create", "--opt", "type=tmpfs", "--opt", "device=tmpfs", "--opt", "o=size=4m", "mem");
        Path bind = Files.createTempDirectory(berth.root.getParent(), "churn");
        for (int i = 0; i < 30; i++) {
            ok("run", "--rm", "-v", "mem:/m", "-v", "disk:/d", "-v", bind + ":/b", "-v", "/anon", "--tmpfs", "/t",
                    "busybox", "sh", "-c", "echo " + i + " > /m/n; echo " + i + " > /d/n");
        }
        String mem = ok("volume", "inspect", "-f", "{{.Mountpoint}}", "mem").out().strip();
        // The tmpfs volume is unmounted after its last user: its data goes with it, as docker's.
        Conditions.await("no mount of the volumes", Duration.ofSeconds(10), () -> !mounts().contains(mem));
        String disk = ok("volume", "inspect", "-f", "{{.Mountpoint}}", "disk").out().strip();
        assertThat(Files.readString(Path.of(disk, "n"))).isEqualTo("29\n");
        assertThat(ok("volume", "ls", "-q").out()).isEqualTo("disk\nmem\n");
        assertThat(mounts()).doesNotContain(berth.root.toString()).doesNotContain(bind.toString());
        ok("volume", "rm", "mem", "disk");
    }

    @Test
    void aKilledDaemonsContainersKeepTheirVolumesAndTheNextDaemonCountsTheirUsers() throws Exception {
        ok("volume", "create", "--opt", "type=tmpfs", "--opt", "device=tmpfs", "--opt", "o=size=4m", "kept");
        String c = ok("run", "-d", "-v", "kept:/k", "busybox", "sh", "-c", "echo before > /k/f; sleep 300").out().strip();
        Conditions.await("the file", Duration.ofSeconds(10), () -> berth.berth("exec", c, "cat", "/k/f").status() == 0);
        String mountpoint = ok("volume", "inspect", "-f", "{{.Mountpoint}}", "kept").out().strip();
        daemon.destroyForcibly().waitFor();
        daemon = startDaemon();
        ok("exec", c, "sh", "-c", "echo after >> /k/f");
        assertThat(ok("exec", c, "cat", "/k/f").out()).isEqualTo("before\nafter\n");
        // One mount, not a second one stacked by the new daemon.
        assertThat(mounts().split(java.util.regex.Pattern.quote(" " + mountpoint + " "), -1)).hasSize(2);
        Installation.Result inUse = berth.berth("volume", "rm", "kept");
        assertThat(inUse.err()).contains("volume is in use - [" + c + "]");
        ok("rm", "-f", c);
        Conditions.await("the volume unmounted after its last user", Duration.ofSeconds(10),
                () -> !mounts().contains(" " + mountpoint + " "));
        ok("volume", "rm", "kept");
    }

    @Test
    void cpReadsAndWritesThroughVolumesAndBindsOfRunningAndStoppedContainers() throws Exception {
        Path host = Files.createTempDirectory(berth.root.getParent(), "cpbind");
        Path file = Files.writeString(berth.root.getParent().resolve("cp-in.txt"), "copied in\n");
        for (String storage : List.of("overlay", "vfs")) {
            for (String runtime : runtimes()) {
                String what = runtime + " on " + storage;
                String vol = "cp-" + runtime + "-" + storage;
                String c = ok("run", "-d", "--runtime", runtime, "--storage-driver", storage, "-v", vol + ":/data",
                        "-v", "ro-" + vol + ":/ro:ro", "-v", host + ":/bind", "--tmpfs", "/t", "busybox", "sh", "-c",
                        "echo from-container > /data/f; echo in-tmpfs > /t/f; sleep 300").out().strip();
                Conditions.await("the files", Duration.ofSeconds(10), () -> berth.berth("exec", c, "cat", "/t/f").status() == 0);
                // Running: the container's own mounts, tmpfs included.
                ok("cp", file.toString(), c + ":/data/in.txt");
                ok("cp", file.toString(), c + ":/bind/in.txt");
                assertThat(ok("exec", c, "cat", "/data/in.txt").out()).as(what).isEqualTo("copied in\n");
                assertThat(Files.readString(host.resolve("in.txt"))).as(what).isEqualTo("copied in\n");
                assertThat(ok("cp", c + ":/t/f", "-").out()).as(what).contains("in-tmpfs");
                assertThat(ok("cp", c + ":/data/f", "-").out()).as(what).contains("from-container");
                Installation.Result ro = berth.berth("cp", file.toString(), c + ":/ro/");
                assertThat(ro.status()).as(what).isEqualTo(1);
                assertThat(ro.err()).contains("mounted volume is marked read-only");
                // A copy of the whole tree holds the volume, not what the kernel shows in /proc.
                String tree = ok("cp", c + ":/", "-").out();
                assertThat(tree).as(what).contains("from-container").doesNotContain("cgroup.procs");
                ok("stop", "-t", "0", c);
                // Stopped: its volumes and binds are mounted for the copy, then unmounted.
                ok("cp", file.toString(), c + ":/data/later.txt");
                assertThat(ok("cp", c + ":/data/later.txt", "-").out()).as(what).contains("copied in");
                assertThat(ok("cp", c + ":/bind/in.txt", "-").out()).as(what).contains("copied in");
                assertThat(berth.berth("cp", file.toString(), c + ":/ro/").err()).contains("mounted volume is marked read-only");
                String mountpoint = ok("volume", "inspect", "-f", "{{.Mountpoint}}", vol).out().strip();
                assertThat(Files.readString(Path.of(mountpoint, "later.txt"))).as(what).isEqualTo("copied in\n");
                assertThat(mounts()).as(what).doesNotContain(mountpoint).doesNotContain(host.toString());
                ok("rm", "-v", c);
                ok("volume", "rm", vol, "ro-" + vol);
            }
        }
        Installation.Result readOnly = berth.berth("run", "--name", "ro-root", "--read-only", "busybox", "true");
        assertThat(readOnly.status()).isZero();
        assertThat(berth.berth("cp", file.toString(), "ro-root:/").err()).contains("container rootfs is marked read-only");
    }

    @Test
    void aContainerSwappingADirectoryForALinkCannotTakeCpOutOfIt() throws Exception {
        Path swap = swapProgram();
        String c = ok("create", "busybox", "/swap", "/x").out().strip();
        ok("cp", swap.toString(), c + ":/swap");
        ok("start", c);
        copiesStayInside(c, c, "/x/");
    }

    @Test
    void aContainerSwappingADirectoryForALinkInASharedVolumeCannotTakeCpOutOfAnother() throws Exception {
        // The swap runs in one container; the copy goes to another that has the same volume (or bind).
        Path swap = swapProgram();
        Path bound = Files.createDirectories(berth.root.getParent().resolve("bound"));
        for (String[] mount : List.of(new String[]{"-v", "shared:/v"}, new String[]{"-v", bound + ":/v"})) {
            String swapper = ok("create", mount[0], mount[1], "busybox", "/swap", "/v/x").out().strip();
            ok("cp", swap.toString(), swapper + ":/swap");
            ok("start", swapper);
            String target = ok("run", "-d", mount[0], mount[1], "busybox", "sleep", "300").out().strip();
            copiesStayInside(swapper, target, "/v/x/");
            ok("rm", "-f", swapper, target);
        }
    }

    /** A static program that swaps DIR (a directory) with a link to / in a tight loop. */
    private Path swapProgram() throws Exception {
        Path source = Files.writeString(berth.root.getParent().resolve("swap.c"), """
                #define _GNU_SOURCE
                #include <fcntl.h>
                #include <stdio.h>
                #include <sys/stat.h>
                #include <unistd.h>
                int main(int argc, char **argv) {
                    char link[4096];
                    snprintf(link, sizeof link, "%s.link", argv[1]);
                    mkdir(argv[1], 0755);
                    symlink("/", link);
                    for (;;)
                        renameat2(AT_FDCWD, argv[1], AT_FDCWD, link, RENAME_EXCHANGE);
                }
                """);
        Path swap = source.resolveSibling("swap");
        HostCommands.run("gcc", "-static", "-O2", "-o", swap.toString(), source.toString());
        return swap;
    }

    /**
     * Copies a tree of many files into {@code target}'s {@code dir} 20 times while {@code swapper}
     * swaps that directory with a link to / as fast as the kernel lets it, in one system call
     * (CVE-2018-15664): each file written is a chance for the swap to win the race, and a copy that
     * resolves the directory and then writes through it may land on the host.
     */
    private void copiesStayInside(String swapper, String target, String dir) throws Exception {
        String marker = "berth-escape-" + Long.toHexString(System.nanoTime());
        Path tree = Files.createDirectories(berth.root.getParent().resolve("tree-" + marker));
        for (int i = 0; i < 500; i++) {
            Files.writeString(tree.resolve(marker + "-" + i), "escaped\n");
        }
        // What an escape would change: the host's root, its entries, its mode and owner (an escaped
        // copy once made its mode 0644, from a tar entry, and left /tree and /f101 there).
        String before = hostRoot();
        try {
            for (int i = 0; i < 20; i++) {
                // The directory's content, each file straight into the directory.
                Installation.Result copy = berth.berth("cp", tree + "/.", target + ":" + dir);
                assertThat(hostRoot()).as("copy " + i).isEqualTo(before);
                // The containers that can reach it are frozen while it is copied into: nothing moves under the copy.
                assertThat(copy.err()).as("copy " + i).isEmpty();
                assertThat(copy.status()).as("copy " + i).isZero();
            }
            assertThat(inspect(swapper).path("State").path("Status").asText()).isEqualTo("running");
            assertThat(inspect(target).path("State").path("Status").asText()).isEqualTo("running");
        } finally {
            for (Path p : escaped(marker)) {
                Files.delete(p);
            }
        }
    }

    /** The host's root as an escaped copy would change it: its mode, owner and entries. */
    private static String hostRoot() throws Exception {
        try (var list = Files.list(Path.of("/"))) {
            return Files.getAttribute(Path.of("/"), "unix:mode") + " " + Files.getAttribute(Path.of("/"), "unix:uid") + " "
                    + list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static List<Path> escaped(String marker) throws Exception {
        try (var list = Files.list(Path.of("/"))) {
            return list.filter(p -> p.getFileName().toString().startsWith(marker)).toList();
        }
    }

    @Test
    void commitDiffAndExportLeaveVolumeContentsOut() throws Exception {
        for (String storage : List.of("overlay", "vfs")) {
            String c = ok("run", "--storage-driver", storage, "-v", "kept-" + storage + ":/data", "-v", "/anon",
                    "busybox", "sh", "-c", "echo vol > /data/in-volume; echo anon > /anon/in-anon; echo layer > /in-layer")
                    .out();
            String id = ok("ps", "-lq").out().strip();
            String diff = ok("diff", id).out();
            assertThat(diff).as(storage).contains("A /in-layer").doesNotContain("in-volume").doesNotContain("in-anon");
            String exported = new String(berth.berth("export", id).stdout(), java.nio.charset.StandardCharsets.ISO_8859_1);
            assertThat(exported).as(storage).contains("in-layer").doesNotContain("in-volume").doesNotContain("in-anon");
            ok("commit", id, "committed-" + storage);
            assertThat(ok("run", "--rm", "-v", "other-" + storage + ":/data", "committed-" + storage, "sh", "-c",
                    "cat /in-layer; find /data /anon -type f").out()).as(storage).isEqualTo("layer\n");
            ok("rm", "-v", id);
            assertThat(c).isEmpty();
        }
    }

    @Test
    void bindPropagationReachesTheContainerOnlyWhenAskedFor() throws Exception {
        Path shared = Files.createTempDirectory(berth.root.getParent(), "shared");
        Path sub = Files.createDirectories(shared.resolve("sub"));
        Files.createDirectories(shared.resolve("back"));
        Installation.Result notShared = berth.berth("run", "--rm", "--mount", "type=bind,source=" + shared
                + ",target=/s,bind-propagation=rshared", "busybox", "true");
        assertThat(notShared.status()).isEqualTo(125);
        assertThat(notShared.err()).contains("path " + shared + " is mounted on ").contains("but it is not a shared mount");
        HostCommands.run("mount", "--bind", shared.toString(), shared.toString());
        try {
            HostCommands.run("mount", "--make-shared", shared.toString());
            java.util.Map<String, String> containers = new java.util.LinkedHashMap<>();
            for (String runtime : runtimes()) {
                for (String propagation : List.of("rprivate", "rslave", "rshared")) {
                    containers.put(runtime + " " + propagation, ok("run", "-d", "--runtime", runtime, "--mount",
                            "type=bind,source=" + shared + ",target=/s,bind-propagation=" + propagation,
                            "busybox", "sleep", "300").out().strip());
                }
            }
            assertThat(inspect(containers.get("native rslave")).path("Mounts").get(0).path("Propagation").asText())
                    .isEqualTo("rslave");
            HostCommands.run("mount", "-t", "tmpfs", "tmpfs", sub.toString());
            try {
                Files.writeString(sub.resolve("f"), "from the host\n");
                containers.forEach((what, c) -> {
                    try {
                        Installation.Result r = berth.berth("exec", c, "cat", "/s/sub/f");
                        if (what.endsWith("rprivate")) {
                            assertThat(r.status()).as(what).isNotZero();
                        } else {
                            assertThat(r.out()).as(what).isEqualTo("from the host\n");
                        }
                    } catch (Exception e) {
                        throw new AssertionError(what, e);
                    }
                });
            } finally {
                HostCommands.run("umount", sub.toString());
            }
            for (String c : containers.values()) {
                ok("rm", "-f", c);
            }
            // rshared goes both ways: what a privileged container mounts there reaches the host.
            for (String runtime : runtimes()) {
                Path back = shared.resolve("back");
                ok("run", "--rm", "--privileged", "--runtime", runtime, "--mount", "type=bind,source=" + shared
                        + ",target=/s,bind-propagation=rshared", "busybox", "sh", "-c",
                        "mount -t tmpfs tmpfs /s/back && echo from-" + runtime + " > /s/back/f");
                try {
                    assertThat(Files.readString(back.resolve("f"))).isEqualTo("from-" + runtime + "\n");
                } finally {
                    HostCommands.run("umount", back.toString());
                }
            }
        } finally {
            HostCommands.run("umount", "-l", shared.toString());
        }
        assertThat(mounts()).doesNotContain(shared.toString());
    }
}
