package io.berth.control;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * The control socket's framing, shared with the C client ({@code berth-client.c}): each frame is
 * one type byte, a 4-byte big-endian payload length, and the payload.
 *
 * <p>Client to daemon: {@link #HELLO} once, first; then {@link #STDIN} data, {@link #STDIN_EOF},
 * {@link #RESIZE} and {@link #SIGNAL} at any time. Daemon to client: {@link #STDOUT} and
 * {@link #STDERR} data, {@link #WANT_STDIN} when the command first reads its input (the client
 * does not touch its stdin before, so a script's stdin is not consumed by commands that do not
 * read it), {@link #TERMINAL_MODE} to switch the user's terminal to raw mode and back, and
 * {@link #EXIT} last.
 */
public final class Frames {
    /** Payload: version byte, flags byte (1 stdin tty, 2 stdout tty, 4 stderr tty), rows and
     * columns as 16-bit big-endian, the number of arguments as 32-bit big-endian, then
     * NUL-terminated strings: working directory, TERM, each argument, each {@code NAME=value} of
     * the client's environment. */
    public static final byte HELLO = 'H';
    public static final byte STDIN = 'I';
    public static final byte STDIN_EOF = 'E';
    /** Payload: rows and columns, 16-bit big-endian each. */
    public static final byte RESIZE = 'W';
    /** Payload: one byte, the signal number the user's terminal sent (SIGINT 2, SIGTERM 15, SIGHUP 1). */
    public static final byte SIGNAL = 'S';

    public static final byte STDOUT = 'O';
    public static final byte STDERR = 'R';
    public static final byte WANT_STDIN = 'G';
    /** Payload: one byte, 1 for raw mode, 0 to restore the terminal. */
    public static final byte TERMINAL_MODE = 'M';
    /** Payload: the exit status, 32-bit big-endian. */
    public static final byte EXIT = 'X';

    public static final int PROTOCOL_VERSION = 2;
    /** The largest payload accepted; larger frames mean a confused or hostile peer. */
    public static final int MAX_PAYLOAD = 1 << 20;

    private Frames() {
    }

    /** One frame as read. */
    public record Frame(byte type, byte[] payload) {
    }

    /** Reads one frame, or returns {@code null} at a clean end of stream. */
    public static Frame read(ReadableByteChannel channel) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(5);
        if (!fill(channel, header, true)) {
            return null;
        }
        header.flip();
        byte type = header.get();
        int length = header.getInt();
        if (length < 0 || length > MAX_PAYLOAD) {
            throw new IOException("control socket: frame of " + length + " bytes refused");
        }
        ByteBuffer payload = ByteBuffer.allocate(length);
        fill(channel, payload, false);
        return new Frame(type, payload.array());
    }

    /** Writes one frame; callers serialize writers. */
    public static void write(WritableByteChannel channel, byte type, byte[] payload, int offset, int length)
            throws IOException {
        ByteBuffer header = ByteBuffer.allocate(5).put(type).putInt(length);
        header.flip();
        ByteBuffer body = ByteBuffer.wrap(payload, offset, length);
        if (channel instanceof java.nio.channels.GatheringByteChannel g) {
            // One system call for most frames.
            ByteBuffer[] both = {header, body};
            while (body.hasRemaining() || header.hasRemaining()) {
                g.write(both);
            }
            return;
        }
        while (header.hasRemaining()) {
            channel.write(header);
        }
        while (body.hasRemaining()) {
            channel.write(body);
        }
    }

    private static boolean fill(ReadableByteChannel channel, ByteBuffer buffer, boolean eofAllowedAtStart)
            throws IOException {
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer);
            if (n < 0) {
                if (eofAllowedAtStart && buffer.position() == 0) {
                    return false;
                }
                throw new EOFException("control socket: connection closed in the middle of a frame");
            }
        }
        return true;
    }
}
