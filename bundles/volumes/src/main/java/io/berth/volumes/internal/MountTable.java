package io.berth.volumes.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The mount points of this process's mount namespace, as {@code /proc/self/mountinfo} lists them:
 * the kernel's word on what is mounted, which survives the engine's restart where the driver's
 * counts do not.
 */
final class MountTable {
    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    private MountTable() {
    }

    /** Every mount point, in mount order (a point mounted over twice is listed twice). */
    static List<String> mountPoints() throws IOException {
        List<String> points = new ArrayList<>();
        for (String line : Files.readAllLines(MOUNTINFO)) {
            String[] fields = line.split(" ", 6);
            if (fields.length > 4) {
                points.add(unescape(fields[4]));
            }
        }
        return points;
    }

    /** How many mounts are stacked exactly at {@code path} (an absolute path without links). */
    static int count(Path path) throws IOException {
        String wanted = path.toString();
        int n = 0;
        for (String p : mountPoints()) {
            if (p.equals(wanted)) {
                n++;
            }
        }
        return n;
    }

    /** Whether something is mounted exactly at {@code path} (an absolute path without links). */
    static boolean isMountPoint(Path path) throws IOException {
        return count(path) > 0;
    }

    /** The mount points at {@code dir} or below it, deepest last as mounted. */
    static List<String> under(Path dir) throws IOException {
        String top = dir.toString();
        String prefix = top.endsWith("/") ? top : top + "/";
        List<String> found = new ArrayList<>();
        for (String p : mountPoints()) {
            if (p.equals(top) || p.startsWith(prefix)) {
                found.add(p);
            }
        }
        return found;
    }

    /** Mountinfo escapes space, tab, newline and backslash as a backslash and three octal digits. */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && isOctal(s, i + 1)) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '7') {
                return false;
            }
        }
        return true;
    }
}
