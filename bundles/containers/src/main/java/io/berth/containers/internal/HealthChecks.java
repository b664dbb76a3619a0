package io.berth.containers.internal;

import io.berth.api.container.HealthStatus;
import io.berth.api.image.ContainerConfig;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Docker's health check rules, without threads or clocks (moby's {@code daemon/health.go}): which
 * probe a config asks for, the defaults, and how a result changes the health.
 */
final class HealthChecks {
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    static final Duration DEFAULT_START_PERIOD = Duration.ZERO;
    static final int DEFAULT_RETRIES = 3;
    /** The most output a result keeps, in bytes ({@code ...} follows a cut). */
    static final int MAX_OUTPUT = 4096;

    private HealthChecks() {
    }

    /**
     * Whether a container with this config runs probes: its test is {@code CMD} or
     * {@code CMD-SHELL}; not without a check, with {@code NONE}, or an unknown kind (which docker
     * ignores with a warning).
     */
    static boolean probes(ContainerConfig c) {
        ContainerConfig.Healthcheck h = c.healthcheck();
        if (h == null || h.test() == null || h.test().isEmpty()) {
            return false;
        }
        String kind = h.test().get(0);
        return kind.equals("CMD") || kind.equals("CMD-SHELL");
    }

    /**
     * The probe's command: the test's arguments for {@code CMD}, behind the container's shell
     * ({@code SHELL}, else {@code /bin/sh -c}) for {@code CMD-SHELL}. Empty when the test has no
     * arguments (each probe then fails, as docker's).
     */
    static List<String> command(ContainerConfig c) {
        List<String> test = c.healthcheck().test();
        List<String> args = test.subList(1, test.size());
        if (args.isEmpty()) {
            return List.of();
        }
        List<String> cmd = new ArrayList<>();
        if (test.get(0).equals("CMD-SHELL")) {
            cmd.addAll(c.shell() != null && !c.shell().isEmpty() ? c.shell() : List.of("/bin/sh", "-c"));
        }
        cmd.addAll(args);
        return cmd;
    }

    static Duration interval(ContainerConfig.Healthcheck h) {
        return orDefault(h.interval(), DEFAULT_INTERVAL);
    }

    static Duration timeout(ContainerConfig.Healthcheck h) {
        return orDefault(h.timeout(), DEFAULT_TIMEOUT);
    }

    static Duration startPeriod(ContainerConfig.Healthcheck h) {
        return orDefault(h.startPeriod(), DEFAULT_START_PERIOD);
    }

    static int retries(ContainerConfig.Healthcheck h) {
        return h.retries() <= 0 ? DEFAULT_RETRIES : h.retries();
    }

    /** Docker's {@code timeoutWithDefault}: zero means the default. */
    private static Duration orDefault(long nanos, Duration otherwise) {
        return nanos == 0 ? otherwise : Duration.ofNanos(nanos);
    }

    /** The health of a container that starts (again): {@code starting}, no streak, the log kept. */
    static HealthState starting(HealthState previous) {
        return previous == null ? new HealthState(HealthStatus.STARTING.label(), 0, List.of())
                : previous.with(HealthStatus.STARTING, 0);
    }

    /** The health once its checks stop (the container stopped or was paused): {@code unhealthy}, as docker says it. */
    static HealthState stopped(HealthState h) {
        return h.with(HealthStatus.UNHEALTHY, h.failingStreak());
    }

    /**
     * The health after a probe's result: healthy on success; on a failure the streak grows (not
     * while still starting within the start period) and reaches unhealthy at {@code retries}.
     *
     * @param startedAt when the container's current run started
     */
    static HealthState recorded(HealthState h, HealthState.Result r, ContainerConfig.Healthcheck config, Instant startedAt) {
        HealthState current = h == null ? starting(null) : h;
        List<HealthState.Result> log = current.logWith(r);
        if (r.exitCode() == 0) {
            return new HealthState(HealthStatus.HEALTHY.label(), 0, log);
        }
        HealthStatus status = current.healthStatus();
        if (status == HealthStatus.STARTING && startedAt != null
                && Duration.between(startedAt, Rfc3339.parse(r.start())).compareTo(startPeriod(config)) < 0) {
            return new HealthState(status.label(), current.failingStreak(), log);
        }
        int streak = current.failingStreak() + 1;
        return new HealthState(streak >= retries(config) ? HealthStatus.UNHEALTHY.label() : status.label(), streak, log);
    }

    /** Docker's words for a probe that ran past its timeout, with what it wrote if anything. */
    static String timedOut(Duration timeout, String output) {
        String msg = "Health check exceeded timeout (" + GoDurations.format(timeout.toNanos()) + ")";
        return output.isEmpty() ? msg : msg + ": " + output;
    }

    /** A probe's output: its first {@value #MAX_OUTPUT} bytes, {@code ...} after them if there was more. */
    static final class Output {
        private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        private boolean truncated;

        synchronized void write(byte[] data) {
            int keep = Math.min(MAX_OUTPUT - bytes.size(), data.length);
            if (keep > 0) {
                bytes.write(data, 0, keep);
            }
            if (keep < data.length) {
                truncated = true;
            }
        }

        @Override
        public synchronized String toString() {
            String s = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
            return truncated ? s + "..." : s;
        }
    }
}
