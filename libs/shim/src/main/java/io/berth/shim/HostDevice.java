package io.berth.shim;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A device node of the host, as docker (runc's {@code HostDevices}) gives every one to a
 * privileged container, with its mode and owner.
 *
 * @param path its path under {@code /dev}
 * @param type {@code c} or {@code b}
 * @param mode its permission bits
 */
public record HostDevice(Path path, String type, long major, long minor, int mode, int uid, int gid) {
    /** Directories of /dev that are not the host's devices: the container has its own, or they are not devices. */
    private static final Set<String> SKIPPED = Set.of("pts", "shm", "fd", "mqueue", ".lxc", ".lxd-mounts", ".udev");

    /**
     * Every character and block device under {@code /dev}, at any depth ({@code /dev/net/tun}),
     * but those of the directories the container has its own of, and {@code /dev/console}: a
     * container has one only with a terminal, and then it is that terminal.
     */
    public static List<HostDevice> all() throws IOException {
        List<HostDevice> out = new ArrayList<>();
        Path dev = Path.of("/dev");
        Files.walkFileTree(dev, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                return dir.equals(dev) || !SKIPPED.contains(dir.getFileName().toString()) ? FileVisitResult.CONTINUE
                        : FileVisitResult.SKIP_SUBTREE;
            }

            @Override
            public FileVisitResult visitFile(Path p, BasicFileAttributes attrs) throws IOException {
                if (!p.equals(dev.resolve("console"))) {
                    device(p).ifPresent(out::add);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path p, IOException e) {
                // Gone while /dev was read (a device unplugged): not the container's.
                return FileVisitResult.CONTINUE;
            }
        });
        return out;
    }

    private static Optional<HostDevice> device(Path p) {
        Map<String, Object> a;
        try {
            a = Files.readAttributes(p, "unix:mode,rdev,uid,gid", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            // Gone since it was listed.
            return Optional.empty();
        }
        int mode = (Integer) a.get("mode");
        int format = mode & 0170000;
        if (format != 0020000 && format != 0060000) {
            return Optional.empty();
        }
        long rdev = (Long) a.get("rdev");
        return Optional.of(new HostDevice(p, format == 0020000 ? "c" : "b", io.berth.posix.Native.major(rdev),
                io.berth.posix.Native.minor(rdev), mode & 07777, (Integer) a.get("uid"), (Integer) a.get("gid")));
    }
}
