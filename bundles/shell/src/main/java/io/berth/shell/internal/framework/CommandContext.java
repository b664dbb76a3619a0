package io.berth.shell.internal.framework;

import io.berth.api.Names;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Process;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * What a command runs with: its streams, the user's terminal and working directory, and where its
 * exit status goes. The control socket puts one in the session under {@link #SESSION_KEY}; in the
 * Gogo console one is made from the current Gogo process and its terminal.
 */
public final class CommandContext {
    /** The session variable holding the context of a control-socket session. */
    public static final String SESSION_KEY = "berth.context";
    /** The session variable holding the last exit status. */
    public static final String STATUS_KEY = "berth.status";

    private final CommandSession session;
    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    private final Terminal terminal;
    private final Path cwd;
    private final java.util.Map<String, String> environment;

    public CommandContext(CommandSession session, InputStream in, PrintStream out, PrintStream err, Terminal terminal,
                          Path cwd) {
        this(session, in, out, err, terminal, cwd, System.getenv());
    }

    /** @param environment the user's environment: bin/berth's, or the daemon's own for its console */
    public CommandContext(CommandSession session, InputStream in, PrintStream out, PrintStream err, Terminal terminal,
                          Path cwd, java.util.Map<String, String> environment) {
        this.session = session;
        this.in = in;
        this.out = out;
        this.err = err;
        this.terminal = terminal;
        this.cwd = cwd;
        this.environment = java.util.Map.copyOf(environment);
    }

    /** The context for a command run in {@code session}. */
    public static CommandContext of(CommandSession session) {
        if (session != null && session.get(SESSION_KEY) instanceof CommandContext context) {
            return context;
        }
        Process process = Process.Utils.current();
        InputStream in = process != null ? process.in() : session != null ? session.getKeyboard() : System.in;
        PrintStream out = process != null ? process.out() : session != null ? session.getConsole() : System.out;
        PrintStream err = process != null ? process.err() : out;
        Terminal terminal = ConsoleTerminal.of(session, process);
        Path cwd = session != null ? session.currentDir() : Path.of("").toAbsolutePath();
        return new CommandContext(session, in, utf8(out, terminal), utf8(err, terminal), terminal, cwd);
    }

    /** A UTF-8 print stream on a Gogo stream whose flush reaches the console's screen (see {@link Terminal#flush}). */
    private static PrintStream utf8(PrintStream stream, Terminal terminal) {
        return new PrintStream(new java.io.FilterOutputStream(stream) {
            @Override
            public void write(byte[] b, int off, int len) {
                stream.write(b, off, len);
            }

            @Override
            public void flush() {
                stream.flush();
                terminal.flush();
            }
        }, true, StandardCharsets.UTF_8);
    }

    /** The Gogo session, or {@code null} outside one (unit tests). */
    public CommandSession session() {
        return session;
    }

    public InputStream in() {
        return in;
    }

    public PrintStream out() {
        return out;
    }

    public PrintStream err() {
        return err;
    }

    public Terminal terminal() {
        return terminal;
    }

    /** The user's working directory, which relative paths on the command line are relative to. */
    public Path cwd() {
        return cwd;
    }

    /**
     * The user's environment: that of the shell bin/berth ran in (for {@code run -e NAME}, compose's
     * {@code ${VAR}}), or the daemon's own in its console.
     */
    public java.util.Map<String, String> environment() {
        return environment;
    }

    /** A path from the command line, made absolute against the user's working directory. */
    public Path resolve(String path) {
        if (path.startsWith("/")) {
            return Names.resolve(cwd.getRoot(), path.substring(1)).normalize();
        }
        return Names.resolve(cwd, path).normalize();
    }

    /** Records the exit status of the command that ran in this session. */
    public void setStatus(int status) {
        if (session != null) {
            session.put(STATUS_KEY, status);
        }
    }
}
