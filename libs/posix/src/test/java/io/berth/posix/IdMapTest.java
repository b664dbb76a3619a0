package io.berth.posix;

import io.berth.api.InvalidArgumentException;
import io.berth.api.runtime.IdMapping;
import io.berth.testing.Requirements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A remapped container's ids both ways, and a tree given its ids (needs root, to chown). */
class IdMapTest {
    private static final IdMap IDS = new IdMap(List.of(new IdMapping(0, 100000, 1000), new IdMapping(1000, 300000, 64536)),
            List.of(new IdMapping(0, 200000, 65536)));

    @Test
    void idsAreMappedBothWaysAndUnmappedOnesAreRefusedGoingInAndOverflowGoingOut() {
        assertThat(IDS.hostUid(0)).isEqualTo(100000);
        assertThat(IDS.hostUid(999)).isEqualTo(100999);
        assertThat(IDS.hostUid(1000)).isEqualTo(300000);
        assertThat(IDS.hostGid(5)).isEqualTo(200005);
        assertThat(IDS.containerUid(300001)).isEqualTo(1001);
        assertThat(IDS.containerGid(200000)).isEqualTo(0);
        assertThat(IDS.containerUid(0)).isEqualTo(IdMap.OVERFLOW_ID);
        assertThatThrownBy(() -> IDS.hostGid(70000)).isInstanceOf(InvalidArgumentException.class)
                .hasMessage("container gid 70000 cannot be mapped to a host gid (the container's user namespace maps 0:200000:65536)");
        assertThat(IdMap.IDENTITY.hostUid(70000)).isEqualTo(70000);
        assertThat(IdMap.IDENTITY.containerUid(123)).isEqualTo(123);
    }

    @Test
    void aTreeGetsTheMappedIdsOnceEachKeepingItsModesAndLinks(@TempDir Path tmp) throws Exception {
        Requirements.require(Requirements.isRoot(), "chown needs root");
        Path root = Files.createDirectories(tmp.resolve("root/bin"));
        Path tool = Files.writeString(root.resolve("tool"), "x");
        Files.setAttribute(tool, "unix:uid", 1000);
        Files.setAttribute(tool, "unix:mode", 04755);
        Files.createLink(root.resolve("same"), tool);
        Files.createSymbolicLink(root.resolve("link"), Path.of("tool"));
        IDS.chownTree(tmp.resolve("root"));
        assertThat(Files.getAttribute(tmp.resolve("root"), "unix:uid")).isEqualTo(100000);
        assertThat(Files.getAttribute(root, "unix:gid")).isEqualTo(200000);
        // A hard link is one inode: shifted once, not twice.
        assertThat(Files.getAttribute(tool, "unix:uid")).isEqualTo(300000);
        assertThat(Files.getAttribute(tool, "unix:mode")).isEqualTo(0104755);
        assertThat(Files.getAttribute(root.resolve("link"), "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(100000);
        // An id the namespace does not map leaves the tree as it is there, and says which.
        Path other = Files.createDirectories(tmp.resolve("other"));
        Files.setAttribute(other, "unix:uid", 70000);
        assertThatThrownBy(() -> IDS.chownTree(other)).hasMessageContaining("container uid 70000 cannot be mapped");
    }
}
