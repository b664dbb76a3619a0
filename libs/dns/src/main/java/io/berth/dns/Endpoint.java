package io.berth.dns;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.function.Consumer;

/**
 * The server on one address: a UDP socket and a TCP listener on the same port, a thread for each
 * ({@code berth-dns-<address>-udp}, {@code berth-dns-<address>-tcp}) and a thread per TCP
 * connection ({@code berth-dns-<address>-tcp-<n>}, at most {@link Limits#maxConnections()}).
 * Queries go to the {@link Handler}; closing stops every thread and closes every socket.
 */
final class Endpoint {
    /** What the endpoint does with each message that arrives. */
    interface Handler {
        /**
         * Answers MESSAGE (its first LENGTH bytes; the array is reused after the call) from
         * CLIENT through REPLY, now or later; over TCP, before returning.
         */
        void handle(Endpoint endpoint, byte[] message, int length, InetAddress client, boolean tcp, Consumer<byte[]> reply);
    }

    private static final int BIND_ATTEMPTS = 10;
    private static final int BACKLOG = 128;
    private static final int RECEIVE_BUFFER = 1 << 20;
    private static final long ERROR_PAUSE_MILLIS = 100;

    private final InetAddress address;
    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final Handler handler;
    private final Limits limits;
    private final Consumer<Endpoint> onClose;
    private final Set<Socket> clients = ConcurrentHashMap.newKeySet();
    private final Warnings warnings = new Warnings();
    private final ThreadPoolExecutor connections;
    private volatile boolean open = true;
    private Thread udpThread;
    private Thread acceptThread;

    private Endpoint(InetAddress address, DatagramSocket udp, ServerSocket tcp, Handler handler, Limits limits,
                     Consumer<Endpoint> onClose) {
        this.address = address;
        this.udp = udp;
        this.tcp = tcp;
        this.handler = handler;
        this.limits = limits;
        this.onClose = onClose;
        this.connections = DaemonThreads.pool(threadName("tcp"), limits.maxConnections(),
                Math.max(1, limits.idleTimeout().toSeconds()));
    }

    /**
     * Binds UDP and TCP on ADDRESS:PORT and starts serving. Port 0 takes a port free for both.
     * ON_CLOSE runs when the endpoint closes, after its sockets are closed and before its threads
     * are awaited.
     *
     * @throws IOException if the address or port cannot be bound, with both in the message
     */
    static Endpoint open(InetAddress address, int port, Handler handler, Limits limits, Consumer<Endpoint> onClose)
            throws IOException {
        for (int attempt = 1; ; attempt++) {
            DatagramSocket udp = new DatagramSocket(null);
            ServerSocket tcp;
            try {
                tcp = new ServerSocket();
            } catch (IOException e) {
                udp.close();
                throw e;
            }
            try {
                // Room for a burst of queries (the kernel caps this at net.core.rmem_max).
                udp.setReceiveBufferSize(RECEIVE_BUFFER);
                udp.bind(new InetSocketAddress(address, port));
                tcp.setReuseAddress(true);
                tcp.bind(new InetSocketAddress(address, udp.getLocalPort()), BACKLOG);
            } catch (IOException e) {
                udp.close();
                tcp.close();
                if (e instanceof BindException && port == 0 && attempt < BIND_ATTEMPTS) {
                    // The port UDP got is taken for TCP: take another.
                    continue;
                }
                String where = "cannot serve DNS on " + address.getHostAddress() + " port " + port + ": " + e.getMessage();
                IOException failure = e instanceof BindException ? new BindException(where) : new IOException(where);
                failure.initCause(e);
                throw failure;
            }
            Endpoint endpoint = new Endpoint(address, udp, tcp, handler, limits, onClose);
            endpoint.start();
            return endpoint;
        }
    }

    int port() {
        return udp.getLocalPort();
    }

    boolean isOpen() {
        return open;
    }

    /** Stops serving: closes the sockets and the connections, and waits for the threads to end. */
    void close() {
        if (!open) {
            return;
        }
        open = false;
        udp.close();
        try {
            tcp.close();
        } catch (IOException e) {
            warnings.warn("closing the DNS listener on " + address.getHostAddress(), e);
        }
        // The accept loop ends first: a connection it took just before the listener closed is then
        // among the clients closed below, and its thread among those awaited.
        DaemonThreads.join(acceptThread);
        clients.forEach(Endpoint::closeQuietly);
        connections.shutdownNow();
        onClose.accept(this);
        DaemonThreads.join(udpThread);
        DaemonThreads.await(connections);
    }

    private void start() {
        udpThread = DaemonThreads.start(threadName("udp"), this::receive);
        acceptThread = DaemonThreads.start(threadName("tcp"), this::accept);
    }

    private String threadName(String transport) {
        return "berth-dns-" + address.getHostAddress() + "-" + transport;
    }

    private void receive() {
        byte[] buffer = new byte[Wire.TCP_MAX];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        while (open) {
            packet.setData(buffer);
            try {
                udp.receive(packet);
            } catch (IOException e) {
                if (open) {
                    warnings.warn("receiving DNS queries on " + address.getHostAddress(), e);
                    pause();
                }
                continue;
            }
            SocketAddress client = packet.getSocketAddress();
            try {
                handler.handle(this, buffer, packet.getLength(), packet.getAddress(), false, answer -> send(answer, client));
            } catch (RuntimeException e) {
                warnings.warn("answering a DNS query from " + packet.getAddress().getHostAddress(), e);
            }
        }
    }

    private void send(byte[] answer, SocketAddress client) {
        try {
            udp.send(new DatagramPacket(answer, answer.length, client));
        } catch (IOException e) {
            if (open) {
                warnings.warn("answering " + client + " from " + address.getHostAddress(), e);
            }
        }
    }

    private void accept() {
        while (open) {
            Socket socket;
            try {
                socket = tcp.accept();
            } catch (IOException e) {
                if (open) {
                    warnings.warn("accepting DNS connections on " + address.getHostAddress(), e);
                    pause();
                }
                continue;
            }
            clients.add(socket);
            try {
                if (!open) {
                    throw new RejectedExecutionException("closed");
                }
                connections.execute(() -> serve(socket));
            } catch (RejectedExecutionException e) {
                // Every connection thread is busy, or the endpoint is closing: the client may try again.
                clients.remove(socket);
                closeQuietly(socket);
            }
        }
    }

    /**
     * Serves one connection: queries with a 2-byte length before each (RFC 1035 §4.2.2), answered
     * in order, until the client closes or is idle for {@link Limits#idleTimeout()}.
     */
    private void serve(Socket socket) {
        InetAddress client = socket.getInetAddress();
        try (socket) {
            socket.setSoTimeout((int) limits.idleTimeout().toMillis());
            socket.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            while (open) {
                int length = in.readUnsignedShort();
                byte[] message = new byte[length];
                in.readFully(message);
                handler.handle(this, message, length, client, true, answer -> write(out, answer));
            }
        } catch (EOFException | UncheckedIOException e) {
            // The client closed, or went away mid-answer.
        } catch (IOException e) {
            // Idle past the timeout, reset by the client, or closed by close(): nothing to report.
        } catch (RuntimeException e) {
            warnings.warn("answering DNS over TCP for " + client.getHostAddress(), e);
        } finally {
            clients.remove(socket);
        }
    }

    private static void write(OutputStream out, byte[] answer) {
        try {
            out.write(answer.length >>> 8);
            out.write(answer.length);
            out.write(answer);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void pause() {
        try {
            Thread.sleep(ERROR_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            // Only close() stops this thread, by closing its socket; nothing else interrupts it.
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Closing to stop serving it: nothing more to do.
        }
    }
}
