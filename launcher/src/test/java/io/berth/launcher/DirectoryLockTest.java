package io.berth.launcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class DirectoryLockTest {
    @TempDir
    Path dir;

    @Test
    void aSecondProcessCannotTakeTheLockAndLearnsTheHolder() throws Exception {
        try (DirectoryLock lock = DirectoryLock.acquire(dir, "engine root")) {
            // Not read here: closing any descriptor of the file would drop this process's fcntl lock.
            // fcntl locks are per process: another JVM must be refused.
            Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), LockProbe.class.getName(), dir.toString())
                    .redirectErrorStream(true).start();
            String out = new String(other.getInputStream().readAllBytes());
            assertThat(other.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(out).contains("the engine root " + dir + " is in use by another Berth daemon (pid "
                    + ProcessHandle.current().pid() + ")");
        }
        try (DirectoryLock again = DirectoryLock.acquire(dir, "engine root")) {
            assertThat(again).isNotNull();
        }
    }

    /** Tries to take the lock in another process. */
    public static final class LockProbe {
        public static void main(String[] args) throws Exception {
            try (DirectoryLock lock = DirectoryLock.acquire(Path.of(args[0]), "engine root")) {
                System.out.println("acquired");
            } catch (IllegalStateException e) {
                System.out.println(e.getMessage());
            }
        }
    }
}
