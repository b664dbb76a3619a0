package io.berth.storage.overlay.internal;

import io.berth.posix.Native;
import io.berth.posix.Trees;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether overlayfs works here, tried for real: the kernel must know it, and an overlay with
 * a whiteout in its upper layer must mount on the driver's directory (overlayfs cannot sit on
 * every filesystem, overlayfs itself included, and needs privileges).
 */
final class OverlaySupport {
    private OverlaySupport() {
    }

    /** Why overlay cannot be used in {@code home}, or {@code null} if it can. */
    static String problem(Path home) {
        try {
            if (!Files.readString(Path.of("/proc/filesystems")).contains("\toverlay\n")) {
                return "the kernel does not support overlayfs (no 'overlay' in /proc/filesystems)";
            }
        } catch (IOException e) {
            return "cannot read /proc/filesystems: " + e.getMessage();
        }
        Path probe = null;
        try {
            Files.createDirectories(home);
            probe = Files.createTempDirectory(home, "probe-");
            Path lower = Files.createDirectory(probe.resolve("lower"));
            Path upper = Files.createDirectory(probe.resolve("upper"));
            Path work = Files.createDirectory(probe.resolve("work"));
            Path merged = Files.createDirectory(probe.resolve("merged"));
            Files.writeString(lower.resolve("hidden"), "x", StandardCharsets.UTF_8);
            Native.mknod(upper.resolve("hidden"), Native.S_IFCHR, 0, 0, 0);
            Native.mount("overlay", merged, "overlay", 0,
                    "lowerdir=" + lower + ",upperdir=" + upper + ",workdir=" + work);
            try {
                if (Files.exists(merged.resolve("hidden"))) {
                    return "overlayfs on " + home + " does not honour whiteouts";
                }
            } finally {
                Native.umount(merged, Native.MNT_DETACH);
            }
            return null;
        } catch (IOException | RuntimeException | LinkageError e) {
            return "overlayfs cannot be mounted on " + home + ": " + e.getMessage();
        } finally {
            if (probe != null) {
                try {
                    Trees.delete(probe);
                } catch (IOException e) {
                    // A leftover probe directory is removed by the next probe's parent cleanup.
                }
            }
        }
    }

    /** Whether the kernel's overlay has the {@code index} option. */
    static boolean hasIndexOption() {
        return Files.exists(Path.of("/sys/module/overlay/parameters/index"));
    }
}
