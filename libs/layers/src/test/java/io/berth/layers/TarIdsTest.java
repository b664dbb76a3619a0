package io.berth.layers;

import io.berth.api.runtime.IdMapping;
import io.berth.layers.tar.TarHeader;
import io.berth.layers.tar.TarReader;
import io.berth.layers.tar.TarWriter;
import io.berth.posix.IdMap;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A remapped container's diff, rewritten with the container's ids for its commit. */
class TarIdsTest {
    @Test
    void ownersBecomeTheContainersAndEverythingElseIsKept() throws Exception {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        TarWriter w = new TarWriter(tar);
        TarHeader dir = new TarHeader("etc/", TarHeader.DIRECTORY);
        dir.uid = 100000;
        dir.gid = 100000;
        dir.mode = 0755;
        w.putEntry(dir);
        TarHeader file = new TarHeader("etc/f", TarHeader.REGULAR);
        file.uid = 101000;
        file.gid = 101001;
        file.mode = 04750;
        file.userName = "hostuser";
        file.size = 5;
        file.xattrs.put("user.k", "v".getBytes(StandardCharsets.UTF_8));
        w.putEntry(file);
        w.write("hello".getBytes(StandardCharsets.UTF_8), 0, 5);
        TarHeader stray = new TarHeader("etc/stray", TarHeader.SYMLINK);
        stray.linkName = "f";
        stray.uid = 0; // not the container's: what it sees as the overflow id
        w.putEntry(stray);
        w.finish();

        IdMap ids = new IdMap(List.of(new IdMapping(0, 100000, 65536)), List.of(new IdMapping(0, 100000, 65536)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TarIds.toContainer(new ByteArrayInputStream(tar.toByteArray()), out, ids);

        TarReader r = new TarReader(new ByteArrayInputStream(out.toByteArray()));
        TarHeader h = r.next();
        assertThat(h.name).isEqualTo("etc/");
        assertThat(h.uid).isZero();
        h = r.next();
        assertThat(h.name).isEqualTo("etc/f");
        assertThat(h.uid).isEqualTo(1000);
        assertThat(h.gid).isEqualTo(1001);
        assertThat(h.mode).isEqualTo(04750);
        assertThat(h.userName).isEmpty();
        assertThat(h.xattrs).containsKey("user.k");
        assertThat(new String(r.content().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello");
        h = r.next();
        assertThat(h.linkName).isEqualTo("f");
        assertThat(h.uid).isEqualTo(IdMap.OVERFLOW_ID);
        assertThat(r.next()).isNull();
    }
}
