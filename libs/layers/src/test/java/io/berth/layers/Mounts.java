package io.berth.layers;

import io.berth.api.storage.Mount;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Performs a storage driver's mounts on a directory, as a runtime would, for tests. */
public final class Mounts {
    private Mounts() {
    }

    /** Mounts the root filesystem described by {@code mounts} at {@code target}; undo with {@link #unmount}. */
    public static void mount(List<Mount> mounts, Path target) throws IOException {
        for (Mount m : mounts) {
            boolean ro = m.options().contains("ro");
            if (m.type().equals("bind")) {
                Native.mount(m.source(), target, null, Native.MS_BIND | Native.MS_REC, null);
                if (ro) {
                    Native.mount(m.source(), target, null, Native.MS_BIND | Native.MS_REC | Native.MS_RDONLY | 32 /* MS_REMOUNT */, null);
                }
            } else {
                List<String> data = new ArrayList<>();
                for (String o : m.options()) {
                    if (!o.equals("ro") && !o.equals("rw")) {
                        data.add(o);
                    }
                }
                Native.mount(m.source(), target, m.type(), ro ? Native.MS_RDONLY : 0, String.join(",", data));
            }
        }
    }

    public static void unmount(Path target) throws IOException {
        Native.umount(target, Native.MNT_DETACH);
    }
}
