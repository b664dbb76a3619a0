package io.berth.dns;

import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The server's threads: platform daemon threads with small stacks and names that say whose they are. */
final class DaemonThreads {
    private static final System.Logger LOG = System.getLogger(DnsServer.class.getName());

    private DaemonThreads() {
    }

    static Thread start(String name, Runnable task) {
        Thread thread = new Thread(null, task, name, Limits.STACK_SIZE);
        thread.setDaemon(true);
        thread.setUncaughtExceptionHandler(DaemonThreads::uncaught);
        thread.start();
        return thread;
    }

    /**
     * A pool of at most MAX threads named PREFIX-1, PREFIX-2…, without a queue: a task that finds
     * every thread busy is rejected. Idle threads end after IDLE_SECONDS.
     */
    static ThreadPoolExecutor pool(String prefix, int max, long idleSeconds) {
        AtomicInteger count = new AtomicInteger();
        ThreadFactory factory = task -> {
            Thread thread = new Thread(null, task, prefix + "-" + count.incrementAndGet(), Limits.STACK_SIZE);
            thread.setDaemon(true);
            thread.setUncaughtExceptionHandler(DaemonThreads::uncaught);
            return thread;
        };
        return new ThreadPoolExecutor(0, max, idleSeconds, TimeUnit.SECONDS, new SynchronousQueue<>(), factory);
    }

    /** Waits for THREAD to end, at most 5 s. */
    static void join(Thread thread) {
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for POOL's threads to end, at most 5 s; the pool must be shut down. */
    static void await(ThreadPoolExecutor pool) {
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void uncaught(Thread thread, Throwable error) {
        LOG.log(System.Logger.Level.WARNING, "DNS server thread " + thread.getName() + " failed: " + error, error);
    }
}
