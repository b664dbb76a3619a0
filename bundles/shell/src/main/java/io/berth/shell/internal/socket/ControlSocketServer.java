package io.berth.shell.internal.socket;

import io.berth.control.Frames;
import io.berth.api.engine.Engine;
import io.berth.shell.internal.framework.CommandRegistrar;
import io.berth.shell.internal.framework.OnDemandBundles;
import org.apache.felix.service.command.CommandProcessor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The unix socket bin/berth talks to: {@code <runRoot>/berth.sock}, owner and group only (as
 * docker's socket). Each connection runs one command on its own thread.
 */
@Component(immediate = true, service = {})
public class ControlSocketServer {
    /** The socket's name under the run root. */
    public static final String SOCKET_NAME = "berth.sock";
    /** The property of the launcher's offer of the socket, naming it (the launcher's EarlySocket.PATH_PROPERTY). */
    static final String LAUNCHER_SOCKET_PROPERTY = "berth.control.socket";

    private static final System.Logger LOG = System.getLogger(ControlSocketServer.class.getName());

    private final ServerSocketChannel server;
    private final Path socket;
    private final Thread acceptor;
    private final Set<SocketChannel> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger counter = new AtomicInteger();
    private final ConnectionThreads threads = new ConnectionThreads();
    private final StartupGate startup;
    private final OnDemandBundles onDemand;

    @Activate
    public ControlSocketServer(@Reference Engine engine, @Reference CommandProcessor processor,
                               @Reference CommandRegistrar registrar, BundleContext context) throws IOException {
        startup = new StartupGate(context);
        onDemand = new OnDemandBundles(context);
        Path runRoot = engine.settings().runRoot();
        Files.createDirectories(runRoot);
        socket = runRoot.resolve(SOCKET_NAME);
        ServerSocketChannel taken = takeOver(context, socket, (channel, hello) ->
                serve(channel, new Frames.Frame(Frames.HELLO, hello), processor, registrar));
        if (taken != null) {
            server = taken;
            LOG.log(System.Logger.Level.INFO, "control socket " + socket + " taken over from the launcher");
        } else {
            // The launcher holds the run root's lock, so a socket file here is a dead daemon's.
            Files.deleteIfExists(socket);
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
            LOG.log(System.Logger.Level.INFO, "control socket listening on " + socket);
        }
        acceptor = new Thread(() -> accept(processor, registrar), "berth-control-socket");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * The socket the launcher has served since before the framework started (bin/berth's daemon), with the commands
     * it holds handed to {@code serve}; {@code null} where no launcher offers it (a framework Berth is embedded in).
     * The offer is a {@link Function} service with the property {@value #LAUNCHER_SOCKET_PROPERTY} naming the socket:
     * applied to what starts a connection from its hello's payload, it returns the listening channel.
     */
    @SuppressWarnings("unchecked")
    private static ServerSocketChannel takeOver(BundleContext context, Path socket,
                                                BiConsumer<SocketChannel, byte[]> serve) {
        try {
            for (ServiceReference<Function> ref : context.getServiceReferences(Function.class,
                    "(" + LAUNCHER_SOCKET_PROPERTY + "=" + socket.toString().replaceAll("([\\\\()*])", "\\\\$1") + ")")) {
                Function<BiConsumer<SocketChannel, byte[]>, ServerSocketChannel> offer = context.getService(ref);
                if (offer == null) {
                    continue;
                }
                try {
                    ServerSocketChannel channel = offer.apply(serve);
                    if (channel != null) {
                        return channel;
                    }
                } finally {
                    try {
                        context.ungetService(ref);
                    } catch (IllegalStateException e) {
                        // The offer was withdrawn as it was taken.
                    }
                }
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException("the filter for the launcher's socket", e);
        }
        return null;
    }

    private void accept(CommandProcessor processor, CommandRegistrar registrar) {
        while (server.isOpen()) {
            try {
                serve(server.accept(), null, processor, registrar);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "control socket: accept failed: " + e.getMessage());
            }
        }
    }

    /** Runs a connection's command on a thread of its own; {@code hello}, its first frame if already read. */
    private void serve(SocketChannel channel, Frames.Frame hello, CommandProcessor processor, CommandRegistrar registrar) {
        connections.add(channel);
        try {
            threads.start("berth-command-" + counter.incrementAndGet(), () -> {
                try {
                    new SocketConnection(channel, hello, processor, registrar, startup, onDemand, threads).run();
                } finally {
                    // Closed already unless the connection could not start (its helper threads refused: stopping).
                    end(channel);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            end(channel);
        }
    }

    private void end(SocketChannel channel) {
        connections.remove(channel);
        try {
            channel.close();
        } catch (IOException e) {
            // Closing to end it; nothing more to do.
        }
    }

    @Deactivate
    void deactivate() throws IOException, InterruptedException {
        startup.close();
        server.close();
        for (SocketChannel c : connections) {
            try {
                c.close();
            } catch (IOException e) {
                // Closing to end it; nothing more to do.
            }
        }
        acceptor.join(2000);
        threads.shutdown();
        Files.deleteIfExists(socket);
    }
}
