package io.berth.containers.internal;

import io.berth.api.container.Health;
import io.berth.api.container.HealthStatus;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a container's health check found, as saved in its {@code state.json}: docker keeps it
 * there too, so it survives a restart of the engine. Times are ISO-8601.
 *
 * @param status {@code starting}, {@code healthy} or {@code unhealthy}
 * @param failingStreak the probes that failed in a row, not counting those in the start period
 * @param log the last {@value #MAX_LOG} results, oldest first
 */
record HealthState(String status, int failingStreak, List<Result> log) {
    /** Docker's {@code maxLogEntries}. */
    static final int MAX_LOG = 5;

    HealthState {
        log = log == null ? List.of() : List.copyOf(log);
    }

    /** One probe's result, as docker's {@code HealthcheckResult}. */
    record Result(String start, String end, int exitCode, String output) {
        Result(Instant start, Instant end, int exitCode, String output) {
            this(start.toString(), end.toString(), exitCode, output);
        }
    }

    HealthStatus healthStatus() {
        return HealthStatus.of(status);
    }

    /** The same log with another status and streak. */
    HealthState with(HealthStatus newStatus, int newStreak) {
        return new HealthState(newStatus.label(), newStreak, log);
    }

    /** The log with {@code r} added, the oldest dropped beyond {@value #MAX_LOG}. */
    List<Result> logWith(Result r) {
        List<Result> l = new ArrayList<>(log);
        l.add(r);
        return l.size() > MAX_LOG ? l.subList(l.size() - MAX_LOG, l.size()) : l;
    }

    Health toApi() {
        List<Health.Result> results = new ArrayList<>();
        for (Result r : log) {
            results.add(new Health.Result(Rfc3339.parse(r.start()), Rfc3339.parse(r.end()), r.exitCode(), r.output()));
        }
        return new Health(healthStatus(), failingStreak, results);
    }
}
