package io.berth.dns;

import java.time.Duration;

/**
 * The server's bounds. The defaults are the design's (networking reference §3.5); tests shorten
 * them.
 *
 * @param maxInFlight forwarded queries waiting for an upstream at once; beyond, SERVFAIL
 * @param upstreamTimeout how long each upstream has to answer before the next is asked
 * @param idleTimeout how long a TCP connection may wait for its next query
 * @param maxConnections TCP connections served at once per address; beyond, closed at once
 */
record Limits(int maxInFlight, Duration upstreamTimeout, Duration idleTimeout, int maxConnections) {
    static final Limits DEFAULT = new Limits(1024, Duration.ofSeconds(2), Duration.ofSeconds(10), 64);

    /** The stack of the server's threads: they parse, look up in maps and copy bytes. */
    static final long STACK_SIZE = 256 * 1024;
}
