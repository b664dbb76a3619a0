package io.berth.dockerapi.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;

/**
 * A request's body as the handler reads it, on its own thread, while the event loop receives it:
 * chunks are queued as they come and the connection stops reading while too much waits
 * ({@link Flow}), so a large upload (a tar into a container, an image archive) is never held whole.
 */
final class BodyStream extends InputStream {
    /** What the connection does when the queue grows or drains. */
    interface Flow {
        void pause();

        void resume();
    }

    private static final int HIGH_WATER = 1 << 20;
    private static final int LOW_WATER = 256 << 10;

    private final Flow flow;
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private byte[] current;
    private int position;
    private long queued;
    private boolean ended;
    private IOException failure;
    private boolean paused;
    private boolean discarding;

    BodyStream(Flow flow) {
        this.flow = flow;
    }

    /** Called by the event loop with each piece of the body. */
    synchronized void offer(byte[] data) {
        if (data.length == 0 || ended || discarding) {
            return;
        }
        chunks.add(data);
        queued += data.length;
        if (queued > HIGH_WATER && !paused) {
            paused = true;
            flow.pause();
        }
        notifyAll();
    }

    /** The body is complete. */
    synchronized void end() {
        ended = true;
        notifyAll();
    }

    /** The connection went away before the body was complete. */
    synchronized void fail(IOException e) {
        if (!ended) {
            failure = e;
            ended = true;
        }
        notifyAll();
    }

    /**
     * The request is answered: what is left of its body is read and dropped, so that the connection
     * reads on (to the next request, or to its end).
     */
    synchronized void discard() {
        discarding = true;
        chunks.clear();
        queued = 0;
        current = null;
        if (paused) {
            paused = false;
            flow.resume();
        }
        notifyAll();
    }

    @Override
    public synchronized int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (current == null || position >= current.length) {
            current = chunks.poll();
            position = 0;
            if (current != null) {
                queued -= current.length;
                if (paused && queued < LOW_WATER) {
                    paused = false;
                    flow.resume();
                }
                continue;
            }
            if (ended) {
                if (failure != null) {
                    throw failure;
                }
                return -1;
            }
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading the request body");
            }
        }
        int n = Math.min(len, current.length - position);
        System.arraycopy(current, position, b, off, n);
        position += n;
        return n;
    }

    @Override
    public synchronized int available() {
        return (int) Math.min(Integer.MAX_VALUE, queued + (current == null ? 0 : current.length - position));
    }
}
