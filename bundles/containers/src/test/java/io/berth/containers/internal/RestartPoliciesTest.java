package io.berth.containers.internal;

import io.berth.api.container.ContainerStatus;
import io.berth.api.container.RestartPolicy;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Docker's restart manager's decisions: which ends restart, which containers start with the engine, the back-off. */
class RestartPoliciesTest {
    private static StateRecord exited(int code, int restarts, boolean byUser) {
        return new StateRecord(ContainerStatus.EXITED, 0, code, false, "", null, null, restarts, byUser);
    }

    @Test
    void whichEndsAreRestarted() {
        assertThat(RestartPolicies.restarts(RestartPolicy.NO, exited(1, 0, false))).isFalse();
        assertThat(RestartPolicies.restarts(RestartPolicy.parse("always"), exited(0, 0, false))).isTrue();
        assertThat(RestartPolicies.restarts(RestartPolicy.parse("unless-stopped"), exited(0, 0, false))).isTrue();
        // on-failure: only a non-zero exit, at most N times when N is given.
        assertThat(RestartPolicies.restarts(RestartPolicy.parse("on-failure"), exited(0, 0, false))).isFalse();
        assertThat(RestartPolicies.restarts(RestartPolicy.parse("on-failure"), exited(1, 99, false))).isTrue();
        assertThat(RestartPolicies.restarts(RestartPolicy.parse("on-failure:3"), exited(1, 2, false))).isTrue();
        assertThat(RestartPolicies.restarts(RestartPolicy.parse("on-failure:3"), exited(1, 3, false))).isFalse();
        // Stopped or killed by the user: never, whatever the policy.
        assertThat(RestartPolicies.restarts(RestartPolicy.parse("always"), exited(137, 0, true))).isFalse();
    }

    @Test
    void whichContainersStartWithTheEngine() {
        assertThat(RestartPolicies.startsWithEngine(RestartPolicy.parse("always"), exited(0, 0, true))).isTrue();
        assertThat(RestartPolicies.startsWithEngine(RestartPolicy.parse("unless-stopped"), exited(0, 0, false))).isTrue();
        assertThat(RestartPolicies.startsWithEngine(RestartPolicy.parse("unless-stopped"), exited(0, 0, true))).isFalse();
        assertThat(RestartPolicies.startsWithEngine(RestartPolicy.parse("on-failure"), exited(1, 0, false))).isFalse();
        // One waiting for its policy's restart when the engine stopped is started, whatever the policy.
        assertThat(RestartPolicies.startsWithEngine(RestartPolicy.parse("on-failure"), exited(1, 0, false).restarting()))
                .isTrue();
        // Never started, or running: left as they are.
        assertThat(RestartPolicies.startsWithEngine(RestartPolicy.parse("always"), StateRecord.CREATED)).isFalse();
        assertThat(RestartPolicies.startsWithEngine(RestartPolicy.parse("always"),
                StateRecord.CREATED.startedByUser(42, java.time.Instant.now()))).isFalse();
    }

    @Test
    void theBackOffDoublesUpToAMinuteAndStartsOverAfterTenSecondsOfRunning() {
        long delay = RestartPolicies.FIRST_DELAY_MILLIS;
        StringBuilder waits = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            long[] d = RestartPolicies.backOff(delay, Duration.ofMillis(50));
            waits.append(d[0]).append(' ');
            delay = d[1];
        }
        assertThat(waits.toString().strip())
                .isEqualTo("100 200 400 800 1600 3200 6400 12800 25600 51200 60000 60000");
        assertThat(RestartPolicies.backOff(60_000, Duration.ofSeconds(10))).containsExactly(100, 200);
        assertThat(RestartPolicies.backOff(800, null)).containsExactly(800, 1600);
    }
}
