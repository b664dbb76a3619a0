package io.berth.shell.internal.framework;

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

    public CommandContext(CommandSession session, InputStream in, PrintStream out, PrintStream err, Terminal terminal,
                          Path cwd) {
        this.session = session;
        this.in = in;
        this.out = out;
        this.err = err;
        this.terminal = terminal;
        this.cwd = cwd;
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
        return new CommandContext(session, in, utf8(out), utf8(err), terminal, cwd);
    }

    private static PrintStream utf8(PrintStream stream) {
        return new PrintStream(stream, true, StandardCharsets.UTF_8);
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

    /** A path from the command line, made absolute against the user's working directory. */
    public Path resolve(String path) {
        if (!io.berth.api.Names.hasEscapes(path)) {
            return cwd.resolve(path).normalize();
        }
        // Bytes that are not UTF-8 (io.berth.api.Names): through the URI, which carries any byte.
        StringBuilder uri = new StringBuilder("file://");
        if (!path.startsWith("/")) {
            uri.append(cwd.toAbsolutePath().toUri().getRawPath().replaceAll("/$", "")).append('/');
        }
        for (byte b : io.berth.api.Names.encode(path)) {
            int c = b & 0xff;
            if (c > 0x20 && c < 0x7f && c != '%' && c != '#' && c != '?' && c != '[' && c != ']' && c != '\\') {
                uri.append((char) c);
            } else {
                uri.append('%').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
            }
        }
        return Path.of(java.net.URI.create(uri.toString())).normalize();
    }

    /**
     * The last name of a host path, every byte kept ({@link io.berth.api.Names}): the JDK's
     * {@code getFileName().toString()} turns bytes that are not UTF-8 into U+FFFD.
     */
    public static String fileName(Path p) {
        Path f = p.getFileName();
        if (f == null) {
            return "";
        }
        String s = f.toString();
        if (s.indexOf('\ufffd') < 0) {
            return s;
        }
        String raw = p.toAbsolutePath().toUri().getRawPath();
        if (raw.endsWith("/") && raw.length() > 1) {
            raw = raw.substring(0, raw.length() - 1);
        }
        String last = raw.substring(raw.lastIndexOf('/') + 1);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < last.length(); i++) {
            char c = last.charAt(i);
            if (c == '%' && i + 2 < last.length()) {
                bytes.write(Integer.parseInt(last.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        return io.berth.api.Names.decode(bytes.toByteArray());
    }

    /** Records the exit status of the command that ran in this session. */
    public void setStatus(int status) {
        if (session != null) {
            session.put(STATUS_KEY, status);
        }
    }
}
