package io.berth.shell.internal.socket;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A command's stdout or stderr: buffered bytes sent as frames of one type when flushed or full.
 */
final class FrameOutputStream extends OutputStream {
    private static final int BUFFER = 8192;

    private final FrameWriter writer;
    private final byte type;
    private final byte[] buffer = new byte[BUFFER];
    private int count;

    FrameOutputStream(FrameWriter writer, byte type) {
        this.writer = writer;
        this.type = type;
    }

    @Override
    public synchronized void write(int b) throws IOException {
        if (count == buffer.length) {
            flush();
        }
        buffer[count++] = (byte) b;
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        if (len >= buffer.length) {
            flush();
            writer.send(type, b, off, len);
            return;
        }
        if (len > buffer.length - count) {
            flush();
        }
        System.arraycopy(b, off, buffer, count, len);
        count += len;
    }

    @Override
    public synchronized void flush() throws IOException {
        if (count > 0) {
            writer.send(type, buffer, 0, count);
            count = 0;
        }
    }

    @Override
    public void close() throws IOException {
        flush();
    }
}
