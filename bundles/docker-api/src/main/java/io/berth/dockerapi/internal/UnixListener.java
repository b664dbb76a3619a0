package io.berth.dockerapi.internal;

import io.berth.posix.Native;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A unix socket listened on from the start, whose server is started when the first client
 * connects, as systemd starts {@code docker.service} from {@code docker.socket}: a daemon nobody
 * talks the Docker API to never loads its HTTP server (Netty: about 450 classes, 6 MB of an idle
 * daemon). The socket is made with libc, so that the server can take it over by its descriptor;
 * the first connection waits in its backlog meanwhile, and is the server's first to accept.
 */
final class UnixListener implements Closeable {
    private static final System.Logger LOG = System.getLogger(UnixListener.class.getName());
    /** As Netty's: the kernel takes {@code net.core.somaxconn} when it is lower. */
    private static final int BACKLOG = 4096;

    private final Path path;
    private final int fd;
    private final int wake;
    private Thread waiter;
    private volatile boolean taken;
    private boolean closed;

    /** Listens on {@code path}, which must not exist. */
    UnixListener(Path path) throws IOException {
        this.path = path;
        this.fd = Native.listenUnix(path, BACKLOG);
        try {
            this.wake = Native.eventfd();
        } catch (IOException e) {
            Native.close(fd);
            throw e;
        }
    }

    /** The listening socket's descriptor, for a server that takes it over with {@link #take()}. */
    int fd() {
        return fd;
    }

    /** Calls {@code onConnection} on a thread of its own once a client connects (not once closed). */
    synchronized void onFirstConnection(Runnable onConnection) {
        waiter = new Thread(() -> {
            try {
                if (Native.awaitReadable(fd, wake)) {
                    onConnection.run();
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "Docker API: waiting for a connection on unix://" + path + ": " + e);
            }
        }, "berth-docker-api-listen");
        waiter.setDaemon(true);
        waiter.start();
    }

    /** Hands the socket to a server, which closes it from now on. */
    void take() {
        taken = true;
    }

    /**
     * Stops waiting (for the waiting thread to end, unless it is the caller), and closes the socket
     * unless a server took it. Once: the descriptors' numbers may be another's afterwards.
     */
    @Override
    public void close() throws IOException {
        Thread w;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            w = waiter;
        }
        try {
            if (w != null && w != Thread.currentThread()) {
                Native.signal(wake);
                w.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            Native.close(wake);
            if (!taken) {
                Native.close(fd);
            }
        }
    }
}
