package io.berth.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Host commands the fixtures run (mount, iptables…): their output, or an error naming them. */
final class Commands {
    private Commands() {
    }

    /**
     * Runs {@code command} with {@code input} on its stdin ({@code null}: none) and returns its
     * stdout and stderr; fails if it exits non-zero or runs past {@code timeoutSeconds} (it is
     * killed then). Its output goes through a file, so a command that never ends cannot hold the
     * caller past the timeout.
     */
    static String run(List<String> command, String input, long timeoutSeconds) throws IOException, InterruptedException {
        Path out = Files.createTempFile("berth-fixture", ".out");
        Path in = input == null ? null : Files.writeString(Files.createTempFile("berth-fixture", ".in"), input);
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile())
                    .redirectInput(in == null ? ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))
                            : ProcessBuilder.Redirect.from(in.toFile()));
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + ": no end in " + timeoutSeconds + " s");
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + ": exit " + p.exitValue() + ": " + text.strip());
            }
            return text;
        } finally {
            Files.deleteIfExists(out);
            if (in != null) {
                Files.deleteIfExists(in);
            }
        }
    }
}
