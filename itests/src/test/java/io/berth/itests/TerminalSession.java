package io.berth.itests;

import io.berth.testing.Requirements;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A program run on a real pseudo-terminal, as a user at a terminal would run it: script(1) gives it
 * the terminal, the test types into it and reads the screen output.
 */
final class TerminalSession implements AutoCloseable {
    private final Process process;
    private final OutputStream keyboard;
    private final StringBuilder screen = new StringBuilder();
    private final Thread reader;

    /**
     * Starts {@code command} (a shell command line) on a terminal of {@code rows} x {@code columns}.
     */
    TerminalSession(String command, int rows, int columns, Map<String, String> env) throws IOException {
        Path script = Requirements.which("script");
        Requirements.require(script != null, "script(1) is not installed (apt-get install bsdutils)");
        ProcessBuilder pb = new ProcessBuilder(script.toString(), "-qefc",
                "stty rows " + rows + " cols " + columns + "; exec " + command, "/dev/null");
        pb.environment().put("TERM", "xterm");
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        process = pb.start();
        keyboard = process.getOutputStream();
        reader = new Thread(() -> {
            try (InputStream in = process.getInputStream()) {
                byte[] buffer = new byte[4096];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    synchronized (screen) {
                        screen.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                    }
                }
            } catch (IOException e) {
                // The program ended.
            }
        }, "terminal-reader");
        reader.start();
    }

    void type(String text) throws IOException {
        keyboard.write(text.getBytes(StandardCharsets.UTF_8));
        keyboard.flush();
    }

    String screen() {
        synchronized (screen) {
            return screen.toString();
        }
    }

    /** Waits until the output holds {@code text} after position {@code from}; returns where it ends. */
    int await(String text, int from) throws Exception {
        return await(text, from, Duration.ofSeconds(30));
    }

    /** As {@link #await(String, int)}, waiting at most {@code timeout}; the failure shows the screen as it is then. */
    int await(String text, int from, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        int at;
        while ((at = screen().indexOf(text, from)) < 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for '" + text
                        + "' on the terminal; it shows:\n" + screen().substring(Math.min(from, screen().length())));
            }
            Thread.sleep(10);
        }
        return at + text.length();
    }

    /** The terminal device of the program the session runs (script's child). */
    Path tty() throws IOException {
        ProcessHandle child = process.children().findFirst()
                .orElseThrow(() -> new IllegalStateException("script(1) has no child"));
        return Files.readSymbolicLink(Path.of("/proc", Long.toString(child.pid()), "fd", "0"));
    }

    /** Runs stty on the program's terminal, as the terminal emulator or the user would. */
    String stty(String... args) throws Exception {
        String[] command = new String[args.length + 3];
        command[0] = "stty";
        command[1] = "-F";
        command[2] = tty().toString();
        System.arraycopy(args, 0, command, 3, args.length);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new AssertionError("stty " + String.join(" ", args) + ": " + out);
        }
        return out;
    }

    int waitFor() throws InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError("the terminal program did not end; it shows:\n" + screen());
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor(10, TimeUnit.SECONDS);
        reader.join(5000);
    }
}
