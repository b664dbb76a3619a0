package io.berth.shell.internal.socket;

import io.berth.control.Frames;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.channels.Pipe;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Pooled connection threads: reused, named while a task runs, handed over clean (no interrupt, the same class loader). */
class ConnectionThreadsTest {
    private static <T> T on(ConnectionThreads threads, String name, java.util.concurrent.Callable<T> task) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        threads.start(name, () -> {
            try {
                result.complete(task.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return result.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aThreadIsReusedUnderEachTasksNameAndHandedOverClean() throws Exception {
        ConnectionThreads threads = new ConnectionThreads();
        try {
            Thread first = on(threads, "berth-command-1", () -> {
                assertThat(Thread.currentThread().getName()).isEqualTo("berth-command-1");
                assertThat(Thread.currentThread().isDaemon()).isTrue();
                // A task that ends interrupted, with a class loader of its own.
                Thread.currentThread().setContextClassLoader(new URLClassLoader(new URL[0]));
                Thread.currentThread().interrupt();
                return Thread.currentThread();
            });
            awaitIdle(first);
            assertThat(first.getName()).startsWith("berth-connection-");
            ClassLoader before = first.getContextClassLoader();
            List<Object> seen = on(threads, "berth-command-2", () -> {
                List<Object> s = new ArrayList<>();
                s.add(Thread.currentThread());
                s.add(Thread.currentThread().isInterrupted());
                s.add(Thread.currentThread().getContextClassLoader());
                return s;
            });
            assertThat(seen.get(0)).as("the idle thread runs the next task").isSameAs(first);
            assertThat(seen.get(1)).as("no interrupt reaches the next task").isEqualTo(false);
            assertThat(seen.get(2)).as("the class loader the thread had").isSameAs(before)
                    .isNotInstanceOf(URLClassLoader.class);
        } finally {
            threads.shutdown();
        }
        assertThatThrownBy(() -> threads.start("late", () -> { })).isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void finishStopsAWriterBlockedOnAClientThatDoesNotReadAndItsThreadServesAgain() throws Exception {
        ConnectionThreads threads = new ConnectionThreads();
        try {
            Pipe pipe = Pipe.open();
            FrameWriter writer = new FrameWriter(pipe.sink(), "berth-command-1-writer", threads, 200);
            byte[] big = new byte[256 * 1024];
            // More than the pipe holds, and nobody reads: the writer blocks in its write.
            writer.send(Frames.STDOUT, big);
            writer.send(Frames.STDOUT, big);
            Thread sender = awaitThread("berth-command-1-writer");
            long started = System.nanoTime();
            writer.finish();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).as("finish gives up").isLessThan(5000);
            assertThat(pipe.sink().isOpen()).as("the interrupt closed the client's channel").isFalse();
            // The writer's thread goes back to the pool and runs the next task, uninterrupted.
            awaitIdle(sender);
            List<Object> next = on(threads, "next", () -> {
                Thread.sleep(300);
                return List.of(Thread.currentThread(), Thread.currentThread().isInterrupted());
            });
            assertThat(next.get(0)).isSameAs(sender);
            assertThat(next.get(1)).isEqualTo(false);
            assertThatThrownBy(() -> writer.send(Frames.STDOUT, "late".getBytes())).isInstanceOf(java.io.IOException.class)
                    .hasMessageStartingWith("control socket: client gone");
        } finally {
            threads.shutdown();
        }
    }

    @Test
    void aFrameWriterSendsInOrderThenFreesItsThreadUninterrupted() throws Exception {
        ConnectionThreads threads = new ConnectionThreads();
        try {
            Pipe pipe = Pipe.open();
            FrameWriter writer = new FrameWriter(pipe.sink(), "berth-command-1-writer", threads);
            writer.send(Frames.STDOUT, "one".getBytes());
            writer.send(Frames.STDERR, "two".getBytes());
            writer.finish();
            pipe.sink().close();
            Frames.Frame a = Frames.read(pipe.source());
            Frames.Frame b = Frames.read(pipe.source());
            assertThat(new String(a.payload())).isEqualTo("one");
            assertThat(a.type()).isEqualTo(Frames.STDOUT);
            assertThat(new String(b.payload())).isEqualTo("two");
            assertThat(Frames.read(pipe.source())).isNull();
            Boolean interrupted = on(threads, "next", () -> Thread.currentThread().isInterrupted());
            assertThat(interrupted).isFalse();
        } finally {
            threads.shutdown();
        }
    }

    /** The live thread of this name, waited for up to 10 s. */
    private static Thread awaitThread(String name) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().equals(name)) {
                    return t;
                }
            }
            assertThat(System.nanoTime()).as("a thread named %s within 10 s", name).isLessThan(deadline);
            Thread.sleep(1);
        }
    }

    /**
     * Waits until the pool's thread has left its task (its name, set back last, is the pool's again)
     * and waits for the next (parked in the pool's queue, where the next task finds it).
     */
    private static void awaitIdle(Thread t) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!(t.getName().startsWith("berth-connection-") && t.getState() == Thread.State.TIMED_WAITING)) {
            assertThat(System.nanoTime()).as("the thread goes back to the pool within 10 s").isLessThan(deadline);
            Thread.sleep(1);
        }
    }
}
