package io.berth.shell.internal.commands;

import io.berth.api.InvalidArgumentException;
import io.berth.api.compose.ComposeProject;
import io.berth.api.compose.ComposeService;
import io.berth.api.container.Container;
import io.berth.api.container.ExecRequest;
import io.berth.shell.internal.framework.Command;
import io.berth.shell.internal.framework.CommandContext;
import io.berth.shell.internal.framework.Commands;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.berth.shell.internal.commands.ComposeSupport.blankToNull;
import static io.berth.shell.internal.commands.ComposeSupport.failures;
import static io.berth.shell.internal.commands.ComposeSupport.nonEmpty;
import static io.berth.shell.internal.commands.ComposeSupport.progress;

/** The compose commands that run processes: {@code exec} in a service's container, {@code run} in a one-off one. */
@Component(service = Commands.class)
public class ComposeRunCommands implements Commands {
    @Reference
    private ComposeSupport support;

    @Command(name = "compose exec", usage = "[OPTIONS] SERVICE COMMAND [ARGS...]", minArgs = 2, interspersed = false)
    @Descriptor("Execute a command in a running container")
    public int exec(CommandContext ctx, ProjectOptions p,
                    @Descriptor("Detached mode: Run command in the background")
                    @Parameter(names = {"-d", "--detach"}, absentValue = "false", presentValue = "true") boolean detach,
                    @Descriptor("Disable pseudo-TTY allocation. By default `docker compose exec` allocates a TTY.")
                    @Parameter(names = {"-T", "--no-TTY"}, absentValue = "false", presentValue = "true") boolean noTty,
                    @Descriptor("Keep STDIN open even if not attached")
                    @Parameter(names = {"-i", "--interactive"}, absentValue = "true", presentValue = "true") boolean interactive,
                    @Descriptor("Index of the container if service has multiple replicas")
                    @Parameter(names = {"--index"}, absentValue = "1") int index,
                    @Descriptor("Set environment variables")
                    @Parameter(names = {"-e", "--env"}, absentValue = "") List<String> env,
                    @Descriptor("Run the command as this user")
                    @Parameter(names = {"-u", "--user"}, absentValue = "") String user,
                    @Descriptor("Path to workdir directory for this command")
                    @Parameter(names = {"-w", "--workdir"}, absentValue = "") String workdir,
                    @Descriptor("Give extended privileges to the process")
                    @Parameter(names = {"--privileged"}, absentValue = "false", presentValue = "true") boolean privileged,
                    @Descriptor("The service, then the command and its arguments") List<String> args) throws IOException {
        Container c = support.indexed(ctx, p, args.get(0), index);
        boolean tty = !noTty && ctx.terminal().isInputTerminal();
        ExecRequest request = ExecRequest.builder(args.subList(1, args.size())).env(withCallerValues(ctx, nonEmpty(env)))
                .user(blankToNull(user)).workingDir(blankToNull(workdir)).tty(tty).stdin(interactive && !detach)
                .privileged(privileged).size(tty ? ContainerCommands.consoleSize(ctx) : null).build();
        return ContainerCommands.execAttached(ctx, support.containers(), c.id(), request, detach,
                ContainerCommands.DEFAULT_DETACH_KEYS);
    }

    /** {@code -e NAME} takes NAME's value from the caller's environment, as docker does (left out when unset). */
    private static List<String> withCallerValues(CommandContext ctx, List<String> env) {
        List<String> out = new ArrayList<>();
        for (String e : env) {
            if (e.contains("=")) {
                out.add(e);
            } else if (ctx.environment().containsKey(e)) {
                out.add(e + "=" + ctx.environment().get(e));
            }
        }
        return out;
    }

    @Command(name = "compose run", usage = "[OPTIONS] SERVICE [COMMAND] [ARGS...]", minArgs = 1, interspersed = false)
    @Descriptor("Run a one-off command on a service")
    public int run(CommandContext ctx, ProjectOptions p,
                   @Descriptor("Run container in background and print container ID")
                   @Parameter(names = {"-d", "--detach"}, absentValue = "false", presentValue = "true") boolean detach,
                   @Descriptor("Automatically remove the container when it exits")
                   @Parameter(names = {"--rm"}, absentValue = "false", presentValue = "true") boolean remove,
                   @Descriptor("Set environment variables")
                   @Parameter(names = {"-e", "--env"}, absentValue = "") List<String> env,
                   @Descriptor("Add or override a label")
                   @Parameter(names = {"-l", "--label"}, absentValue = "") List<String> label,
                   @Descriptor("Override the entrypoint of the image")
                   @Parameter(names = {"--entrypoint"}, absentValue = "\0") String entrypoint,
                   @Descriptor("Assign a name to the container")
                   @Parameter(names = {"--name"}, absentValue = "") String name,
                   @Descriptor("Don't start linked services")
                   @Parameter(names = {"--no-deps"}, absentValue = "false", presentValue = "true") boolean noDeps,
                   @Descriptor("Disable pseudo-TTY allocation (default: auto-detected)")
                   @Parameter(names = {"-T", "--no-TTY"}, absentValue = "false", presentValue = "true") boolean noTty,
                   @Descriptor("Keep STDIN open even if not attached")
                   @Parameter(names = {"-i", "--interactive"}, absentValue = "true", presentValue = "true") boolean interactive,
                   @Descriptor("Run as specified username or uid")
                   @Parameter(names = {"-u", "--user"}, absentValue = "") String user,
                   @Descriptor("Working directory inside the container")
                   @Parameter(names = {"-w", "--workdir"}, absentValue = "") String workdir,
                   @Descriptor("Run command with all service's ports enabled and mapped to the host")
                   @Parameter(names = {"-P", "--service-ports"}, absentValue = "false", presentValue = "true") boolean servicePorts,
                   @Descriptor("The service, then the command and its arguments") List<String> args)
            throws IOException, InterruptedException {
        ComposeProject project = support.load(ctx, p, true);
        boolean tty = !noTty && !detach && ctx.terminal().isInputTerminal();
        Map<String, String> labels = new LinkedHashMap<>();
        for (String l : nonEmpty(label)) {
            int eq = l.indexOf('=');
            labels.put(eq < 0 ? l : l.substring(0, eq), eq < 0 ? "" : l.substring(eq + 1));
        }
        List<String> entry = entrypoint.equals("\0") ? null
                : entrypoint.isEmpty() ? List.of() : words(entrypoint);
        ComposeService.RunOptions options = new ComposeService.RunOptions(args.get(0),
                args.size() > 1 ? args.subList(1, args.size()) : null, entry, withCallerValues(ctx, nonEmpty(env)),
                blankToNull(name), blankToNull(user), blankToNull(workdir), servicePorts, noDeps, remove, tty,
                interactive && !detach, labels);
        Container[] made = new Container[1];
        int status = failures(ctx, () -> made[0] = support.compose().run(project, options, progress(ctx, p)));
        if (status != 0) {
            return status;
        }
        Container c = made[0];
        if (detach) {
            support.containers().start(c.id());
            ctx.out().println(c.name());
            return 0;
        }
        return ContainerCommands.interact(ctx, support.containers(), c.id(), options.interactive(), true,
                ContainerCommands.DEFAULT_DETACH_KEYS);
    }

    /** A command line split into words as a POSIX shell splits it: quotes and backslashes, no expansion. */
    static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder word = null;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quote == 0 && Character.isWhitespace(ch)) {
                if (word != null) {
                    out.add(word.toString());
                    word = null;
                }
                continue;
            }
            word = word == null ? new StringBuilder() : word;
            if (quote == 0 && (ch == '\'' || ch == '"')) {
                quote = ch;
            } else if (ch == quote) {
                quote = 0;
            } else if (ch == '\\' && quote != '\'' && i + 1 < line.length()) {
                word.append(line.charAt(++i));
            } else {
                word.append(ch);
            }
        }
        if (quote != 0) {
            throw new InvalidArgumentException("invalid command line string: unterminated quote in " + line);
        }
        if (word != null) {
            out.add(word.toString());
        }
        return out;
    }
}
