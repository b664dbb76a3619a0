package io.berth.containers.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.api.InvalidArgumentException;
import io.berth.api.runtime.Seccomp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Seccomp profiles in docker's format, and the filter each gives a container. The built-in profile
 * is docker's default (moby's {@code profiles/seccomp/default.json}, Apache License 2.0): an
 * allowlist whose other calls fail with {@code EPERM}, with entries that apply only on some
 * architectures, from some kernel on, or with some capabilities. A container's filter is the
 * profile with those entries resolved as docker resolves them: for this machine's architecture,
 * its kernel and the container's final capability set.
 */
final class SeccompProfiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What {@code --security-opt seccomp=} names docker's default profile by, as {@code info} shows it. */
    static final String BUILTIN = "builtin";
    static final String UNCONFINED = "unconfined";

    private static final Set<String> ACTIONS = Set.of("SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
            "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG");
    private static final Set<String> OPERATORS = Set.of("SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ",
            "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ");

    /** Java's os.arch → libseccomp's name of the architecture (docker's goToNative) and its SCMP_ARCH_ constant. */
    private static final Map<String, String[]> ARCHES = Map.of(
            "amd64", new String[] {"amd64", "SCMP_ARCH_X86_64"},
            "x86_64", new String[] {"amd64", "SCMP_ARCH_X86_64"},
            "aarch64", new String[] {"arm64", "SCMP_ARCH_AARCH64"},
            "x86", new String[] {"x86", "SCMP_ARCH_X86"},
            "i386", new String[] {"x86", "SCMP_ARCH_X86"},
            "ppc64le", new String[] {"ppc64le", "SCMP_ARCH_PPC64LE"},
            "s390x", new String[] {"s390x", "SCMP_ARCH_S390X"},
            "riscv64", new String[] {"riscv64", "SCMP_ARCH_RISCV64"});

    private static volatile JsonNode builtin;
    /** The built-in profile's filter by capability set: the same for most containers, resolved once. */
    private static final Map<Set<String>, Seccomp> BUILTIN_FILTERS = new java.util.concurrent.ConcurrentHashMap<>();

    private SeccompProfiles() {
    }

    /** Docker's default profile, as shipped in this bundle. */
    static JsonNode builtin() {
        JsonNode b = builtin;
        if (b == null) {
            try (InputStream in = SeccompProfiles.class.getResourceAsStream("seccomp-default.json")) {
                b = JSON.readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the built-in seccomp profile", e);
            }
            builtin = b;
        }
        return b;
    }

    /**
     * The filter of a container from its {@code --security-opt}s: none when {@code privileged} or
     * with {@code seccomp=unconfined}, the profile given with {@code seccomp=JSON}, else docker's
     * default, each for the container's final capability set.
     */
    static Seccomp forContainer(List<String> securityOpt, boolean privileged, Set<String> capabilities) {
        String chosen = SecurityOptions.seccomp(securityOpt);
        if (privileged || chosen.equals(UNCONFINED)) {
            return null;
        }
        if (chosen.equals(BUILTIN)) {
            return BUILTIN_FILTERS.computeIfAbsent(Set.copyOf(capabilities), caps -> resolve(builtin(), caps));
        }
        return resolve(parse(chosen), capabilities);
    }

    /**
     * A profile given by the user ({@code --security-opt seccomp=...}, the file's content), checked
     * as a container is made: what would fail at its start fails here, in docker's words.
     *
     * @throws InvalidArgumentException if it is not a profile docker would take
     */
    static JsonNode parse(String body) {
        JsonNode profile;
        try {
            profile = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new InvalidArgumentException("Decoding seccomp profile failed: " + e.getOriginalMessage());
        }
        if (profile == null || !profile.isObject()) {
            throw new InvalidArgumentException("Decoding seccomp profile failed: not a JSON object");
        }
        // Every capability set and kernel gives a filter: a profile that cannot make one is refused now.
        resolve(profile, Set.of(), "0.0");
        return profile;
    }

    /**
     * The filter a container gets from {@code profile}: its entries for this machine's
     * architecture and kernel and for {@code capabilities} (the container's final set, as
     * {@code CAP_X}); {@code null} when the profile says nothing (docker then runs unconfined).
     */
    static Seccomp resolve(JsonNode profile, Collection<String> capabilities) {
        return resolve(profile, capabilities, kernelRelease());
    }

    static Seccomp resolve(JsonNode profile, Collection<String> capabilities, String kernel) {
        String defaultAction = profile.path("defaultAction").asText("");
        JsonNode syscalls = profile.path("syscalls");
        if (defaultAction.isEmpty() && syscalls.size() == 0) {
            return null;
        }
        checkAction(defaultAction, "defaultAction");
        JsonNode architectures = profile.path("architectures");
        JsonNode archMap = profile.path("archMap");
        if (architectures.size() > 0 && archMap.size() > 0) {
            throw new InvalidArgumentException("both 'architectures' and 'archMap' are specified in the seccomp profile, "
                    + "use either 'architectures' or 'archMap'");
        }
        if (profile.hasNonNull("listenerPath") && !profile.path("listenerPath").asText().isEmpty()) {
            throw new InvalidArgumentException("seccomp profile: listenerPath (SCMP_ACT_NOTIFY) is not supported");
        }
        String[] native_ = nativeArch();
        List<String> arches = new ArrayList<>();
        for (JsonNode a : architectures) {
            arches.add(a.asText());
        }
        for (JsonNode a : archMap) {
            if (a.path("architecture").asText().equals(native_[1])) {
                arches.add(a.path("architecture").asText());
                for (JsonNode sub : a.path("subArchitectures")) {
                    arches.add(sub.asText());
                }
                break;
            }
        }
        List<Seccomp.Rule> rules = new ArrayList<>();
        for (JsonNode call : syscalls) {
            List<String> names = new ArrayList<>();
            if (!call.path("name").asText("").isEmpty()) {
                if (call.path("names").size() > 0) {
                    throw new InvalidArgumentException("both 'name' and 'names' are specified in the seccomp profile, "
                            + "use either 'name' or 'names'");
                }
                names.add(call.path("name").asText());
            }
            for (JsonNode n : call.path("names")) {
                names.add(n.asText());
            }
            String action = call.path("action").asText("");
            checkAction(action, "action of " + names);
            List<Seccomp.Condition> conditions = new ArrayList<>();
            for (JsonNode arg : call.path("args")) {
                String op = arg.path("op").asText("");
                if (!OPERATORS.contains(op)) {
                    throw new InvalidArgumentException("seccomp profile: invalid operator \"" + op + "\" for " + names);
                }
                int index = arg.path("index").asInt(-1);
                if (index < 0 || index > 5) {
                    throw new InvalidArgumentException("seccomp profile: invalid argument index " + arg.path("index")
                            + " for " + names + " (0 to 5)");
                }
                conditions.add(new Seccomp.Condition(index, unsigned(arg.path("value")), unsigned(arg.path("valueTwo")), op));
            }
            if (skipped(call.path("excludes"), call.path("includes"), native_[0], capabilities, kernel)) {
                continue;
            }
            int errno = call.hasNonNull("errnoRet") ? call.path("errnoRet").asInt() : -1;
            rules.add(new Seccomp.Rule(names, action, errno, conditions));
        }
        int defaultErrno = profile.hasNonNull("defaultErrnoRet") ? profile.path("defaultErrnoRet").asInt() : 1;
        return new Seccomp(defaultAction, defaultErrno, arches, rules);
    }

    /** Whether an entry is left out for this architecture, kernel and capability set, as docker decides it. */
    private static boolean skipped(JsonNode excludes, JsonNode includes, String arch, Collection<String> capabilities,
                                   String kernel) {
        if (contains(excludes.path("arches"), arch)) {
            return true;
        }
        for (JsonNode c : excludes.path("caps")) {
            if (capabilities.contains(c.asText())) {
                return true;
            }
        }
        if (!excludes.path("minKernel").asText("").isEmpty() && atLeast(kernel, excludes.path("minKernel").asText())) {
            return true;
        }
        if (includes.path("arches").size() > 0 && !contains(includes.path("arches"), arch)) {
            return true;
        }
        for (JsonNode c : includes.path("caps")) {
            if (!capabilities.contains(c.asText())) {
                return true;
            }
        }
        return !includes.path("minKernel").asText("").isEmpty() && !atLeast(kernel, includes.path("minKernel").asText());
    }

    private static boolean contains(JsonNode array, String value) {
        for (JsonNode n : array) {
            if (n.asText().equals(value)) {
                return true;
            }
        }
        return false;
    }

    private static void checkAction(String action, String what) {
        if (action.equals("SCMP_ACT_NOTIFY")) {
            throw new InvalidArgumentException("seccomp profile: SCMP_ACT_NOTIFY is not supported (" + what + ")");
        }
        if (!ACTIONS.contains(action)) {
            throw new InvalidArgumentException("seccomp profile: invalid action \"" + action + "\" (" + what + ")");
        }
    }

    /** A JSON number as the unsigned 64-bit value it stands for (docker's uint64). */
    private static long unsigned(JsonNode n) {
        if (n.isMissingNode() || n.isNull()) {
            return 0;
        }
        if (!n.isIntegralNumber() || n.bigIntegerValue().signum() < 0 || n.bigIntegerValue().bitLength() > 64) {
            throw new InvalidArgumentException("Decoding seccomp profile failed: " + n + " is not an unsigned 64-bit value");
        }
        return n.bigIntegerValue().longValue();
    }

    /** Whether kernel release {@code release} ({@code 6.1.0-13-amd64}) is at least {@code min} ({@code 4.8}), as docker compares them. */
    static boolean atLeast(String release, String min) {
        int[] have = version(release);
        int[] want = version(min);
        return have[0] > want[0] || have[0] == want[0] && have[1] >= want[1];
    }

    private static int[] version(String release) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\d+)\\.(\\d+)").matcher(release);
        if (!m.find()) {
            throw new InvalidArgumentException("failed to parse kernel version \"" + release + "\"");
        }
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
    }

    private static String kernelRelease() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        } catch (IOException e) {
            return System.getProperty("os.version");
        }
    }

    private static String[] nativeArch() {
        String[] a = ARCHES.get(System.getProperty("os.arch"));
        if (a == null) {
            throw new InvalidArgumentException("seccomp: architecture " + System.getProperty("os.arch") + " is not supported");
        }
        return a;
    }
}
