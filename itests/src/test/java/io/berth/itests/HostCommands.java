package io.berth.itests;

import io.berth.testing.Requirements;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Commands a test runs on the host (umoci, mount, …): they must succeed within a minute. */
final class HostCommands {
    private HostCommands() {
    }

    /** Runs {@code command} (its tool required, a missing one skips or fails as {@link Requirements} says); its output. */
    static String run(String... command) throws Exception {
        Requirements.requireTool(command[0], command[0]);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
        return out;
    }
}
