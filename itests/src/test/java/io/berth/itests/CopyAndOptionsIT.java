package io.berth.itests;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.testing.Requirements;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code cp -L} and {@code --shm-size} through bin/berth, as docker behaves: a followed link's
 * content copied under the name asked for, resolved inside the container whatever the link says;
 * {@code /dev/shm} sized as asked on every runtime, shown by inspect, kept across a daemon restart.
 */
class CopyAndOptionsIT extends DaemonWithBusybox {
    @Test
    void cpOfDirDotCopiesTheDirectorysContent() throws Exception {
        Path dir = Files.createDirectories(berth.root.resolveSibling("dot-src"));
        Files.writeString(dir.resolve("a"), "a\n");
        ok("run", "-d", "--name", "dots", "busybox", "sh", "-c", "mkdir -p /into /from/sub && echo b > /from/sub/b; sleep 300");
        ok("cp", dir + "/.", "dots:/into");
        ok("cp", dir + "/.", "dots:/fresh");
        assertThat(ok("exec", "dots", "find", "/into", "/fresh").out()).isEqualTo("/into\n/into/a\n/fresh\n/fresh/a\n");
        Path out = Files.createDirectories(berth.root.resolveSibling("dot-out"));
        ok("cp", "dots:/from/.", out.toString());
        assertThat(Files.readString(out.resolve("sub/b"))).isEqualTo("b\n");
        assertThat(out.resolve("from")).doesNotExist();
    }

    @Test
    void cpFollowLinkCopiesWhatTheLinkLeadsToResolvedInsideTheContainer() throws Exception {
        Path host = Files.createDirectories(berth.root.resolveSibling("cp-host"));
        // Where a link climbing out of the container with .. would land on the host if it escaped.
        String unique = "berth-cp-" + UUID.randomUUID();
        Path hostTrap = Path.of("/tmp", unique);
        Files.writeString(hostTrap, "the host's file\n");
        try {
            ok("run", "-d", "--name", "files", "busybox", "sleep", "300");
            ok("exec", "files", "sh", "-c", "mkdir -p /data/dir && echo content > /data/file && ln -s file /data/rel"
                    + " && ln -s /data/file /data/abs && ln -s rel /data/chain && echo in-dir > /data/dir/x"
                    + " && ln -s dir /data/dirlink && ln -s /nothing/here /data/dangling && ln -s busybox /bin/bb"
                    + " && echo \"the container's file\" > /tmp/" + unique
                    + " && ln -s ../../../../../../../../../../../../tmp/" + unique + " /data/up");

            // /bin/bb -> busybox (the image's applets are hard links): the binary with -L, the link without.
            ok("cp", "files:/bin/busybox", host.toString());
            ok("cp", "-L", "files:/bin/bb", host.resolve("bb-copy").toString());
            assertFile(host.resolve("bb-copy"));
            assertThat(Files.mismatch(host.resolve("bb-copy"), host.resolve("busybox"))).isEqualTo(-1L);
            ok("cp", "files:/bin/bb", host.resolve("bb-link").toString());
            assertThat(Files.isSymbolicLink(host.resolve("bb-link"))).isTrue();
            assertThat(Files.readSymbolicLink(host.resolve("bb-link"))).isEqualTo(Path.of("busybox"));
            ok("cp", "--follow-link", "files:/bin/bb", host.toString());
            assertFile(host.resolve("bb"));
            assertThat(Files.mismatch(host.resolve("bb"), host.resolve("busybox"))).isEqualTo(-1L);

            // Into a directory the content takes the link's name, as docker's rebase does:
            // relative, absolute and chained links, and a link to a directory.
            ok("cp", "-L", "files:/data/rel", host.toString());
            assertFile(host.resolve("rel"));
            assertThat(Files.readString(host.resolve("rel"))).isEqualTo("content\n");
            ok("cp", "-L", "files:/data/abs", host.resolve("abs-copy").toString());
            assertFile(host.resolve("abs-copy"));
            assertThat(Files.readString(host.resolve("abs-copy"))).isEqualTo("content\n");
            ok("cp", "-L", "files:/data/chain", host.toString());
            assertFile(host.resolve("chain"));
            assertThat(Files.readString(host.resolve("chain"))).isEqualTo("content\n");
            ok("cp", "-L", "files:/data/dirlink", host.toString());
            assertThat(Files.isDirectory(host.resolve("dirlink"), LinkOption.NOFOLLOW_LINKS)).isTrue();
            assertThat(Files.readString(host.resolve("dirlink/x"))).isEqualTo("in-dir\n");

            // A link climbing out with .. stops at the container's root: the container's file, never the host's.
            ok("cp", "-L", "files:/data/up", host.resolve("up").toString());
            assertFile(host.resolve("up"));
            assertThat(Files.readString(host.resolve("up"))).isEqualTo("the container's file\n");
            Installation.Result dangling = berth.berth("cp", "-L", "files:/data/dangling", host.toString());
            assertThat(dangling.status()).isEqualTo(1);
            assertThat(dangling.err()).isEqualTo("Error: Could not find the file /nothing/here in container files\n");

            // To stdout the tar holds the target, under its own name, as docker streams it.
            Installation.Result tar = berth.berth("cp", "-L", "files:/bin/bb", "-");
            assertThat(tar.status()).isZero();
            assertThat(tarEntryName(tar.stdout())).isEqualTo("busybox");
            assertThat(tar.stdout()[156]).as("a regular file").isEqualTo((byte) '0');

            // A stopped container, mounted for the while, follows its links the same way.
            ok("stop", "-t", "1", "files");
            ok("cp", "-L", "files:/data/up", host.resolve("up-stopped").toString());
            assertFile(host.resolve("up-stopped"));
            assertThat(Files.readString(host.resolve("up-stopped"))).isEqualTo("the container's file\n");

            // The other way: -L copies what a host link leads to, under the link's name.
            Files.writeString(host.resolve("real.txt"), "from the host\n");
            Files.createSymbolicLink(host.resolve("hostlink"), Path.of("real.txt"));
            ok("start", "files");
            ok("cp", "-L", host.resolve("hostlink").toString(), "files:/data/");
            ok("exec", "files", "mkdir", "/data/nofollow");
            ok("cp", host.resolve("hostlink").toString(), "files:/data/nofollow/");
            assertThat(ok("exec", "files", "sh", "-c", "test -f /data/hostlink && ! test -L /data/hostlink && cat /data/hostlink;"
                    + " readlink /data/nofollow/hostlink").out()).isEqualTo("from the host\nreal.txt\n");
            assertThat(Files.readString(hostTrap)).isEqualTo("the host's file\n");
        } finally {
            Files.deleteIfExists(hostTrap);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"native", "runc", "crun"})
    void shmSizeSizesDevShmShowsInInspectAndSurvivesADaemonRestart(String runtime) throws Exception {
        if (!runtime.equals("native")) {
            Requirements.requireTool(runtime, runtime);
        }
        String show = "df -k /dev/shm | tail -n 1; grep ' /dev/shm ' /proc/mounts";
        String sized = ok("run", "--rm", "--runtime", runtime, "--shm-size", "128m", "busybox", "sh", "-c", show).out();
        assertThat(sized).containsPattern("^shm +131072 ").contains(" /dev/shm tmpfs ").contains("size=131072k");
        String plain = ok("run", "--rm", "--runtime", runtime, "busybox", "sh", "-c", show).out();
        assertThat(plain).containsPattern("^shm +65536 ").contains("size=65536k");

        ok("create", "--name", "big", "--runtime", runtime, "--shm-size", "128m", "busybox", "grep", " /dev/shm ", "/proc/mounts");
        ok("create", "--name", "default", "--runtime", runtime, "busybox", "true");
        ok("create", "--name", "zero", "--runtime", runtime, "--shm-size", "0", "busybox", "true");
        assertThat(inspect("big").get("HostConfig").get("ShmSize").asLong()).isEqualTo(134217728L);
        assertThat(inspect("default").get("HostConfig").get("ShmSize").asLong()).isEqualTo(67108864L);
        assertThat(inspect("zero").get("HostConfig").get("ShmSize").asLong()).isEqualTo(67108864L);

        // Invalid sizes are docker's flag errors, status 125, and nothing is made.
        for (String command : new String[] {"run", "create"}) {
            for (String bad : new String[] {"abc", "-1", "1x"}) {
                Installation.Result r = berth.berth(command, "--runtime", runtime, "--shm-size", bad, "busybox", "true");
                assertThat(r.status()).as(command + " --shm-size " + bad).isEqualTo(125);
                assertThat(r.err()).isEqualTo("invalid argument \"" + bad + "\" for \"--shm-size\" flag: invalid size: '"
                        + bad + "'\nSee 'berth " + command + " --help'.\n");
            }
        }
        assertThat(ok("ps", "-aq").out().lines()).hasSize(3);

        // A restarted daemon keeps the size: in inspect and in the mount.
        assertThat(berth.stop(daemon)).isZero();
        daemon = berth.startDaemon();
        JsonNode big = inspect("big");
        assertThat(big.get("HostConfig").get("ShmSize").asLong()).isEqualTo(134217728L);
        assertThat(big.get("HostConfig").get("Runtime").asText()).isEqualTo(runtime);
        assertThat(ok("start", "-a", "big").out()).contains("size=131072k");

        // commit: the container keeps its size; the image carries none, as docker's.
        ok("commit", "big", "shm-committed");
        assertThat(inspect("big").get("HostConfig").get("ShmSize").asLong()).isEqualTo(134217728L);
        assertThat(ok("image", "inspect", "shm-committed").out()).doesNotContain("ShmSize").doesNotContain("134217728");
        assertThat(ok("run", "--rm", "--runtime", runtime, "shm-committed").out()).contains("size=65536k");
        ok("rm", "big");
        ok("rmi", "shm-committed");
    }

    /** A regular file itself, not a link to one. */
    private static void assertFile(Path path) {
        assertThat(Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)).as("%s is a regular file", path).isTrue();
    }

    /** The name of a tar's first entry. */
    private static String tarEntryName(byte[] tar) {
        byte[] name = Arrays.copyOfRange(tar, 0, 100);
        int end = 0;
        while (end < name.length && name[end] != 0) {
            end++;
        }
        return new String(name, 0, end, StandardCharsets.UTF_8);
    }
}
