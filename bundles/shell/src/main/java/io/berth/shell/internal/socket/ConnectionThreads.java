package io.berth.shell.internal.socket;

import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads control connections run on: each command's, its frame writer's and its client
 * reader's. They are pooled and kept 5 s after their last task: starting a thread costs its
 * starter about 50 µs here and ending it as much again, and every command needs three, one after
 * the other on its path. A task has its thread to itself while it runs, under the task's name,
 * and leaves it with the context class loader it found.
 * Whoever interrupts a task does so under a lock that the task's end takes too ({@link
 * SocketConnection}, {@link FrameWriter}), so that no interrupt reaches the thread's next task;
 * the pool clears the flag between tasks.
 */
final class ConnectionThreads {
    /** Long enough for a script's commands one after another; an idle daemon keeps none of them. */
    private static final long KEEP_SECONDS = 5;

    private final AtomicInteger count = new AtomicInteger();
    private final ThreadPoolExecutor pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, KEEP_SECONDS, TimeUnit.SECONDS,
            new SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, "berth-connection-" + count.incrementAndGet());
                t.setDaemon(true);
                return t;
            });

    /**
     * Runs {@code task} on a thread of the pool, named {@code name} while it runs.
     *
     * @throws java.util.concurrent.RejectedExecutionException once {@link #shutdown} was called
     */
    void start(String name, Runnable task) {
        pool.execute(() -> {
            Thread me = Thread.currentThread();
            String idle = me.getName();
            ClassLoader loader = me.getContextClassLoader();
            me.setName(name);
            try {
                task.run();
            } finally {
                me.setContextClassLoader(loader);
                me.setName(idle);
            }
        });
    }

    /** Takes no more tasks; those that run end as their connections close. */
    void shutdown() {
        pool.shutdown();
    }
}
