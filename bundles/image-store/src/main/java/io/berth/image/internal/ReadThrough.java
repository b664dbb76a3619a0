package io.berth.image.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * A filter whose every byte goes through {@link #read(byte[], int, int)}: single-byte reads and
 * skips are made of it, so a subclass that hashes, counts or copies sees the whole stream.
 */
abstract class ReadThrough extends FilterInputStream {
    ReadThrough(InputStream in) {
        super(in);
    }

    @Override
    public abstract int read(byte[] b, int off, int len) throws IOException;

    @Override
    public final int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public final long skip(long n) throws IOException {
        byte[] buffer = new byte[8192];
        long skipped = 0;
        while (skipped < n) {
            int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    @Override
    public final boolean markSupported() {
        return false;
    }

    /**
     * Waits for every task; then throws the first unchecked failure, else the first I/O failure.
     * Interrupted, it cancels the tasks.
     */
    static void awaitAll(List<? extends Future<?>> futures, String what) throws IOException {
        IOException failure = null;
        RuntimeException runtimeFailure = null;
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                futures.forEach(x -> x.cancel(true));
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while " + what);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException re) {
                    runtimeFailure = runtimeFailure == null ? re : runtimeFailure;
                } else if (failure == null) {
                    failure = cause instanceof IOException io ? io : new IOException(cause);
                }
            }
        }
        if (runtimeFailure != null) {
            throw runtimeFailure;
        }
        if (failure != null) {
            throw failure;
        }
    }
}
