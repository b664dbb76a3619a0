package io.berth.launcher;

import io.berth.control.Frames;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The control socket ({@code <runRoot>/berth.sock}) from the launcher's first milliseconds, before
 * the framework starts: it answers a plain {@code version} itself, whose facts (the versions of
 * Berth, Java and the framework, the OS and its kernel) need no engine, and holds any other
 * command, its first frame read, until the shell takes the socket over.
 *
 * <p>The shell finds this as a service of the system bundle, a {@link Function} with the property
 * {@value #PATH_PROPERTY} naming the socket (only JDK types pass between the launcher's class
 * loader and the bundles'). It applies it to what starts a connection from its first frame's
 * payload: the held commands go there, the acceptor here stops, and the listening channel, blocking
 * again, is returned for the shell to accept on. Without a shell taking it (a framework that
 * fails to start), {@link #close()} closes the held connections and removes the socket.
 *
 * <p>The framing is {@link Frames}, the shell's and the C client's: a type byte, a 32-bit big-endian
 * length, the payload.
 */
final class EarlySocket implements Function<BiConsumer<SocketChannel, byte[]>, ServerSocketChannel>, AutoCloseable {
    /** The socket's name under the run root, as the shell's. */
    static final String SOCKET_NAME = "berth.sock";
    /** The service property naming the socket the service hands over. */
    static final String PATH_PROPERTY = "berth.control.socket";

    private static final System.Logger LOG = System.getLogger(EarlySocket.class.getName());

    private final Path path;
    private final ServerSocketChannel server;
    private final Selector selector;
    private final byte[] version;
    private final Thread acceptor;
    private final Object lock = new Object();
    /** Connections whose command waits for the shell, with their hello's payload. */
    private final List<Held> held = new ArrayList<>();
    private BiConsumer<SocketChannel, byte[]> adopter;
    private Runnable whenTaken = () -> { };
    private boolean stopping;
    private boolean closed;

    private record Held(SocketChannel channel, byte[] hello) {
    }

    private EarlySocket(Path path, ServerSocketChannel server, Selector selector, byte[] version) {
        this.path = path;
        this.server = server;
        this.selector = selector;
        this.version = version;
        this.acceptor = new Thread(this::accept, "berth-early-socket");
        this.acceptor.setDaemon(true);
    }

    /**
     * Binds {@code <runRoot>/berth.sock} (owner and group only, as the shell does) and starts
     * accepting. The caller holds the run root's lock, so a socket file there is a dead daemon's.
     *
     * @param versionText what {@code version} prints, or {@code null} to hold it as any other command
     */
    static EarlySocket open(Path runRoot, String versionText) throws IOException {
        Path path = runRoot.resolve(SOCKET_NAME);
        Files.deleteIfExists(path);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        Selector selector = null;
        try {
            server.bind(UnixDomainSocketAddress.of(path));
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw----"));
            server.configureBlocking(false);
            selector = Selector.open();
            server.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException | RuntimeException e) {
            server.close();
            if (selector != null) {
                selector.close();
            }
            Files.deleteIfExists(path);
            throw e;
        }
        EarlySocket s = new EarlySocket(path, server, selector,
                versionText == null ? null : versionText.getBytes(StandardCharsets.UTF_8));
        s.acceptor.start();
        LOG.log(System.Logger.Level.INFO, "control socket listening on " + path);
        return s;
    }

    /** The socket's path. */
    Path path() {
        return path;
    }

    /** How many commands wait for the shell. */
    int held() {
        synchronized (lock) {
            return held.size();
        }
    }

    /** Runs {@code action} once the shell has taken the socket (the launcher withdraws its offer). */
    void whenTaken(Runnable action) {
        synchronized (lock) {
            whenTaken = action;
        }
    }

    private void accept() {
        try {
            while (true) {
                selector.select();
                synchronized (lock) {
                    if (stopping) {
                        return;
                    }
                }
                selector.selectedKeys().clear();
                SocketChannel channel;
                while ((channel = server.accept()) != null) {
                    SocketChannel c = channel;
                    Thread t = new Thread(() -> serve(c), "berth-early-command");
                    t.setDaemon(true);
                    t.start();
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "control socket " + path + ": accepting failed: " + e.getMessage());
        }
    }

    /** Answers version, or holds the command for the shell (hands it over at once if the shell has the socket). */
    private void serve(SocketChannel channel) {
        try {
            byte[] hello = readHello(channel);
            if (hello == null) {
                channel.close();
                return;
            }
            if (version != null && isPlainVersion(hello)) {
                Frames.write(channel, Frames.STDOUT, version, 0, version.length);
                Frames.write(channel, Frames.EXIT, new byte[4], 0, 4);
                channel.close();
                return;
            }
            BiConsumer<SocketChannel, byte[]> to;
            synchronized (lock) {
                if (closed) {
                    channel.close();
                    return;
                }
                to = adopter;
                if (to == null) {
                    held.add(new Held(channel, hello));
                    return;
                }
            }
            to.accept(channel, hello);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "control socket " + path + ": a connection ended: " + e.getMessage());
            try {
                channel.close();
            } catch (IOException again) {
                // Closing to end it.
            }
        }
    }

    /**
     * The shell takes the socket: the held commands go to {@code start}, and so will those whose
     * first frame is still being read; the listening channel is returned, blocking. {@code null}
     * once taken or closed.
     */
    @Override
    public ServerSocketChannel apply(BiConsumer<SocketChannel, byte[]> start) {
        List<Held> pending;
        synchronized (lock) {
            if (adopter != null || closed) {
                return null;
            }
            adopter = start;
            stopping = true;
            pending = new ArrayList<>(held);
            held.clear();
        }
        selector.wakeup();
        try {
            acceptor.join();
            selector.close();
            server.configureBlocking(true);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("control socket " + path + ": cannot hand it over", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while handing over the control socket " + path, e);
        }
        for (Held h : pending) {
            start.accept(h.channel(), h.hello());
        }
        Runnable taken;
        synchronized (lock) {
            taken = whenTaken;
        }
        try {
            taken.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "control socket " + path + ": withdrawing the offer: " + e.getMessage());
        }
        return server;
    }

    /** Without a shell having taken the socket: stops accepting, closes what is held, removes the socket. */
    @Override
    public void close() throws IOException, InterruptedException {
        List<Held> pending;
        synchronized (lock) {
            if (adopter != null || closed) {
                closed = true;
                return;
            }
            closed = true;
            stopping = true;
            pending = new ArrayList<>(held);
            held.clear();
        }
        selector.wakeup();
        acceptor.join(2000);
        selector.close();
        server.close();
        for (Held h : pending) {
            h.channel().close();
        }
        Files.deleteIfExists(path);
    }

    /** The first frame's payload if it is a hello, {@code null} at once at the end of the stream. */
    private static byte[] readHello(SocketChannel channel) throws IOException {
        Frames.Frame first = Frames.read(channel);
        if (first == null) {
            return null;
        }
        if (first.type() != Frames.HELLO) {
            throw new IOException("expected a hello frame, got '" + (char) first.type() + "'");
        }
        return first.payload();
    }

    /**
     * Whether a hello asks for {@code version} (or {@code system version}) with no option: its
     * version byte, flags, rows, columns, the number of arguments, then NUL-terminated strings
     * (working directory, TERM, the arguments, the environment). A hello of another protocol
     * version is the shell's to refuse.
     */
    static boolean isPlainVersion(byte[] hello) {
        if (hello.length < 10 || (hello[0] & 0xff) != Frames.PROTOCOL_VERSION) {
            return false;
        }
        int argc = ByteBuffer.wrap(hello, 6, 4).getInt();
        if (argc < 1 || argc > 2) {
            return false;
        }
        List<String> strings = new ArrayList<>();
        int start = 10;
        for (int i = start; i < hello.length && strings.size() < 2 + argc; i++) {
            if (hello[i] == 0) {
                strings.add(new String(hello, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (strings.size() < 2 + argc) {
            return false;
        }
        List<String> args = strings.subList(2, 2 + argc);
        return args.equals(List.of("version")) || args.equals(List.of("system", "version"));
    }
}
