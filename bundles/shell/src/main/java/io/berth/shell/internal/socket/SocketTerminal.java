package io.berth.shell.internal.socket;

import io.berth.control.Frames;
import io.berth.shell.internal.framework.Terminal;

import java.io.IOException;

/** The terminal of a bin/berth client, as its hello and resize frames describe it. */
final class SocketTerminal implements Terminal {
    private final boolean inputTerminal;
    private final boolean outputTerminal;
    private final FrameWriter writer;
    private final String type;
    private final java.util.List<Runnable> resizeListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile int rows;
    private volatile int columns;

    SocketTerminal(Hello hello, FrameWriter writer) {
        this.inputTerminal = hello.stdinTty();
        this.outputTerminal = hello.stdoutTty();
        this.rows = hello.rows();
        this.columns = hello.columns();
        this.writer = writer;
        this.type = hello.term().isEmpty() ? "dumb" : hello.term();
    }

    void resize(int newRows, int newColumns) {
        rows = newRows;
        columns = newColumns;
        resizeListeners.forEach(Runnable::run);
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public AutoCloseable onResize(Runnable listener) {
        resizeListeners.add(listener);
        return () -> resizeListeners.remove(listener);
    }

    @Override
    public boolean isOutputTerminal() {
        return outputTerminal;
    }

    @Override
    public boolean isInputTerminal() {
        return inputTerminal;
    }

    @Override
    public int width() {
        return columns;
    }

    @Override
    public int height() {
        return rows;
    }

    @Override
    public AutoCloseable enterRawMode() throws IOException {
        if (!inputTerminal) {
            return () -> { };
        }
        writer.send(Frames.TERMINAL_MODE, (byte) 1);
        return () -> writer.send(Frames.TERMINAL_MODE, (byte) 0);
    }
}
