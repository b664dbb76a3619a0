package io.berth.itests;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Health checks run by the engine, through bin/berth as users see them: {@code State.Health} in
 * {@code inspect}, the health in {@code ps}'s status and its {@code health} filter, the flags and
 * their errors, merging with an image's check, probes that time out, pause, stop and start, and a
 * daemon restart. Every wait is on a condition.
 */
class HealthIT extends DaemonWithBusybox {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private JsonNode health(String name) throws Exception {
        return JSON.readTree(ok("inspect", "-f", "{{json .State.Health}}", name).out());
    }

    private String status(String name) throws Exception {
        JsonNode h = health(name);
        return h.isNull() ? "none" : h.get("Status").asText();
    }

    private void awaitStatus(String name, String wanted) throws Exception {
        Conditions.await(name + " to be " + wanted, WAIT, () -> status(name).equals(wanted));
    }

    private String psStatus(String name) throws Exception {
        return ok("ps", "-a", "--filter", "name=^" + name + "$", "--format", "{{.Status}}").out().strip();
    }

    private List<String> namesWith(String health) throws Exception {
        return ok("ps", "-a", "--filter", "health=" + health, "--format", "{{.Names}}").out().lines().sorted().toList();
    }

    @Test
    void aCheckGoesFromStartingToUnhealthyToHealthyAsInspectAndPsShowIt() throws Exception {
        ok("run", "-d", "--name", "probed", "--health-cmd", "test -f /tmp/ok", "--health-interval", "200ms",
                "--health-retries", "2", "busybox", "sleep", "300");
        ok("run", "-d", "--name", "patient", "--health-cmd", "true", "--health-interval", "1h", "busybox", "sleep", "300");
        ok("run", "-d", "--name", "plain", "busybox", "sleep", "300");

        // An hour before its first probe: starting.
        assertThat(health("patient").get("Status").asText()).isEqualTo("starting");
        assertThat(health("patient").get("FailingStreak").asInt()).isZero();
        assertThat(health("patient").get("Log")).isEmpty();
        assertThat(psStatus("patient")).matches("Up .* \\(health: starting\\)");
        // Without a check: no Health at all, and no health in the status.
        assertThat(ok("inspect", "-f", "{{json .State.Health}}", "plain").out()).isEqualTo("null\n");
        assertThat(inspect("plain").get("State").has("Health")).isFalse();
        assertThat(psStatus("plain")).matches("Up [^(]*");

        awaitStatus("probed", "unhealthy");
        JsonNode h = health("probed");
        assertThat(h.get("FailingStreak").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(h.get("Log").size()).isBetween(2, 5);
        for (JsonNode r : h.get("Log")) {
            assertThat(r.get("ExitCode").asInt()).isEqualTo(1);
            assertThat(r.get("Output").asText()).isEmpty();
            assertThat(Instant.parse(r.get("End").asText())).isAfterOrEqualTo(Instant.parse(r.get("Start").asText()));
        }
        assertThat(psStatus("probed")).matches("Up .* \\(unhealthy\\)");

        ok("exec", "probed", "touch", "/tmp/ok");
        awaitStatus("probed", "healthy");
        assertThat(health("probed").get("FailingStreak").asInt()).isZero();
        assertThat(psStatus("probed")).matches("Up .* \\(healthy\\)");

        assertThat(namesWith("healthy")).containsExactly("probed");
        assertThat(namesWith("starting")).containsExactly("patient");
        assertThat(namesWith("none")).containsExactly("plain");
        assertThat(namesWith("unhealthy")).isEmpty();
        Installation.Result bad = berth.berth("ps", "--filter", "health=sick");
        assertThat(bad.status()).isEqualTo(1);
        assertThat(bad.err()).isEqualTo("Error: Unrecognised filter value for health: sick\n");

        // Stopped: its checks end and docker calls it unhealthy; started again, it starts over, its log kept.
        ok("stop", "-t", "0", "probed");
        assertThat(status("probed")).isEqualTo("unhealthy");
        assertThat(psStatus("probed")).startsWith("Exited (137)");
        int logged = health("probed").get("Log").size();
        ok("start", "probed");
        assertThat(health("probed").get("Log").size()).isGreaterThanOrEqualTo(logged);
        awaitStatus("probed", "healthy");

        // Paused: no probes, unhealthy; unpaused, they run again.
        ok("pause", "probed");
        assertThat(status("probed")).isEqualTo("unhealthy");
        assertThat(psStatus("probed")).matches("Up .* \\(Paused\\)");
        ok("unpause", "probed");
        awaitStatus("probed", "healthy");
    }

    @Test
    void aProbePastItsTimeoutIsKilledAndSaysSo() throws Exception {
        ok("run", "-d", "--name", "slow", "--health-cmd", "sleep 30", "--health-timeout", "300ms", "--health-interval",
                "200ms", "--health-retries", "1", "busybox", "sleep", "300");
        awaitStatus("slow", "unhealthy");
        JsonNode r = health("slow").get("Log").get(0);
        assertThat(r.get("ExitCode").asInt()).isEqualTo(-1);
        assertThat(r.get("Output").asText()).isEqualTo("Health check exceeded timeout (300ms)");
        // Killed, not left behind: the probes that timed out are not running (at most the current one is).
        Conditions.await("the killed probes to go", WAIT, () -> ok("top", "slow").out().lines()
                .filter(l -> l.contains("sleep 30")).count() <= 1);
    }

    @Test
    void flagsMergeWithTheImagesCheckAndNoHealthcheckTurnsItOff() throws Exception {
        ok("create", "--name", "template", "--health-cmd", "test -f /tmp/ok", "--health-interval", "200ms",
                "--health-retries", "2", "busybox", "sleep", "300");
        ok("commit", "template", "checked:1");
        JsonNode imageCheck = JSON.readTree(ok("image", "inspect", "-f", "{{json .Config.Healthcheck}}", "checked:1").out());
        assertThat(imageCheck.get("Test").toString()).isEqualTo("[\"CMD-SHELL\",\"test -f /tmp/ok\"]");

        // The image's check, its interval overridden.
        ok("run", "-d", "--name", "inherits", "--health-interval", "300ms", "checked:1");
        JsonNode config = JSON.readTree(ok("inspect", "-f", "{{json .Config.Healthcheck}}", "inherits").out());
        assertThat(config.get("Test").toString()).isEqualTo("[\"CMD-SHELL\",\"test -f /tmp/ok\"]");
        assertThat(config.get("Interval").asLong()).isEqualTo(300_000_000L);
        assertThat(config.get("Retries").asInt()).isEqualTo(2);
        awaitStatus("inherits", "unhealthy");

        // --no-healthcheck: the test is NONE, nothing runs.
        ok("run", "-d", "--name", "unchecked", "--no-healthcheck", "checked:1");
        assertThat(ok("inspect", "-f", "{{json .Config.Healthcheck.Test}}", "unchecked").out()).isEqualTo("[\"NONE\"]\n");
        assertThat(ok("inspect", "-f", "{{json .State.Health}}", "unchecked").out()).isEqualTo("null\n");
        assertThat(namesWith("none")).contains("unchecked").doesNotContain("inherits");

        // docker's errors: flags before the engine (125), the engine's checks after.
        assertRefused(125, "--no-healthcheck conflicts with --health-* options", "run", "--no-healthcheck", "--health-cmd",
                "true", "busybox", "true");
        assertRefused(125, "--health-interval cannot be negative", "run", "--health-interval", "-1s", "busybox", "true");
        assertRefused(125, "--health-retries cannot be negative", "create", "--health-retries", "-2", "busybox", "true");
        assertRefused(125, "invalid argument \"5\" for \"--health-timeout\" flag: time: missing unit in duration \"5\"",
                "run", "--health-timeout", "5", "busybox", "true");
        assertRefused(125, "invalid argument \"x\" for \"--health-retries\" flag: strconv.ParseInt: parsing \"x\": invalid syntax",
                "run", "--health-retries", "x", "busybox", "true");
        Installation.Result tooShort = berth.berth("create", "--health-interval", "500us", "busybox", "true");
        assertThat(tooShort.status()).isNotZero();
        assertThat(tooShort.err()).contains("Interval in Healthcheck cannot be less than 1ms");
        ok("rm", "-f", "inherits", "unchecked", "template");
        ok("rmi", "checked:1");
    }

    private void assertRefused(int status, String message, String... args) throws Exception {
        Installation.Result r = berth.berth(args);
        assertThat(r.status()).as(String.join(" ", args)).isEqualTo(status);
        assertThat(r.err()).contains(message);
    }

    @Test
    void checksGoOnAfterTheDaemonIsKilledAndStartedAgain() throws Exception {
        ok("run", "-d", "--name", "survivor", "--health-cmd", "test -f /tmp/ok", "--health-interval", "200ms",
                "--health-retries", "2", "busybox", "sh", "-c", "touch /tmp/ok; exec sleep 300");
        awaitStatus("survivor", "healthy");
        ok("exec", "survivor", "rm", "/tmp/ok");
        awaitStatus("survivor", "unhealthy");
        JsonNode before = health("survivor").get("Log");
        String lastBefore = before.get(before.size() - 1).get("End").asText();

        daemon.destroyForcibly().waitFor();
        daemon = berth.startDaemon();

        // Kept on disk; the checks start over (starting, as docker restores them) and run again.
        assertThat(health("survivor").get("Log").size()).isGreaterThanOrEqualTo(1);
        ok("exec", "survivor", "touch", "/tmp/ok");
        awaitStatus("survivor", "healthy");
        JsonNode after = health("survivor").get("Log");
        assertThat(Instant.parse(after.get(after.size() - 1).get("Start").asText())).isAfter(Instant.parse(lastBefore));
        assertThat(psStatus("survivor")).matches("Up .* \\(healthy\\)");
    }
}
