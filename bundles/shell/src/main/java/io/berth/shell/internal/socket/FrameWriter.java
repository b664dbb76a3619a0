package io.berth.shell.internal.socket;

import io.berth.control.Frames;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.WritableByteChannel;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Sends the frames of one connection from a thread of its own. Socket channels are interruptible:
 * a write by a thread with its interrupt flag set closes the channel. Commands are interrupted when
 * the user presses Ctrl-C, and must still be able to print and report their exit status, so they
 * only queue frames here. The queue is bounded: a command that prints faster than the client reads
 * waits.
 */
final class FrameWriter {
    private record Item(byte type, byte[] payload) {
    }

    private static final Item END = new Item((byte) 0, new byte[0]);

    private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(64);
    private final CountDownLatch ended = new CountDownLatch(1);
    /** The thread sending, while it sends (a pooled one: see {@link ConnectionThreads}); guarded by {@link #lock}. */
    private Thread thread;
    /** Set when {@link #finish} gave up waiting: a sender that has not begun yet does not; guarded by {@link #lock}. */
    private boolean stopped;
    private final Object lock = new Object();
    private final long waitMillis;
    private volatile IOException failure;

    FrameWriter(WritableByteChannel channel, String name, ConnectionThreads threads) {
        this(channel, name, threads, TimeUnit.SECONDS.toMillis(5));
    }

    /** With {@code waitMillis} as {@link #finish}'s patience, each of its two waits (tests make it short). */
    FrameWriter(WritableByteChannel channel, String name, ConnectionThreads threads, long waitMillis) {
        this.waitMillis = waitMillis;
        threads.start(name, () -> {
            synchronized (lock) {
                if (stopped) {
                    ended.countDown();
                    return;
                }
                thread = Thread.currentThread();
            }
            try {
                while (true) {
                    Item item = queue.take();
                    if (item == END) {
                        return;
                    }
                    if (failure == null) {
                        try {
                            Frames.write(channel, item.type(), item.payload(), 0, item.payload().length);
                        } catch (IOException e) {
                            failure = e;
                        }
                    }
                }
            } catch (InterruptedException e) {
                // Stopped by finish: the client did not read.
            } finally {
                synchronized (lock) {
                    thread = null;
                }
                Thread.interrupted();
                ended.countDown();
            }
        });
    }

    void send(byte type, byte[] payload, int offset, int length) throws IOException {
        IOException failed = failure;
        if (failed != null) {
            throw new IOException("control socket: client gone: " + failed.getMessage(), failed);
        }
        try {
            queue.put(new Item(type, Arrays.copyOfRange(payload, offset, offset + length)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing to the client");
        }
    }

    void send(byte type, byte... payload) throws IOException {
        send(type, payload, 0, payload.length);
    }

    /** Sends what is queued and stops; waits at most a few seconds for a client that does not read. */
    void finish() {
        boolean interrupted = Thread.interrupted();
        try {
            if (queue.offer(END, waitMillis, TimeUnit.MILLISECONDS)) {
                ended.await(waitMillis, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            interrupted = true;
        } finally {
            synchronized (lock) {
                stopped = true;
                if (thread != null) {
                    // Blocked writing to a client that does not read: the interrupt closes the channel.
                    thread.interrupt();
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
