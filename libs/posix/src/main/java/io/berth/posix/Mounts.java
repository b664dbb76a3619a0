package io.berth.posix;

import io.berth.api.storage.Mount;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Performs a storage driver's mounts on a directory, as a runtime does with a container's root
 * filesystem.
 */
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

    /** Detaches whatever is mounted at {@code target}. */
    public static void unmount(Path target) throws IOException {
        Native.umount(target, Native.MNT_DETACH);
    }

    /** Whether something is mounted exactly at {@code target}, by /proc/self/mountinfo. */
    public static boolean isMountPoint(Path target) throws IOException {
        String wanted = target.toAbsolutePath().normalize().toString();
        for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ", 6);
            if (f.length > 4 && unescape(f[4]).equals(wanted)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A mount as /proc/self/mountinfo shows it: where it is, whether it is shared or a slave, and
     * its per-mount options ({@code rw}, {@code nosuid}, {@code relatime}…).
     */
    public record MountEntry(Path mountPoint, boolean shared, boolean slave, List<String> options) {
        public MountEntry {
            options = List.copyOf(options);
        }
    }

    /**
     * The mount that holds {@code path} (its real path, links followed): the deepest mount point
     * above it, the last mounted there when several are.
     */
    public static MountEntry mountOf(Path path) throws IOException {
        Path real = path.toRealPath();
        MountEntry found = null;
        int depth = -1;
        for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ");
            if (f.length < 7) {
                continue;
            }
            Path point = Path.of(unescape(f[4]));
            if (real.startsWith(point) && point.getNameCount() >= depth) {
                boolean shared = false;
                boolean slave = false;
                for (int i = 6; i < f.length && !f[i].equals("-"); i++) {
                    shared |= f[i].startsWith("shared:");
                    slave |= f[i].startsWith("master:");
                }
                found = new MountEntry(point, shared, slave, List.of(f[5].split(",")));
                depth = point.getNameCount();
            }
        }
        if (found == null) {
            throw new IOException("no mount holds " + real);
        }
        return found;
    }

    /** Mountinfo escapes space, tab, newline and backslash as octal. */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
