package io.berth.views;

import io.berth.api.InvalidArgumentException;
import io.berth.api.container.MountSpec;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The mount options of {@code run} and {@code create} ({@code -v}, {@code --mount},
 * {@code --volumes-from}, {@code --volume-driver}), read as docker 20.10 reads them and turned
 * into the request's binds (the {@code -v} strings that name a source, as docker keeps them) and
 * mounts (every {@code -v} and {@code --mount}, in the form the container service takes).
 *
 * <p>Errors come in docker's two kinds: what {@code --mount}'s own parser refuses
 * ({@code invalid argument "…" for "--mount" flag: target is required}), a flag error of status
 * 125; and what docker's daemon refuses when it makes the container ({@code invalid volume
 * specification: …}, {@code invalid mount config for type "bind": …}, {@code Duplicate mount
 * point: /data}, a name that is not a local volume's), an {@link InvalidArgumentException} in the
 * daemon's words and in its order: the {@code --mount}s checked first, then {@code --volumes-from},
 * then each {@code -v}, then each {@code --mount} against those before it. Whether a bind's
 * source exists and whether a {@code --volumes-from} container does are the container
 * service's to say.
 */
public final class VolumeMounts {
    /** docker's {@code names.RestrictedNamePattern}, which the local volume driver requires of a name. */
    private static final Pattern LOCAL_NAME = Pattern.compile("^[a-zA-Z0-9][a-zA-Z0-9_.-]+$");
    private static final String LOCAL_NAME_CHARS = "[a-zA-Z0-9][a-zA-Z0-9_.-]";
    private static final Set<String> PROPAGATIONS = Set.of("private", "rprivate", "shared", "rshared", "slave", "rslave");
    private static final Set<String> CONSISTENCIES = Set.of("consistent", "cached", "delegated");

    /**
     * The request's mounts.
     *
     * @param binds {@code HostConfig.Binds}: the {@code -v} strings with a source, as given, once each
     * @param mounts the mounts of {@code -v} (binds and volumes, then anonymous volumes) and of {@code --mount}
     * @param volumesFrom {@code --volumes-from}, each {@code CONTAINER[:ro|rw]}
     * @param volumeDriver {@code --volume-driver}, or {@code null}
     */
    public record Result(List<String> binds, List<MountSpec> mounts, List<String> volumesFrom, String volumeDriver) {
    }

    private VolumeMounts() {
    }

    /**
     * The request's mounts, checked as docker's daemon checks them when it makes the container.
     *
     * @param flagMounts what {@link #parseMountFlags} read
     * @param tmpfs {@code --tmpfs}'s paths, which a bind may not take again
     */
    public static Result parse(List<String> volume, List<MountSpec> flagMounts, List<String> volumesFrom, String volumeDriver,
                        Set<String> tmpfs) {
        String driver = volumeDriver == null || volumeDriver.isEmpty() ? null : volumeDriver;
        // docker's CLI: each -v once; those with a source are binds, the others anonymous volumes.
        // (Its parser also takes a one-letter first part for a Windows drive, so that -v a:/x is an
        // anonymous volume at "/a:/x"; here any value with a colon is a bind, and that one is
        // refused for its name, as the daemon would refuse it.)
        List<String> binds = new ArrayList<>();
        List<String> anonymous = new ArrayList<>();
        for (String v : new LinkedHashSet<>(volume)) {
            (v.indexOf(':') < 0 ? anonymous : binds).add(v);
        }

        // docker's daemon: the mounts checked as a whole first (validateHostConfig)…
        for (MountSpec m : flagMounts) {
            validate(m);
        }
        // …then, as it registers the mount points, --volumes-from, the binds, the mounts.
        List<String> from = new ArrayList<>();
        for (String f : volumesFrom) {
            from.add(volumesFrom(f));
        }
        List<MountSpec> mounts = new ArrayList<>();
        Set<String> taken = new HashSet<>();
        for (String raw : binds) {
            MountSpec m = parseBind(raw);
            if (taken.contains(m.target()) || tmpfs.contains(m.target())) {
                throw duplicate(m.target());
            }
            checkVolumeName(m, driver);
            taken.add(m.target());
            mounts.add(m);
        }
        for (MountSpec m : flagMounts) {
            String target = io.berth.api.Names.cleanPath(m.target());
            if (taken.contains(target)) {
                // docker names the target as it was given here.
                throw duplicate(m.target());
            }
            checkVolumeName(m, m.volumeDriver() != null ? m.volumeDriver() : driver);
            taken.add(target);
            mounts.add(m);
        }
        // The anonymous volumes of -v PATH, where nothing else is mounted (docker skips the others).
        for (String a : anonymous) {
            if (a.isEmpty()) {
                throw new InvalidArgumentException("invalid volume specification: ''");
            }
            // docker's daemon takes a relative path inside the container's root.
            String target = io.berth.api.Names.cleanPath("/" + a);
            if (taken.add(target) && !tmpfs.contains(target)) {
                mounts.add(new MountSpec("volume", "", target, false, "", false, false, null, Map.of(), 0, 0));
            }
        }
        return new Result(binds, mounts, from, driver);
    }

    private static InvalidArgumentException duplicate(String target) {
        return new InvalidArgumentException("Duplicate mount point: " + target);
    }

    // ---------------------------------------------------------------- -v

    /**
     * A bind as docker's daemon parses it ({@code ParseMountRaw}): {@code SOURCE:TARGET[:MODE]}, a
     * source that is an absolute path a bind (its missing directory made), any other a volume's
     * name; the mode {@code ro}/{@code rw}, {@code z}/{@code Z} (accepted, without effect here),
     * {@code nocopy} (volumes), a propagation (binds), a consistency, comma-separated, one of each.
     */
    public static MountSpec parseBind(String raw) {
        if (raw.chars().filter(c -> c == ':').count() > 2) {
            throw invalidSpec(raw);
        }
        String[] arr = raw.split(":", 3);
        if (arr[0].isEmpty()) {
            throw invalidSpec(raw);
        }
        String source = "";
        String target;
        String mode = "";
        if (arr.length == 1) {
            target = arr[0];
        } else {
            if (arr.length == 2 && validMode(arr[1])) {
                // A destination and a mode: volumes cannot have a mode (/foo:rw).
                throw invalidSpec(raw);
            }
            source = arr[0];
            target = arr[1];
            if (arr.length == 3) {
                mode = arr[2];
            }
        }
        if (!validMode(mode)) {
            throw new InvalidArgumentException("invalid mode: " + mode);
        }
        String type = source.startsWith("/") ? "bind" : "volume";
        boolean readOnly = List.of(mode.split(",", -1)).contains("ro");
        boolean noCopy = List.of(mode.split(",", -1)).contains("nocopy");
        String propagation = "";
        for (String o : mode.split(",", -1)) {
            if (PROPAGATIONS.contains(o)) {
                propagation = o;
                break;
            }
        }
        String error = mountError(type, source, target, readOnly, !propagation.isEmpty(), propagation, noCopy);
        if (error != null) {
            throw new InvalidArgumentException("invalid volume specification: '" + raw + "': " + error);
        }
        return new MountSpec(type, type.equals("bind") ? io.berth.api.Names.cleanPath(source) : source, io.berth.api.Names.cleanPath(target), readOnly, propagation,
                type.equals("bind"), noCopy, null, Map.of(), 0, 0);
    }

    private static InvalidArgumentException invalidSpec(String raw) {
        return new InvalidArgumentException("invalid volume specification: '" + raw + "'");
    }

    /** docker's {@code linuxValidMountMode}: each option known, at most one of each kind. */
    public static boolean validMode(String mode) {
        if (mode.isEmpty()) {
            return true;
        }
        int rw = 0;
        int label = 0;
        int propagation = 0;
        int copy = 0;
        int consistency = 0;
        for (String o : mode.split(",", -1)) {
            if (o.equals("rw") || o.equals("ro")) {
                rw++;
            } else if (o.equals("z") || o.equals("Z")) {
                label++;
            } else if (PROPAGATIONS.contains(o)) {
                propagation++;
            } else if (o.equals("nocopy")) {
                copy++;
            } else if (CONSISTENCIES.contains(o)) {
                consistency++;
            } else {
                return false;
            }
        }
        return rw <= 1 && label <= 1 && propagation <= 1 && copy <= 1 && consistency <= 1;
    }

    // ---------------------------------------------------------------- --mount

    /**
     * One {@code --mount} value as docker's CLI reads it ({@code opts.MountOpt}): CSV fields
     * {@code key=value}, keys case-insensitive, {@code type} {@code volume} unless given.
     *
     * @throws IllegalArgumentException in docker's words, for the flag error
     */
    public static MountSpec parseMount(String value) {
        List<String> fields = csvRecord(value);
        String type = "volume";
        String source = "";
        String target = "";
        boolean readOnly = false;
        boolean bindOptions = false;
        String propagation = "";
        boolean volumeOptions = false;
        boolean noCopy = false;
        String driver = null;
        Map<String, String> driverOptions = new LinkedHashMap<>();
        boolean tmpfsOptions = false;
        long size = 0;
        int mode = 0;
        for (String field : fields) {
            String[] parts = field.split("=", 2);
            String key = parts[0].toLowerCase(Locale.ROOT);
            if (parts.length == 1) {
                // The options that may stand alone, as flags.
                if (key.equals("readonly") || key.equals("ro")) {
                    readOnly = true;
                    continue;
                }
                if (key.equals("volume-nocopy")) {
                    volumeOptions = true;
                    noCopy = true;
                    continue;
                }
                if (key.equals("bind-nonrecursive")) {
                    throw unsupported(key);
                }
                throw new IllegalArgumentException("invalid field '" + field + "' must be a key=value pair");
            }
            String v = parts[1];
            switch (key) {
                case "type" -> type = v.toLowerCase(Locale.ROOT);
                case "source", "src" -> source = v;
                case "target", "dst", "destination" -> target = v;
                case "readonly", "ro" -> readOnly = parseBool(key, v);
                case "consistency" -> {
                    // Accepted as docker accepts it on Linux, where it means nothing.
                }
                case "bind-propagation" -> {
                    bindOptions = true;
                    propagation = v.toLowerCase(Locale.ROOT);
                }
                case "bind-nonrecursive" -> {
                    bindOptions = true;
                    if (parseBool(key, v)) {
                        throw unsupported(key);
                    }
                }
                case "volume-nocopy" -> {
                    volumeOptions = true;
                    try {
                        noCopy = goBool(v);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("invalid value for volume-nocopy: " + v);
                    }
                }
                case "volume-label" -> throw unsupported(key);
                case "volume-driver" -> {
                    volumeOptions = true;
                    driver = v;
                }
                case "volume-opt" -> {
                    volumeOptions = true;
                    String[] kv = v.split("=", 2);
                    driverOptions.put(kv[0], kv.length == 1 ? "" : kv[1]);
                }
                case "tmpfs-size" -> {
                    tmpfsOptions = true;
                    try {
                        size = Sizes.parseBytes(v);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("invalid value for " + key + ": " + v);
                    }
                }
                case "tmpfs-mode" -> {
                    tmpfsOptions = true;
                    try {
                        long m = Long.parseLong(v, 8);
                        if (m < 0 || m > 0xffffffffL || v.startsWith("+") || v.startsWith("-")) {
                            throw new NumberFormatException(v);
                        }
                        mode = (int) m;
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("invalid value for " + key + ": " + v);
                    }
                }
                default -> throw new IllegalArgumentException("unexpected key '" + key + "' in '" + field + "'");
            }
        }
        if (type.isEmpty()) {
            throw new IllegalArgumentException("type is required");
        }
        if (target.isEmpty()) {
            throw new IllegalArgumentException("target is required");
        }
        if (volumeOptions && !type.equals("volume")) {
            throw new IllegalArgumentException("cannot mix 'volume-*' options with mount type '" + type + "'");
        }
        if (bindOptions && !type.equals("bind")) {
            throw new IllegalArgumentException("cannot mix 'bind-*' options with mount type '" + type + "'");
        }
        if (tmpfsOptions && !type.equals("tmpfs")) {
            throw new IllegalArgumentException("cannot mix 'tmpfs-*' options with mount type '" + type + "'");
        }
        return new MountSpec(type, source, target, readOnly, propagation, false, noCopy,
                driver == null || driver.isEmpty() ? null : driver, driverOptions, size, mode);
    }

    /** What docker takes and Berth cannot do: refused rather than ignored. */
    private static IllegalArgumentException unsupported(String key) {
        return new IllegalArgumentException("'" + key + "' is not supported by Berth");
    }

    private static boolean parseBool(String key, String value) {
        try {
            return goBool(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid value for " + key + ": " + value);
        }
    }

    /** Go's {@code strconv.ParseBool}. */
    public static boolean goBool(String value) {
        return switch (value) {
            case "1", "t", "T", "TRUE", "true", "True" -> true;
            case "0", "f", "F", "FALSE", "false", "False" -> false;
            default -> throw new IllegalArgumentException(value);
        };
    }

    /**
     * One record as Go's {@code encoding/csv} reads the first line of a value: fields separated by
     * commas, a field in double quotes may hold commas and doubled quotes; a quote elsewhere is an
     * error, and so is an empty value ({@code EOF}).
     */
    public static List<String> csvRecord(String line) {
        int newline = line.indexOf('\n');
        if (newline >= 0) {
            line = line.substring(0, newline);
        }
        if (line.endsWith("\r")) {
            line = line.substring(0, line.length() - 1);
        }
        if (line.isEmpty()) {
            throw new IllegalArgumentException("EOF");
        }
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = 0;
        while (true) {
            if (i < line.length() && line.charAt(i) == '"') {
                int start = i;
                i++;
                while (true) {
                    if (i >= line.length()) {
                        throw csvError(line.length(), "extraneous or missing \" in quoted-field", line);
                    }
                    char c = line.charAt(i);
                    if (c == '"') {
                        if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                            field.append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        if (i < line.length() && line.charAt(i) != ',') {
                            throw csvError(i, "extraneous or missing \" in quoted-field", line);
                        }
                        break;
                    }
                    field.append(c);
                    i++;
                }
            } else {
                while (i < line.length() && line.charAt(i) != ',') {
                    if (line.charAt(i) == '"') {
                        throw csvError(i, "bare \" in non-quoted-field", line);
                    }
                    field.append(line.charAt(i));
                    i++;
                }
            }
            fields.add(field.toString());
            field.setLength(0);
            if (i >= line.length()) {
                return fields;
            }
            i++;
        }
    }

    /** Go's {@code csv.ParseError} of line 1 at a character, its column the 1-based byte position (Go 1.17 on). */
    private static IllegalArgumentException csvError(int charIndex, String message, String line) {
        int column = line.substring(0, Math.min(charIndex, line.length())).getBytes(StandardCharsets.UTF_8).length + 1;
        return new IllegalArgumentException("parse error on line 1, column " + column + ": " + message);
    }

    /**
     * docker's daemon's check of a {@code --mount} ({@code ValidateMountConfig}), but for whether a
     * bind's source exists, which the container service checks.
     */
    public static void validate(MountSpec m) {
        String error = mountError(m.type(), m.source(), m.target(), m.readOnly(), !m.bindPropagation().isEmpty(),
                m.bindPropagation(), false);
        if (error != null) {
            throw new InvalidArgumentException(error);
        }
    }

    /**
     * docker's {@code validateMountConfigImpl}: {@code invalid mount config for type "T": …}, or
     * {@code null} when the mount is valid.
     *
     * @param volumeOptions whether volume options were given (refused on a bind)
     */
    private static String mountError(String type, String source, String target, boolean readOnly, boolean bindOptions,
                                     String propagation, boolean volumeOptions) {
        String why = null;
        if (target.isEmpty()) {
            why = "field Target must not be empty";
        } else if (io.berth.api.Names.cleanPath(target.replace('\\', '/')).equals("/")) {
            why = "invalid specification: destination can't be '/'";
        } else if (!target.replace('\\', '/').startsWith("/")) {
            why = "invalid mount path: '" + target.replace('\\', '/') + "' mount path must be absolute";
        } else {
            switch (type) {
                case "bind" -> {
                    if (source.isEmpty()) {
                        why = "field Source must not be empty";
                    } else if (bindOptions && !PROPAGATIONS.contains(propagation)) {
                        why = "invalid propagation mode: " + propagation;
                    } else if (volumeOptions) {
                        why = "field VolumeOptions must not be specified";
                    } else if (!source.replace('\\', '/').startsWith("/")) {
                        why = "invalid mount path: '" + source.replace('\\', '/') + "' mount path must be absolute";
                    }
                }
                case "volume" -> {
                    if (bindOptions) {
                        why = "field BindOptions must not be specified";
                    } else if (source.isEmpty() && readOnly) {
                        why = "must not set ReadOnly mode when using anonymous volumes";
                    }
                }
                case "tmpfs" -> {
                    if (!source.isEmpty()) {
                        why = "field Source must not be specified";
                    }
                }
                default -> why = "mount type unknown";
            }
        }
        return why == null ? null : "invalid mount config for type \"" + type + "\": " + why;
    }

    /**
     * The check docker's local volume driver makes of a name it is to create, in the words docker's
     * daemon reports it ({@code create NAME: …}); other drivers check their own names.
     */
    private static void checkVolumeName(MountSpec m, String driver) {
        if (!m.type().equals("volume") || m.source().isEmpty() || driver != null && !driver.equals("local")) {
            return;
        }
        String name = m.source();
        if (name.length() == 1) {
            throw new InvalidArgumentException("create " + name
                    + ": volume name is too short, names should be at least two alphanumeric characters");
        }
        if (!LOCAL_NAME.matcher(name).matches()) {
            throw new InvalidArgumentException("create " + name + ": " + goQuote(name) + " includes invalid characters "
                    + "for a local volume name, only " + goQuote(LOCAL_NAME_CHARS) + " are allowed. If you intended to "
                    + "pass a host directory, use absolute path");
        }
    }

    /** Go's {@code %q} of a plain string. */
    public static String goQuote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    // ---------------------------------------------------------------- --volumes-from

    /**
     * docker's daemon's {@code ParseVolumesFrom}: {@code CONTAINER[:MODE]}, the mode a valid one
     * without a propagation or {@code nocopy}. A mode with more than {@code ro} or {@code rw}
     * ({@code ro,z}) is given to the service as the {@code ro} or {@code rw} it means, or without
     * a mode when it says neither (the source's own is kept).
     */
    public static String volumesFrom(String spec) {
        if (spec.isEmpty()) {
            throw new InvalidArgumentException("volumes-from specification cannot be an empty string");
        }
        String[] parts = spec.split(":", 2);
        if (parts.length == 1) {
            return spec;
        }
        String mode = parts[1];
        boolean propagation = false;
        for (String o : mode.split(",", -1)) {
            propagation |= PROPAGATIONS.contains(o);
        }
        if (!validMode(mode) || propagation || List.of(mode.split(",", -1)).contains("nocopy")) {
            throw new InvalidArgumentException("invalid mode: " + mode);
        }
        if (mode.equals("ro") || mode.equals("rw")) {
            return spec;
        }
        List<String> options = List.of(mode.split(",", -1));
        return options.contains("ro") ? parts[0] + ":ro" : options.contains("rw") ? parts[0] + ":rw" : parts[0];
    }
}
