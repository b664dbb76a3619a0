package io.berth.posix;

import io.berth.api.InvalidArgumentException;
import io.berth.api.runtime.IdMapping;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The host's subordinate ids ({@code /etc/subuid}, {@code /etc/subgid}) as docker's
 * {@code userns-remap} reads them: the ranges of a user (by name or number) in file order, mapped
 * from container id 0 up. {@code default} names a user of the engine's own ({@code berth}), made
 * with {@code useradd} and given 65536 ids after every range already there if it has none.
 */
public final class SubordinateIds {
    /** What {@code usernsRemap = default} names, as docker's {@code dockremap}. */
    public static final String DEFAULT_USER = "berth";
    private static final long FIRST = 100_000;
    private static final long SIZE = 65_536;

    private final Path etc;

    /** @param etc where passwd, group, subuid and subgid are ({@code /etc} but in tests) */
    public SubordinateIds(Path etc) {
        this.etc = etc;
    }

    /** The uid and gid mappings of a {@code usernsRemap} value: {@code default}, {@code USER} or {@code USER:GROUP}. */
    public record Remap(String user, String group, List<IdMapping> uids, List<IdMapping> gids) {
    }

    public Remap resolve(String remap) throws IOException {
        String user = remap;
        String group = remap;
        if (remap.equals("default")) {
            user = DEFAULT_USER;
            group = DEFAULT_USER;
            ensureDefaultUser();
        } else if (remap.contains(":")) {
            user = remap.substring(0, remap.indexOf(':'));
            group = remap.substring(remap.indexOf(':') + 1);
        }
        if (user.isEmpty() || group.isEmpty()) {
            throw new InvalidArgumentException("invalid usernsRemap \"" + remap + "\": want default, USER or USER:GROUP");
        }
        List<IdMapping> uids = mappings(etc.resolve("subuid"), user, idOf(etc.resolve("passwd"), user));
        if (uids.isEmpty()) {
            throw new InvalidArgumentException("No subuid ranges found for user \"" + user + "\"");
        }
        List<IdMapping> gids = mappings(etc.resolve("subgid"), group, idOf(etc.resolve("group"), group));
        if (gids.isEmpty()) {
            throw new InvalidArgumentException("No subgid ranges found for group \"" + group + "\"");
        }
        return new Remap(user, group, uids, gids);
    }

    /** The ranges of {@code name} (or of its number) in a subordinate id file, as mappings from container id 0. */
    static List<IdMapping> mappings(Path file, String name, String number) throws IOException {
        List<IdMapping> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        long next = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] f = line.strip().split(":");
            if (f.length != 3 || line.startsWith("#") || !(f[0].equals(name) || f[0].equals(number))) {
                continue;
            }
            try {
                long start = Long.parseLong(f[1]);
                long count = Long.parseLong(f[2]);
                out.add(new IdMapping(next, start, count));
                next += count;
            } catch (IllegalArgumentException e) {
                throw new InvalidArgumentException(file + ": invalid range \"" + line + "\"");
            }
        }
        return out;
    }

    /** The number a name has in passwd or group, or the name itself when it is one (or unknown). */
    private static String idOf(Path db, String name) throws IOException {
        if (Files.exists(db)) {
            for (String line : Files.readAllLines(db, StandardCharsets.UTF_8)) {
                String[] f = line.split(":");
                if (f.length > 2 && f[0].equals(name)) {
                    return f[2];
                }
            }
        }
        return name;
    }

    /** The engine's user and its ranges, made if missing. */
    private void ensureDefaultUser() throws IOException {
        if (idOf(etc.resolve("passwd"), DEFAULT_USER).equals(DEFAULT_USER)) {
            run("useradd", "--prefix", etc.getParent().toString(), "--system", "--user-group", "--no-create-home",
                    "--shell", "/usr/sbin/nologin", DEFAULT_USER);
        }
        for (String name : List.of("subuid", "subgid")) {
            Path file = etc.resolve(name);
            if (!mappings(file, DEFAULT_USER, "").isEmpty()) {
                continue;
            }
            String existing = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
            long start = FIRST;
            for (String line : existing.split("\n")) {
                String[] f = line.strip().split(":");
                if (f.length == 3 && f[1].matches("\\d+") && f[2].matches("\\d+")) {
                    start = Math.max(start, Long.parseLong(f[1]) + Long.parseLong(f[2]));
                }
            }
            String content = existing + (existing.isEmpty() || existing.endsWith("\n") ? "" : "\n")
                    + DEFAULT_USER + ":" + start + ":" + SIZE + "\n";
            Path tmp = Files.writeString(file.resolveSibling("." + name + ".berth"), content, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void run(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command));
        }
    }
}
