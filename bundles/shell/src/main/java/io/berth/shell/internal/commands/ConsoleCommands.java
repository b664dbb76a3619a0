package io.berth.shell.internal.commands;

import io.berth.api.InvalidArgumentException;
import io.berth.shell.internal.framework.Command;
import io.berth.shell.internal.framework.CommandContext;
import io.berth.shell.internal.framework.Commands;
import io.berth.shell.internal.framework.OnDemandBundles;
import io.berth.shell.internal.framework.Terminal;
import org.apache.felix.gogo.jline.Shell;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Function;
import org.jline.terminal.Attributes;
import org.jline.terminal.Size;
import org.jline.terminal.impl.ExternalTerminal;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;

/**
 * {@code berth shell}: the Gogo console of a running daemon, reached through bin/berth, for
 * daemons started without one (as Karaf's client is for Karaf). The user's terminal is put in raw
 * mode; line editing, history, completion and Ctrl-C are handled here, by JLine, on a terminal
 * made of the connection, which follows the user's window size.
 *
 * <p>It needs Gogo's JLine shell, its library and commands: this component is enabled by {@link ConsoleGate} where
 * that bundle is wired to this one (Berth's daemon and console), started or not, and the command starts it if it is
 * not (a daemon leaves it for the first console). Elsewhere (Karaf, whose console takes its place) the command is
 * not offered.
 */
@Component(service = Commands.class, enabled = false)
public class ConsoleCommands implements Commands {
    /** The profile the remote console reads from {@code conf/shell/etc/}. */
    static final String PROFILE = "remote_profile";

    private final CommandProcessor processor;
    private final BundleContext context;

    @Activate
    public ConsoleCommands(@Reference CommandProcessor processor, BundleContext context) {
        this.processor = processor;
        this.context = context;
    }

    @Command(name = "shell", maxArgs = 0)
    @Descriptor("Open a console on the running daemon; 'exit' or Ctrl-D leaves it, the daemon keeps running")
    public void shell(CommandContext ctx) throws Exception {
        Terminal user = ctx.terminal();
        if (!user.isInputTerminal() || !user.isOutputTerminal()) {
            throw new InvalidArgumentException("berth shell needs a terminal: run it from an interactive terminal");
        }
        // Gogo's JLine shell's commands (echo, grep, each, history...) make the console: its bundle is started.
        Bundle gogoJline = FrameworkUtil.getBundle(Shell.class);
        if (gogoJline != null && gogoJline.getState() != Bundle.ACTIVE) {
            OnDemandBundles.start(gogoJline);
        }
        try (AutoCloseable raw = user.enterRawMode();
             org.jline.terminal.Terminal terminal = new RemoteTerminal(user.type(), ctx.in(), ctx.out(),
                     new Size(user.width(), user.height()));
             AutoCloseable resizing = user.onResize(() -> {
                 terminal.setSize(new Size(user.width(), user.height()));
                 terminal.raise(org.jline.terminal.Terminal.Signal.WINCH);
             })) {
            CommandSession session = processor.createSession(terminal.input(), terminal.output(), terminal.output());
            try {
                Shell[] shell = new Shell[1];
                shell[0] = new Shell(new Shell.Context() {
                    @Override
                    public String getProperty(String name) {
                        return context.getProperty(name);
                    }

                    @Override
                    public void exit() {
                        shell[0].stop();
                    }
                }, processor, null, PROFILE);
                session.put(Shell.VAR_TERMINAL, terminal);
                // 'exit' ends this console, not the daemon (the local console's 'exit' stops it).
                session.put("exit", (Function) (s, args) -> {
                    shell[0].stop();
                    return null;
                });
                shell[0].gosh(session, new String[]{"--login", "--noshutdown"});
            } finally {
                session.close();
            }
            terminal.writer().println();
            terminal.flush();
        }
    }

    /**
     * A terminal whose line discipline runs here, in Java, on the connection's streams
     * (TerminalBuilder would make a real pty instead, whose signals reach no one).
     */
    private static final class RemoteTerminal extends ExternalTerminal {
        RemoteTerminal(String type, java.io.InputStream in, java.io.OutputStream out, Size size) throws java.io.IOException {
            super(null, "berth", type, in, out, StandardCharsets.UTF_8,
                    org.jline.terminal.Terminal.SignalHandler.SIG_DFL, false, cookedAttributes(), size);
        }

        /**
         * Does not echo {@code ^C}: JLine would write it from its input thread, byte by byte, while
         * the interrupted command prints its message from another, interleaving the two.
         */
        @Override
        protected void echoSignal(Signal signal) {
        }
    }

    /**
     * The line discipline of a usual terminal, which JLine applies on the daemon side since the
     * user's terminal is raw: Ctrl-C interrupts, Ctrl-D ends input, Ctrl-Z suspends, Backspace erases.
     */
    private static Attributes cookedAttributes() {
        Attributes a = new Attributes();
        a.setInputFlags(EnumSet.of(Attributes.InputFlag.ICRNL, Attributes.InputFlag.IXON, Attributes.InputFlag.IUTF8));
        a.setOutputFlags(EnumSet.of(Attributes.OutputFlag.OPOST, Attributes.OutputFlag.ONLCR));
        a.setLocalFlags(EnumSet.of(Attributes.LocalFlag.ISIG, Attributes.LocalFlag.ICANON, Attributes.LocalFlag.ECHO,
                Attributes.LocalFlag.ECHOE, Attributes.LocalFlag.ECHOK, Attributes.LocalFlag.ECHOKE,
                Attributes.LocalFlag.IEXTEN));
        a.setControlChar(Attributes.ControlChar.VINTR, 3);
        a.setControlChar(Attributes.ControlChar.VQUIT, 28);
        a.setControlChar(Attributes.ControlChar.VERASE, 127);
        a.setControlChar(Attributes.ControlChar.VKILL, 21);
        a.setControlChar(Attributes.ControlChar.VEOF, 4);
        a.setControlChar(Attributes.ControlChar.VSUSP, 26);
        a.setControlChar(Attributes.ControlChar.VWERASE, 23);
        a.setControlChar(Attributes.ControlChar.VLNEXT, 22);
        a.setControlChar(Attributes.ControlChar.VMIN, 1);
        a.setControlChar(Attributes.ControlChar.VTIME, 0);
        return a;
    }
}
