package io.berth.itests;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * exec when the process leaves a child running that holds its output (issue 14), on every runtime:
 * as with docker, exec returns once its process exited and its output drained (2 s at most), with
 * all the output the process wrote, and the child runs on in the container.
 */
class ExecIT extends DaemonWithBusybox {
    /** The bound: docker's drain of at most 2 s, and the time to start bin/berth and the exec. */
    private static final Duration BOUND = Duration.ofSeconds(3);

    /** bin/berth with {@code stdin} (or none), asserted to return within {@link #BOUND}. */
    private Installation.Result returnsInTime(byte[] stdin, String... args) throws Exception {
        long start = System.nanoTime();
        Installation.Result r = berth.run(Map.of("BERTH_HOST", berth.host()), stdin, args);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).as("berth " + String.join(" ", args) + " took " + took.toMillis() + " ms").isLessThan(BOUND);
        return r;
    }

    /** Whether {@code ps} in the container shows a live {@code sleep SECONDS} (a zombie shows as [sleep]). */
    private boolean sleeping(String container, int seconds) throws Exception {
        return ok("exec", container, "ps").out().lines().anyMatch(l -> l.endsWith(" sleep " + seconds));
    }

    @Test
    void execReturnsWhenItsProcessExitsThoughAChildItLeftHoldsItsOutput() throws Exception {
        for (String runtime : runtimes()) {
            String c = "exec-" + runtime;
            ok("run", "-d", "--name", c, "--runtime", runtime, "busybox", "sleep", "300");

            Installation.Result plain = returnsInTime(null, "exec", c, "sh", "-c", "sleep 25 & echo started");
            assertThat(plain.status()).as(runtime + ": " + plain.err()).isZero();
            assertThat(plain.out()).as(runtime).isEqualTo("started\n");
            assertThat(sleeping(c, 25)).as(runtime + ": the sleep runs on after exec").isTrue();

            Installation.Result input = returnsInTime("hi\n".getBytes(StandardCharsets.US_ASCII),
                    "exec", "-i", c, "sh", "-c", "sleep 26 & cat");
            assertThat(input.status()).as(runtime + ": " + input.err()).isZero();
            assertThat(input.out()).as(runtime).isEqualTo("hi\n");
            assertThat(sleeping(c, 26)).as(runtime + ": the sleep runs on after exec -i").isTrue();

            // With a terminal the shell is its session leader: its exit sends SIGHUP to its process
            // group, which ends a plain "sleep &" (as with docker); one that ignores SIGHUP holds the terminal.
            Installation.Result terminal = returnsInTime(null, "exec", "-t", c, "sh", "-c", "trap '' HUP; sleep 27 & echo started");
            assertThat(terminal.status()).as(runtime + ": " + terminal.err()).isZero();
            assertThat(terminal.out()).as(runtime).isEqualTo("started\r\n");
            assertThat(sleeping(c, 27)).as(runtime + ": the sleep runs on after exec -t").isTrue();
            Installation.Result hungUp = returnsInTime(null, "exec", "-t", c, "sh", "-c", "sleep 28 & echo started");
            assertThat(hungUp.out()).as(runtime).isEqualTo("started\r\n");
            assertThat(sleeping(c, 28)).as(runtime + ": SIGHUP ended the sleep of exec -t").isFalse();

            ok("rm", "-f", c);

            // A container's first process: the kernel ends its pid namespace with it, the child too,
            // so the output ends at once.
            Installation.Result run = returnsInTime(null, "run", "--rm", "--runtime", runtime, "busybox", "sh", "-c",
                    "sleep 25 & echo started");
            assertThat(run.status()).as(runtime + ": " + run.err()).isZero();
            assertThat(run.out()).as(runtime).isEqualTo("started\n");
        }
    }

    @Test
    void allTheOutputTheProcessWroteComesThoughAChildItLeftHoldsTheStreams() throws Exception {
        String lines = IntStream.rangeClosed(1, 200000).mapToObj(Integer::toString).collect(Collectors.joining("\n", "", "\n"));
        String errors = IntStream.rangeClosed(1, 5000).mapToObj(Integer::toString).collect(Collectors.joining("\n", "", "\n"));
        for (String runtime : runtimes()) {
            String c = "output-" + runtime;
            ok("run", "-d", "--name", c, "--runtime", runtime, "busybox", "sleep", "300");
            Installation.Result r = returnsInTime(null, "exec", c, "sh", "-c", "sleep 25 & seq 1 200000; seq 1 5000 >&2; printf end");
            assertThat(r.status()).as(runtime + ": " + r.err()).isZero();
            // Compared whole, not printed: a megabyte in a failure message says less than the lengths.
            assertThat(r.out().equals(lines + "end")).as(runtime + ": stdout of " + r.out().length() + " chars, expected "
                    + (lines.length() + 3)).isTrue();
            assertThat(r.err().equals(errors)).as(runtime + ": stderr of " + r.err().length() + " chars, expected "
                    + errors.length()).isTrue();
            assertThat(sleeping(c, 25)).as(runtime).isTrue();
            ok("rm", "-f", c);
        }
    }
}
