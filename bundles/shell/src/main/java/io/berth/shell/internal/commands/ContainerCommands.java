package io.berth.shell.internal.commands;

import io.berth.api.container.ExecRequest;
import io.berth.api.container.ContainerDetails;
import io.berth.api.container.ContainerListOptions;
import io.berth.api.runtime.ConsoleSize;
import io.berth.api.BerthException;
import io.berth.api.Filters;
import io.berth.api.InvalidArgumentException;
import io.berth.api.NotFoundException;
import io.berth.api.container.Container;
import io.berth.api.container.ContainerService;
import io.berth.api.container.ContainerStatus;
import io.berth.api.container.CreateRequest;
import io.berth.api.container.LogOptions;
import io.berth.api.container.PrunedContainers;
import io.berth.api.image.Image;
import io.berth.api.image.ImageReference;
import io.berth.api.content.Platform;
import io.berth.api.registry.Registry;
import io.berth.api.UnavailableException;
import io.berth.api.image.ImageStore;
import io.berth.api.network.NetworkService;
import io.berth.api.runtime.RuntimeStats;
import io.berth.api.runtime.StartFailedException;
import io.berth.shell.internal.framework.Command;
import io.berth.shell.internal.framework.CommandContext;
import io.berth.shell.internal.framework.Commands;
import io.berth.shell.internal.output.ContainerRows;
import io.berth.views.ContainerView;
import io.berth.views.NetworkView;
import io.berth.shell.internal.output.Formats;
import io.berth.shell.internal.output.Json;
import io.berth.shell.internal.output.Table;
import io.berth.shell.internal.output.Units;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The container commands: {@code create}, {@code run}, {@code start}, {@code stop}, {@code kill},
 * {@code restart}, {@code rm}, {@code wait}, {@code logs}, {@code ps}, {@code container inspect},
 * {@code top}, {@code stats}, {@code rename}, {@code container prune}, {@code port}; {@code exec}, {@code attach},
 * {@code pause}, {@code unpause} (a container's files: {@link ContainerFileCommands}). Output,
 * errors and exit statuses as docker's.
 */
@Component(service = Commands.class)
public class ContainerCommands implements Commands {
    private static final Map<String, String> PS_HEADERS = Map.ofEntries(Map.entry("ID", "CONTAINER ID"),
            Map.entry("Image", "IMAGE"), Map.entry("Command", "COMMAND"), Map.entry("CreatedAt", "CREATED AT"),
            Map.entry("RunningFor", "CREATED"), Map.entry("Status", "STATUS"), Map.entry("Ports", "PORTS"),
            Map.entry("Names", "NAMES"), Map.entry("Size", "SIZE"), Map.entry("Labels", "LABELS"),
            Map.entry("State", "STATE"), Map.entry("Mounts", "MOUNTS"), Map.entry("Networks", "NETWORKS"),
            Map.entry("LocalVolumes", "LOCAL VOLUMES"));

    private final ContainerService containers;
    private final ImageStore images;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile Registry registry;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile io.berth.api.driver.DriverRegistry drivers;
    /** For the ids of a stopped container's networks in inspect; networking may be absent. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile NetworkService networks;

    /** The names of the runtime drivers available now, or null when that is not known. */
    private Set<String> availableRuntimes() {
        io.berth.api.driver.DriverRegistry d = drivers;
        if (d == null) {
            return null;
        }
        Set<String> names = new HashSet<>();
        for (io.berth.api.driver.DriverInfo info : d.drivers()) {
            if (info.type() == io.berth.api.driver.DriverType.RUNTIME
                    && info.state() == io.berth.api.driver.DriverState.AVAILABLE) {
                names.add(info.name());
            }
        }
        return names;
    }

    @Activate
    public ContainerCommands(@Reference ContainerService containers, @Reference ImageStore images) {
        this.containers = containers;
        this.images = images;
    }

    // ---------------------------------------------------------------- create, run

    /** Options the client could not turn into a request (docker's create: status 125, not 1). */
    private static final class BadOptions extends InvalidArgumentException {
        private static final long serialVersionUID = 1L;

        BadOptions(String message) {
            super(message);
        }
    }

    @Command(name = "create", usage = "[OPTIONS] IMAGE [COMMAND] [ARG...]", minArgs = 1, interspersed = false,
            aliases = {"container create"})
    @Descriptor("Create a new container")
    public int create(CommandContext ctx, CreateOptions options,
                      @Descriptor("The image, then the command and its arguments") List<String> args) {
        Container c;
        try {
            c = createContainer(ctx, options, args);
        } catch (BadOptions e) {
            // As docker's create: options it cannot read are status 125 ...
            ctx.err().println("Error: " + e.getMessage());
            return 125;
        } catch (BerthException e) {
            // ... what the engine refuses is 1 (run makes both 125).
            ctx.err().println("Error: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            ctx.err().println("Error: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            return 1;
        }
        ctx.out().println(c.id());
        return 0;
    }

    private Container createContainer(CommandContext ctx, CreateOptions options, List<String> args) throws IOException {
        return createContainer(ctx, options, args, false);
    }

    private Container createContainer(CommandContext ctx, CreateOptions options, List<String> args, boolean stdinOnce)
            throws IOException {
        return createContainer(ctx, options, args, stdinOnce, false);
    }

    private Container createContainer(CommandContext ctx, CreateOptions options, List<String> args, boolean stdinOnce,
                                      boolean detached) throws IOException {
        String image = args.get(0);
        CreateRequest request;
        try {
            request = options.request(ctx, image, args.subList(1, args.size()), stdinOnce).toBuilder()
                    .detached(detached).build();
        } catch (InvalidArgumentException e) {
            throw new BadOptions(e.getMessage());
        }
        String policy = options.pull == null ? "missing" : options.pull;
        if (!Set.of("missing", "always", "never").contains(policy)) {
            throw new InvalidArgumentException("invalid pull option: '" + policy + "': must be one of \"always\", "
                    + "\"missing\" or \"never\"");
        }
        Platform platform = options.platform == null || options.platform.isEmpty() ? null : Platform.parse(options.platform);
        if (policy.equals("always")) {
            pullFor(ctx, image, platform);
        } else {
            try {
                images.get(image);
            } catch (NotFoundException e) {
                if (policy.equals("never")) {
                    throw e;
                }
                ctx.err().println("Unable to find image '" + familiarWithTag(image) + "' locally");
                pullFor(ctx, image, platform);
            }
        }
        Container created = containers.create(request);
        if (request.host().networkMode().equals("host") && !request.host().portBindings().isEmpty()) {
            // docker's daemon's warning, which its CLI prints on stderr.
            ctx.err().println("WARNING: Published ports are discarded when using host network mode");
        }
        return created;
    }

    /** Pulls an image for run or create, its progress on stderr as docker shows it there. */
    private void pullFor(CommandContext ctx, String image, Platform platform) throws IOException {
        Registry r = registry;
        if (r == null) {
            throw new UnavailableException("no registry client is available to pull " + familiarWithTag(image));
        }
        try {
            // The name as given, with its default tag: docker's CLI adds it before asking for the pull.
            ImageReference ref = ImageReference.parse(image);
            RegistryCommands.pull(ctx, r, ref.digest() != null ? ref : ref.withDefaultTag(), platform, ctx.err());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while pulling " + familiarWithTag(image));
        }
    }

    private static String familiarWithTag(String image) {
        try {
            ImageReference ref = ImageReference.parse(image);
            return ref.digest() != null ? ref.familiar() : ref.withDefaultTag().familiar();
        } catch (InvalidArgumentException e) {
            return image;
        }
    }

    @Command(name = "run", usage = "[OPTIONS] IMAGE [COMMAND] [ARG...]", minArgs = 1, interspersed = false,
            aliases = {"container run"})
    @Descriptor("Create and run a new container from an image")
    public int run(CommandContext ctx, CreateOptions options,
                   @Descriptor("Run container in background and print container ID")
                   @Parameter(names = {"-d", "--detach"}, absentValue = "false", presentValue = "true") boolean detach,
                   @Descriptor("Override the key sequence for detaching a container")
                   @Parameter(names = {"--detach-keys"}, absentValue = DEFAULT_DETACH_KEYS) String detachKeys,
                   @Descriptor("The image, then the command and its arguments") List<String> args) throws IOException {
        if (!detach && options.tty && options.interactive && !ctx.terminal().isInputTerminal()) {
            ctx.err().println("the input device is not a TTY");
            return 1;
        }
        try {
            Interaction.detachKeys(detachKeys);
        } catch (InvalidArgumentException e) {
            // Before anything is made; a flag error of run, so status 125.
            ctx.err().println("Error: " + e.getMessage());
            return 125;
        }
        Container c;
        try {
            c = createContainer(ctx, options, args, !detach && options.interactive, detach);
        } catch (BerthException e) {
            ctx.err().println("Error: " + e.getMessage());
            return 125;
        } catch (IOException e) {
            // As docker: what keeps the container from being made, a failed pull included, is status 125.
            ctx.err().println("Error: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            return 125;
        }
        if (!detach) {
            return interact(ctx, containers, c.id(), options.interactive, true, detachKeys);
        }
        if (detach) {
            try {
                containers.start(c.id());
            } catch (BerthException e) {
                return startFailed(ctx, e);
            }
            ctx.out().println(c.id());
            return 0;
        }
        return 0;
    }

    static final String DEFAULT_DETACH_KEYS = "ctrl-p,ctrl-q";

    /**
     * Attaches the user's terminal or streams to a container, starting it if asked: output to
     * stdout and stderr, input (with {@code stdin}) to the container, the terminal in raw mode and
     * its size followed when the container has one. Returns the container's exit status, or 0 when
     * the user detached with the detach keys.
     */
    static int interact(CommandContext ctx, ContainerService containers, String id, boolean stdin, boolean start,
                        String detachKeys) throws IOException {
        byte[] keys = Interaction.detachKeys(detachKeys);
        ConsoleSize size = consoleSize(ctx);
        ContainerService.Attached a;
        try {
            a = containers.attach(id, stdin, size, start);
        } catch (BerthException e) {
            if (start) {
                return startFailed(ctx, e);
            }
            ctx.err().println("Error: " + e.getMessage());
            return 1;
        }
        try {
            return new Interaction(ctx, a, stdin, keys).run(() -> containers.kill(id, "INT"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    /**
     * docker's statuses for a container that could not start: 127 not found, 126 not executable,
     * else 125. (The service has removed it if it was made with {@code --rm}.)
     */
    private static int startFailed(CommandContext ctx, BerthException e) {
        ctx.err().println("Error: " + e.getMessage());
        return e instanceof StartFailedException f && (f.exitCode() == 126 || f.exitCode() == 127) ? f.exitCode() : 125;
    }

    // ---------------------------------------------------------------- start, stop, kill, restart, rm, wait

    @Command(name = "start", usage = "[OPTIONS] CONTAINER [CONTAINER...]", minArgs = 1, aliases = {"container start"})
    @Descriptor("Start one or more stopped containers")
    public int start(CommandContext ctx,
                     @Descriptor("Attach STDOUT/STDERR and forward signals")
                     @Parameter(names = {"-a", "--attach"}, absentValue = "false", presentValue = "true") boolean attach,
                     @Descriptor("Attach container's STDIN")
                     @Parameter(names = {"-i", "--interactive"}, absentValue = "false", presentValue = "true") boolean interactive,
                     @Descriptor("Override the key sequence for detaching a container")
                     @Parameter(names = {"--detach-keys"}, absentValue = DEFAULT_DETACH_KEYS) String detachKeys,
                     @Descriptor("Containers to start") List<String> names) throws IOException {
        if (attach || interactive) {
            if (names.size() > 1) {
                throw new InvalidArgumentException("you cannot start and attach multiple containers at once");
            }
            Container c = containers.get(names.get(0));
            ContainerDetails d = containers.inspect(c.id());
            if (d.config().tty() && interactive && !ctx.terminal().isInputTerminal()) {
                ctx.err().println("the input device is not a TTY");
                return 1;
            }
            return interact(ctx, containers, c.id(), interactive && d.config().openStdin() || interactive && d.config().tty(), true,
                    detachKeys);
        }
        List<String> failed = new ArrayList<>();
        for (String name : names) {
            try {
                containers.start(name);
                ctx.out().println(name);
            } catch (BerthException e) {
                ctx.err().println("Error: " + e.getMessage());
                failed.add(name);
            }
        }
        if (!failed.isEmpty()) {
            ctx.err().println("Error: failed to start containers: " + String.join(", ", failed));
            return 1;
        }
        return 0;
    }

    private interface Action {
        void apply(String name) throws IOException, InterruptedException;
    }

    /** Applies an action to each container, printing its name as given, or the error; 1 if any failed. */
    private static int each(CommandContext ctx, List<String> names, Action action) throws InterruptedException {
        return each(ctx, names, action, false);
    }

    /**
     * As {@link #each(CommandContext, List, Action)}; with {@code ignoreMissing}, a container that
     * does not exist is said so but is no failure (docker's {@code rm -f}).
     */
    private static int each(CommandContext ctx, List<String> names, Action action, boolean ignoreMissing)
            throws InterruptedException {
        int status = 0;
        for (String name : names) {
            try {
                action.apply(name);
                ctx.out().println(name);
            } catch (io.berth.api.NotFoundException e) {
                ctx.err().println("Error: " + e.getMessage());
                status = ignoreMissing ? status : 1;
            } catch (BerthException e) {
                ctx.err().println("Error: " + e.getMessage());
                status = 1;
            } catch (IOException e) {
                ctx.err().println("Error: " + name + ": " + e.getMessage());
                status = 1;
            }
        }
        return status;
    }

    private static Integer timeout(String value) {
        if (value.equals(CreateOptions.UNSET)) {
            return null;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new InvalidArgumentException("invalid argument \"" + value + "\" for \"-t, --time\" flag: not an integer");
        }
    }

    @Command(name = "stop", usage = "[OPTIONS] CONTAINER [CONTAINER...]", minArgs = 1, aliases = {"container stop"})
    @Descriptor("Stop one or more running containers")
    public int stop(CommandContext ctx,
                    @Descriptor("Seconds to wait before killing the container")
                    @Parameter(names = {"-t", "--time"}, absentValue = CreateOptions.UNSET) String time,
                    @Descriptor("Containers to stop") List<String> names) throws InterruptedException {
        Integer t = timeout(time);
        return each(ctx, names, n -> containers.stop(n, t));
    }

    @Command(name = "restart", usage = "[OPTIONS] CONTAINER [CONTAINER...]", minArgs = 1, aliases = {"container restart"})
    @Descriptor("Restart one or more containers")
    public int restart(CommandContext ctx,
                       @Descriptor("Seconds to wait before killing the container")
                       @Parameter(names = {"-t", "--time"}, absentValue = CreateOptions.UNSET) String time,
                       @Descriptor("Containers to restart") List<String> names) throws InterruptedException {
        Integer t = timeout(time);
        return each(ctx, names, n -> containers.restart(n, t));
    }

    @Command(name = "kill", usage = "[OPTIONS] CONTAINER [CONTAINER...]", minArgs = 1, aliases = {"container kill"})
    @Descriptor("Kill one or more running containers")
    public int kill(CommandContext ctx,
                    @Descriptor("Signal to send to the container")
                    @Parameter(names = {"-s", "--signal"}, absentValue = "KILL") String signal,
                    @Descriptor("Containers to kill") List<String> names) throws InterruptedException {
        return each(ctx, names, n -> containers.kill(n, signal));
    }

    @Command(name = "exec", usage = "[OPTIONS] CONTAINER COMMAND [ARG...]", minArgs = 2, interspersed = false,
            aliases = {"container exec"})
    @Descriptor("Execute a command in a running container")
    public int exec(CommandContext ctx,
                    @Descriptor("Detached mode: run command in the background")
                    @Parameter(names = {"-d", "--detach"}, absentValue = "false", presentValue = "true") boolean detach,
                    @Descriptor("Keep STDIN open even if not attached")
                    @Parameter(names = {"-i", "--interactive"}, absentValue = "false", presentValue = "true") boolean interactive,
                    @Descriptor("Allocate a pseudo-TTY")
                    @Parameter(names = {"-t", "--tty"}, absentValue = "false", presentValue = "true") boolean tty,
                    @Descriptor("Set environment variables")
                    @Parameter(names = {"-e", "--env"}, absentValue = "") List<String> env,
                    @Descriptor("Username or UID (format: \"<name|uid>[:<group|gid>]\")")
                    @Parameter(names = {"-u", "--user"}, absentValue = "") String user,
                    @Descriptor("Working directory inside the container")
                    @Parameter(names = {"-w", "--workdir"}, absentValue = "") String workdir,
                    @Descriptor("Give extended privileges to the command")
                    @Parameter(names = {"--privileged"}, absentValue = "false", presentValue = "true") boolean privileged,
                    @Descriptor("Override the key sequence for detaching a container")
                    @Parameter(names = {"--detach-keys"}, absentValue = DEFAULT_DETACH_KEYS) String detachKeys,
                    @Descriptor("The container, then the command and its arguments") List<String> args) throws IOException {
        if (!detach && tty && interactive && !ctx.terminal().isInputTerminal()) {
            ctx.err().println("the input device is not a TTY");
            return 1;
        }
        ExecRequest request = ExecRequest.builder(args.subList(1, args.size())).env(env).user(user.isEmpty() ? null : user)
                .workingDir(workdir.isEmpty() ? null : workdir).tty(tty).stdin(interactive && !detach).privileged(privileged)
                .size(consoleSize(ctx)).build();
        return execAttached(ctx, containers, args.get(0), request, detach, detachKeys);
    }

    /** The user's terminal's size, or {@code null} when it has none. */
    static ConsoleSize consoleSize(CommandContext ctx) {
        io.berth.shell.internal.framework.Terminal term = ctx.terminal();
        return term.width() > 0 && term.height() > 0 ? new ConsoleSize(term.height(), term.width()) : null;
    }

    /**
     * Runs a process in a container as {@code exec} does: detached, or attached to the user's streams
     * (its input when the request takes it) until it ends; its exit status, 126 when it cannot be run.
     */
    static int execAttached(CommandContext ctx, ContainerService containers, String container, ExecRequest request,
                            boolean detach, String detachKeys) throws IOException {
        ContainerService.Attached a;
        try {
            a = containers.exec(container, request);
        } catch (StartFailedException e) {
            // As docker's: the process could not be started (not found, not executable, no such
            // user): 126, the reason on the output, where the process's would have been.
            ctx.out().println(e.getMessage());
            return 126;
        }
        if (detach) {
            a.io().close();
            return 0;
        }
        try {
            return new Interaction(ctx, a, request.stdin(), Interaction.detachKeys(detachKeys)).run(() -> { });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    @Command(name = "attach", usage = "[OPTIONS] CONTAINER", minArgs = 1, maxArgs = 1, aliases = {"container attach"})
    @Descriptor("Attach local standard input, output, and error streams to a running container")
    public int attach(CommandContext ctx,
                      @Descriptor("Do not attach STDIN")
                      @Parameter(names = {"--no-stdin"}, absentValue = "false", presentValue = "true") boolean noStdin,
                      @Descriptor("Override the key sequence for detaching a container")
                      @Parameter(names = {"--detach-keys"}, absentValue = DEFAULT_DETACH_KEYS) String detachKeys,
                      @Descriptor("The container") List<String> names) throws IOException {
        Container c = containers.get(names.get(0));
        ContainerDetails d = containers.inspect(c.id());
        // The docker CLI's own checks, before it asks the daemon: its words, without "Error".
        String refusal = switch (d.container().state().status()) {
            case RUNNING -> null;
            case PAUSED -> "You cannot attach to a paused container, unpause it first";
            case RESTARTING -> "You cannot attach to a restarting container, wait until it is running";
            default -> "You cannot attach to a stopped container, start it first";
        };
        if (refusal != null) {
            ctx.err().println(refusal);
            return 1;
        }
        boolean stdin = !noStdin && (d.config().openStdin() || d.config().tty());
        if (stdin && d.config().tty() && !ctx.terminal().isInputTerminal()) {
            ctx.err().println("the input device is not a TTY");
            return 1;
        }
        return interact(ctx, containers, c.id(), stdin, false, detachKeys);
    }

    @Command(name = "pause", usage = "CONTAINER [CONTAINER...]", minArgs = 1, aliases = {"container pause"})
    @Descriptor("Pause all processes within one or more containers")
    public int pause(CommandContext ctx, @Descriptor("Containers to pause") List<String> names) throws InterruptedException {
        return each(ctx, names, containers::pause);
    }

    @Command(name = "unpause", usage = "CONTAINER [CONTAINER...]", minArgs = 1, aliases = {"container unpause"})
    @Descriptor("Unpause all processes within one or more containers")
    public int unpause(CommandContext ctx, @Descriptor("Containers to unpause") List<String> names) throws InterruptedException {
        return each(ctx, names, containers::unpause);
    }

    @Command(name = "update", usage = "[OPTIONS] CONTAINER [CONTAINER...]", minArgs = 1, aliases = {"container update"})
    @Descriptor("Update configuration of one or more containers")
    public int update(CommandContext ctx, ResourceFlags flags, @Descriptor("Containers to update") List<String> names)
            throws InterruptedException {
        io.berth.api.container.UpdateRequest request = flags.update();
        if (request.isEmpty()) {
            ctx.err().println("you must provide one or more flags when using this command");
            return 1;
        }
        return each(ctx, names, n -> containers.update(n, request).forEach(ctx.err()::println));
    }

    @Command(name = "rm", usage = "[OPTIONS] CONTAINER [CONTAINER...]", minArgs = 1,
            aliases = {"container rm", "container remove"})
    @Descriptor("Remove one or more containers")
    public int rm(CommandContext ctx,
                  @Descriptor("Force the removal of a running container (uses SIGKILL)")
                  @Parameter(names = {"-f", "--force"}, absentValue = "false", presentValue = "true") boolean force,
                  @Descriptor("Remove anonymous volumes associated with the container")
                  @Parameter(names = {"-v", "--volumes"}, absentValue = "false", presentValue = "true") boolean volumes,
                  @Descriptor("Containers to remove") List<String> names) throws InterruptedException {
        // As docker's client: with --force, a container that is not there is said so, but is no failure.
        if (volumes) {
            return each(ctx, names, n -> containers.remove(n, force, true), force);
        }
        return each(ctx, names, n -> containers.remove(n, force), force);
    }

    @Command(name = "wait", usage = "CONTAINER [CONTAINER...]", minArgs = 1, aliases = {"container wait"})
    @Descriptor("Block until one or more containers stop, then print their exit codes")
    public int await(CommandContext ctx, @Descriptor("Containers to wait for") List<String> names)
            throws IOException, InterruptedException {
        int status = 0;
        for (String name : names) {
            try {
                ctx.out().println(containers.await(name));
            } catch (BerthException e) {
                ctx.err().println("Error: " + e.getMessage());
                status = 1;
            }
        }
        return status;
    }

    // ---------------------------------------------------------------- logs

    @Command(name = "logs", usage = "[OPTIONS] CONTAINER", minArgs = 1, maxArgs = 1, aliases = {"container logs"})
    @Descriptor("Fetch the logs of a container")
    public void logs(CommandContext ctx, LogFlags flags,
                     @Descriptor("Show extra details provided to logs")
                     @Parameter(names = {"--details"}, absentValue = "false", presentValue = "true") boolean details,
                     @Descriptor("The container") String name) throws IOException {
        LogOptions options = flags.options();
        LogPrinter printer = new LogPrinter(ctx.out(), ctx.err(), flags.timestamps, details);
        try {
            containers.logs(name, options, printer);
        } catch (InterruptedException e) {
            // ^C ends following.
        } finally {
            printer.flush();
        }
    }

    // ---------------------------------------------------------------- ps

    @Command(name = "ps", usage = "[OPTIONS]", maxArgs = 0, aliases = {"container ls", "container list", "container ps"})
    @Descriptor("List containers")
    public void ps(CommandContext ctx,
                   @Descriptor("Show all containers (default shows just running)")
                   @Parameter(names = {"-a", "--all"}, absentValue = "false", presentValue = "true") boolean all,
                   @Descriptor("Filter output based on conditions provided (status, name, label, ancestor, id, exited, before, since, health, network, volume)")
                   @Parameter(names = {"-f", "--filter"}, absentValue = "") List<String> filter,
                   @Descriptor("Format output: 'table', 'json' or a Go template")
                   @Parameter(names = {"--format"}, absentValue = "") String format,
                   @Descriptor("Show n last created containers (includes all states)")
                   @Parameter(names = {"-n", "--last"}, absentValue = "-1") int last,
                   @Descriptor("Show the latest created container (includes all states)")
                   @Parameter(names = {"-l", "--latest"}, absentValue = "false", presentValue = "true") boolean latest,
                   @Descriptor("Don't truncate output")
                   @Parameter(names = {"--no-trunc"}, absentValue = "false", presentValue = "true") boolean noTrunc,
                   @Descriptor("Only display container IDs")
                   @Parameter(names = {"-q", "--quiet"}, absentValue = "false", presentValue = "true") boolean quiet,
                   @Descriptor("Display total file sizes")
                   @Parameter(names = {"-s", "--size"}, absentValue = "false", presentValue = "true") boolean size)
            throws IOException {
        if (latest) {
            last = 1;
        }
        boolean sizes = size || (format != null && format.contains(".Size"));
        List<Container> shown = containers.list(ContainerListOptions.builder().all(all).limit(last).size(sizes)
                .filters(Filters.parse(filter)).build());
        if (quiet) {
            for (Container c : shown) {
                ctx.out().println(noTrunc ? c.id() : c.id().substring(0, 12));
            }
            return;
        }
        Instant now = Instant.now();
        Map<String, Long> imageSizes = new HashMap<>();
        List<Map<String, Object>> rows = new ArrayList<>();
        Set<String> runtimes = availableRuntimes();
        for (Container c : shown) {
            long virtual = -1;
            if (sizes) {
                virtual = Math.max(0, c.sizeRw()) + imageSizes.computeIfAbsent(c.imageId(), this::imageSize);
            }
            Map<String, Object> row = ContainerRows.row(c, noTrunc, virtual, now);
            if (runtimes != null && c.runtime() != null && !runtimes.contains(c.runtime())) {
                // Its runtime driver left (bundle stopped or uninstalled): it is as it was, unmanaged.
                row.put("Status", row.get("Status") + " (runtime " + c.runtime() + " missing)");
            }
            rows.add(row);
        }
        if (!Formats.isDefaultTable(format)) {
            Formats.printRows(ctx.out(), format, rows, PS_HEADERS);
            return;
        }
        Table table = size ? new Table("CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES", "SIZE")
                : new Table("CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES");
        for (Map<String, Object> r : rows) {
            List<String> cells = new ArrayList<>(List.of((String) r.get("ID"), (String) r.get("Image"), (String) r.get("Command"),
                    (String) r.get("RunningFor"), (String) r.get("Status"), (String) r.get("Ports"), (String) r.get("Names")));
            if (size) {
                cells.add((String) r.get("Size"));
            }
            table.row(cells);
        }
        table.print(ctx.out());
    }

    private long imageSize(String imageId) {
        return imageSize(images, imageId);
    }

    private static long imageSize(ImageStore images, String imageId) {
        try {
            return images.get(imageId).size();
        } catch (IOException | BerthException e) {
            return 0;
        }
    }

    // ---------------------------------------------------------------- inspect, top, stats, rename, prune, diff

    @Command(name = "container inspect", usage = "[OPTIONS] CONTAINER [CONTAINER...]", minArgs = 1)
    @Descriptor("Display detailed information on one or more containers")
    public int inspect(CommandContext ctx,
                       @Descriptor("Format output using a Go template")
                       @Parameter(names = {"-f", "--format"}, absentValue = "") String format,
                       @Descriptor("Display total file sizes")
                       @Parameter(names = {"-s", "--size"}, absentValue = "false", presentValue = "true") boolean size,
                       @Descriptor("Containers to inspect") List<String> names) {
        List<Object> found = new ArrayList<>();
        int status = 0;
        for (String name : names) {
            try {
                found.add(inspectObject(name, size));
            } catch (BerthException | IOException e) {
                ctx.err().println("Error: " + e.getMessage());
                status = 1;
            }
        }
        return printInspected(ctx, format, found) | status;
    }

    /** The inspect object of a container; with {@code size}, SizeRw and SizeRootFs too. */
    Map<String, Object> inspectObject(String name, boolean size) throws IOException {
        return inspectObject(containers, images, networks, name, size);
    }

    /**
     * The inspect object of a container; with {@code size}, SizeRw and SizeRootFs too.
     *
     * @param networks the network service, for the ids of the networks of a stopped container, or {@code null}
     */
    static Map<String, Object> inspectObject(ContainerService containers, ImageStore images, NetworkService networks,
                                             String name, boolean size) throws IOException {
        Map<String, Object> m = ContainerView.inspect(containers.inspect(name), NetworkView.ids(networks));
        if (size) {
            Filters id = Filters.of(Map.of("id", List.of("^" + m.get("Id") + "$")));
            for (Container c : containers.list(ContainerListOptions.builder().all(true).size(true).filters(id).build())) {
                m.put("SizeRw", Math.max(0, c.sizeRw()));
                m.put("SizeRootFs", Math.max(0, c.sizeRw()) + imageSize(images, c.imageId()));
            }
        }
        return m;
    }

    /**
     * Prints what inspect found: JSON, or each through the template. A template that fails on an
     * object's type runs on its JSON as maps, as docker's client runs it; if that fails too it says
     * so as docker's client does: {@code template parsing error: … map has no entry for key "X"},
     * status 1.
     *
     * @return 0, or 1 if the template failed
     */
    static int printInspected(CommandContext ctx, String format, List<Object> found) {
        if (format.isEmpty()) {
            ctx.out().println(Json.pretty(found));
            return 0;
        }
        for (Object o : found) {
            try {
                Formats.printInspected(ctx.out(), format, o);
            } catch (IllegalArgumentException e) {
                ctx.out().println();
                ctx.err().println("template parsing error: " + e.getMessage());
                return 1;
            }
        }
        return 0;
    }

    @Command(name = "top", usage = "CONTAINER [ps OPTIONS]", minArgs = 1, interspersed = false, aliases = {"container top"})
    @Descriptor("Display the running processes of a container")
    public void top(CommandContext ctx, @Descriptor("The container, then options for ps") List<String> args)
            throws IOException, InterruptedException {
        printTop(ctx, containers, args.get(0), args.subList(1, args.size()));
    }

    /** {@code top}: a running container's processes as ps lists them with {@code psArgs} ({@code -ef} when none). */
    static void printTop(CommandContext ctx, ContainerService containers, String container, List<String> psArgs)
            throws IOException, InterruptedException {
        io.berth.views.Processes.Top top = io.berth.views.Processes.top(containers, container, psArgs);
        Table table = new Table(20, top.titles().toArray(String[]::new)); // docker's top: columns of 20 at least
        top.processes().forEach(row -> table.row(row.toArray(String[]::new)));
        table.print(ctx.out());
    }

    @Command(name = "stats", usage = "[OPTIONS] [CONTAINER...]", aliases = {"container stats"})
    @Descriptor("Display a live stream of container(s) resource usage statistics")
    public void stats(CommandContext ctx,
                      @Descriptor("Show all containers (default shows just running)")
                      @Parameter(names = {"-a", "--all"}, absentValue = "false", presentValue = "true") boolean all,
                      @Descriptor("Disable streaming stats and only pull the first result")
                      @Parameter(names = {"--no-stream"}, absentValue = "false", presentValue = "true") boolean noStream,
                      @Descriptor("Do not truncate output")
                      @Parameter(names = {"--no-trunc"}, absentValue = "false", presentValue = "true") boolean noTrunc,
                      @Descriptor("Format output: 'table', 'json' or a Go template")
                      @Parameter(names = {"--format"}, absentValue = "") String format,
                      @Descriptor("Containers (default: all running)") List<String> names) throws IOException {
        Map<String, RuntimeStats> previous = new HashMap<>();
        boolean first = true;
        try {
            while (true) {
                List<Container> shown = new ArrayList<>();
                if (names.isEmpty()) {
                    shown.addAll(containers.list(all ? ContainerListOptions.ALL : ContainerListOptions.RUNNING));
                } else {
                    for (String n : names) {
                        shown.add(containers.get(n));
                    }
                }
                Map<String, RuntimeStats> now = new LinkedHashMap<>();
                for (Container c : shown) {
                    now.put(c.id(), sample(c));
                }
                if (first) {
                    // CPU use is a rate: a second sample a moment later, as docker's first result has.
                    first = false;
                    previous = now;
                    Thread.sleep(1000);
                    continue;
                }
                List<Map<String, Object>> rows = new ArrayList<>();
                for (Container c : shown) {
                    rows.add(statsRow(c, previous.get(c.id()), now.get(c.id()), noTrunc));
                }
                printStats(ctx, format, rows, !noStream && ctx.terminal().isOutputTerminal());
                if (noStream) {
                    return;
                }
                previous = now;
                Thread.sleep(1000);
            }
        } catch (InterruptedException e) {
            // ^C ends the stream.
        }
    }

    private RuntimeStats sample(Container c) {
        if (c.state().status() != ContainerStatus.RUNNING) {
            return null;
        }
        try {
            return containers.stats(c.id());
        } catch (IOException | BerthException e) {
            return null;
        }
    }

    private static Map<String, Object> statsRow(Container c, RuntimeStats before, RuntimeStats s, boolean noTrunc) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("BlockIO", s == null ? "0B / 0B" : Units.humanSize(s.blockRead()) + " / " + Units.humanSize(s.blockWrite()));
        double cpu = 0;
        if (before != null && s != null && s.readAtNanos() > before.readAtNanos()) {
            cpu = 100.0 * (s.cpuNanos() - before.cpuNanos()) / (s.readAtNanos() - before.readAtNanos());
        }
        m.put("CPUPerc", String.format(java.util.Locale.ROOT, "%.2f%%", Math.max(0, cpu)));
        m.put("Container", noTrunc ? c.id() : c.id().substring(0, 12));
        m.put("ID", noTrunc ? c.id() : c.id().substring(0, 12));
        double memPerc = s == null || s.memoryLimit() <= 0 ? 0 : 100.0 * s.memoryUsage() / s.memoryLimit();
        m.put("MemPerc", String.format(java.util.Locale.ROOT, "%.2f%%", memPerc));
        m.put("MemUsage", s == null ? "0B / 0B" : Units.binarySize(s.memoryUsage()) + " / " + Units.binarySize(s.memoryLimit()));
        m.put("Name", c.name());
        m.put("NetIO", s == null ? "0B / 0B" : Units.humanSize(s.netReceived()) + " / " + Units.humanSize(s.netSent()));
        m.put("PIDs", s == null ? "0" : Long.toString(s.pids()));
        return m;
    }

    private static void printStats(CommandContext ctx, String format, List<Map<String, Object>> rows, boolean redraw) {
        if (redraw) {
            ctx.out().print("\033[2J\033[H");
        }
        if (!Formats.isDefaultTable(format)) {
            Formats.printRows(ctx.out(), format, rows, Map.of("Container", "CONTAINER", "ID", "CONTAINER ID", "Name", "NAME",
                    "CPUPerc", "CPU %", "MemUsage", "MEM USAGE / LIMIT", "MemPerc", "MEM %", "NetIO", "NET I/O",
                    "BlockIO", "BLOCK I/O", "PIDs", "PIDS"));
        } else {
            Table table = new Table("CONTAINER ID", "NAME", "CPU %", "MEM USAGE / LIMIT", "MEM %", "NET I/O", "BLOCK I/O", "PIDS");
            for (Map<String, Object> r : rows) {
                table.row((String) r.get("ID"), (String) r.get("Name"), (String) r.get("CPUPerc"), (String) r.get("MemUsage"),
                        (String) r.get("MemPerc"), (String) r.get("NetIO"), (String) r.get("BlockIO"), (String) r.get("PIDs"));
            }
            table.print(ctx.out());
        }
        ctx.out().flush();
    }

    @Command(name = "rename", usage = "CONTAINER NEW_NAME", minArgs = 2, maxArgs = 2, aliases = {"container rename"})
    @Descriptor("Rename a container")
    public int rename(CommandContext ctx, @Descriptor("The container") String container,
                      @Descriptor("Its new name") String newName) throws IOException {
        try {
            containers.rename(container, newName);
            return 0;
        } catch (BerthException e) {
            // As docker's client: the reason, then what failed.
            ctx.err().println("Error: " + e.getMessage());
            ctx.err().println("Error: failed to rename container named " + container);
            return 1;
        }
    }

    @Command(name = "container prune", usage = "[OPTIONS]", maxArgs = 0)
    @Descriptor("Remove all stopped containers")
    public void prune(CommandContext ctx,
                      @Descriptor("Do not prompt for confirmation")
                      @Parameter(names = {"-f", "--force"}, absentValue = "false", presentValue = "true") boolean force)
            throws IOException, InterruptedException {
        if (!force && !ImageCommands.confirm(ctx, "WARNING! This will remove all stopped containers.")) {
            return;
        }
        PrunedContainers pruned = containers.prune();
        if (!pruned.ids().isEmpty()) {
            ctx.out().println("Deleted Containers:");
            pruned.ids().forEach(ctx.out()::println);
            ctx.out().println();
        }
        ctx.out().println("Total reclaimed space: " + Units.humanSize(pruned.spaceReclaimed()));
    }

    @Command(name = "port", usage = "CONTAINER [PRIVATE_PORT[/PROTO]]", minArgs = 1, maxArgs = 2,
            aliases = {"container port"})
    @Descriptor("List port mappings or a specific mapping for the container")
    public void port(CommandContext ctx, @Descriptor("The container") String container,
                     @Descriptor("A port of the container, and its protocol (default tcp)") String privatePort)
            throws IOException {
        Map<String, List<Map<String, String>>> ports = ContainerView.ports(containers.inspect(container));
        if (privatePort != null) {
            String[] asked;
            try {
                asked = PortSpecs.privatePort(privatePort);
            } catch (IllegalArgumentException e) {
                throw new InvalidArgumentException(e.getMessage());
            }
            List<Map<String, String>> frontends = ports.get(asked[0]);
            if (frontends == null) {
                throw new NotFoundException("No public port '" + privatePort + "' published for " + container);
            }
            for (Map<String, String> f : frontends) {
                ctx.out().println(f.get("HostIp") + ":" + f.get("HostPort"));
            }
            return;
        }
        List<String> keys = new ArrayList<>(ports.keySet());
        keys.sort(java.util.Comparator.comparingInt(ContainerCommands::portNumber).thenComparing(k -> k));
        for (String from : keys) {
            for (Map<String, String> f : ports.get(from) == null ? List.<Map<String, String>>of() : ports.get(from)) {
                ctx.out().println(from + " -> " + f.get("HostIp") + ":" + f.get("HostPort"));
            }
        }
    }

    /** The number of a port key ({@code 80/tcp}), to list ports in order. */
    private static int portNumber(String key) {
        int i = 0;
        while (i < key.length() && Character.isDigit(key.charAt(i))) {
            i++;
        }
        return i == 0 || i > 5 ? Integer.MAX_VALUE : Integer.parseInt(key.substring(0, i));
    }
}
