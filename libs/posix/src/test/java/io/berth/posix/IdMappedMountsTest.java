package io.berth.posix;

import io.berth.api.runtime.IdMapping;
import io.berth.testing.Requirements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Id-mapped mounts as user-namespace remapping will use them: a directory bound through a user
 * namespace that maps 0 to 100000 shows its root-owned files as 100000's; an overlay whose lower
 * layers are such mounts shows the image's files as the mapped root's, and what the mapped root
 * writes goes to a plain upper directory as 100000's. (An id-mapped upper layer needs the overlay
 * mounted with the mapped root's credentials: root's own, unmapped there, make the kernel mount
 * it read-only, EOVERFLOW on its work directory.)
 */
class IdMappedMountsTest {
    private static final List<IdMapping> MAP = List.of(new IdMapping(0, 100000, 65536));

    private static int uid(Path p) throws Exception {
        return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }

    @Test
    void aBindAndAnOverlayOnIdMappedLayersShiftOwners(@TempDir Path tmp) throws Exception {
        Requirements.require(Requirements.isRoot(), "id-mapped mounts need root");
        Path busybox = Requirements.requireTool("busybox", "busybox-static");
        // The mapped root (100000 on the host) must reach the merged directory.
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path lower = Files.createDirectories(tmp.resolve("lower"));
        Files.writeString(lower.resolve("f"), "from the image\n");
        Path upperAndWork = Files.createDirectories(tmp.resolve("container"));
        // The upper layer belongs to the mapped root, as docker's remapped roots do.
        Files.setAttribute(Files.createDirectories(upperAndWork.resolve("upper")), "unix:uid", 100000);
        Files.setAttribute(upperAndWork.resolve("upper"), "unix:gid", 100000);
        Files.createDirectories(upperAndWork.resolve("work"));
        Path mappedLower = Files.createDirectories(tmp.resolve("mapped-lower"));
        Path merged = Files.createDirectories(tmp.resolve("merged"));
        try (UserNamespaces.Handle ns = UserNamespaces.create(MAP, MAP)) {
            Native.bindIdMapped(lower, mappedLower, ns.fd());
            try {
                assertThat(uid(mappedLower.resolve("f"))).isEqualTo(100000);
                assertThat(uid(lower.resolve("f"))).isZero();
                Native.mount("overlay", merged, "overlay", 0, "lowerdir=" + mappedLower + ",upperdir="
                        + upperAndWork.resolve("upper") + ",workdir=" + upperAndWork.resolve("work"));
            } finally {
                // The overlay keeps its own reference to its layers: their mount can go at once.
                Mounts.unmount(mappedLower);
            }
            try {
                assertThat(uid(merged.resolve("f"))).isEqualTo(100000);
                // The container's root (100000 on the host) writes: its file, in the upper layer.
                Process p = new ProcessBuilder("setpriv", "--reuid=100000", "--regid=100000", "--clear-groups",
                        busybox.toString(), "sh", "-c", "echo written > " + merged.resolve("g")).inheritIO().start();
                assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
                assertThat(p.exitValue()).isZero();
                assertThat(uid(merged.resolve("g"))).isEqualTo(100000);
                assertThat(uid(upperAndWork.resolve("upper/g"))).isEqualTo(100000);
                assertThat(Files.readString(merged.resolve("f"))).isEqualTo("from the image\n");
            } finally {
                Mounts.unmount(merged);
            }
        }
        assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(tmp.toString());
    }

    @Test
    void idsMapAsTheRangesSay() {
        List<IdMapping> two = List.of(new IdMapping(0, 100000, 1000), new IdMapping(1000, 300000, 64536));
        assertThat(IdMapping.toHost(two, 0)).isEqualTo(100000);
        assertThat(IdMapping.toHost(two, 999)).isEqualTo(100999);
        assertThat(IdMapping.toHost(two, 1000)).isEqualTo(300000);
        assertThat(IdMapping.toHost(two, 65536)).isEqualTo(-1);
        assertThat(two.get(1).mapLine()).isEqualTo("1000 300000 64536\n");
    }
}
