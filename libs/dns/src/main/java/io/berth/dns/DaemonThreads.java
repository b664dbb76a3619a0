package io.berth.dns;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.SynchronousQueue;
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
        return new Pool(prefix, max, idleSeconds);
    }

    /** A pool that knows its threads, so that {@link #await} can wait for them to have ended, not only to have left their work. */
    private static final class Pool extends ThreadPoolExecutor {
        private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

        Pool(String prefix, int max, long idleSeconds) {
            super(0, max, idleSeconds, TimeUnit.SECONDS, new SynchronousQueue<>());
            AtomicInteger count = new AtomicInteger();
            setThreadFactory(task -> {
                Thread thread = new Thread(null, task, prefix + "-" + count.incrementAndGet(), Limits.STACK_SIZE);
                thread.setDaemon(true);
                thread.setUncaughtExceptionHandler(DaemonThreads::uncaught);
                // Those that ended are forgotten here, so the set holds the pool's threads and few more.
                threads.removeIf(t -> !t.isAlive());
                threads.add(thread);
                return thread;
            });
        }
    }

    /** Waits for THREAD to end, at most 5 s. */
    static void join(Thread thread) {
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits for POOL's threads to end, at most 5 s in all; the pool must be shut down. A pool is
     * terminated once its workers have left their loop, a moment before their threads end: those are
     * joined too, so that no thread of it is left when this returns.
     */
    static void await(ThreadPoolExecutor pool) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
            if (pool instanceof Pool p) {
                for (Thread t : List.copyOf(p.threads)) {
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (left > 0) {
                        t.join(left);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void uncaught(Thread thread, Throwable error) {
        LOG.log(System.Logger.Level.WARNING, "DNS server thread " + thread.getName() + " failed: " + error, error);
    }
}
