package io.berth.shim;

import io.berth.api.ConflictException;
import io.berth.api.runtime.Attachment;
import io.berth.api.runtime.ConsoleSize;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * An attachment through a shim's socket: one connection that receives the output frames
 * ({@code O} stdout, {@code E} stderr, {@code X} the exit code) and carries resize commands, and,
 * for input, a second one whose bytes after its {@code stdin} line are the process's input.
 */
final class ShimAttachment implements Attachment {
    private final SocketChannel output;
    private final SocketChannel input;
    private final Path socket;
    private final Object writeLock = new Object();
    private volatile int exitCode = -1;
    private volatile boolean closed;

    private ShimAttachment(SocketChannel output, SocketChannel input, Path socket) {
        this.output = output;
        this.input = input;
        this.socket = socket;
    }

    /**
     * Connects to the shim listening on {@code socket}; fails with the shim's reason if it refuses.
     * A shim that has not started its container yet answers only once it has: then the caller
     * calls {@link #awaitInput} after the start instead of waiting here.
     */
    static ShimAttachment connect(Path socket, boolean stdin, boolean awaitInput) throws IOException {
        SocketChannel out = open(socket, "attach\n");
        SocketChannel in = null;
        try {
            if (stdin) {
                in = open(socket, "stdin\n");
            }
            ShimAttachment a = new ShimAttachment(out, in, socket);
            if (awaitInput) {
                a.awaitInput();
            }
            return a;
        } catch (IOException | RuntimeException e) {
            out.close();
            if (in != null) {
                in.close();
            }
            throw e;
        }
    }

    /** Waits for the shim to accept this attachment's input; fails with its reason if it refuses. */
    void awaitInput() throws IOException {
        if (input == null) {
            return;
        }
        Frame answer = read(input);
        if (answer == null || answer.type != 'K') {
            close();
            throw new ConflictException(answer != null && answer.type == 'F'
                    ? new String(answer.payload, StandardCharsets.UTF_8) : "the container's stdin is not available");
        }
    }

    /** Sends one command line to the shim on a connection of its own. */
    static void command(Path socket, String line) throws IOException {
        try (SocketChannel c = open(socket, line + "\n")) {
            c.shutdownOutput();
        }
    }

    private static SocketChannel open(Path socket, String first) throws IOException {
        SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            c.connect(UnixDomainSocketAddress.of(socket));
            writeFully(c, first.getBytes(StandardCharsets.US_ASCII), 0, first.length());
            return c;
        } catch (IOException e) {
            c.close();
            throw new ConflictException("cannot attach: the container is not running (" + e.getMessage() + ")");
        }
    }

    private record Frame(byte type, byte[] payload) {
    }

    private static Frame read(SocketChannel c) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(5);
        if (!fill(c, header)) {
            return null;
        }
        header.flip();
        byte type = header.get();
        int length = header.getInt();
        if (length < 0 || length > (1 << 20)) {
            throw new IOException("berth-shim sent a frame of " + length + " bytes");
        }
        ByteBuffer payload = ByteBuffer.allocate(length);
        if (length > 0 && !fill(c, payload)) {
            throw new EOFException("berth-shim closed the connection in a frame");
        }
        return new Frame(type, payload.array());
    }

    private static boolean fill(SocketChannel c, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            int n;
            try {
                n = c.read(b);
            } catch (IOException e) {
                // Reset by a shim that ended: the end of the output.
                return false;
            }
            if (n < 0) {
                if (b.position() == 0) {
                    return false;
                }
                throw new EOFException("berth-shim closed the connection in a frame");
            }
        }
        return true;
    }

    private static void writeFully(SocketChannel c, byte[] data, int offset, int length) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(data, offset, length);
        while (b.hasRemaining()) {
            c.write(b);
        }
    }

    /**
     * Has the shim signal its process; a process it has reaped already is left alone, so the
     * signal cannot reach another that took its pid.
     */
    @Override
    public void kill(int signal) throws IOException {
        if (exitCode >= 0) {
            return;
        }
        try {
            command(socket, "kill " + signal);
        } catch (ConflictException gone) {
            // The shim ended with its process: nothing to signal.
        }
    }

    @Override
    public Output next() throws IOException {
        while (!closed) {
            Frame f;
            try {
                f = read(output);
            } catch (java.nio.channels.AsynchronousCloseException e) {
                return null;
            }
            if (f == null) {
                return null;
            }
            switch (f.type) {
                case 'O' -> {
                    return new Output(false, f.payload);
                }
                case 'E' -> {
                    return new Output(true, f.payload);
                }
                case 'X' -> {
                    exitCode = ByteBuffer.wrap(f.payload).getInt();
                    return null;
                }
                default -> {
                    // Answers to other commands: not for us.
                }
            }
        }
        return null;
    }

    @Override
    public int exitCode() {
        return exitCode;
    }

    @Override
    public void write(byte[] data, int offset, int length) throws IOException {
        if (input == null) {
            throw new ConflictException("this attachment does not take input");
        }
        synchronized (writeLock) {
            writeFully(input, data, offset, length);
        }
    }

    @Override
    public void closeInput() throws IOException {
        if (input != null && input.isOpen()) {
            input.shutdownOutput();
        }
    }

    @Override
    public void resize(ConsoleSize size) throws IOException {
        byte[] line = ("resize " + size.rows() + " " + size.columns() + "\n").getBytes(StandardCharsets.US_ASCII);
        synchronized (writeLock) {
            writeFully(output, line, 0, line.length);
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        try {
            output.close();
        } finally {
            if (input != null) {
                input.close();
            }
        }
    }
}
