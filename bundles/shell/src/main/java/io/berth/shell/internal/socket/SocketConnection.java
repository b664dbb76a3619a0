package io.berth.shell.internal.socket;

import io.berth.control.Frames;
import io.berth.shell.internal.framework.CommandContext;
import io.berth.shell.internal.framework.CommandRegistrar;
import io.berth.shell.internal.framework.OnDemandBundles;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One bin/berth invocation: reads the hello, runs the command in a Gogo session whose streams are
 * the connection, forwards stdin, window size and signals while it runs, and sends the exit status.
 * A client that goes away, or sends SIGINT/SIGTERM/SIGHUP, interrupts the command.
 */
final class SocketConnection implements Runnable {
    private static final System.Logger LOG = System.getLogger(SocketConnection.class.getName());
    private static final String BERTH_SCOPE = "berth:";

    private final SocketChannel channel;
    /** The first frame when it was read before (by the launcher, which held the command for the shell). */
    private final Frames.Frame hello;
    private final CommandProcessor processor;
    private final CommandRegistrar registrar;
    private final StartupGate startup;
    private final OnDemandBundles onDemand;
    private final ConnectionThreads threads;
    private final FrameWriter writer;
    /** The thread running the command, while it runs; guarded by {@link #commandLock}. */
    private Thread commandThread;
    private final Object commandLock = new Object();

    SocketConnection(SocketChannel channel, Frames.Frame hello, CommandProcessor processor, CommandRegistrar registrar,
                     StartupGate startup, OnDemandBundles onDemand, ConnectionThreads threads) {
        this.channel = channel;
        this.hello = hello;
        this.processor = processor;
        this.registrar = registrar;
        this.startup = startup;
        this.onDemand = onDemand;
        this.threads = threads;
        this.writer = new FrameWriter(channel, Thread.currentThread().getName() + "-writer", threads);
    }

    @Override
    public void run() {
        running(Thread.currentThread());
        try {
            Frames.Frame first = hello != null ? hello : Frames.read(channel);
            if (first == null) {
                return;
            }
            if (first.type() != Frames.HELLO) {
                throw new IOException("control socket: expected a hello frame, got '" + (char) first.type() + "'");
            }
            Hello hello = Hello.decode(first.payload());
            int status = runCommand(hello);
            running(null);
            Thread.interrupted();
            writer.send(Frames.EXIT, ByteBuffer.allocate(4).putInt(status).array());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "control socket connection ended: " + e.getMessage());
        } finally {
            running(null);
            Thread.interrupted();
            writer.finish();
            try {
                channel.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing a control connection: " + e.getMessage());
            }
        }
    }

    private int runCommand(Hello hello) throws IOException {
        StdinPipe stdin = new StdinPipe(() -> {
            try {
                writer.send(Frames.WANT_STDIN);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "could not ask the client for stdin: " + e.getMessage());
            }
        });
        SocketTerminal terminal = new SocketTerminal(hello, writer);
        threads.start("berth-client-reader", () -> readClient(stdin, terminal));

        PrintStream out = new PrintStream(new FrameOutputStream(writer, Frames.STDOUT), true, NameBytes.INSTANCE);
        PrintStream err = new PrintStream(new FrameOutputStream(writer, Frames.STDERR), true, NameBytes.INSTANCE);
        CommandSession session = processor.createSession(stdin, out, err);
        try {
            Path cwd = Path.of(hello.cwd().isEmpty() ? "/" : hello.cwd());
            CommandContext context = new CommandContext(session, stdin, out, err, terminal, cwd, hello.environmentMap());
            session.put(CommandContext.SESSION_KEY, context);
            return dispatch(context, session, hello.args());
        } finally {
            out.flush();
            err.flush();
            session.close();
            stdin.discard();
        }
    }

    private int dispatch(CommandContext context, CommandSession session, List<String> args) {
        // While the daemon starts, only version answers at once (it is what tells a client the daemon is up); the
        // rest waits for the start to end, so that it finds every command and service as a started daemon has them.
        Optional<CommandRegistrar.Resolved> early = args.isEmpty() ? Optional.empty()
                : registrar.resolve(CommandRegistrar.composeGlobalFlagsLast(args));
        if (early.isEmpty() || !early.get().displayName().endsWith("version")) {
            try {
                if (!startup.await()) {
                    LOG.log(System.Logger.Level.WARNING, "the daemon has not finished starting after "
                            + StartupGate.LIMIT.toSeconds() + " s; running '" + String.join(" ", args) + "' anyway");
                }
            } catch (InterruptedException e) {
                // The client went away or was interrupted while waiting.
                return 130;
            }
        }
        if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("-h")) {
            registrar.printOverview(context.out());
            return 0;
        }
        if (args.get(0).equals("help")) {
            return runGogo(context, session, "berth:help", args.subList(1, args.size()));
        }
        args = CommandRegistrar.composeGlobalFlagsLast(args);
        Optional<CommandRegistrar.Resolved> resolved = registrar.resolve(args);
        if (resolved.isPresent()) {
            CommandRegistrar.Resolved r = resolved.get();
            return r.invoker().run(context, r.displayName(), args.subList(r.consumed(), args.size()));
        }
        if (args.get(0).contains(":")) {
            return runGogo(context, session, args.get(0), args.subList(1, args.size()));
        }
        context.err().println("berth: '" + args.get(0) + "' is not a berth command.");
        context.err().println("See 'berth --help'");
        return 1;
    }

    /**
     * Runs another Gogo command ({@code felix:lb}) through the Gogo parser, so that what it prints
     * to System.out reaches the client. Arguments are single-quoted, which Gogo takes literally.
     */
    private int runGogo(CommandContext context, CommandSession session, String command, List<String> args) {
        StringBuilder line = new StringBuilder(command);
        for (String a : args) {
            if (a.indexOf('\'') >= 0) {
                context.err().println("berth: arguments of Gogo commands cannot contain a single quote");
                return 1;
            }
            line.append(" '").append(a).append('\'');
        }
        if (!command.startsWith(BERTH_SCOPE)) {
            // Gogo's own commands run in Gogo's whole shell: its JLine shell, which a daemon starts on demand, has the
            // gogo scope's commands (gogo:cat, gogo:grep) and the converters others' arguments need (felix:stop 26).
            onDemand.start();
        }
        try {
            Object result = session.execute(line);
            if (result != null) {
                context.out().println(session.format(result, Converter.INSPECT));
            }
            Object status = session.get(CommandContext.STATUS_KEY);
            return status instanceof Integer i ? i : 0;
        } catch (Exception e) {
            context.err().println("Error: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            return 1;
        }
    }

    private void readClient(StdinPipe stdin, SocketTerminal terminal) {
        try {
            Frames.Frame frame;
            while ((frame = Frames.read(channel)) != null) {
                byte[] p = frame.payload();
                switch (frame.type()) {
                    case Frames.STDIN -> {
                        try {
                            stdin.offer(p);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    case Frames.STDIN_EOF -> stdin.end();
                    case Frames.RESIZE -> {
                        if (p.length == 4) {
                            terminal.resize(((p[0] & 0xff) << 8) | (p[1] & 0xff), ((p[2] & 0xff) << 8) | (p[3] & 0xff));
                        }
                    }
                    case Frames.SIGNAL -> interruptCommand();
                    default -> throw new IOException("control socket: unexpected frame '" + (char) frame.type() + "'");
                }
            }
            // The client closed its end: it has gone away.
            stdin.end();
            interruptCommand();
        } catch (IOException e) {
            stdin.end();
            interruptCommand();
        }
    }

    /** Says which thread runs the command ({@code null}: none any more, its thread may run another's next). */
    private void running(Thread t) {
        synchronized (commandLock) {
            commandThread = t;
        }
    }

    private void interruptCommand() {
        synchronized (commandLock) {
            if (commandThread != null) {
                commandThread.interrupt();
            }
        }
    }
}
