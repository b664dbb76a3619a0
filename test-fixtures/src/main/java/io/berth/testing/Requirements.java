package io.berth.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The privileged-test policy. A test that needs root, a kernel feature or a host tool calls
 * {@link #require} (JUnit 5; {@link JUnit4Requirements} for pax-exam): if the need is met it goes on;
 * if not, it is skipped with the reason, except under {@code -Dberth.requirePrivileged=true} (as CI
 * runs), where it fails with the reason instead.
 */
public final class Requirements {
    /** The system property that turns skips into failures. */
    public static final String REQUIRE_PRIVILEGED = "berth.requirePrivileged";

    private Requirements() {
    }

    /** Whether skips are failures in this run. */
    public static boolean strict() {
        return Boolean.getBoolean(REQUIRE_PRIVILEGED);
    }

    /** Whether this process runs as root. */
    public static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0");
                }
            }
        } catch (java.io.IOException e) {
            return false;
        }
        return false;
    }

    /** The path of an executable on PATH, or {@code null}. */
    public static Path which(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** JUnit 5: goes on if {@code met}, else skips with {@code reason}, or fails when strict. */
    public static void require(boolean met, String reason) {
        if (met) {
            return;
        }
        if (strict()) {
            throw new AssertionError("required but missing (-D" + REQUIRE_PRIVILEGED + "=true): " + reason);
        }
        throw new org.opentest4j.TestAbortedException("skipped: " + reason);
    }

    /** JUnit 5: requires a host tool on PATH, returning its path. */
    public static Path requireTool(String tool, String debianPackage) {
        Path p = which(tool);
        require(p != null, tool + " is not installed (apt-get install " + debianPackage + ")");
        return p;
    }
}
