package io.berth.shell.internal.socket;

import io.berth.api.engine.Engine;
import io.berth.shell.internal.framework.CommandRegistrar;
import org.apache.felix.service.command.CommandProcessor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.framework.BundleContext;
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

/**
 * The unix socket bin/berth talks to: {@code <runRoot>/berth.sock}, owner and group only (as
 * docker's socket). Each connection runs one command on its own thread.
 */
@Component(immediate = true, service = {})
public class ControlSocketServer {
    /** The socket's name under the run root. */
    public static final String SOCKET_NAME = "berth.sock";

    private static final System.Logger LOG = System.getLogger(ControlSocketServer.class.getName());

    private final ServerSocketChannel server;
    private final Path socket;
    private final Thread acceptor;
    private final Set<SocketChannel> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger counter = new AtomicInteger();
    private final StartupGate startup;

    @Activate
    public ControlSocketServer(@Reference Engine engine, @Reference CommandProcessor processor,
                               @Reference CommandRegistrar registrar, BundleContext context) throws IOException {
        startup = new StartupGate(context);
        Path runRoot = engine.settings().runRoot();
        Files.createDirectories(runRoot);
        socket = runRoot.resolve(SOCKET_NAME);
        // The launcher holds the run root's lock, so a socket file here is a dead daemon's.
        Files.deleteIfExists(socket);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
        acceptor = new Thread(() -> accept(processor, registrar), "berth-control-socket");
        acceptor.setDaemon(true);
        acceptor.start();
        LOG.log(System.Logger.Level.INFO, "control socket listening on " + socket);
    }

    private void accept(CommandProcessor processor, CommandRegistrar registrar) {
        while (server.isOpen()) {
            try {
                SocketChannel channel = server.accept();
                connections.add(channel);
                Thread t = new Thread(() -> {
                    try {
                        new SocketConnection(channel, processor, registrar, startup).run();
                    } finally {
                        connections.remove(channel);
                    }
                }, "berth-command-" + counter.incrementAndGet());
                t.setDaemon(true);
                t.start();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "control socket: accept failed: " + e.getMessage());
            }
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
        Files.deleteIfExists(socket);
    }
}
