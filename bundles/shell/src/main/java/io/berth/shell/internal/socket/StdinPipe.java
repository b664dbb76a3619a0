package io.berth.shell.internal.socket;

import io.berth.control.Frames;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;

/**
 * The command's standard input: bytes the client forwards, handed to the command's reads. The
 * first read asks the client to start forwarding (see {@link Frames#WANT_STDIN}). Reads block until
 * data arrives, the client's stdin ends, or the reading thread is interrupted. At most {@link
 * #LIMIT} bytes wait here: the connection's reader waits for the command to take them, and so the
 * client for the socket, so a command that reads slowly holds back a fast input instead of
 * filling the daemon's memory.
 */
final class StdinPipe extends InputStream {
    static final int LIMIT = 4 << 20;

    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private long queued;
    private boolean closed;
    private final Runnable onFirstRead;
    private byte[] current;
    private int offset;
    private boolean eof;
    private boolean requested;

    StdinPipe(Runnable onFirstRead) {
        this.onFirstRead = onFirstRead;
    }

    /** Adds what the client sent; waits while {@link #LIMIT} bytes wait, unless the command is over. */
    synchronized void offer(byte[] data) throws InterruptedException {
        while (queued >= LIMIT && !closed) {
            wait();
        }
        if (data.length > 0 && !closed) {
            chunks.add(data);
            queued += data.length;
            notifyAll();
        }
    }

    /** The command is over: what waits is dropped, and so is what comes. */
    synchronized void discard() {
        closed = true;
        chunks.clear();
        current = null;
        queued = 0;
        notifyAll();
    }

    synchronized void end() {
        eof = true;
        notifyAll();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!requested) {
            requested = true;
            onFirstRead.run();
        }
        while (current == null) {
            current = chunks.poll();
            offset = 0;
            if (current != null) {
                queued -= current.length;
                notifyAll();
                break;
            }
            if (eof) {
                return -1;
            }
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading standard input");
            }
        }
        int n = Math.min(len, current.length - offset);
        System.arraycopy(current, offset, b, off, n);
        offset += n;
        if (offset == current.length) {
            current = null;
        }
        return n;
    }

    /** Asking what is available asks for the input too: only commands that want it ask. */
    @Override
    public synchronized int available() {
        if (!requested) {
            requested = true;
            onFirstRead.run();
        }
        return current != null ? current.length - offset : chunks.isEmpty() ? 0 : chunks.peek().length;
    }
}
