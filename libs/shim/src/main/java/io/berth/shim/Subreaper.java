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
 * ours); the JDK reaps the processes it started itself.
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

    private static void run() {
        while (true) {
            try {
                int pid = Native.awaitExitedChild();
                if (pid > 0 && (SHIM_NAME.equals(comm(pid)) || namespaceDepth(String.valueOf(pid)) > OWN_DEPTH)) {
                    Native.reap(pid);
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
