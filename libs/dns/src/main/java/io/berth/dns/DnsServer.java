package io.berth.dns;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The engine's DNS server: containers on user networks ask it for each other's addresses, and
 * through it for the rest of the world's.
 *
 * <p><b>Terms.</b> The server is <em>bound</em> on addresses (each user network's gateway):
 * on each it serves UDP and TCP on one port. A query is answered from the {@link NameTable} when
 * the table knows the name for the asking container (the query's source address), and otherwise
 * <em>forwarded</em> to the <em>upstreams</em> (the host's resolvers, see
 * {@link ResolvConf#upstreams()}), in order, each given 2 s, the first answer relayed.
 *
 * <p><b>Answers.</b>
 * <ul>
 * <li>A name the table knows: its A or AAAA records, shuffled, TTL 0, authoritative (AA), with
 *     recursion available (RA); the question echoed as spelled, the id and RD copied. None of
 *     the asked family, or another type: NOERROR with no data.</li>
 * <li>An unknown single-label name (A, AAAA, ANY): NXDOMAIN, authoritative.</li>
 * <li>PTR for an address the table knows ({@code in-addr.arpa}, {@code ip6.arpa}): its name.</li>
 * <li>Anything else: forwarded unchanged but for the id; the answer comes back with the client's
 *     id. No upstream answers, none is configured, or 1024 queries are already out: SERVFAIL.
 *     TCP clients are forwarded over TCP.</li>
 * <li>A UDP answer larger than 512 bytes, or than the client's OPT record allows, is cut to its
 *     header and question with TC set; over TCP, answers are whole.</li>
 * <li>A query whose header can be read but not the rest: FORMERR; one whose header cannot be
 *     read, or that is a response: no answer. Opcodes other than QUERY: NOTIMP.</li>
 * </ul>
 *
 * <p><b>Lifecycle.</b> A server starts bound nowhere and without threads. For example:
 * <pre>{@code
 * DnsServer dns = new DnsServer(table, ResolvConf.read(Path.of("/etc/resolv.conf")).upstreams());
 * dns.bind(gateway, 53);       // network create, before any container starts
 * ...                          // containers resolve each other; the table changes as they come and go
 * dns.unbind(gateway);         // network remove
 * dns.close();                 // engine stop
 * }</pre>
 * Each bound address has a UDP thread and a TCP accept thread ({@code berth-dns-<address>-udp},
 * {@code -tcp}), and a thread per open TCP connection; forwarding runs on a pool
 * ({@code berth-dns-forward-<n>}) that exists while some address is bound. All are daemon
 * threads. {@link #unbind} and {@link #close} end them before returning.
 *
 * <p><b>Concurrency.</b> All methods are thread-safe. The server logs nothing while things go as
 * they should, and a warning (System.Logger) for unexpected errors; no error in a query stops
 * it.
 */
public final class DnsServer implements Closeable {
    private final Resolver resolver;
    private final Forwarder forwarder;
    private final Limits limits;
    private final Warnings tableFailures = new Warnings();
    private final Map<InetAddress, Endpoint> endpoints = new LinkedHashMap<>();
    private List<InetSocketAddress> configured;
    private volatile List<InetSocketAddress> upstreams = List.of();
    private boolean closed;

    /**
     * A server answering from NAMES and forwarding to UPSTREAMS, bound nowhere yet.
     *
     * @param names what the engine knows, called on every query
     * @param upstreams the host's resolvers, asked in this order; may be empty (then whatever
     *        the table does not answer gets SERVFAIL)
     */
    public DnsServer(NameTable names, List<InetSocketAddress> upstreams) {
        this(names, upstreams, Limits.DEFAULT);
    }

    DnsServer(NameTable names, List<InetSocketAddress> upstreams, Limits limits) {
        this.resolver = new Resolver(Objects.requireNonNull(names, "names"));
        this.limits = limits;
        this.forwarder = new Forwarder(limits);
        this.configured = List.copyOf(upstreams);
        refreshUpstreams();
    }

    /**
     * Replaces the upstreams, for the queries that arrive from now on (after the host's
     * resolv.conf changed). An upstream that is one of this server's own bound sockets is
     * skipped, which would only loop.
     */
    public synchronized void setUpstreams(List<InetSocketAddress> upstreams) {
        configured = List.copyOf(upstreams);
        refreshUpstreams();
    }

    /**
     * Serves UDP and TCP on ADDRESS:PORT (port 0 = any; returns the port bound). Idempotent for
     * the same address: binding an address already bound returns its port, when PORT is 0 or
     * that port.
     *
     * @param address an address of this host (a network's gateway), not a wildcard: UDP answers
     *        leave from it, as clients expect; each address is bound once
     * @param port the port for both UDP and TCP, or 0 for one free for both
     * @return the port bound
     * @throws IOException if ADDRESS:PORT cannot be bound (EADDRINUSE when something else holds
     *         it; EACCES for port 53 without CAP_NET_BIND_SERVICE), with both in the message
     * @throws IllegalStateException if the address is bound on another port, or the server is closed
     */
    public synchronized int bind(InetAddress address, int port) throws IOException {
        Objects.requireNonNull(address, "address");
        if (port < 0 || port > 0xffff) {
            throw new IllegalArgumentException("port " + port + " is not a port");
        }
        if (closed) {
            throw new IllegalStateException("the DNS server is closed");
        }
        Endpoint existing = endpoints.get(address);
        if (existing != null) {
            if (port != 0 && port != existing.port()) {
                throw new IllegalStateException("DNS is served on " + address.getHostAddress() + " port "
                        + existing.port() + ", not " + port + "; unbind it first");
            }
            return existing.port();
        }
        forwarder.start();
        Endpoint endpoint;
        try {
            endpoint = Endpoint.open(address, port, this::handle, limits, forwarder::abort);
        } catch (IOException | RuntimeException e) {
            stopForwarderIfIdle();
            throw e;
        }
        endpoints.put(address, endpoint);
        refreshUpstreams();
        return endpoint.port();
    }

    /**
     * Stops serving on ADDRESS: closes its sockets and connections, ends its forwarded queries
     * without answers, and waits for its threads to end. Nothing if it is not bound.
     */
    public synchronized void unbind(InetAddress address) {
        Endpoint endpoint = endpoints.remove(address);
        if (endpoint == null) {
            return;
        }
        endpoint.close();
        refreshUpstreams();
        stopForwarderIfIdle();
    }

    /** The addresses served, in the order they were bound. */
    public synchronized Set<InetAddress> bound() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(endpoints.keySet()));
    }

    /**
     * Unbinds every address and ends every thread; the server cannot be bound again. Repeated
     * calls do nothing.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Endpoint endpoint : new ArrayList<>(endpoints.values())) {
            endpoint.close();
        }
        endpoints.clear();
        forwarder.stop();
    }

    private void stopForwarderIfIdle() {
        if (endpoints.isEmpty()) {
            forwarder.stop();
        }
    }

    /** The configured upstreams but this server's own sockets. */
    private void refreshUpstreams() {
        List<InetSocketAddress> usable = new ArrayList<>(configured.size());
        for (InetSocketAddress upstream : configured) {
            Endpoint own = endpoints.get(upstream.getAddress());
            if (own == null || own.port() != upstream.getPort()) {
                usable.add(upstream);
            }
        }
        upstreams = List.copyOf(usable);
    }

    private void handle(Endpoint endpoint, byte[] message, int length, InetAddress client, boolean tcp,
                        Consumer<byte[]> reply) {
        if (length < Wire.HEADER_SIZE || (Wire.flags(message) & Wire.FLAG_QR) != 0) {
            // No header to answer, or a response: answering could start a loop between two servers.
            return;
        }
        if (Wire.opcode(Wire.flags(message)) != Wire.OPCODE_QUERY) {
            reply.accept(Response.headerOnly(message, Wire.RCODE_NOTIMP));
            return;
        }
        Query query;
        try {
            query = Query.parse(message, length);
        } catch (MalformedMessageException e) {
            reply.accept(Response.headerOnly(message, Wire.RCODE_FORMERR));
            return;
        }
        if (query.edns() && query.ednsVersion() != 0) {
            reply.accept(Response.error(query, Wire.RCODE_BADVERS));
            return;
        }
        int limit = tcp ? Wire.TCP_MAX : query.udpLimit();
        byte[] local;
        try {
            local = resolver.answer(query, client, limit);
        } catch (RuntimeException e) {
            tableFailures.warn("answering " + query + " for " + client.getHostAddress(), e);
            reply.accept(Response.error(query, Wire.RCODE_SERVFAIL));
            return;
        }
        if (local != null) {
            reply.accept(local);
            return;
        }
        List<InetSocketAddress> targets = upstreams;
        if (targets.isEmpty()) {
            reply.accept(Response.error(query, Wire.RCODE_SERVFAIL));
        } else if (tcp) {
            byte[] answer = forwarder.forwardNow(query, Arrays.copyOf(message, length), targets, endpoint);
            if (answer != null) {
                reply.accept(answer);
            }
        } else {
            forwarder.forwardLater(query, Arrays.copyOf(message, length), limit, targets, endpoint, reply);
        }
    }
}
