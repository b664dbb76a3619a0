package io.berth.shim;

import io.berth.api.InvalidArgumentException;
import io.berth.posix.Native;

import java.io.IOException;
import java.util.List;

/**
 * The resources of {@code setrlimit(2)} by the names specs use ({@code RLIMIT_NOFILE}), and what
 * a start refused for one says. A container's limits are given exactly as asked or the start
 * fails, as with runc: a hard limit above the engine's own (which the shim and the runtime
 * inherit) can be set only with {@code CAP_SYS_RESOURCE}.
 */
public final class Rlimits {
    /** The names, by resource number (asm-generic/resource.h). */
    private static final List<String> NAMES = List.of("RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK",
            "RLIMIT_CORE", "RLIMIT_RSS", "RLIMIT_NPROC", "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS", "RLIMIT_LOCKS",
            "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME");

    private Rlimits() {
    }

    /** The resource's number. */
    public static int number(String type) {
        int n = NAMES.indexOf(type);
        if (n < 0) {
            throw new InvalidArgumentException("unknown rlimit " + type);
        }
        return n;
    }

    /** The resource's name, or its number if it has none here. */
    public static String name(int number) {
        return number >= 0 && number < NAMES.size() ? NAMES.get(number) : Integer.toString(number);
    }

    /** The engine's own hard limit of the resource; -1 for unlimited. */
    public static long engineHardLimit(String type) throws IOException {
        return Native.rlimit(number(type))[1];
    }

    /**
     * What a start refused because a hard limit is above the engine's own says, in the words of
     * berth-shim's own refusal (mounts.c), with {@code error} the system's words for EPERM.
     */
    public static String aboveEngineHardLimit(String type, long asked, long own, String error) {
        return "setrlimit " + type + ": hard limit " + format(asked)
                + " is above the engine's hard limit " + format(own) + " (raising it needs CAP_SYS_RESOURCE): " + error;
    }

    private static String format(long limit) {
        return limit == -1 ? "unlimited" : Long.toUnsignedString(limit);
    }
}
