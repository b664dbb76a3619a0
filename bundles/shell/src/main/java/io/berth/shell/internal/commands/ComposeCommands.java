package io.berth.shell.internal.commands;

import io.berth.api.UnavailableException;
import io.berth.api.compose.ComposeLoader;
import io.berth.api.compose.ComposeProject;
import io.berth.api.compose.ComposeRequest;
import io.berth.shell.internal.framework.Command;
import io.berth.shell.internal.framework.CommandContext;
import io.berth.shell.internal.framework.Commands;
import io.berth.shell.internal.framework.UsageException;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import java.util.List;

/**
 * The compose commands, as docker compose v2's: {@code compose config} for now. Compose's global
 * flags ({@code -f}, {@code -p}, {@code --project-directory}, {@code --env-file}, {@code --profile})
 * are taken after the subcommand ({@code berth compose config -f a.yaml}). Files, {@code .env} and
 * variables are the caller's: its working directory and environment.
 */
@Component(service = Commands.class)
public class ComposeCommands implements Commands {
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ComposeLoader loader;

    /** The component, its loader bound by DS. */
    public ComposeCommands() {
    }

    /** With the loader given (tests). */
    ComposeCommands(ComposeLoader loader) {
        this.loader = loader;
    }

    private ComposeLoader loader() {
        ComposeLoader l = loader;
        if (l == null) {
            throw new UnavailableException("compose is not available: the compose bundle (io.berth.compose) is not running");
        }
        return l;
    }

    @Command(name = "compose config", usage = "[OPTIONS] [SERVICE...]", aliases = {"compose convert"})
    @Descriptor("Parse, resolve and render compose file in canonical format")
    public void config(CommandContext ctx,
                       @Descriptor("Compose configuration files")
                       @Parameter(names = {"-f", "--file"}, absentValue = "") List<String> file,
                       @Descriptor("Project name")
                       @Parameter(names = {"-p", "--project-name"}, absentValue = "") String projectName,
                       @Descriptor("Specify an alternate working directory (default: the path of the, first specified, Compose file)")
                       @Parameter(names = {"--project-directory"}, absentValue = "") String projectDirectory,
                       @Descriptor("Specify an alternate environment file")
                       @Parameter(names = {"--env-file"}, absentValue = "") List<String> envFile,
                       @Descriptor("Specify a profile to enable")
                       @Parameter(names = {"--profile"}, absentValue = "") List<String> profile,
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
                       @Descriptor("Don't interpolate environment variables")
                       @Parameter(names = {"--no-interpolate"}, absentValue = "false", presentValue = "true") boolean noInterpolate,
                       @Descriptor("Services to print (all when none)") List<String> only) {
        if (!format.equals("yaml") && !format.equals("json")) {
            throw UsageException.flag("unsupported format \"" + format + "\"");
        }
        ComposeProject project = loader().load(new ComposeRequest(ctx.cwd(), ctx.environment(), nonEmpty(file),
                projectDirectory.isEmpty() ? null : projectDirectory, projectName.isEmpty() ? null : projectName,
                nonEmpty(profile), nonEmpty(envFile), !noInterpolate));
        project.warnings().forEach(w -> ctx.err().println("WARN[0000] " + w));
        for (String s : only) {
            if (!project.services().containsKey(s)) {
                throw new io.berth.api.NotFoundException("no such service: " + s);
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
            java.util.TreeSet<String> all = new java.util.TreeSet<>();
            project.services().values().forEach(s -> all.addAll(s.profiles()));
            all.forEach(ctx.out()::println);
            return;
        }
        ComposeProject shown = project;
        if (!only.isEmpty()) {
            java.util.Map<String, Object> model = new java.util.LinkedHashMap<>(project.model());
            java.util.Map<String, Object> chosen = new java.util.LinkedHashMap<>();
            @SuppressWarnings("unchecked")
            java.util.Map<String, Object> all = (java.util.Map<String, Object>) model.get("services");
            only.forEach(s -> chosen.put(s, all.get(s)));
            model.put("services", chosen);
            shown = new ComposeProject(project.name(), project.workingDirectory(), project.configFiles(), project.envFiles(),
                    project.services(), project.disabledServices(), project.networks(), project.volumes(),
                    project.secrets(), model, project.warnings());
        }
        String text = loader().render(shown, format);
        ctx.out().print(noInterpolate ? text.replace("$$", "$") : text);
        ctx.out().flush();
    }

    private static List<String> nonEmpty(List<String> values) {
        return values.stream().filter(v -> !v.isEmpty()).toList();
    }
}
