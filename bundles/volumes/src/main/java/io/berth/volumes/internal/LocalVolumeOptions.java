package io.berth.volumes.internal;

import io.berth.api.InvalidArgumentException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The options of docker's {@code local} volume driver, checked as docker checks them: none (a plain
 * directory), or a filesystem to mount on the volume's data directory, given as {@code mount(8)}
 * would take it: {@code type} (the filesystem type; {@code none} for a bind mount), {@code device}
 * (what to mount: a device, a host directory for {@code bind}, {@code tmpfs}, a remote share) and
 * {@code o} (comma-separated options: the flags mount(2) takes, the rest passed to the filesystem).
 *
 * @param type the filesystem type, or {@code null}
 * @param device what is mounted, or {@code null}
 * @param o the mount options, or {@code null}
 */
record LocalVolumeOptions(String type, String device, String o) {
    /** No options: a plain directory. */
    static final LocalVolumeOptions NONE = new LocalVolumeOptions(null, null, null);

    private static final Set<String> KEYS = Set.of("type", "o", "device", "size");
    /** Docker's: each key given needs these too. Checked in this order, so the message is stable. */
    private static final List<Map.Entry<String, List<String>>> REQUIRED = List.of(
            Map.entry("device", List.of("type")),
            Map.entry("type", List.of("device")),
            Map.entry("o", List.of("device", "type")));
    private static final Pattern SIZE = Pattern.compile("^(\\d+(?:\\.\\d+)?) ?([kKmMgGtTpP])?[iI]?[bB]?$");

    static final long MS_RDONLY = 1;
    static final long MS_NOSUID = 2;
    static final long MS_NODEV = 4;
    static final long MS_NOEXEC = 8;
    static final long MS_SYNCHRONOUS = 16;
    static final long MS_REMOUNT = 32;
    static final long MS_MANDLOCK = 64;
    static final long MS_DIRSYNC = 128;
    static final long MS_NOATIME = 1024;
    static final long MS_NODIRATIME = 2048;
    static final long MS_BIND = 4096;
    static final long MS_REC = 16384;
    static final long MS_SILENT = 32768;
    static final long MS_UNBINDABLE = 1 << 17;
    static final long MS_PRIVATE = 1 << 18;
    static final long MS_SLAVE = 1 << 19;
    static final long MS_SHARED = 1 << 20;
    static final long MS_RELATIME = 1 << 21;
    static final long MS_STRICTATIME = 1 << 24;
    /** The propagation types, which mount(2) takes alone, in a call of their own. */
    static final long PROPAGATION = MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE;

    /** A flag word of {@code o}: set, or cleared (its opposite, as {@code rw} clears {@code ro}). */
    private record Flag(boolean clear, long flag) {
    }

    /** The words of {@code o} that are mount(2) flags (as docker's mount package knows them). */
    private static final Map<String, Flag> FLAGS = Map.ofEntries(
            Map.entry("ro", new Flag(false, MS_RDONLY)),
            Map.entry("rw", new Flag(true, MS_RDONLY)),
            Map.entry("suid", new Flag(true, MS_NOSUID)),
            Map.entry("nosuid", new Flag(false, MS_NOSUID)),
            Map.entry("dev", new Flag(true, MS_NODEV)),
            Map.entry("nodev", new Flag(false, MS_NODEV)),
            Map.entry("exec", new Flag(true, MS_NOEXEC)),
            Map.entry("noexec", new Flag(false, MS_NOEXEC)),
            Map.entry("sync", new Flag(false, MS_SYNCHRONOUS)),
            Map.entry("async", new Flag(true, MS_SYNCHRONOUS)),
            Map.entry("dirsync", new Flag(false, MS_DIRSYNC)),
            Map.entry("remount", new Flag(false, MS_REMOUNT)),
            Map.entry("mand", new Flag(false, MS_MANDLOCK)),
            Map.entry("nomand", new Flag(true, MS_MANDLOCK)),
            Map.entry("atime", new Flag(true, MS_NOATIME)),
            Map.entry("noatime", new Flag(false, MS_NOATIME)),
            Map.entry("diratime", new Flag(true, MS_NODIRATIME)),
            Map.entry("nodiratime", new Flag(false, MS_NODIRATIME)),
            Map.entry("bind", new Flag(false, MS_BIND)),
            Map.entry("rbind", new Flag(false, MS_BIND | MS_REC)),
            Map.entry("unbindable", new Flag(false, MS_UNBINDABLE)),
            Map.entry("runbindable", new Flag(false, MS_UNBINDABLE | MS_REC)),
            Map.entry("private", new Flag(false, MS_PRIVATE)),
            Map.entry("rprivate", new Flag(false, MS_PRIVATE | MS_REC)),
            Map.entry("shared", new Flag(false, MS_SHARED)),
            Map.entry("rshared", new Flag(false, MS_SHARED | MS_REC)),
            Map.entry("slave", new Flag(false, MS_SLAVE)),
            Map.entry("rslave", new Flag(false, MS_SLAVE | MS_REC)),
            Map.entry("relatime", new Flag(false, MS_RELATIME)),
            Map.entry("norelatime", new Flag(true, MS_RELATIME)),
            Map.entry("strictatime", new Flag(false, MS_STRICTATIME)),
            Map.entry("nostrictatime", new Flag(true, MS_STRICTATIME)));

    /**
     * What {@code o} means to mount(2).
     *
     * @param flags the flag word
     * @param data the filesystem's own options, comma-joined ({@code size=100m,uid=1000}), or empty
     */
    record MountFlags(long flags, String data) {
    }

    /**
     * Checks options as docker's local driver does.
     *
     * @throws InvalidArgumentException {@code invalid option key: "KEY"}, {@code missing required
     *         option: "KEY"}, or a size that cannot be honoured
     */
    static LocalVolumeOptions parse(Map<String, String> options) {
        if (options == null || options.isEmpty()) {
            return NONE;
        }
        for (String key : new TreeSet<>(options.keySet())) {
            if (!KEYS.contains(key)) {
                throw new InvalidArgumentException("invalid option key: \"" + key + "\"");
            }
        }
        String size = options.get("size");
        if (size != null && bytes(size) > 0) {
            // Docker honours size with project quotas on xfs only; Berth does not set quotas.
            throw new InvalidArgumentException("quota size requested but no quota support");
        }
        for (Map.Entry<String, List<String>> rule : REQUIRED) {
            if (options.containsKey(rule.getKey())) {
                for (String needed : rule.getValue()) {
                    if (!options.containsKey(needed)) {
                        throw new InvalidArgumentException("missing required option: \"" + needed + "\"");
                    }
                }
            }
        }
        return new LocalVolumeOptions(options.get("type"), options.get("device"), options.get("o"));
    }

    /** Whether a filesystem is mounted on the data directory (docker: a type or a device is given). */
    boolean needsMount() {
        return (type != null && !type.isEmpty()) || (device != null && !device.isEmpty());
    }

    /**
     * Splits {@code o} as docker's mount package does: words it knows as flags set or clear them, in
     * order; every other word goes to the filesystem. Unlike docker, {@code defaults} and empty words
     * are dropped rather than handed to the filesystem, which would refuse them.
     */
    static MountFlags flags(String o) {
        long flags = 0;
        List<String> data = new ArrayList<>();
        if (o != null) {
            for (String word : o.split(",", -1)) {
                Flag f = FLAGS.get(word);
                if (f != null) {
                    flags = f.clear() ? flags & ~f.flag() : flags | f.flag();
                } else if (!word.isEmpty() && !word.equals("defaults")) {
                    data.add(word);
                }
            }
        }
        return new MountFlags(flags, String.join(",", data));
    }

    /** Docker's {@code RAMInBytes}: {@code 100m}, {@code 1GiB}, {@code 512}: binary multiples. */
    static long bytes(String size) {
        Matcher m = SIZE.matcher(size.strip());
        if (!m.matches()) {
            throw new InvalidArgumentException("invalid size: '" + size + "'");
        }
        double value = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2).toLowerCase(Locale.ROOT);
        int shift = switch (unit) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            case "p" -> 50;
            default -> 0;
        };
        return (long) (value * (1L << shift));
    }
}
