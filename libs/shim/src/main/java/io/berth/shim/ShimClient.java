package io.berth.shim;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Talks to a shim over its {@code shim.sock}: text commands, answered with frames of a type byte,
 * a 32-bit big-endian length and the payload ({@code X} carries the exit code).
 */
final class ShimClient {
    private ShimClient() {
    }

    /**
     * Waits until the shim reports its container's exit, or closes, or the timeout passes. A shim
     * that is not there returns at once: the caller reads the state from disk.
     */
    static void awaitExit(Path socket, Duration timeout) throws IOException {
        if (!Files.exists(socket)) {
            sleepBriefly();
            return;
        }
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            try {
                channel.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                sleepBriefly();
                return;
            }
            try {
                channel.write(ByteBuffer.wrap("wait\n".getBytes(StandardCharsets.US_ASCII)));
            } catch (java.nio.channels.ClosedByInterruptException e) {
                throw e;
            } catch (IOException e) {
                // The shim is closing down, its exit file written first.
                return;
            }
            if (timeout != null) {
                channel.configureBlocking(false);
                try (java.nio.channels.Selector selector = java.nio.channels.Selector.open()) {
                    channel.register(selector, java.nio.channels.SelectionKey.OP_READ);
                    selector.select(Math.max(1, timeout.toMillis()));
                }
                return;
            }
            ByteBuffer header = ByteBuffer.allocate(5);
            try {
                while (header.hasRemaining() && channel.read(header) >= 0) {
                    // Blocks until the container exits (an X frame) or the shim is gone (end of stream).
                }
            } catch (java.nio.channels.ClosedByInterruptException e) {
                throw e;
            } catch (IOException e) {
                // Reset: the shim ended before it read our command, its exit file written first.
            }
        }
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
