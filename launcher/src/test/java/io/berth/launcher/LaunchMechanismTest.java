package io.berth.launcher;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The daemon's processes are started by vfork on the JDKs that support it without a warning. */
class LaunchMechanismTest {
    private final String before = System.getProperty(Main.LAUNCH_MECHANISM);

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty(Main.LAUNCH_MECHANISM);
        } else {
            System.setProperty(Main.LAUNCH_MECHANISM, before);
        }
    }

    @Test
    void vforkUpToJava21AndTheJdksDefaultAfter() {
        System.clearProperty(Main.LAUNCH_MECHANISM);
        Main.preferVfork();
        assertThat(System.getProperty(Main.LAUNCH_MECHANISM))
                .isEqualTo(Runtime.version().feature() <= 21 ? "VFORK" : null);
    }

    @Test
    void aMechanismSetOnTheCommandLineWins() {
        System.setProperty(Main.LAUNCH_MECHANISM, "FORK");
        Main.preferVfork();
        assertThat(System.getProperty(Main.LAUNCH_MECHANISM)).isEqualTo("FORK");
    }
}
