package io.berth.dns;

import java.net.InetAddress;
import java.util.List;

/**
 * What the engine knows: the names containers have on their networks, and their addresses, as
 * seen by one client container. The {@link DnsServer} asks it for every query it may answer
 * itself, so an answer changes as soon as the table does (the server caches nothing, and answers
 * with TTL 0 so that clients do not either).
 *
 * <p><b>Scope.</b> CLIENT is the source address of the query: the engine maps it to the asking
 * container and answers only for the networks that container is on. A name on a network the
 * client is not on must be unknown to it, or the table leaks one network's names into another.
 *
 * <p><b>Concurrency.</b> The server calls the table from several threads at once, on the path of
 * every query: methods must be thread-safe and quick, and must not block. A method that throws
 * makes the server answer SERVFAIL and log a warning.
 */
public interface NameTable {
    /**
     * The addresses of NAME as seen by the container whose address is CLIENT; null when the name
     * is unknown to the engine for that client (then the server forwards the query, or answers
     * NXDOMAIN for single-label names). An empty list means "known, but no address" (NOERROR, no
     * data). NAME is lowercase, without trailing dot.
     *
     * @param client the source address of the query
     * @param name a name of one or more labels, lowercase ASCII, dot-separated
     * @return the name's addresses, of both families (the server picks those of the asked
     *         family), in any order; or null
     */
    List<InetAddress> lookup(InetAddress client, String name);

    /**
     * The name (no trailing dot) of ADDRESS as seen by CLIENT, or null. The server answers PTR
     * queries for {@code in-addr.arpa} and {@code ip6.arpa} with it; null sends the query
     * upstream.
     *
     * @param client the source address of the query
     * @param address the address the PTR query asks about
     * @return a domain name (labels of 1 to 63 bytes, 255 in all), or null
     */
    String reverse(InetAddress client, InetAddress address);
}
