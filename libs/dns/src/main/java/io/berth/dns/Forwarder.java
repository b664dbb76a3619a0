package io.berth.dns;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.function.Consumer;

/**
 * Asks the upstreams what this server does not know: each in turn, until one answers within the
 * timeout. A query goes out unchanged but for its id, which is new and random (with the fresh
 * source port of a socket of its own, that makes forged answers hard to slip in); the answer
 * comes back with the client's id. UDP clients are forwarded over UDP on the pool, TCP clients
 * over TCP on their connection's thread. At most {@link Limits#maxInFlight()} queries are out at
 * once, over both; beyond, SERVFAIL.
 *
 * <p>Every socket to an upstream is registered with the endpoint the query came in on, so that
 * unbinding it ends its exchanges at once instead of after their timeouts.
 */
final class Forwarder {
    private static final int FORWARD_IDLE_SECONDS = 30;

    private final Limits limits;
    private final Semaphore slots;
    private final Map<Closeable, Endpoint> exchanges = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Warnings warnings = new Warnings();
    private volatile ThreadPoolExecutor pool;

    Forwarder(Limits limits) {
        this.limits = limits;
        this.slots = new Semaphore(limits.maxInFlight());
    }

    /** Starts the pool's threads, as they are needed; nothing if started. */
    synchronized void start() {
        if (pool == null) {
            pool = DaemonThreads.pool("berth-dns-forward", limits.maxInFlight(), FORWARD_IDLE_SECONDS);
        }
    }

    /** Ends the exchanges under way, without answers, and the pool's threads. */
    synchronized void stop() {
        ThreadPoolExecutor stopping = pool;
        if (stopping == null) {
            return;
        }
        pool = null;
        stopping.shutdownNow();
        exchanges.keySet().forEach(Forwarder::closeQuietly);
        DaemonThreads.await(stopping);
    }

    /** Ends OWNER's exchanges under way, without answers. */
    void abort(Endpoint owner) {
        exchanges.forEach((socket, endpoint) -> {
            if (endpoint == owner) {
                closeQuietly(socket);
            }
        });
    }

    /** Forwards a UDP client's query on the pool; REPLY gets the answer, unless OWNER closes first. */
    void forwardLater(Query query, byte[] message, int limit, List<InetSocketAddress> upstreams, Endpoint owner,
                      Consumer<byte[]> reply) {
        ThreadPoolExecutor running = pool;
        if (running == null) {
            return;
        }
        if (!slots.tryAcquire()) {
            reply.accept(Response.error(query, Wire.RCODE_SERVFAIL));
            return;
        }
        try {
            running.execute(() -> {
                try {
                    byte[] answer = exchange(query, message, false, limit, upstreams, owner);
                    if (answer != null) {
                        reply.accept(answer);
                    }
                } finally {
                    slots.release();
                }
            });
        } catch (RejectedExecutionException e) {
            // Only a pool shutting down rejects (the semaphore bounds the tasks to its size): the server is closing.
            slots.release();
        }
    }

    /** Forwards a TCP client's query over TCP; the answer, or null when OWNER closed meanwhile. */
    byte[] forwardNow(Query query, byte[] message, List<InetSocketAddress> upstreams, Endpoint owner) {
        if (!slots.tryAcquire()) {
            return Response.error(query, Wire.RCODE_SERVFAIL);
        }
        try {
            return exchange(query, message, true, Wire.TCP_MAX, upstreams, owner);
        } finally {
            slots.release();
        }
    }

    private byte[] exchange(Query query, byte[] message, boolean tcp, int limit, List<InetSocketAddress> upstreams,
                            Endpoint owner) {
        for (InetSocketAddress upstream : upstreams) {
            if (!owner.isOpen()) {
                return null;
            }
            int id = random.nextInt(0x10000);
            byte[] outgoing = Arrays.copyOf(message, message.length);
            Wire.put16(outgoing, 0, id);
            try {
                byte[] answer = tcp ? overTcp(outgoing, id, query, upstream, owner) : overUdp(outgoing, id, query, upstream, owner);
                if (answer != null) {
                    return Response.relay(answer, query.id(), limit);
                }
            } catch (SocketTimeoutException | PortUnreachableException | ConnectException | NoRouteToHostException
                     | EOFException e) {
                // That upstream is down or slow: the next one.
            } catch (IOException e) {
                if (!owner.isOpen()) {
                    return null;
                }
                warnings.warn("forwarding " + query + " to " + upstream, e);
            }
        }
        return owner.isOpen() ? Response.error(query, Wire.RCODE_SERVFAIL) : null;
    }

    private byte[] overUdp(byte[] outgoing, int id, Query query, InetSocketAddress upstream, Endpoint owner)
            throws IOException {
        try (DatagramSocket socket = new DatagramSocket()) {
            if (!register(socket, owner)) {
                return null;
            }
            try {
                socket.connect(upstream);
                socket.send(new DatagramPacket(outgoing, outgoing.length));
                long deadline = System.nanoTime() + limits.upstreamTimeout().toNanos();
                byte[] buffer = new byte[Wire.TCP_MAX];
                while (true) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return null;
                    }
                    socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
                    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                    socket.receive(packet);
                    // A late answer to an earlier query, or a forgery: keep waiting for ours.
                    if (answers(buffer, packet.getLength(), id, query)) {
                        return Arrays.copyOf(buffer, packet.getLength());
                    }
                }
            } finally {
                exchanges.remove(socket);
            }
        }
    }

    private byte[] overTcp(byte[] outgoing, int id, Query query, InetSocketAddress upstream, Endpoint owner)
            throws IOException {
        int timeout = (int) limits.upstreamTimeout().toMillis();
        try (Socket socket = new Socket()) {
            if (!register(socket, owner)) {
                return null;
            }
            try {
                socket.connect(upstream, timeout);
                socket.setSoTimeout(timeout);
                socket.setTcpNoDelay(true);
                OutputStream out = socket.getOutputStream();
                byte[] framed = new byte[outgoing.length + 2];
                Wire.put16(framed, 0, outgoing.length);
                System.arraycopy(outgoing, 0, framed, 2, outgoing.length);
                out.write(framed);
                out.flush();
                DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
                byte[] answer = new byte[in.readUnsignedShort()];
                in.readFully(answer);
                return answers(answer, answer.length, id, query) ? answer : null;
            } finally {
                exchanges.remove(socket);
            }
        }
    }

    /** Registers SOCKET as OWNER's; false when OWNER closed already, and will not abort it. */
    private boolean register(Closeable socket, Endpoint owner) {
        exchanges.put(socket, owner);
        if (owner.isOpen() && pool != null) {
            return true;
        }
        exchanges.remove(socket);
        return false;
    }

    /** Whether MESSAGE answers QUERY, sent with ID: a response with the same id and question. */
    private static boolean answers(byte[] message, int length, int id, Query query) {
        if (length < Wire.HEADER_SIZE || Wire.u16(message, 0) != id || (Wire.flags(message) & Wire.FLAG_QR) == 0) {
            return false;
        }
        int questions = Wire.u16(message, 4);
        if (questions == 0) {
            // Some servers leave out the question of an error answer (FORMERR, REFUSED).
            return (Wire.flags(message) & 0xf) != Wire.RCODE_NOERROR;
        }
        if (questions != 1) {
            return false;
        }
        try {
            MessageReader reader = new MessageReader(message, length, Wire.QUESTION_OFFSET);
            return reader.name().equalsIgnoreCase(query.name()) && reader.u16() == query.type()
                    && reader.u16() == query.queryClass();
        } catch (MalformedMessageException e) {
            return false;
        }
    }

    private static void closeQuietly(Closeable socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Closing to end an exchange: its failure changes nothing.
        }
    }
}
