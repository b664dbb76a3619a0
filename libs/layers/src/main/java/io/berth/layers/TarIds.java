package io.berth.layers;

import io.berth.layers.tar.TarHeader;
import io.berth.layers.tar.TarReader;
import io.berth.layers.tar.TarWriter;
import io.berth.posix.IdMap;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Rewrites the owners of a tar's entries. */
public final class TarIds {
    private TarIds() {
    }

    /**
     * Copies a tar of a remapped container's files as the host stores them (a storage driver's
     * diff of its snapshot) with the container's ids instead: what a commit must hold, since the
     * image is run by other containers with other ids. Entries, data, links and extended
     * attributes are copied as they are; only the numeric owners change (the names are dropped:
     * they named the host's users).
     */
    public static void toContainer(InputStream tar, OutputStream out, IdMap ids) throws IOException {
        TarReader in = new TarReader(tar);
        TarWriter w = new TarWriter(out);
        for (TarHeader h = in.next(); h != null; h = in.next()) {
            h.uid = ids.containerUid(h.uid);
            h.gid = ids.containerGid(h.gid);
            h.userName = "";
            h.groupName = "";
            w.putEntry(h);
            if (h.isRegular()) {
                w.write(in.content());
            }
        }
        w.finish();
    }
}
