package io.berth.dns;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Warnings about errors that may repeat with every query (a socket that keeps failing), logged at
 * most once a minute so that a flood of queries does not become a flood of log lines.
 */
final class Warnings {
    private static final System.Logger LOG = System.getLogger(DnsServer.class.getName());
    private static final long INTERVAL = 60_000_000_000L;

    private final AtomicLong last = new AtomicLong(System.nanoTime() - INTERVAL);

    void warn(String message, Throwable cause) {
        long now = System.nanoTime();
        long previous = last.get();
        if (now - previous >= INTERVAL && last.compareAndSet(previous, now)) {
            LOG.log(System.Logger.Level.WARNING, message + ": " + cause, cause);
        }
    }
}
