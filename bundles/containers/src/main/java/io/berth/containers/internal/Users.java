package io.berth.containers.internal;

import io.berth.api.InvalidArgumentException;
import io.berth.api.runtime.User;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns {@code --user} ({@code name}, {@code uid}, {@code name:group}, {@code uid:gid}) into ids,
 * from the image's {@code /etc/passwd} and {@code /etc/group}, as runc does: a named user must
 * exist, a numeric one need not; the user's supplementary groups are added when no group is given,
 * and the primary group is always one of them.
 */
final class Users {
    /** A resolved user, and the home directory its passwd entry gives ({@code /} if none). */
    record Resolved(User user, String home) {
    }

    private record Passwd(String name, int uid, int gid, String home) {
    }

    private record Group(String name, int gid, List<String> members) {
    }

    private Users() {
    }

    static Resolved resolve(Path rootfs, String spec) throws IOException {
        String userPart = spec == null ? "" : spec.strip();
        String groupPart = "";
        int colon = userPart.indexOf(':');
        if (colon >= 0) {
            groupPart = userPart.substring(colon + 1);
            userPart = userPart.substring(0, colon);
        }
        List<Passwd> passwd = passwd(ContainerPaths.file(rootfs, "/etc/passwd"));
        int uid = 0;
        int gid = 0;
        String home = "/";
        Passwd match = null;
        if (userPart.isEmpty()) {
            match = passwd.stream().filter(p -> p.uid() == 0).findFirst().orElse(null);
        } else if (isNumber(userPart)) {
            uid = id(userPart, "user");
            int wanted = uid;
            match = passwd.stream().filter(p -> p.uid() == wanted).findFirst().orElse(null);
        } else {
            String wanted = userPart;
            match = passwd.stream().filter(p -> p.name().equals(wanted)).findFirst().orElseThrow(() ->
                    new InvalidArgumentException("unable to find user " + wanted + ": no matching entries in passwd file"));
        }
        if (match != null) {
            uid = match.uid();
            gid = match.gid();
            home = match.home().isEmpty() ? "/" : match.home();
        }
        List<Integer> supplementary = new ArrayList<>();
        if (!groupPart.isEmpty() || (match != null && !userPart.isEmpty() && !isNumber(userPart))) {
            List<Group> groups = groups(ContainerPaths.file(rootfs, "/etc/group"));
            if (!groupPart.isEmpty()) {
                if (isNumber(groupPart)) {
                    gid = id(groupPart, "group");
                } else {
                    String wanted = groupPart;
                    gid = groups.stream().filter(g -> g.name().equals(wanted)).findFirst().orElseThrow(() ->
                            new InvalidArgumentException("unable to find group " + wanted + ": no matching entries in group file"))
                            .gid();
                }
            } else {
                Set<Integer> seen = new LinkedHashSet<>();
                for (Group g : groups) {
                    if (g.members().contains(match.name())) {
                        seen.add(g.gid());
                    }
                }
                supplementary.addAll(seen);
            }
        }
        // The primary group is a supplementary one too, as containerd has it since CVE-2023-25173.
        Set<Integer> all = new LinkedHashSet<>();
        all.add(gid);
        all.addAll(supplementary);
        return new Resolved(new User(uid, gid, List.copyOf(all)), home);
    }

    private static boolean isNumber(String s) {
        return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
    }

    private static int id(String s, String what) {
        try {
            long n = Long.parseLong(s);
            if (n <= Integer.MAX_VALUE) {
                return (int) n;
            }
        } catch (NumberFormatException e) {
            // Falls through.
        }
        throw new InvalidArgumentException(what + " id " + s + " is out of range");
    }

    private static List<String> lines(Path file) throws IOException {
        if (file == null || !Files.isRegularFile(file)) {
            return List.of();
        }
        if (Files.size(file) > (16 << 20)) {
            throw new InvalidArgumentException("the container's " + file.getFileName() + " file is larger than 16 MiB");
        }
        return List.of(new String(Files.readAllBytes(file), StandardCharsets.UTF_8).split("\n"));
    }

    private static List<Passwd> passwd(Path file) throws IOException {
        List<Passwd> entries = new ArrayList<>();
        for (String line : lines(file)) {
            String[] f = line.strip().split(":", -1);
            if (line.isBlank() || line.startsWith("#") || f.length < 4 || !isNumber(f[2]) || !isNumber(f[3])) {
                continue;
            }
            try {
                entries.add(new Passwd(f[0], Integer.parseInt(f[2]), Integer.parseInt(f[3]), f.length > 5 ? f[5] : ""));
            } catch (NumberFormatException e) {
                // An id out of range: not an entry runc would use either.
            }
        }
        return entries;
    }

    private static List<Group> groups(Path file) throws IOException {
        List<Group> entries = new ArrayList<>();
        for (String line : lines(file)) {
            String[] f = line.strip().split(":", -1);
            if (line.isBlank() || line.startsWith("#") || f.length < 3 || !isNumber(f[2])) {
                continue;
            }
            List<String> members = new ArrayList<>();
            if (f.length > 3) {
                for (String m : f[3].split(",")) {
                    if (!m.isBlank()) {
                        members.add(m.strip());
                    }
                }
            }
            try {
                entries.add(new Group(f[0], Integer.parseInt(f[2]), members));
            } catch (NumberFormatException e) {
                // Skipped as runc skips it.
            }
        }
        return entries;
    }
}
