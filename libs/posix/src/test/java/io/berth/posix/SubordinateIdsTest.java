package io.berth.posix;

import io.berth.api.InvalidArgumentException;
import io.berth.api.runtime.IdMapping;
import io.berth.testing.Requirements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** usernsRemap's users and ranges, read as docker reads them, on a copy of /etc of our own. */
class SubordinateIdsTest {
    private static Path etc(Path tmp) throws Exception {
        Path etc = Files.createDirectories(tmp.resolve("etc"));
        Files.writeString(etc.resolve("passwd"), "root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n");
        Files.writeString(etc.resolve("group"), "root:x:0:\nalice:x:1000:\nstaff:x:50:\n");
        Files.writeString(etc.resolve("shadow"), "root:*:19000:0:99999:7:::\nalice:*:19000:0:99999:7:::\n");
        Files.writeString(etc.resolve("gshadow"), "root:*::\nalice:!::\nstaff:*::\n");
        Files.writeString(etc.resolve("subuid"), "alice:100000:1000\n1000:300000:64536\n");
        Files.writeString(etc.resolve("subgid"), "alice:100000:65536\n");
        return etc;
    }

    @Test
    void aUsersRangesMapFromZeroInFileOrder(@TempDir Path tmp) throws Exception {
        SubordinateIds.Remap r = new SubordinateIds(etc(tmp)).resolve("alice");
        // By name and by number, one after the other.
        assertThat(r.uids()).containsExactly(new IdMapping(0, 100000, 1000), new IdMapping(1000, 300000, 64536));
        assertThat(r.gids()).containsExactly(new IdMapping(0, 100000, 65536));
        assertThatThrownBy(() -> new SubordinateIds(etc(tmp)).resolve("bob")).isInstanceOf(InvalidArgumentException.class)
                .hasMessage("No subuid ranges found for user \"bob\"");
        assertThatThrownBy(() -> new SubordinateIds(etc(tmp)).resolve("alice:staff"))
                .hasMessage("No subgid ranges found for group \"staff\"");
    }

    @Test
    void defaultMakesTheEnginesUserAndItsRangesAfterTheOthers(@TempDir Path tmp) throws Exception {
        Requirements.require(Requirements.isRoot(), "useradd needs root");
        Requirements.requireTool("useradd", "passwd");
        Path etc = etc(tmp);
        SubordinateIds.Remap r = new SubordinateIds(etc).resolve("default");
        assertThat(r.user()).isEqualTo("berth");
        assertThat(Files.readString(etc.resolve("passwd"))).contains("\nberth:x:");
        // After alice's 300000 + 64536 in subuid, after 100000 + 65536 in subgid.
        assertThat(r.uids()).containsExactly(new IdMapping(0, 364536, 65536));
        assertThat(r.gids()).containsExactly(new IdMapping(0, 165536, 65536));
        assertThat(Files.readString(etc.resolve("subuid"))).endsWith("berth:364536:65536\n");
        // A second time: nothing more added.
        String subuid = Files.readString(etc.resolve("subuid"));
        assertThat(new SubordinateIds(etc).resolve("default").uids()).isEqualTo(List.of(new IdMapping(0, 364536, 65536)));
        assertThat(Files.readString(etc.resolve("subuid"))).isEqualTo(subuid);
        assertThat(Files.readString(Path.of("/etc/passwd"))).as("the host's own is untouched").doesNotContain("\nberth:x:");
    }
}
