package io.berth.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The processes this JVM is the parent or ancestor of, for tests that check what they leave
 * behind. A shim outlives the process that started it and is adopted by this JVM (a subreaper in
 * the tests, as the daemon is), which reaps it a moment after it ends: until then it is a zombie
 * child. A test that started shims waits for them to be reaped before it ends, as the daemon
 * does, so that the next test starts with none.
 */
public final class ChildProcesses {
    /** The name shims give themselves. */
    private static final String SHIM = "berth-shim";

    private ChildProcesses() {
    }

    /** The pids of this JVM's descendants that are alive or not yet reaped. */
    public static Set<Long> descendants() {
        return ProcessHandle.current().descendants().map(ProcessHandle::pid)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * Waits until no shim is a child of this JVM, alive or a zombie, and fails naming those left.
     * Shims that ended are reaped within moments; one still running after {@code timeout} is a
     * leak of the test.
     */
    public static void awaitShimsGone(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> left;
        while (!(left = shims()).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("shims still children of this JVM after " + timeout + ": " + left);
            }
            Thread.sleep(20);
        }
    }

    private static List<String> shims() {
        return ProcessHandle.current().children()
                .map(p -> p.pid() + " " + status(p.pid()))
                .filter(s -> s.contains("Name:\t" + SHIM + " "))
                .toList();
    }

    /** The name and state lines of a process's status, or empty once it is gone. */
    public static String status(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                    .filter(l -> l.startsWith("Name:") || l.startsWith("State:"))
                    .collect(Collectors.joining(" ")) + " ";
        } catch (IOException e) {
            return "";
        }
    }
}
