package io.berth.containers.internal;

import io.berth.api.ConflictException;
import io.berth.api.container.LogEntry;
import io.berth.api.container.LogSink;
import io.berth.api.runtime.Attachment;
import io.berth.api.runtime.ConsoleSize;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The output of a container whose runtime cannot attach, read from its log as it is written:
 * what {@code run} without {@code -i} shows for such a runtime. It ends when the container has
 * exited and its log is read; it takes no input.
 */
final class LogAttachment implements Attachment {
    private static final Output END = new Output(false, new byte[0]);

    private final BlockingQueue<Output> queue = new ArrayBlockingQueue<>(256);
    private final CompletableFuture<Integer> exit;
    private final Thread reader;
    private volatile IOException failure;
    private volatile boolean ended;
    private volatile int exitCode = -1;

    /**
     * Follows {@code log} from {@code from} (see {@link JsonLog#follow}) until {@code exit} completes.
     */
    LogAttachment(Path log, JsonLog.Position from, JsonLog.Opened opened, CompletableFuture<Integer> exit, String name) {
        this.exit = exit;
        reader = new Thread(null, () -> {
            try {
                JsonLog.follow(log, from, opened, millis -> !ContainerLifecycle.waitFor(exit, millis), new LogSink() {
                    @Override
                    public void accept(LogEntry e) throws IOException {
                        put(new Output(e.stderr(), e.data()));
                    }
                });
            } catch (InterruptedException | InterruptedIOException e) {
                // Closed.
            } catch (IOException | RuntimeException e) {
                failure = e instanceof IOException io ? io : new IOException(e);
            } finally {
                try {
                    queue.put(END);
                } catch (InterruptedException e) {
                    queue.clear();
                    queue.offer(END);
                }
            }
        }, "berth-log-attach-" + name, 256 * 1024);
        reader.setDaemon(true);
        reader.start();
    }

    private void put(Output o) throws InterruptedIOException {
        try {
            queue.put(o);
        } catch (InterruptedException e) {
            throw new InterruptedIOException("closed");
        }
    }

    @Override
    public Output next() throws IOException {
        if (ended) {
            return null;
        }
        Output o;
        try {
            o = queue.take();
        } catch (InterruptedException e) {
            // As a shim's attachment: the end, with the thread's interrupt kept for its caller.
            Thread.currentThread().interrupt();
            return null;
        }
        if (o != END) {
            return o;
        }
        ended = true;
        if (failure != null) {
            throw failure;
        }
        if (exit.isDone()) {
            try {
                exitCode = exit.get();
            } catch (ExecutionException | InterruptedException | java.util.concurrent.CancellationException e) {
                exitCode = -1;
            }
        }
        return null;
    }

    @Override
    public int exitCode() {
        return exitCode;
    }

    @Override
    public void write(byte[] data, int offset, int length) {
        throw new ConflictException("the container's runtime cannot attach: its output comes from its log, without input");
    }

    @Override
    public void closeInput() {
    }

    @Override
    public void resize(ConsoleSize size) {
    }

    @Override
    public void close() {
        reader.interrupt();
        if (!ended) {
            queue.clear();
            queue.offer(END);
        }
    }
}
