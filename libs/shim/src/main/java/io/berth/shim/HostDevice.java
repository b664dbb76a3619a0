package io.berth.shim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A device node of the host, as docker gives every one to a privileged container.
 *
 * @param path its path under {@code /dev}
 * @param type {@code c} or {@code b}
 * @param mode its permission bits
 */
public record HostDevice(Path path, String type, long major, long minor, int mode, int uid, int gid) {
    /** Every character and block device under {@code /dev} but the container's own pts, shm and mqueue. */
    public static List<HostDevice> all() throws IOException {
        List<HostDevice> out = new ArrayList<>();
        try (Stream<Path> all = Files.walk(Path.of("/dev"), 3)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                if (p.startsWith("/dev/pts") || p.startsWith("/dev/shm") || p.startsWith("/dev/mqueue")) {
                    continue;
                }
                Map<String, Object> a;
                try {
                    a = Files.readAttributes(p, "unix:mode,rdev,uid,gid", LinkOption.NOFOLLOW_LINKS);
                } catch (IOException e) {
                    continue;
                }
                int mode = (Integer) a.get("mode");
                int format = mode & 0170000;
                if (format == 0020000 || format == 0060000) {
                    long rdev = (Long) a.get("rdev");
                    out.add(new HostDevice(p, format == 0020000 ? "c" : "b", io.berth.posix.Native.major(rdev),
                            io.berth.posix.Native.minor(rdev), mode & 07777, (Integer) a.get("uid"), (Integer) a.get("gid")));
                }
            }
        }
        return out;
    }
}
