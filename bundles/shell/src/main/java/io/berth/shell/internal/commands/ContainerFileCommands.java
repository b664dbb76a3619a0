package io.berth.shell.internal.commands;

import io.berth.api.InvalidArgumentException;
import io.berth.api.NotFoundException;
import io.berth.api.container.CommitRequest;
import io.berth.api.container.ContainerService;
import io.berth.api.container.PathStat;
import io.berth.api.image.Image;
import io.berth.api.image.ImageReference;
import io.berth.api.storage.Change;
import io.berth.shell.internal.framework.Command;
import io.berth.shell.internal.framework.CommandContext;
import io.berth.shell.internal.framework.Commands;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A container's files: {@code cp} both ways (docker's rules for names, {@code DIR/.}, links and
 * {@code -a}), {@code export}, {@code commit} and {@code diff}. Output, errors and exit statuses as docker's.
 */
@Component(service = Commands.class)
public class ContainerFileCommands implements Commands {
    private final ContainerService containers;

    @Activate
    public ContainerFileCommands(@Reference ContainerService containers) {
        this.containers = containers;
    }

    @Command(name = "cp", usage = "[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n       berth cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH",
            minArgs = 2, maxArgs = 2, aliases = {"container cp"})
    @Descriptor("Copy files/folders between a container and the local filesystem")
    public int cp(CommandContext ctx,
                  @Descriptor("Archive mode (copy all uid/gid information)")
                  @Parameter(names = {"-a", "--archive"}, absentValue = "false", presentValue = "true") boolean archive,
                  @Descriptor("Always follow symbol link in SRC_PATH")
                  @Parameter(names = {"-L", "--follow-link"}, absentValue = "false", presentValue = "true") boolean follow,
                  @Descriptor("The source, then the destination") List<String> args) throws IOException {
        String src = args.get(0);
        String dst = args.get(1);
        int srcColon = containerSeparator(src);
        int dstColon = containerSeparator(dst);
        if (srcColon >= 0 == dstColon >= 0) {
            throw new InvalidArgumentException(srcColon >= 0 ? "copying between containers is not supported"
                    : "must specify at least one container source");
        }
        if (srcColon >= 0) {
            String container = src.substring(0, srcColon);
            String path = src.substring(srcColon + 1);
            PathStat stat = containers.statPath(container, path, false);
            // SRC_PATH's own name, which a followed link's content takes on the host (docker's rebase).
            String srcName = stat.name().equals("/") ? "" : stat.name();
            if (follow && !stat.linkTarget().isEmpty()) {
                // As docker's client: copy where the link leads, resolved inside the container.
                path = stat.linkTarget();
                stat = containers.statPath(container, path, false);
            }
            if (dst.equals("-")) {
                // The tar as docker streams it: named after what is copied, the link's target with -L.
                containers.copyFrom(container, path, null, ctx.out());
                ctx.out().flush();
                return 0;
            }
            Path target = ctx.resolve(dst);
            String name;
            Path into;
            if (Files.isDirectory(target)) {
                into = target;
                // SRC_PATH/. : the directory's content, not the directory.
                name = stat.directory() && contentOnly(path) ? "" : srcName;
            } else {
                if (stat.directory() && Files.exists(target)) {
                    throw new InvalidArgumentException("cannot copy a directory to a file: " + dst);
                }
                if (target.getParent() == null || !Files.isDirectory(target.getParent())) {
                    throw new InvalidArgumentException("destination directory " + target.getParent() + " does not exist");
                }
                into = target.getParent();
                name = io.berth.api.Names.fileName(target);
            }
            // On the host, as the user who runs berth: the container's owners only with -a.
            containers.copyToHost(container, path, into, name, archive);
            return 0;
        }
        String container = dst.substring(0, dstColon);
        String path = dst.substring(dstColon + 1);
        if (src.equals("-")) {
            containers.copyTo(container, path, ctx.in());
            return 0;
        }
        Path source = ctx.resolve(src);
        if (!Files.exists(source, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            // docker's client words it as the system call that failed (and prints no "Error:").
            ctx.err().println("lstat " + source + ": no such file or directory");
            return 1;
        }
        // SRC_PATH's own name: with -L the link's target is copied under it, as docker does.
        String sourceName = io.berth.api.Names.fileName(source);
        if (follow) {
            try {
                source = source.toRealPath();
            } catch (java.nio.file.NoSuchFileException e) {
                throw new NotFoundException("Could not find the file " + src);
            }
        }
        String into;
        String name;
        PathStat target = null;
        try {
            target = containers.statPath(container, path, true);
        } catch (NotFoundException e) {
            // A new name in an existing directory.
        }
        if (target != null && target.directory()) {
            into = path;
            // SRC_PATH/. : the directory's content, not the directory.
            name = Files.isDirectory(source) && contentOnly(src) ? "" : sourceName;
        } else {
            if (target != null && Files.isDirectory(source, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new InvalidArgumentException("cannot copy a directory to a file: " + dst);
            }
            // The container's path as a string: its names may hold any byte (io.berth.api.Names).
            String clean = io.berth.api.Names.cleanPath("/" + path);
            List<String> parts = clean.equals("/") ? List.of() : List.of(clean.substring(1).split("/"));
            into = "/" + String.join("/", parts.subList(0, Math.max(0, parts.size() - 1)));
            name = parts.isEmpty() ? "" : parts.get(parts.size() - 1);
        }
        containers.copyFromHost(source, name, container, into);
        return 0;
    }

    /** Whether a cp source names a directory's content ({@code DIR/.}), as docker's cp reads it. */
    private static boolean contentOnly(String path) {
        return path.equals(".") || path.endsWith("/.");
    }

    /** Where CONTAINER: ends in a cp argument, or -1 for a local path (absolute, ./, or no colon). */
    private static int containerSeparator(String arg) {
        if (arg.startsWith("/") || arg.startsWith(".")) {
            return -1;
        }
        return arg.indexOf(':');
    }

    @Command(name = "export", usage = "[OPTIONS] CONTAINER", minArgs = 1, maxArgs = 1, aliases = {"container export"})
    @Descriptor("Export a container's filesystem as a tar archive")
    public int export(CommandContext ctx,
                      @Descriptor("Write to a file, instead of STDOUT")
                      @Parameter(names = {"-o", "--output"}, absentValue = "") String output,
                      @Descriptor("The container") List<String> names) throws IOException {
        ArchiveOutput.write(ctx, output, out -> containers.export(names.get(0), out));
        return 0;
    }

    @Command(name = "commit", usage = "[OPTIONS] CONTAINER [REPOSITORY[:TAG]]", minArgs = 1, maxArgs = 2,
            aliases = {"container commit"})
    @Descriptor("Create a new image from a container's changes")
    public void commit(CommandContext ctx,
                       @Descriptor("Author (e.g., \"John Hannibal Smith <hannibal@a-team.com>\")")
                       @Parameter(names = {"-a", "--author"}, absentValue = "") String author,
                       @Descriptor("Apply Dockerfile instruction to the created image")
                       @Parameter(names = {"-c", "--change"}, absentValue = "") List<String> changes,
                       @Descriptor("Commit message")
                       @Parameter(names = {"-m", "--message"}, absentValue = "") String message,
                       @Descriptor("Pause container during commit")
                       @Parameter(names = {"-p", "--pause"}, absentValue = "true", presentValue = "true") boolean pause,
                       @Descriptor("The container, then the name to give the image") List<String> args) throws IOException {
        ImageReference ref = args.size() > 1 ? ImageReference.parse(args.get(1)) : null;
        Image image = containers.commit(args.get(0), CommitRequest.builder().reference(ref).author(author).comment(message)
                .changes(changes).pause(pause).build());
        ctx.out().println(image.id());
    }

    @Command(name = "diff", usage = "CONTAINER", minArgs = 1, maxArgs = 1, aliases = {"container diff"})
    @Descriptor("Inspect changes to files or directories on a container's filesystem")
    public void diff(CommandContext ctx, @Descriptor("The container") String container) throws IOException {
        for (Change c : containers.changes(container)) {
            ctx.out().println(c);
        }
    }
}
