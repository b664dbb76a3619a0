package io.berth.volumes.internal;

import io.berth.api.InvalidArgumentException;
import io.berth.posix.MsFlags;

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
                MsFlags.Word f = MsFlags.word(word);
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
