package io.berth.itests;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Waiting for a condition, checked every few milliseconds, inside and outside the framework. */
final class Conditions {
    private Conditions() {
    }

    /**
     * Waits until {@code condition} holds.
     *
     * @throws AssertionError naming {@code what} if it does not within {@code timeout}
     */
    static void await(String what, Duration timeout, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Boolean.TRUE.equals(condition.call())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what);
            }
            Thread.sleep(10);
        }
    }
}
