package io.berth.shim;

import io.berth.posix.Native;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Makes this JVM the reaper of the container shims it starts. A shim detaches from the process
 * that started it, so that it outlives the engine; its parent is then the nearest child subreaper,
 * or init. Not every init reaps (this project's machines run a process manager as PID 1 that does
 * not), so the engine is a subreaper itself: shims that end while it runs are reaped here, and so
 * are containers' first processes whose shim was killed (they are adopted too). Only those are
 * reaped, told apart by name ({@code berth-shim}) or by their pid namespace (a container's, below
 * ours); the JDK reaps the processes it started itself. Any other child left ended for 2 s is an
 * orphan from further down too (a runtime's helper whose parent ended first), and is reaped.
 */
public final class Subreaper {
    /** The name shims give themselves. */
    public static final String SHIM_NAME = "berth-shim";

    private static Thread thread;

    private Subreaper() {
    }

    /** Starts reaping, once per JVM. */
    public static synchronized void start() throws IOException {
        if (thread != null) {
            return;
        }
        Native.becomeSubreaper();
        thread = new Thread(Subreaper::run, "berth-shim-reaper");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * How long an ended child that is neither a shim nor a container's may stay unreaped before it
     * is taken for an orphan adopted from further down (a runtime's helper whose parent ended
     * first) rather than a process of the JDK's: the JDK waits for each of its own from the start,
     * so it reaps them at once. Left there, it would hide every child that ends after it.
     */
    private static final long STRAY_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(2);

    private static void run() {
        int stray = 0;
        long straySince = 0;
        while (true) {
            try {
                int pid = Native.awaitExitedChild();
                if (pid > 0 && (SHIM_NAME.equals(comm(pid)) || namespaceDepth(String.valueOf(pid)) > OWN_DEPTH)) {
                    Native.reap(pid);
                    continue;
                }
                if (pid > 0 && pid != stray) {
                    stray = pid;
                    straySince = System.nanoTime();
                } else if (pid > 0 && System.nanoTime() - straySince > STRAY_NANOS) {
                    System.getLogger(Subreaper.class.getName()).log(System.Logger.Level.DEBUG,
                            "reaping " + comm(pid) + " (" + pid + "), an orphan adopted from a process that ended");
                    Native.reap(pid);
                    stray = 0;
                    continue;
                }
                // No children, or one the JDK reaps: look again shortly.
                Thread.sleep(pid == 0 ? 200 : 5);
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                System.getLogger(Subreaper.class.getName()).log(System.Logger.Level.WARNING,
                        "reaping shims: " + e.getMessage());
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException again) {
                    return;
                }
            }
        }
    }

    private static final int OWN_DEPTH = namespaceDepth("self");

    /** How deep a process's pid namespace is: the number of pids it has (NSpid), 0 if unknown. */
    static int namespaceDepth(String pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
                if (line.startsWith("NSpid:")) {
                    return line.substring(6).strip().split("\\s+").length;
                }
            }
        } catch (IOException e) {
            // Gone.
        }
        return 0;
    }

    private static String comm(int pid) {
        try {
            return Files.readString(Path.of("/proc", Integer.toString(pid), "comm")).strip();
        } catch (IOException e) {
            return "";
        }
    }
}
