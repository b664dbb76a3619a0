package io.berth.containers.internal;

import io.berth.api.InvalidArgumentException;

import java.util.List;

/**
 * A container's {@code --security-opt}s, read as docker reads them: {@code no-new-privileges[=BOOL]},
 * {@code seccomp=unconfined|builtin|JSON}, {@code label=…} and {@code apparmor=…} (taken, and
 * meaning nothing on a host without SELinux or AppArmor, as with docker there), {@code KEY:VALUE}
 * as an old spelling of {@code KEY=VALUE}; anything else is refused in docker's words.
 */
final class SecurityOptions {
    private SecurityOptions() {
    }

    /** Refuses what docker refuses, when the container is made. */
    static void check(List<String> options) {
        for (String opt : options) {
            if (opt.equals("no-new-privileges") || opt.equals("disable")) {
                continue;
            }
            String[] kv = split(opt);
            if (kv == null) {
                throw new InvalidArgumentException("invalid --security-opt 1: \"" + opt + "\"");
            }
            switch (kv[0]) {
                case "label", "apparmor" -> {
                }
                case "seccomp" -> {
                    if (!kv[1].equals(SeccompProfiles.UNCONFINED) && !kv[1].equals(SeccompProfiles.BUILTIN)) {
                        SeccompProfiles.parse(kv[1]);
                    }
                }
                case "no-new-privileges" -> parseBool(kv[1], opt);
                default -> throw new InvalidArgumentException("invalid --security-opt 2: \"" + opt + "\"");
            }
        }
    }

    /** The seccomp profile asked for: {@code unconfined}, {@code builtin} (the default) or a profile's JSON; the last one counts. */
    static String seccomp(List<String> options) {
        String chosen = SeccompProfiles.BUILTIN;
        for (String opt : options) {
            String[] kv = split(opt);
            if (kv != null && kv[0].equals("seccomp")) {
                chosen = kv[1];
            }
        }
        return chosen;
    }

    /**
     * Whether {@code no_new_privs} is set: on unless privileged (Berth's default, stricter than
     * docker's, see the README), as a {@code no-new-privileges[=BOOL]} says otherwise; the last one counts.
     */
    static boolean noNewPrivileges(List<String> options, boolean privileged) {
        boolean on = !privileged;
        for (String opt : options) {
            if (opt.equals("no-new-privileges")) {
                on = true;
                continue;
            }
            String[] kv = split(opt);
            if (kv != null && kv[0].equals("no-new-privileges")) {
                on = parseBool(kv[1], opt);
            }
        }
        return on;
    }

    private static String[] split(String opt) {
        int at = opt.indexOf('=');
        if (at < 0) {
            at = opt.indexOf(':');
        }
        return at < 0 ? null : new String[] {opt.substring(0, at), opt.substring(at + 1)};
    }

    /** Go's strconv.ParseBool. */
    private static boolean parseBool(String value, String opt) {
        return switch (value) {
            case "1", "t", "T", "true", "TRUE", "True" -> true;
            case "0", "f", "F", "false", "FALSE", "False" -> false;
            default -> throw new InvalidArgumentException("invalid --security-opt 2: \"" + opt + "\"");
        };
    }
}
