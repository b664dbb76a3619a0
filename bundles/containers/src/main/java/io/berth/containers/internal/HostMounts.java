package io.berth.containers.internal;

import io.berth.api.InvalidArgumentException;
import io.berth.posix.Mounts;

import java.io.IOException;
import java.nio.file.Path;

/** What the host's mounts allow a bind mount: its propagation needs the source's mount to propagate. */
final class HostMounts {
    private HostMounts() {
    }

    /**
     * Refuses a bind whose propagation cannot work, as docker does: {@code shared} and
     * {@code rshared} need the source on a shared mount, {@code slave} and {@code rslave} on a
     * shared or slave one.
     */
    static void checkPropagation(Path source, String propagation) throws IOException {
        boolean shared = propagation.endsWith("shared");
        boolean slave = propagation.endsWith("slave");
        if (!shared && !slave) {
            return;
        }
        Mounts.MountEntry m = Mounts.mountOf(source);
        if (shared && !m.shared()) {
            throw new InvalidArgumentException("path " + source + " is mounted on " + m.mountPoint()
                    + " but it is not a shared mount");
        }
        if (slave && !m.shared() && !m.slave()) {
            throw new InvalidArgumentException("path " + source + " is mounted on " + m.mountPoint()
                    + " but it is not a shared or slave mount");
        }
    }
}
