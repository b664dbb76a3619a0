package io.berth.shell.internal.commands;

import io.berth.api.NotFoundException;
import io.berth.api.compose.ComposeLabels;
import io.berth.api.compose.ComposeProject;
import io.berth.api.compose.ComposeService;
import io.berth.api.container.Container;
import io.berth.api.container.ContainerStatus;
import io.berth.api.container.LogOptions;
import io.berth.shell.internal.framework.Command;
import io.berth.shell.internal.framework.CommandContext;
import io.berth.shell.internal.framework.Commands;
import io.berth.shell.internal.framework.UsageException;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static io.berth.shell.internal.commands.ComposeSupport.failures;
import static io.berth.shell.internal.commands.ComposeSupport.progress;
import static io.berth.shell.internal.commands.ComposeSupport.scales;
import static io.berth.shell.internal.commands.ComposeSupport.timeout;

/**
 * The compose commands that make, change and remove a project, as docker compose v2's: {@code up},
 * {@code create}, {@code down}, {@code start}, {@code stop}, {@code restart}, {@code kill},
 * {@code pause}, {@code unpause}, {@code rm}, {@code scale}, {@code pull}, {@code push}, and
 * {@code config}. Compose's global flags ({@code -f}, {@code -p}, {@code --project-directory},
 * {@code --env-file}, {@code --profile}) go before or after the subcommand. Files, {@code .env} and
 * variables are the caller's: its working directory and environment. Progress and warnings go to
 * stderr as v2 prints them without a terminal ({@code  Container p-web-1  Started}). What shows a
 * project is {@link ComposeViewCommands}; {@code exec} and {@code run} are {@link ComposeRunCommands}.
 */
@Component(service = Commands.class)
public class ComposeCommands implements Commands {
    @Reference
    private ComposeSupport support;

    @Command(name = "compose config", usage = "[OPTIONS] [SERVICE...]", aliases = {"compose convert"})
    @Descriptor("Parse, resolve and render compose file in canonical format")
    public void config(CommandContext ctx, ProjectOptions p,
                       @Descriptor("Format the output. Values: [yaml | json]")
                       @Parameter(names = {"--format"}, absentValue = "yaml") String format,
                       @Descriptor("Only validate the configuration, don't print anything")
                       @Parameter(names = {"-q", "--quiet"}, absentValue = "false", presentValue = "true") boolean quiet,
                       @Descriptor("Print the service names, one per line")
                       @Parameter(names = {"--services"}, absentValue = "false", presentValue = "true") boolean services,
                       @Descriptor("Print the volume names, one per line")
                       @Parameter(names = {"--volumes"}, absentValue = "false", presentValue = "true") boolean volumes,
                       @Descriptor("Print the profile names, one per line")
                       @Parameter(names = {"--profiles"}, absentValue = "false", presentValue = "true") boolean profiles,
                       @Descriptor("Print the image names, one per line")
                       @Parameter(names = {"--images"}, absentValue = "false", presentValue = "true") boolean imageNames,
                       @Descriptor("Print the service config hash, one per line (\"*\" for all)")
                       @Parameter(names = {"--hash"}, absentValue = "") String hash,
                       @Descriptor("Don't interpolate environment variables")
                       @Parameter(names = {"--no-interpolate"}, absentValue = "false", presentValue = "true") boolean noInterpolate,
                       @Descriptor("Services to print (all when none)") List<String> only) {
        if (!format.equals("yaml") && !format.equals("json")) {
            throw UsageException.flag("unsupported format \"" + format + "\"");
        }
        ComposeProject project = support.load(ctx, p, !noInterpolate);
        for (String s : only) {
            if (!project.services().containsKey(s)) {
                throw new NotFoundException("no such service: " + s);
            }
        }
        if (quiet) {
            return;
        }
        if (services) {
            project.services().keySet().stream().filter(s -> only.isEmpty() || only.contains(s)).forEach(ctx.out()::println);
            return;
        }
        if (volumes) {
            project.volumes().keySet().forEach(ctx.out()::println);
            return;
        }
        if (profiles) {
            TreeSet<String> all = new TreeSet<>();
            project.services().values().forEach(s -> all.addAll(s.profiles()));
            all.forEach(ctx.out()::println);
            return;
        }
        if (imageNames) {
            project.services().values().forEach(s -> ctx.out().println(s.image() != null ? s.image()
                    : project.name() + "-" + s.name()));
            return;
        }
        if (!hash.isEmpty()) {
            for (ComposeProject.Service s : project.services().values()) {
                if (hash.equals("*") || List.of(hash.split(",")).contains(s.name())) {
                    ctx.out().println(s.name() + " " + support.compose().configHash(s));
                }
            }
            return;
        }
        ComposeProject shown = project;
        if (!only.isEmpty()) {
            Map<String, Object> model = new LinkedHashMap<>(project.model());
            Map<String, Object> chosen = new LinkedHashMap<>();
            @SuppressWarnings("unchecked")
            Map<String, Object> all = (Map<String, Object>) model.get("services");
            only.forEach(s -> chosen.put(s, all.get(s)));
            model.put("services", chosen);
            shown = new ComposeProject(project.name(), project.workingDirectory(), project.configFiles(), project.envFiles(),
                    project.services(), project.disabledServices(), project.networks(), project.volumes(),
                    project.secrets(), model, project.warnings());
        }
        String text = support.loader().render(shown, format);
        ctx.out().print(noInterpolate ? text.replace("$$", "$") : text);
        ctx.out().flush();
    }

    @Command(name = "compose up", usage = "[OPTIONS] [SERVICE...]")
    @Descriptor("Create and start containers")
    public int up(CommandContext ctx, ProjectOptions p,
                  @Descriptor("Detached mode: Run containers in the background")
                  @Parameter(names = {"-d", "--detach"}, absentValue = "false", presentValue = "true") boolean detach,
                  @Descriptor("Scale SERVICE to NUM instances. Overrides the `scale` setting in the Compose file if present.")
                  @Parameter(names = {"--scale"}, absentValue = "") List<String> scale,
                  @Descriptor("Don't start linked services")
                  @Parameter(names = {"--no-deps"}, absentValue = "false", presentValue = "true") boolean noDeps,
                  @Descriptor("Recreate containers even if their configuration and image haven't changed")
                  @Parameter(names = {"--force-recreate"}, absentValue = "false", presentValue = "true") boolean forceRecreate,
                  @Descriptor("If containers already exist, don't recreate them")
                  @Parameter(names = {"--no-recreate"}, absentValue = "false", presentValue = "true") boolean noRecreate,
                  @Descriptor("Remove containers for services not defined in the Compose file")
                  @Parameter(names = {"--remove-orphans"}, absentValue = "false", presentValue = "true") boolean removeOrphans,
                  @Descriptor("Don't start the services after creating them")
                  @Parameter(names = {"--no-start"}, absentValue = "false", presentValue = "true") boolean noStart,
                  @Descriptor("Wait for services to be running|healthy. Implies detached mode.")
                  @Parameter(names = {"--wait"}, absentValue = "false", presentValue = "true") boolean await,
                  @Descriptor("Maximum duration in seconds to wait for the project to be running|healthy")
                  @Parameter(names = {"--wait-timeout"}, absentValue = "0") int waitTimeout,
                  @Descriptor("Pull image before running (\"always\"|\"missing\"|\"never\")")
                  @Parameter(names = {"--pull"}, absentValue = "missing") String pull,
                  @Descriptor("Use this timeout in seconds for container shutdown when attached or when containers are already running")
                  @Parameter(names = {"-t", "--timeout"}, absentValue = "") String timeout,
                  @Descriptor("Produce monochrome output")
                  @Parameter(names = {"--no-color"}, absentValue = "false", presentValue = "true") boolean noColor,
                  @Descriptor("Don't print prefix in logs")
                  @Parameter(names = {"--no-log-prefix"}, absentValue = "false", presentValue = "true") boolean noLogPrefix,
                  @Descriptor("Services to start (all when none)") List<String> services) throws IOException, InterruptedException {
        if (forceRecreate && noRecreate) {
            throw UsageException.flag("--force-recreate and --no-recreate are incompatible");
        }
        if (!List.of("always", "missing", "never", "build").contains(pull)) {
            throw UsageException.flag("invalid --pull option \"" + pull + "\"");
        }
        ComposeProject project = support.load(ctx, p, true);
        ComposeService.UpOptions options = new ComposeService.UpOptions(services, scales(scale), noDeps, forceRecreate,
                noRecreate, removeOrphans || isTrue(ctx.environment().get("COMPOSE_REMOVE_ORPHANS")), !noStart, await,
                waitTimeout > 0 ? Duration.ofSeconds(waitTimeout) : null, pull, timeout(timeout));
        // Attached, the logs are followed from here: what a container says as soon as it starts is not lost.
        Instant since = Instant.now();
        int status = failures(ctx, () -> support.compose().up(project, options, progress(ctx, p)));
        if (status != 0 || detach || await || noStart) {
            return status;
        }
        return attached(ctx, p, project, services, noColor, noLogPrefix, timeout(timeout), since);
    }

    private static boolean isTrue(String v) {
        return v != null && (v.equals("1") || v.equalsIgnoreCase("true"));
    }

    /**
     * {@code up} without {@code -d}: the services' logs, prefixed, until every container has ended; on ^C
     * (the client's SIGINT) the project is stopped, as v2's "Gracefully stopping...".
     */
    private int attached(CommandContext ctx, ComposeFlags p, ComposeProject project, List<String> services,
                         boolean noColor, boolean noLogPrefix, Integer timeout, Instant since)
            throws IOException, InterruptedException {
        List<Container> cs = support.compose().containers(project.name(), services, true).stream()
                .filter(c -> !"True".equals(c.labels().get(ComposeLabels.ONEOFF))).toList();
        ctx.out().println("Attaching to " + String.join(", ", cs.stream().map(c -> ComposeLogs.shortName(project.name(), c)).toList()));
        ctx.out().flush();
        try {
            ComposeLogs.follow(ctx, support.containers(), cs, ComposeLogs.colours(ctx, p, noColor), !noLogPrefix, false,
                    new LogOptions(true, -1, since, null), ComposeLogs.Mode.ATTACHED);
        } catch (InterruptedException e) {
            Thread.interrupted();
            ctx.err().println("Gracefully stopping... (press Ctrl+C again to force)");
            support.compose().stop(project.name(), services, timeout, progress(ctx, p));
            return 130;
        }
        return 0;
    }

    @Command(name = "compose create", usage = "[OPTIONS] [SERVICE...]")
    @Descriptor("Creates containers for a service")
    public int create(CommandContext ctx, ProjectOptions p,
                      @Descriptor("Scale SERVICE to NUM instances. Overrides the `scale` setting in the Compose file if present.")
                      @Parameter(names = {"--scale"}, absentValue = "") List<String> scale,
                      @Descriptor("Recreate containers even if their configuration and image haven't changed")
                      @Parameter(names = {"--force-recreate"}, absentValue = "false", presentValue = "true") boolean forceRecreate,
                      @Descriptor("If containers already exist, don't recreate them")
                      @Parameter(names = {"--no-recreate"}, absentValue = "false", presentValue = "true") boolean noRecreate,
                      @Descriptor("Remove containers for services not defined in the Compose file")
                      @Parameter(names = {"--remove-orphans"}, absentValue = "false", presentValue = "true") boolean removeOrphans,
                      @Descriptor("Pull image before running (\"always\"|\"missing\"|\"never\")")
                      @Parameter(names = {"--pull"}, absentValue = "missing") String pull,
                      @Descriptor("Services to create (all when none)") List<String> services) throws IOException, InterruptedException {
        ComposeProject project = support.load(ctx, p, true);
        return failures(ctx, () -> support.compose().up(project, new ComposeService.UpOptions(services, scales(scale), false,
                forceRecreate, noRecreate, removeOrphans, false, false, null, pull, null), progress(ctx, p)));
    }

    @Command(name = "compose down", usage = "[OPTIONS] [SERVICES]")
    @Descriptor("Stop and remove containers, networks")
    public int down(CommandContext ctx, ProjectOptions p,
                    @Descriptor("Remove named volumes declared in the \"volumes\" section of the Compose file and anonymous volumes attached to containers")
                    @Parameter(names = {"-v", "--volumes"}, absentValue = "false", presentValue = "true") boolean volumes,
                    @Descriptor("Remove images used by services. \"local\" remove only images that don't have a custom tag (\"local\"|\"all\")")
                    @Parameter(names = {"--rmi"}, absentValue = "") String rmi,
                    @Descriptor("Remove containers for services not defined in the Compose file")
                    @Parameter(names = {"--remove-orphans"}, absentValue = "false", presentValue = "true") boolean removeOrphans,
                    @Descriptor("Specify a shutdown timeout in seconds")
                    @Parameter(names = {"-t", "--timeout"}, absentValue = "") String timeout) throws IOException, InterruptedException {
        if (!rmi.isEmpty() && !rmi.equals("local") && !rmi.equals("all")) {
            throw UsageException.flag("invalid value for --rmi: " + rmi);
        }
        ComposeSupport.Named n = support.named(ctx, p);
        return failures(ctx, () -> support.compose().down(n.name(), n.project(), new ComposeService.DownOptions(volumes,
                rmi.isEmpty() ? null : rmi, removeOrphans, timeout(timeout)), progress(ctx, p)));
    }

    @Command(name = "compose start", usage = "[SERVICE...]")
    @Descriptor("Start services")
    public int start(CommandContext ctx, ProjectOptions p,
                     @Descriptor("Services (all when none)") List<String> services) throws IOException, InterruptedException {
        return support.onServices(ctx, p, services, (project, compose, progress) -> compose.start(project, services, progress));
    }

    @Command(name = "compose stop", usage = "[OPTIONS] [SERVICE...]")
    @Descriptor("Stop services")
    public int stop(CommandContext ctx, ProjectOptions p,
                    @Descriptor("Specify a shutdown timeout in seconds")
                    @Parameter(names = {"-t", "--timeout"}, absentValue = "") String timeout,
                    @Descriptor("Services (all when none)") List<String> services) throws IOException, InterruptedException {
        Integer seconds = timeout(timeout);
        return support.onServices(ctx, p, services, (project, compose, progress) -> compose.stop(project, services, seconds,
                progress));
    }

    @Command(name = "compose restart", usage = "[OPTIONS] [SERVICE...]")
    @Descriptor("Restart service containers")
    public int restart(CommandContext ctx, ProjectOptions p,
                       @Descriptor("Specify a shutdown timeout in seconds")
                       @Parameter(names = {"-t", "--timeout"}, absentValue = "") String timeout,
                       @Descriptor("Services (all when none)") List<String> services) throws IOException, InterruptedException {
        Integer seconds = timeout(timeout);
        return support.onServices(ctx, p, services, (project, compose, progress) -> compose.restart(project, services,
                seconds, progress));
    }

    @Command(name = "compose kill", usage = "[OPTIONS] [SERVICE...]")
    @Descriptor("Force stop service containers")
    public int kill(CommandContext ctx, ProjectOptions p,
                    @Descriptor("SIGNAL to send to the container")
                    @Parameter(names = {"-s", "--signal"}, absentValue = "SIGKILL") String signal,
                    @Descriptor("Remove containers for services not defined in the Compose file")
                    @Parameter(names = {"--remove-orphans"}, absentValue = "false", presentValue = "true") boolean removeOrphans,
                    @Descriptor("Services (all when none)") List<String> services) throws IOException, InterruptedException {
        return support.onServices(ctx, p, services, (project, compose, progress) -> compose.kill(project, services, signal,
                progress));
    }

    @Command(name = "compose pause", usage = "[SERVICE...]")
    @Descriptor("Pause services")
    public int pause(CommandContext ctx, ProjectOptions p,
                     @Descriptor("Services (all when none)") List<String> services) throws IOException, InterruptedException {
        return support.onServices(ctx, p, services, (project, compose, progress) -> compose.pause(project, services, true,
                progress));
    }

    @Command(name = "compose unpause", usage = "[SERVICE...]")
    @Descriptor("Unpause services")
    public int unpause(CommandContext ctx, ProjectOptions p,
                       @Descriptor("Services (all when none)") List<String> services) throws IOException, InterruptedException {
        return support.onServices(ctx, p, services, (project, compose, progress) -> compose.pause(project, services, false,
                progress));
    }

    @Command(name = "compose rm", usage = "[OPTIONS] [SERVICE...]")
    @Descriptor("Removes stopped service containers")
    public int rm(CommandContext ctx, ProjectOptions.LongFile p,
                  @Descriptor("Don't ask to confirm removal")
                  @Parameter(names = {"-f", "--force"}, absentValue = "false", presentValue = "true") boolean force,
                  @Descriptor("Stop the containers, if required, before removing")
                  @Parameter(names = {"-s", "--stop"}, absentValue = "false", presentValue = "true") boolean stop,
                  @Descriptor("Remove any anonymous volumes attached to containers")
                  @Parameter(names = {"-v", "--volumes"}, absentValue = "false", presentValue = "true") boolean volumes,
                  @Descriptor("Services (all when none)") List<String> services) throws IOException, InterruptedException {
        ComposeSupport.Named n = support.namedWithServices(ctx, p, services);
        if (stop) {
            int status = failures(ctx, () -> support.compose().stop(n.name(), services, null, progress(ctx, p)));
            if (status != 0) {
                return status;
            }
        }
        List<String> stopped = support.compose().containers(n.name(), services, true).stream()
                .filter(c -> c.state().status() != ContainerStatus.RUNNING
                        && c.state().status() != io.berth.api.container.ContainerStatus.PAUSED
                        && c.state().status() != io.berth.api.container.ContainerStatus.RESTARTING)
                .map(Container::name).toList();
        if (stopped.isEmpty()) {
            ctx.err().println("No stopped containers");
            return 0;
        }
        if (!force) {
            ctx.err().print("? Going to remove " + String.join(", ", stopped) + " [y/N] ");
            ctx.err().flush();
            StringBuilder answer = new StringBuilder();
            for (int b; (b = ctx.in().read()) >= 0 && b != '\n'; ) {
                answer.append((char) b);
            }
            if (!answer.toString().strip().toLowerCase(java.util.Locale.ROOT).startsWith("y")) {
                return 0;
            }
        }
        return failures(ctx, () -> support.compose().remove(n.name(), services, false, volumes, progress(ctx, p)));
    }

    @Command(name = "compose scale", usage = "[SERVICE=REPLICAS...]", minArgs = 1)
    @Descriptor("Scale services")
    public int scale(CommandContext ctx, ProjectOptions p,
                     @Descriptor("Don't start linked services")
                     @Parameter(names = {"--no-deps"}, absentValue = "false", presentValue = "true") boolean noDeps,
                     @Descriptor("SERVICE=REPLICAS, one or more") List<String> args) throws IOException, InterruptedException {
        ComposeProject project = support.load(ctx, p, true);
        Map<String, Integer> scale = scales(args);
        return failures(ctx, () -> support.compose().up(project, new ComposeService.UpOptions(List.copyOf(scale.keySet()), scale,
                noDeps, false, true, false, true, false, null, "missing", null), progress(ctx, p)));
    }

    @Command(name = "compose pull", usage = "[OPTIONS] [SERVICE...]")
    @Descriptor("Pull service images")
    public int pull(CommandContext ctx, ProjectOptions p,
                    @Descriptor("Pull what it can and ignores images with pull failures")
                    @Parameter(names = {"--ignore-pull-failures"}, absentValue = "false", presentValue = "true") boolean ignore,
                    @Descriptor("Pull without printing progress information")
                    @Parameter(names = {"-q", "--quiet"}, absentValue = "false", presentValue = "true") boolean quiet,
                    @Descriptor("Services (all when none)") List<String> services) throws IOException, InterruptedException {
        ComposeProject project = support.load(ctx, p, true);
        ComposeService.Progress progress = quiet ? ComposeService.Progress.NONE : progress(ctx, p);
        return failures(ctx, () -> support.compose().pull(project, services, ignore, progress));
    }

    @Command(name = "compose push", usage = "[OPTIONS] [SERVICE...]")
    @Descriptor("Push service images")
    public int push(CommandContext ctx, ProjectOptions p,
                    @Descriptor("Push what it can and ignores images with push failures")
                    @Parameter(names = {"--ignore-push-failures"}, absentValue = "false", presentValue = "true") boolean ignore,
                    @Descriptor("Push without printing progress information")
                    @Parameter(names = {"-q", "--quiet"}, absentValue = "false", presentValue = "true") boolean quiet,
                    @Descriptor("Services (all when none)") List<String> services) throws IOException, InterruptedException {
        ComposeProject project = support.load(ctx, p, true);
        ComposeService.Progress progress = quiet ? ComposeService.Progress.NONE : progress(ctx, p);
        return failures(ctx, () -> support.compose().push(project, services, ignore, progress));
    }
}
