package io.berth.dockerapi.internal;

import io.berth.api.InvalidArgumentException;
import io.berth.api.container.ContainerService;
import io.berth.api.driver.DriverRegistry;
import io.berth.api.engine.Engine;
import io.berth.api.event.EventService;
import io.berth.api.image.ImageStore;
import io.berth.api.network.NetworkService;
import io.berth.api.registry.Registry;
import io.berth.api.volume.VolumeService;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;

/**
 * Serves the Docker Engine API: on {@code <runRoot>/docker.sock} (mode 0660, group {@code docker}
 * when there is one: as dockerd's socket, it gives root's power to whoever can open it), and on a
 * loopback TCP address when one is configured (never another: without TLS, that would give root to
 * the network).
 */
@Component(immediate = true, service = {}, configurationPid = DockerApiServer.PID)
@Designate(ocd = DockerApiServer.Config.class)
public class DockerApiServer {
    static final String PID = "berth.dockerapi";
    static final String SOCKET_NAME = "docker.sock";

    @ObjectClassDefinition(name = "Berth Docker API")
    public @interface Config {
        @AttributeDefinition(description = "The unix socket's path; empty for <runRoot>/docker.sock")
        String socket() default "";

        @AttributeDefinition(description = "The socket's group (mode 0660); empty for root's. The group docker is used when it exists")
        String socketGroup() default "docker";

        @AttributeDefinition(description = "An address and port to serve on too (127.0.0.1:2375); empty for none. Without "
                + "TLS, loopback only")
        String tcp() default "";

        @AttributeDefinition(description = "TLS on the TCP address: the server's certificate chain (PEM)")
        String tlsCert() default "";

        @AttributeDefinition(description = "TLS: the server's private key (PEM, PKCS#8)")
        String tlsKey() default "";

        @AttributeDefinition(description = "TLS: the CA whose client certificates are accepted (PEM); every client must have one")
        String tlsCaCert() default "";
    }

    private static final System.Logger LOG = System.getLogger(DockerApiServer.class.getName());

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile ContainerService containers;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile ImageStore images;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile Registry registry;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile NetworkService networks;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile VolumeService volumes;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile EventService events;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile DriverRegistry drivers;

    private final Engine engine;
    private final BundleContext context;
    private final Path socket;
    private final String socketGroup;
    private final UnixListener listener;
    private final Object lock = new Object();
    /** Made at the first connection to the unix socket, or at once with a TCP address; guarded by {@link #lock}. */
    private HttpTransport transport;
    private boolean closed;

    @Activate
    public DockerApiServer(@Reference Engine engine, BundleContext context, Config config) throws IOException {
        this.engine = engine;
        this.context = context;
        socket = config.socket().isBlank() ? engine.settings().runRoot().resolve(SOCKET_NAME) : Path.of(config.socket());
        socketGroup = config.socketGroup();
        Files.createDirectories(socket.getParent());
        // The launcher holds the run root's lock, so a socket file here is a dead daemon's.
        Files.deleteIfExists(socket);
        listener = new UnixListener(socket);
        try {
            permissions(socket, socketGroup);
            LOG.log(System.Logger.Level.INFO, "Docker API listening on unix://" + socket);
            if (config.tcp().isBlank()) {
                listener.onFirstConnection(this::serve);
            } else {
                serve();
                serveTcp(config);
            }
        } catch (IOException | RuntimeException e) {
            deactivate();
            throw e;
        }
    }

    /** The API's routes over HTTP, on the unix socket. */
    private void serve() {
        synchronized (lock) {
            if (closed || transport != null) {
                return;
            }
            try {
                transport = new HttpTransport(router());
                if (transport.epoll()) {
                    // The server's from here on, whatever happens: closed by its channel.
                    listener.take();
                    transport.adoptUnix(listener.fd());
                } else {
                    // Without epoll: the socket is listened on again by Netty's NIO transport (a
                    // connection already waiting is refused).
                    listener.close();
                    Files.deleteIfExists(socket);
                    transport.bindUnix(socket);
                    permissions(socket, socketGroup);
                }
            } catch (IOException | RuntimeException | LinkageError e) {
                LOG.log(System.Logger.Level.ERROR, "Docker API: cannot serve unix://" + socket + ": " + e);
                if (transport != null) {
                    transport.close();
                    transport = null;
                }
                try {
                    listener.close();
                } catch (IOException closing) {
                    e.addSuppressed(closing);
                }
            }
        }
    }

    private Router router() {
        Services services = new Services(engine, context, () -> containers, () -> images, () -> registry, () -> networks,
                () -> volumes, () -> events, () -> drivers);
        Router router = new Router();
        new SystemRoutes(services).register(router);
        StreamRoutes streams = new StreamRoutes(services);
        streams.register(router);
        new ContainerRoutes(services, streams).register(router);
        new ExecRoutes(services).register(router);
        new ImageRoutes(services).register(router);
        new ResourceRoutes(services).register(router);
        new FileRoutes(services).register(router);
        new StatsRoutes(services).register(router);
        return router;
    }

    private void serveTcp(Config config) {
        synchronized (lock) {
            if (transport == null) {
                return;
            }
            try {
                io.netty.handler.ssl.SslContext tls = tls(config);
                InetSocketAddress bound = transport.bindTcp(tls == null ? loopback(config.tcp()) : address(config.tcp()), tls);
                LOG.log(System.Logger.Level.INFO, "Docker API listening on tcp://" + bound.getHostString() + ":"
                        + bound.getPort() + (tls == null ? "" : " (TLS, client certificates required)"));
            } catch (InvalidArgumentException | IOException e) {
                // The unix socket is served all the same.
                LOG.log(System.Logger.Level.ERROR, "Docker API not served on TCP: " + e.getMessage());
            }
        }
    }

    /**
     * TLS as dockerd's {@code --tlsverify}: the server's certificate and key, and the CA that signs
     * every client's certificate; {@code null} when none is configured. Part of it is an error.
     */
    static io.netty.handler.ssl.SslContext tls(Config config) throws IOException {
        boolean any = !config.tlsCert().isBlank() || !config.tlsKey().isBlank() || !config.tlsCaCert().isBlank();
        if (!any) {
            return null;
        }
        if (config.tlsCert().isBlank() || config.tlsKey().isBlank() || config.tlsCaCert().isBlank()) {
            throw new InvalidArgumentException("berth.dockerapi: TLS needs tlsCert, tlsKey and tlsCaCert (clients are "
                    + "verified, as dockerd's --tlsverify)");
        }
        try {
            return io.netty.handler.ssl.SslContextBuilder.forServer(new java.io.File(config.tlsCert()),
                            new java.io.File(config.tlsKey()))
                    .sslProvider(io.netty.handler.ssl.SslProvider.JDK)
                    .trustManager(new java.io.File(config.tlsCaCert()))
                    .clientAuth(io.netty.handler.ssl.ClientAuth.REQUIRE).build();
        } catch (javax.net.ssl.SSLException | IllegalArgumentException e) {
            throw new InvalidArgumentException("berth.dockerapi: cannot use the TLS files: " + e.getMessage());
        }
    }

    static InetSocketAddress address(String hostPort) throws IOException {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            throw new InvalidArgumentException("berth.dockerapi tcp: " + hostPort + " is not HOST:PORT");
        }
        String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
        try {
            return new InetSocketAddress(InetAddress.getByName(host), Integer.parseInt(hostPort.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new InvalidArgumentException("berth.dockerapi tcp: " + hostPort + " has no port number");
        }
    }

    /** {@code host:port} of a loopback address; any other address is refused without TLS. */
    static InetSocketAddress loopback(String hostPort) throws IOException {
        InetSocketAddress a = address(hostPort);
        if (!a.getAddress().isLoopbackAddress()) {
            throw new InvalidArgumentException("berth.dockerapi tcp: " + hostPort
                    + " is not a loopback address: without TLS, the API would give root's power to the network");
        }
        return a;
    }

    /** Mode 0660, and the group when there is one (root's otherwise, as dockerd's without a docker group). */
    private static void permissions(Path socket, String group) throws IOException {
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
        if (group.isBlank()) {
            return;
        }
        try {
            GroupPrincipal g = socket.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
            Files.getFileAttributeView(socket, PosixFileAttributeView.class).setGroup(g);
        } catch (UserPrincipalNotFoundException e) {
            // As dockerd without a docker group: the socket stays root's.
        }
    }

    @Deactivate
    void deactivate() throws IOException {
        HttpTransport t;
        synchronized (lock) {
            closed = true;
            t = transport;
        }
        // Outside the lock: the thread waiting for a first connection may be taking it.
        try {
            listener.close();
        } finally {
            if (t != null) {
                t.close();
            }
            Files.deleteIfExists(socket);
        }
    }
}
