package io.berth.testing;

/** {@link Requirements} for JUnit 4 tests (pax-exam): skips are assumption failures. */
public final class JUnit4Requirements {
    private JUnit4Requirements() {
    }

    /** Goes on if {@code met}, else skips with {@code reason}, or fails when strict. */
    public static void require(boolean met, String reason) {
        if (met) {
            return;
        }
        if (Requirements.strict()) {
            throw new AssertionError("required but missing (-D" + Requirements.REQUIRE_PRIVILEGED + "=true): " + reason);
        }
        throw new org.junit.AssumptionViolatedException("skipped: " + reason);
    }
}
