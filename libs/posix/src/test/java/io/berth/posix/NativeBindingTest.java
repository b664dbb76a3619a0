package io.berth.posix;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * libc's first binding asked for from a thread with too little stack left for jnr-ffi's first
 * initialisation, as the threads that watch containers have (128 KB): it is done on a thread of
 * its own. In a JVM of its own, where nothing bound libc before, interpreted only so that a
 * frame's size does not depend on what the JIT compiled. (With the binding on the caller's
 * stack, the same call overflows it.)
 */
class NativeBindingTest {
    private static final long STACK = 128 * 1024;
    /**
     * Frames of {@link #readlinkAt} left unused below the deepest a thread holds: room for the
     * call once libc is bound elsewhere (250 frames are enough here), not for binding it on the
     * spot (350 are not; 400 are).
     */
    private static final int HEADROOM = 320;

    public static void main(String[] args) throws Exception {
        Path link = Path.of(args[0]);
        // The class loaded, as the libc bundle has it, without binding libc.
        Native.major(0);
        int[] deepest = new int[1];
        run(() -> {
            try {
                count(deepest);
            } catch (StackOverflowError e) {
                // As deep as it goes.
            }
        });
        String[] read = new String[1];
        run(() -> read[0] = readlinkAt(deepest[0] - HEADROOM, link));
        System.out.println(read[0]);
    }

    private static void run(Runnable task) throws InterruptedException {
        Thread t = new Thread(null, task, "small", STACK);
        t.start();
        t.join();
    }

    /** Recurses as {@link #readlinkAt} does, counting its frames, until the stack is full. */
    private static String count(int[] frames) {
        frames[0]++;
        return count(frames);
    }

    /** Recurses {@code frames} deep, then reads the link. */
    private static String readlinkAt(int frames, Path link) {
        if (frames > 0) {
            return readlinkAt(frames - 1, link);
        }
        try {
            return new String(Native.readlink(link), StandardCharsets.UTF_8);
        } catch (Throwable e) {
            return e.toString();
        }
    }

    @Test
    void theFirstBindingFromAThreadShortOfStackIsDoneOnAThreadOfItsOwn() throws Exception {
        Path dir = Files.createTempDirectory("binding");
        Path link = Files.createSymbolicLink(dir.resolve("link"), Path.of("target-of-the-link"));
        try {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xint",
                    "-cp", System.getProperty("java.class.path"), NativeBindingTest.class.getName(), link.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(out).isEqualTo("target-of-the-link\n");
        } finally {
            Files.delete(link);
            Files.delete(dir);
        }
    }
}
