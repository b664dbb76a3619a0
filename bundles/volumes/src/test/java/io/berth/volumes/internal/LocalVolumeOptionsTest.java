package io.berth.volumes.internal;

import io.berth.api.InvalidArgumentException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.berth.posix.MsFlags.MS_BIND;
import static io.berth.posix.MsFlags.MS_NODEV;
import static io.berth.posix.MsFlags.MS_NOEXEC;
import static io.berth.posix.MsFlags.MS_NOSUID;
import static io.berth.posix.MsFlags.MS_PRIVATE;
import static io.berth.posix.MsFlags.MS_RDONLY;
import static io.berth.posix.MsFlags.MS_REC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Docker's local driver options: which keys, which go together, and what {@code o} means to mount(2). */
class LocalVolumeOptionsTest {
    @Test
    void noOptionsIsAPlainDirectory() {
        assertThat(LocalVolumeOptions.parse(Map.of())).isEqualTo(LocalVolumeOptions.NONE);
        assertThat(LocalVolumeOptions.parse(null).needsMount()).isFalse();
    }

    @Test
    void typeDeviceAndO() {
        LocalVolumeOptions o = LocalVolumeOptions.parse(Map.of("type", "tmpfs", "device", "tmpfs", "o", "size=100m,uid=1000"));
        assertThat(o).isEqualTo(new LocalVolumeOptions("tmpfs", "tmpfs", "size=100m,uid=1000"));
        assertThat(o.needsMount()).isTrue();
    }

    @Test
    void unknownKeysAndMissingCompanionsAreRefusedInDockersWords() {
        assertThatThrownBy(() -> LocalVolumeOptions.parse(Map.of("foo", "bar")))
                .isInstanceOf(InvalidArgumentException.class).hasMessage("invalid option key: \"foo\"");
        assertThatThrownBy(() -> LocalVolumeOptions.parse(Map.of("type", "tmpfs")))
                .isInstanceOf(InvalidArgumentException.class).hasMessage("missing required option: \"device\"");
        assertThatThrownBy(() -> LocalVolumeOptions.parse(Map.of("device", "/dev/x")))
                .hasMessage("missing required option: \"type\"");
        assertThatThrownBy(() -> LocalVolumeOptions.parse(Map.of("o", "bind", "device", "/x")))
                .hasMessage("missing required option: \"type\"");
        assertThatThrownBy(() -> LocalVolumeOptions.parse(Map.of("size", "10m")))
                .hasMessage("quota size requested but no quota support");
        assertThatThrownBy(() -> LocalVolumeOptions.parse(Map.of("size", "lots")))
                .hasMessage("invalid size: 'lots'");
        assertThat(LocalVolumeOptions.parse(Map.of("size", "0")).needsMount()).isFalse();
    }

    @Test
    void oSplitsIntoFlagsAndData() {
        LocalVolumeOptions.MountFlags f = LocalVolumeOptions.flags("ro,nosuid,size=1m,nodev,uid=1000,noexec");
        assertThat(f.flags()).isEqualTo(MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC);
        assertThat(f.data()).isEqualTo("size=1m,uid=1000");
        // Later words win: rw clears ro; suid clears nosuid.
        assertThat(LocalVolumeOptions.flags("ro,nosuid,rw,suid").flags()).isZero();
        assertThat(LocalVolumeOptions.flags("rbind,rprivate").flags()).isEqualTo(MS_BIND | MS_REC | MS_PRIVATE);
        assertThat(LocalVolumeOptions.flags("bind").flags()).isEqualTo(MS_BIND);
        assertThat(LocalVolumeOptions.flags("defaults,,addr=1.2.3.4").data()).isEqualTo("addr=1.2.3.4");
        assertThat(LocalVolumeOptions.flags(null)).isEqualTo(new LocalVolumeOptions.MountFlags(0, ""));
    }

    @Test
    void sizesAreBinaryMultiples() {
        assertThat(LocalVolumeOptions.bytes("512")).isEqualTo(512);
        assertThat(LocalVolumeOptions.bytes("1k")).isEqualTo(1024);
        assertThat(LocalVolumeOptions.bytes("100m")).isEqualTo(100L << 20);
        assertThat(LocalVolumeOptions.bytes("1.5GiB")).isEqualTo(3L << 29);
    }
}
