package io.berth.volumes.internal;

import io.berth.posix.Native;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What a test leaves mounted under its directory: unmounted, and returned so the test fails. */
final class MountsLeft {
    private MountsLeft() {
    }

    /**
     * Unmounts everything mounted at or below {@code dir}, deepest first.
     *
     * @return the mount points found
     */
    static List<String> cleanUp(Path dir) throws IOException {
        Path real = dir.toRealPath();
        List<String> found = MountTable.under(real);
        List<String> reversed = new ArrayList<>(found);
        java.util.Collections.reverse(reversed);
        for (String p : reversed) {
            Native.umount(Path.of(p), Native.MNT_DETACH);
        }
        return found;
    }
}
