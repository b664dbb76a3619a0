package io.berth.shell.internal.commands;

import io.berth.api.InvalidArgumentException;
import io.berth.api.container.ContainerService;
import io.berth.api.runtime.Attachment;
import io.berth.api.runtime.ConsoleSize;
import io.berth.shell.internal.framework.CommandContext;
import io.berth.shell.internal.framework.Terminal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A user's session with an attached container, as {@code docker run -it} and {@code docker
 * attach} hold it: the container's output to the command's stdout and stderr, the user's input to
 * the container (holding back the detach keys), the user's terminal in raw mode and its size
 * followed when the container has a terminal.
 */
final class Interaction {
    private final CommandContext ctx;
    private final ContainerService.Attached attached;
    private final boolean stdin;
    private final byte[] detachKeys;
    private final AtomicBoolean detached = new AtomicBoolean();
    private volatile boolean done;

    /**
     * @param detachKeys the keys that detach, held back from the input; as docker, only a session
     *                   with a terminal has them: without one, input is passed on byte for byte
     */
    Interaction(CommandContext ctx, ContainerService.Attached attached, boolean stdin, byte[] detachKeys) {
        this.ctx = ctx;
        this.attached = attached;
        this.stdin = stdin;
        this.detachKeys = attached.tty() ? detachKeys : new byte[0];
    }

    /** Something to do when the user interrupts a session without a raw terminal (^C). */
    interface Interrupt {
        void run() throws IOException;
    }

    /** Runs the session; returns the container's exit status, or 0 if the user detached. */
    int run(Interrupt onInterrupt) throws IOException, InterruptedException {
        Attachment io = attached.io();
        Terminal term = ctx.terminal();
        // As the docker CLI: the terminal is raw only when its input goes to the container's terminal; with -t alone
        // it stays as it is (its ^C still interrupts, its output still gets CR LF).
        boolean raw = attached.tty() && stdin && term.isInputTerminal();
        Thread input = null;
        try (AutoCloseable restore = raw ? term.enterRawMode() : () -> { };
             AutoCloseable resizing = attached.tty() ? term.onResize(() -> resize(term)) : () -> { }) {
            if (stdin) {
                input = new Thread(() -> pumpInput(term.isInputTerminal()), "berth-attach-input");
                input.setDaemon(true);
                input.start();
            }
            Attachment.Output o;
            while ((o = io.next()) != null) {
                PrintStream s = o.stderr() ? ctx.err() : ctx.out();
                s.write(o.data());
                s.flush();
            }
            if (detached.get()) {
                return 0;
            }
            if (Thread.interrupted()) {
                // ^C of a user whose terminal is not raw: to the container, as docker's signal proxy.
                onInterrupt.run();
                return 130;
            }
            if (attached.exit() == null) {
                // An exec'd process: its status comes with the end of its output.
                return io.exitCode() >= 0 ? io.exitCode() : 126;
            }
            try {
                return attached.exit().get();
            } catch (ExecutionException e) {
                return io.exitCode() >= 0 ? io.exitCode() : 125;
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        } finally {
            done = true;
            if (input != null) {
                input.interrupt();
            }
            io.close();
        }
    }

    private void resize(Terminal term) {
        if (term.width() > 0 && term.height() > 0) {
            try {
                attached.io().resize(new ConsoleSize(term.height(), term.width()));
            } catch (IOException | RuntimeException e) {
                // Ended meanwhile.
            }
        }
    }

    /**
     * Copies the user's input to the container. From a terminal it polls, so that nothing is left
     * reading the console once the session is over; from a pipe it reads to the end, which closes
     * the container's input when it takes it once.
     */
    private void pumpInput(boolean terminal) {
        InputStream in = ctx.in();
        Attachment io = attached.io();
        byte[] buffer = new byte[65536];
        ByteArrayOutputStream held = new ByteArrayOutputStream();
        int matched = 0;
        try {
            Terminal term = ctx.terminal();
            while (!done) {
                Integer direct = term.readInput(buffer, 20);
                int n;
                if (direct != null) {
                    // The console's own keyboard.
                    n = direct;
                    if (n == 0) {
                        continue;
                    }
                } else {
                    if (terminal && in.available() <= 0) {
                        Thread.sleep(10);
                        continue;
                    }
                    n = in.read(buffer, 0, terminal ? Math.min(buffer.length, Math.max(1, in.available())) : buffer.length);
                }
                if (n < 0) {
                    io.closeInput();
                    return;
                }
                if (detachKeys.length == 0) {
                    io.write(buffer, 0, n);
                    continue;
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream(n);
                for (int i = 0; i < n; i++) {
                    byte b = buffer[i];
                    if (matched > 0 && b != detachKeys[matched]) {
                        // Not the detach keys after all: what was held back goes on.
                        out.write(held.toByteArray(), 0, held.size());
                        held.reset();
                        matched = 0;
                    }
                    if (b == detachKeys[matched]) {
                        held.write(b);
                        if (++matched == detachKeys.length) {
                            detached.set(true);
                            io.close();
                            return;
                        }
                        continue;
                    }
                    out.write(b);
                }
                if (out.size() > 0) {
                    io.write(out.toByteArray(), 0, out.size());
                }
            }
        } catch (InterruptedException e) {
            // The session is over.
        } catch (IOException | RuntimeException e) {
            // The container or the user went away; the output side ends the session.
        }
    }

    /**
     * Parses docker's detach key notation: comma-separated keys, each a single character or
     * {@code ctrl-X} for a letter or one of {@code @ [ \ ] ^ _}.
     */
    static byte[] detachKeys(String spec) {
        return io.berth.views.DetachKeys.parse(spec);
    }
}
