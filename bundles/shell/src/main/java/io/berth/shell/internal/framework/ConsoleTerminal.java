package io.berth.shell.internal.framework;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Process;

import java.io.IOException;

/**
 * The terminal of the Gogo console (a JLine terminal), when the command's output goes to it.
 * JLine is optional for this bundle: without it, or when output is redirected within Gogo, there
 * is no terminal.
 */
final class ConsoleTerminal implements Terminal {
    /** Where Gogo's JLine shell keeps its terminal. */
    private static final String TERMINAL_KEY = ".terminal";

    private final org.jline.terminal.Terminal terminal;
    private final boolean outputTerminal;
    private final boolean inputTerminal;

    private ConsoleTerminal(org.jline.terminal.Terminal terminal, boolean outputTerminal, boolean inputTerminal) {
        this.terminal = terminal;
        this.outputTerminal = outputTerminal;
        this.inputTerminal = inputTerminal;
    }

    static Terminal of(CommandSession session, Process process) {
        if (session == null) {
            return Terminal.NONE;
        }
        Object candidate = session.get(TERMINAL_KEY);
        try {
            if (candidate instanceof org.jline.terminal.Terminal jline
                    && !org.jline.terminal.Terminal.TYPE_DUMB.equals(jline.getType())
                    && !org.jline.terminal.Terminal.TYPE_DUMB_COLOR.equals(jline.getType())) {
                boolean out = process == null || process.isTty(1);
                boolean in = process == null || process.isTty(0);
                return new ConsoleTerminal(jline, out, in);
            }
        } catch (NoClassDefFoundError e) {
            // JLine is not installed: no console terminal.
        }
        return Terminal.NONE;
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
        return terminal.getWidth();
    }

    @Override
    public int height() {
        return terminal.getHeight();
    }

    @Override
    public String type() {
        return terminal.getType();
    }

    @Override
    public AutoCloseable onResize(Runnable listener) {
        org.jline.terminal.Terminal.SignalHandler previous = terminal.handle(org.jline.terminal.Terminal.Signal.WINCH,
                signal -> listener.run());
        return () -> terminal.handle(org.jline.terminal.Terminal.Signal.WINCH, previous);
    }

    /** The console's keyboard, read as JLine reads it, so that nothing is left reading once the command ends. */
    @Override
    public Integer readInput(byte[] buffer, long timeoutMillis) throws IOException {
        org.jline.utils.NonBlockingReader reader = terminal.reader();
        int c = reader.read(timeoutMillis);
        if (c == org.jline.utils.NonBlockingReader.READ_EXPIRED) {
            return 0;
        }
        if (c < 0) {
            return -1;
        }
        byte[] encoded = String.valueOf((char) c).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int n = Math.min(encoded.length, buffer.length);
        System.arraycopy(encoded, 0, buffer, 0, n);
        return n;
    }

    @Override
    public void flush() {
        if (outputTerminal) {
            terminal.flush();
        }
    }

    @Override
    public AutoCloseable enterRawMode() throws IOException {
        org.jline.terminal.Attributes previous = terminal.enterRawMode();
        return () -> terminal.setAttributes(previous);
    }
}
