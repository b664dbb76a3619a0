package io.berth.shell.internal.commands;

import io.berth.api.BerthException;
import io.berth.api.Filters;
import io.berth.api.InvalidArgumentException;
import io.berth.api.NotFoundException;
import io.berth.api.container.ContainerService;
import io.berth.api.image.ArchiveFormat;
import io.berth.api.image.HistoryRow;
import io.berth.api.image.Image;
import io.berth.api.image.ImageListOptions;
import io.berth.api.image.ImageReference;
import io.berth.api.image.ImageStore;
import io.berth.api.image.ImportOptions;
import io.berth.api.image.PruneResult;
import io.berth.api.image.RemovedImage;
import io.berth.api.network.NetworkService;
import io.berth.api.volume.VolumeService;
import io.berth.shell.internal.framework.Command;
import io.berth.shell.internal.framework.CommandContext;
import io.berth.shell.internal.framework.Commands;
import io.berth.shell.internal.output.Formats;
import io.berth.shell.internal.output.ProgressDisplay;
import io.berth.shell.internal.output.Table;
import io.berth.shell.internal.output.Units;
import io.berth.views.ImageView;
import io.berth.views.SystemView;
import io.berth.views.Times;
import io.berth.views.VolumeView;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The image commands: {@code images}, {@code tag}, {@code rmi}, {@code image prune},
 * {@code image inspect}, {@code history}, {@code import}, {@code load}, {@code save},
 * {@code system df}. Output as docker's.
 */
@Component(service = Commands.class)
public class ImageCommands implements Commands {
    private static final Map<String, String> IMAGE_HEADERS = Map.of("ID", "IMAGE ID", "Repository", "REPOSITORY",
            "Tag", "TAG", "Digest", "DIGEST", "CreatedSince", "CREATED", "CreatedAt", "CREATED AT", "Size", "SIZE");

    private final ImageStore images;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = org.osgi.service.component.annotations.ReferencePolicyOption.GREEDY)
    private volatile ContainerService containers;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = org.osgi.service.component.annotations.ReferencePolicyOption.GREEDY)
    private volatile NetworkService networks;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = org.osgi.service.component.annotations.ReferencePolicyOption.GREEDY)
    private volatile VolumeService volumes;

    @Activate
    public ImageCommands(@Reference ImageStore images) {
        this.images = images;
    }

    /** With the services given (tests); any but the image store may be {@code null}. */
    ImageCommands(ImageStore images, ContainerService containers, NetworkService networks, VolumeService volumes) {
        this.images = images;
        this.containers = containers;
        this.networks = networks;
        this.volumes = volumes;
    }

    // ---------------------------------------------------------------- images

    @Command(name = "images", usage = "[OPTIONS] [REPOSITORY[:TAG]]", maxArgs = 1, aliases = {"image ls", "image list"})
    @Descriptor("List images")
    public void images(CommandContext ctx,
                       @Descriptor("Show all images (default hides intermediate images)")
                       @Parameter(names = {"-a", "--all"}, absentValue = "false", presentValue = "true") boolean all,
                       @Descriptor("Show digests")
                       @Parameter(names = {"--digests"}, absentValue = "false", presentValue = "true") boolean digests,
                       @Descriptor("Filter output based on conditions provided (dangling, reference, label, before, since)")
                       @Parameter(names = {"-f", "--filter"}, absentValue = "") List<String> filter,
                       @Descriptor("Format output: 'table', 'json' or a Go template")
                       @Parameter(names = {"--format"}, absentValue = "") String format,
                       @Descriptor("Don't truncate output")
                       @Parameter(names = {"--no-trunc"}, absentValue = "false", presentValue = "true") boolean noTrunc,
                       @Descriptor("Only show image IDs")
                       @Parameter(names = {"-q", "--quiet"}, absentValue = "false", presentValue = "true") boolean quiet,
                       @Descriptor("Repository to list") String repository) throws IOException {
        List<String> filters = new ArrayList<>(filter);
        if (repository != null) {
            // As docker's CLI: the repository argument is a reference filter.
            filters.add("reference=" + repository);
        }
        List<Image> list = images.list(ImageListOptions.builder().all(all).filters(Filters.parse(filters)).build());
        List<Map<String, Object>> rows = new ArrayList<>();
        Instant now = Instant.now();
        for (Image image : list) {
            for (String[] name : names(image)) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("Containers", "N/A");
                row.put("CreatedAt", Units.goTime(image.created()));
                row.put("CreatedSince", image.created() == null ? "N/A" : Times.ago(image.created(), now));
                row.put("Digest", name[2]);
                row.put("ID", noTrunc ? image.id().toString() : image.id().shortHex());
                row.put("Repository", name[0]);
                row.put("SharedSize", "N/A");
                row.put("Size", Units.humanSize(image.size()));
                row.put("Tag", name[1]);
                row.put("UniqueSize", "N/A");
                row.put("VirtualSize", Units.humanSize(image.size()));
                rows.add(row);
            }
        }
        if (quiet) {
            Set<Object> seen = new LinkedHashSet<>();
            rows.forEach(r -> seen.add(r.get("ID")));
            seen.forEach(id -> ctx.out().println(id));
            return;
        }
        if (!Formats.isDefaultTable(format)) {
            Formats.printRows(ctx.out(), format, rows, IMAGE_HEADERS);
            return;
        }
        Table table = digests ? new Table("REPOSITORY", "TAG", "DIGEST", "IMAGE ID", "CREATED", "SIZE")
                : new Table("REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE");
        for (Map<String, Object> r : rows) {
            if (digests) {
                table.row((String) r.get("Repository"), (String) r.get("Tag"), (String) r.get("Digest"), (String) r.get("ID"),
                        (String) r.get("CreatedSince"), (String) r.get("Size"));
            } else {
                table.row((String) r.get("Repository"), (String) r.get("Tag"), (String) r.get("ID"),
                        (String) r.get("CreatedSince"), (String) r.get("Size"));
            }
        }
        table.print(ctx.out());
    }

    /** Each name an image is listed under: repository, tag, digest; {@code <none>} where missing. */
    private static List<String[]> names(Image image) {
        List<String[]> names = new ArrayList<>();
        Map<String, String> digestOf = new LinkedHashMap<>();
        for (String d : image.repoDigests()) {
            int at = d.indexOf('@');
            digestOf.put(d.substring(0, at), d.substring(at + 1));
        }
        Set<String> tagged = new LinkedHashSet<>();
        for (String t : image.repoTags()) {
            ImageReference ref = ImageReference.parse(t);
            names.add(new String[]{ref.familiarName(), ref.tag(), digestOf.getOrDefault(ref.familiarName(), "<none>")});
            tagged.add(ref.familiarName());
        }
        for (Map.Entry<String, String> d : digestOf.entrySet()) {
            if (!tagged.contains(d.getKey())) {
                names.add(new String[]{d.getKey(), "<none>", d.getValue()});
            }
        }
        if (names.isEmpty()) {
            names.add(new String[]{"<none>", "<none>", "<none>"});
        }
        return names;
    }

    // ---------------------------------------------------------------- tag, rmi, prune

    @Command(name = "tag", usage = "SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]", minArgs = 2, maxArgs = 2, aliases = {"image tag"})
    @Descriptor("Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE")
    public int tag(CommandContext ctx, @Descriptor("The image to tag") String source,
                   @Descriptor("The new name") String target) throws IOException {
        ImageReference ref;
        try {
            ref = ImageReference.parse(target);
        } catch (InvalidArgumentException e) {
            // docker's client refuses it before asking the daemon, in these words.
            ctx.err().println("Error parsing reference: \"" + target + "\" is not a valid repository/tag: " + e.getMessage());
            return 1;
        }
        images.tag(source, ref);
        return 0;
    }

    @Command(name = "rmi", usage = "[OPTIONS] IMAGE [IMAGE...]", minArgs = 1, aliases = {"image rm", "image remove"})
    @Descriptor("Remove one or more images")
    public int rmi(CommandContext ctx,
                   @Descriptor("Force removal of the image")
                   @Parameter(names = {"-f", "--force"}, absentValue = "false", presentValue = "true") boolean force,
                   @Descriptor("Do not delete untagged parents")
                   @Parameter(names = {"--no-prune"}, absentValue = "false", presentValue = "true") boolean noPrune,
                   @Descriptor("Images to remove") List<String> names) throws IOException {
        int status = 0;
        for (String name : names) {
            try {
                for (RemovedImage r : images.remove(name, force, noPrune)) {
                    ctx.out().println(r);
                }
            } catch (BerthException e) {
                ctx.err().println("Error: " + e.getMessage());
                status = 1;
            }
        }
        return status;
    }

    @Command(name = "image prune", usage = "[OPTIONS]", maxArgs = 0)
    @Descriptor("Remove unused images")
    public void prune(CommandContext ctx,
                      @Descriptor("Remove all unused images, not just dangling ones")
                      @Parameter(names = {"-a", "--all"}, absentValue = "false", presentValue = "true") boolean all,
                      @Descriptor("Do not prompt for confirmation")
                      @Parameter(names = {"-f", "--force"}, absentValue = "false", presentValue = "true") boolean force)
            throws IOException {
        if (!force && !confirm(ctx, all ? "WARNING! This will remove all images without at least one container associated to them."
                : "WARNING! This will remove all dangling images.")) {
            return;
        }
        PruneResult result = images.prune(all);
        if (!result.removed().isEmpty()) {
            ctx.out().println("Deleted Images:");
            for (RemovedImage r : result.removed()) {
                ctx.out().println(r.untagged() != null ? "untagged: " + r.untagged() : "deleted: " + r.deleted());
            }
            ctx.out().println();
        }
        ctx.out().println("Total reclaimed space: " + Units.humanSize(result.reclaimed()));
    }

    static boolean confirm(CommandContext ctx, String warning) throws IOException {
        ctx.out().print(warning + "\nAre you sure you want to continue? [y/N] ");
        ctx.out().flush();
        String answer = new BufferedReader(new InputStreamReader(ctx.in(), StandardCharsets.UTF_8)).readLine();
        return answer != null && (answer.strip().equalsIgnoreCase("y") || answer.strip().equalsIgnoreCase("yes"));
    }

    // ---------------------------------------------------------------- inspect, history

    @Command(name = "inspect", usage = "[OPTIONS] NAME|ID [NAME|ID...]", minArgs = 1)
    @Descriptor("Return low-level information on Berth objects")
    public int inspect(CommandContext ctx,
                       @Descriptor("Format output using a Go template")
                       @Parameter(names = {"-f", "--format"}, absentValue = "") String format,
                       @Descriptor("Return JSON for the specified type (container, image, network, volume)")
                       @Parameter(names = {"--type"}, absentValue = "") String type,
                       @Descriptor("Display total file sizes if the type is container")
                       @Parameter(names = {"-s", "--size"}, absentValue = "false", presentValue = "true") boolean size,
                       @Descriptor("Objects to inspect") List<String> names) throws IOException {
        return inspect(ctx, format, type, size, names, false);
    }

    /** @param imageCommand whether it runs as {@code image inspect}, whose error for a missing image docker words its own way */
    private int inspect(CommandContext ctx, String format, String type, boolean size, List<String> names,
                        boolean imageCommand) throws IOException {
        if (!type.isEmpty() && !Set.of("image", "container", "network", "volume").contains(type)) {
            throw new InvalidArgumentException("\"" + type + "\" is not a valid value for --type");
        }
        if (!format.isEmpty() && !format.equals("json")) {
            try {
                io.berth.shell.internal.output.Template.parse(format);
            } catch (IllegalArgumentException e) {
                // As docker's: before anything is looked up, and with its own status.
                ctx.err().println("template parsing error: " + e.getMessage());
                return 64;
            }
        }
        List<Object> found = new ArrayList<>();
        int status = 0;
        for (String name : names) {
            Object o = null;
            ContainerService c = containers;
            NetworkService n = networks;
            if (c != null && (type.isEmpty() || type.equals("container"))) {
                try {
                    o = ContainerCommands.inspectObject(c, images, n, name, size);
                } catch (NotFoundException e) {
                    // Maybe an image.
                }
            }
            if (o == null && (type.isEmpty() || type.equals("image"))) {
                try {
                    o = ImageView.inspect(images.inspect(name));
                } catch (NotFoundException e) {
                    // Maybe a network.
                }
            }
            if (o == null && n != null && (type.isEmpty() || type.equals("network"))) {
                try {
                    o = NetworkCommands.inspectObject(n, c, name);
                } catch (NotFoundException e) {
                    // Maybe a volume.
                }
            }
            VolumeService v = volumes;
            if (o == null && v != null && (type.isEmpty() || type.equals("volume"))) {
                try {
                    o = VolumeView.inspect(v.get(name));
                } catch (NotFoundException e) {
                    // Reported below.
                }
            }
            if (o == null) {
                ctx.err().println("Error: " + (imageCommand
                        // docker 20.10's daemon words for image inspect.
                        ? "no such image: " + name + ": No such image: " + withDefaultTag(name)
                        : "No such " + (type.isEmpty() ? "object" : type) + ": " + name));
                status = 1;
            } else {
                found.add(o);
            }
        }
        return ContainerCommands.printInspected(ctx, format, found) | status;
    }

    @Command(name = "image inspect", usage = "[OPTIONS] IMAGE [IMAGE...]", minArgs = 1)
    @Descriptor("Display detailed information on one or more images")
    public int imageInspect(CommandContext ctx,
                            @Descriptor("Format output using a Go template")
                            @Parameter(names = {"-f", "--format"}, absentValue = "") String format,
                            @Descriptor("Images to inspect") List<String> names) throws IOException {
        return inspect(ctx, format, "image", false, names, true);
    }

    /** A name with docker's default tag when it has neither tag nor digest. */
    private static String withDefaultTag(String name) {
        try {
            return io.berth.api.image.ImageReference.parse(name).withDefaultTag().familiar();
        } catch (RuntimeException e) {
            return name;
        }
    }

    @Command(name = "history", usage = "[OPTIONS] IMAGE", minArgs = 1, maxArgs = 1, aliases = {"image history"})
    @Descriptor("Show the history of an image")
    public void history(CommandContext ctx,
                        @Descriptor("Print sizes and dates in human readable format (default true)")
                        @Parameter(names = {"-H", "--human"}, absentValue = "true", presentValue = "true") boolean human,
                        @Descriptor("Don't truncate output")
                        @Parameter(names = {"--no-trunc"}, absentValue = "false", presentValue = "true") boolean noTrunc,
                        @Descriptor("Only show image IDs")
                        @Parameter(names = {"-q", "--quiet"}, absentValue = "false", presentValue = "true") boolean quiet,
                        @Descriptor("Format output: 'table', 'json' or a Go template")
                        @Parameter(names = {"--format"}, absentValue = "") String format,
                        @Descriptor("The image") String image) throws IOException {
        List<HistoryRow> rows = images.history(image);
        Instant now = Instant.now();
        if (quiet) {
            for (HistoryRow r : rows) {
                ctx.out().println(r.imageId() == null ? "<missing>" : noTrunc ? r.imageId().toString() : r.imageId().shortHex());
            }
            return;
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (HistoryRow r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("Comment", r.entry().comment());
            m.put("CreatedAt", r.entry().created() == null ? "" : Times.rfc3339(r.entry().created()));
            m.put("CreatedBy", r.entry().createdBy().replace('\t', ' '));
            m.put("CreatedSince", r.entry().created() == null ? "N/A" : Times.ago(r.entry().created(), now));
            m.put("ID", r.imageId() == null ? "<missing>" : noTrunc ? r.imageId().toString() : r.imageId().shortHex());
            m.put("Size", human ? Units.humanSize(r.size()) : Long.toString(r.size()));
            out.add(m);
        }
        if (!Formats.isDefaultTable(format)) {
            Formats.printRows(ctx.out(), format, out, Map.of("ID", "IMAGE", "CreatedSince", "CREATED",
                    "CreatedBy", "CREATED BY", "Size", "SIZE", "Comment", "COMMENT"));
            return;
        }
        Table table = new Table("IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT");
        for (Map<String, Object> m : out) {
            String createdBy = (String) m.get("CreatedBy");
            table.row((String) m.get("ID"), (String) (human ? m.get("CreatedSince") : m.get("CreatedAt")),
                    noTrunc ? createdBy : Units.ellipsis(createdBy, 45), (String) m.get("Size"),
                    (String) m.get("Comment"));
        }
        table.print(ctx.out());
    }

    // ---------------------------------------------------------------- import, load, save

    @Command(name = "import", usage = "[OPTIONS] file|URL|- [REPOSITORY[:TAG]]", minArgs = 1, maxArgs = 2,
            aliases = {"image import"})
    @Descriptor("Import the contents from a tarball to create a filesystem image")
    public void importImage(CommandContext ctx,
                            @Descriptor("Apply Dockerfile instruction to the created image")
                            @Parameter(names = {"-c", "--change"}, absentValue = "") List<String> changes,
                            @Descriptor("Set commit message for imported image")
                            @Parameter(names = {"-m", "--message"}, absentValue = "") String message,
                            @Descriptor("The tarball: a file, a URL, or - for standard input") String source,
                            @Descriptor("The name to give the image") String reference) throws IOException, InterruptedException {
        ImageReference ref = reference == null ? null : ImageReference.parse(reference);
        // As docker's client: a file is sent as the request's body, so its history says "Imported from -"; a URL is named.
        boolean url = source.startsWith("http://") || source.startsWith("https://");
        ImportOptions options = new ImportOptions(ref, message, changes, url ? source : "-");
        Image image;
        if (source.equals("-")) {
            image = images.importRootfs(ctx.in(), options);
        } else if (source.startsWith("http://") || source.startsWith("https://")) {
            HttpResponse<InputStream> response = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build()
                    .send(HttpRequest.newBuilder(URI.create(source)).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                response.body().close();
                throw new InvalidArgumentException("cannot import " + source + ": HTTP " + response.statusCode());
            }
            try (InputStream in = response.body()) {
                image = images.importRootfs(in, options);
            }
        } else {
            try (InputStream in = open(ctx, source)) {
                image = images.importRootfs(in, options);
            }
        }
        ctx.out().println(image.id());
    }

    @Command(name = "load", usage = "[OPTIONS]", maxArgs = 0, aliases = {"image load"})
    @Descriptor("Load an image from a tar archive or STDIN")
    public int load(CommandContext ctx,
                     @Descriptor("Read from tar archive file, instead of STDIN")
                     @Parameter(names = {"-i", "--input"}, absentValue = "") String input,
                     @Descriptor("Suppress the load output")
                     @Parameter(names = {"-q", "--quiet"}, absentValue = "false", presentValue = "true") boolean quiet)
            throws IOException {
        if (input.isEmpty() && ctx.terminal().isInputTerminal()) {
            throw new InvalidArgumentException("requested load from stdin, but stdin is empty");
        }
        ProgressDisplay progress = new ProgressDisplay(ctx.out(), ctx.terminal().isOutputTerminal(), ctx.terminal().width());
        List<String> loaded;
        if (input.isEmpty()) {
            loaded = load(ctx, ctx.in(), quiet || !ctx.terminal().isOutputTerminal() ? e -> { } : progress);
        } else {
            InputStream file;
            try {
                file = Files.newInputStream(ctx.resolve(input));
            } catch (NoSuchFileException e) {
                // The client's error, in docker's client's words (no "Error:").
                ctx.err().println("open " + input + ": no such file or directory");
                return 1;
            }
            try (InputStream in = file) {
                loaded = load(ctx, in, quiet || !ctx.terminal().isOutputTerminal() ? e -> { } : progress);
            }
        }
        if (loaded == null) {
            return 1;
        }
        for (String line : loaded) {
            ctx.out().println(line);
        }
        return 0;
    }

    /**
     * Loads, or says why not as docker's client does: what the engine finds wrong with the
     * archive comes in its output stream and is printed as it is, without "Error:".
     *
     * @return what was loaded, or {@code null} after saying why nothing was
     */
    private List<String> load(CommandContext ctx, InputStream in, io.berth.api.ProgressListener progress) throws IOException {
        try {
            return images.load(in, progress);
        } catch (InvalidArgumentException e) {
            ctx.err().println(e.getMessage());
            return null;
        }
    }

    @Command(name = "save", usage = "[OPTIONS] IMAGE [IMAGE...]", minArgs = 1, aliases = {"image save"})
    @Descriptor("Save one or more images to a tar archive (streamed to STDOUT by default)")
    public void save(CommandContext ctx,
                     @Descriptor("Write to a file, instead of STDOUT")
                     @Parameter(names = {"-o", "--output"}, absentValue = "") String output,
                     @Descriptor("Archive format: 'docker' (docker save's) or 'oci' (an OCI image layout)")
                     @Parameter(names = {"--format"}, absentValue = "docker") String format,
                     @Descriptor("Images to save") List<String> names) throws IOException {
        ArchiveFormat archive = switch (format) {
            case "docker" -> ArchiveFormat.DOCKER;
            case "oci" -> ArchiveFormat.OCI;
            default -> throw new InvalidArgumentException("invalid --format \"" + format + "\": use docker or oci");
        };
        for (String n : names) {
            try {
                images.get(n);
            } catch (NotFoundException e) {
                throw new NotFoundException("No such image: " + n); // named as given, as docker's
            }
        }
        ArchiveOutput.write(ctx, output, out -> images.save(names, archive, out));
    }

    private static InputStream open(CommandContext ctx, String file) throws IOException {
        try {
            return Files.newInputStream(ctx.resolve(file));
        } catch (NoSuchFileException e) {
            throw new InvalidArgumentException("open " + file + ": no such file or directory");
        }
    }

    // ---------------------------------------------------------------- system df

    @Command(name = "system df", usage = "[OPTIONS]", maxArgs = 0)
    @Descriptor("Show Berth disk usage")
    public void df(CommandContext ctx,
                   @Descriptor("Format output: 'table', 'json' or a Go template")
                   @Parameter(names = {"--format"}, absentValue = "") String format,
                   @Descriptor("Show detailed information on space usage")
                   @Parameter(names = {"-v", "--verbose"}, absentValue = "false", presentValue = "true") boolean verbose)
            throws IOException {
        if (verbose && Formats.isDefaultTable(format)) {
            dfVerbose(ctx);
            return;
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Map<String, Object> u : SystemView.diskUsage(containers, images, volumes)) {
            long size = (Long) u.get("Size");
            long reclaimable = (Long) u.get("Reclaimable");
            Map<String, Object> row = new LinkedHashMap<>(u);
            // docker's units.HumanSize: four significant digits (not the three of images and ps).
            row.put("Size", Units.humanSize(size, 4));
            // docker's build cache line has no percentage.
            row.put("Reclaimable", Units.humanSize(reclaimable, 4) + (size > 0 && !"Build Cache".equals(u.get("Type"))
                    ? " (" + (reclaimable * 100 / size) + "%)" : ""));
            rows.add(row);
        }
        if (!Formats.isDefaultTable(format)) {
            Formats.printRows(ctx.out(), format, rows, Map.of("Type", "TYPE", "TotalCount", "TOTAL", "Active", "ACTIVE",
                    "Size", "SIZE", "Reclaimable", "RECLAIMABLE"));
            return;
        }
        Table table = new Table("TYPE", "TOTAL", "ACTIVE", "SIZE", "RECLAIMABLE");
        for (Map<String, Object> r : rows) {
            table.row((String) r.get("Type"), String.valueOf(r.get("TotalCount")), String.valueOf(r.get("Active")),
                    (String) r.get("Size"), (String) r.get("Reclaimable"));
        }
        table.print(ctx.out());
    }

    /**
     * {@code system df -v} as docker prints it: images, containers, local volumes and the build
     * cache, one table each. The images' shared and unique sizes are {@code N/A}, as docker shows
     * sizes it does not know: the image store does not tell them.
     */
    private void dfVerbose(CommandContext ctx) throws IOException {
        Instant now = Instant.now();
        ContainerService c = containers;
        List<io.berth.api.container.Container> all = c == null ? List.of()
                : c.list(io.berth.api.container.ContainerListOptions.builder().all(true).size(true).build());
        Map<String, Integer> users = new java.util.HashMap<>();
        all.forEach(x -> users.merge(x.imageId() == null ? "" : x.imageId(), 1, Integer::sum));

        ctx.out().print("Images space usage:\n\n");
        Table imageTable = new Table("REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE", "SHARED SIZE", "UNIQUE SIZE",
                "CONTAINERS");
        for (Image image : images.list(ImageListOptions.DEFAULT)) {
            String repository = "<none>";
            String tag = "<none>";
            if (!image.repoTags().isEmpty()) {
                // Only the first tag, as docker.
                ImageReference ref = ImageReference.parse(image.repoTags().get(0));
                repository = ref.familiarName();
                tag = ref.tag();
            }
            imageTable.row(repository, tag, image.id().shortHex(),
                    image.created() == null ? "N/A" : Times.ago(image.created(), now), Units.humanSize(image.size()), "N/A",
                    "N/A", Integer.toString(users.getOrDefault(image.id().toString(), 0)));
        }
        imageTable.print(ctx.out());

        ctx.out().print("\nContainers space usage:\n\n");
        Table containerTable = new Table("CONTAINER ID", "IMAGE", "COMMAND", "LOCAL VOLUMES", "SIZE", "CREATED", "STATUS",
                "NAMES");
        for (io.berth.api.container.Container x : all) {
            Map<String, Object> r = io.berth.shell.internal.output.ContainerRows.row(x, false, -1, now);
            containerTable.row((String) r.get("ID"), (String) r.get("Image"), (String) r.get("Command"),
                    (String) r.get("LocalVolumes"), Units.humanSize(Math.max(0, x.sizeRw())), (String) r.get("RunningFor"),
                    (String) r.get("Status"), (String) r.get("Names"));
        }
        containerTable.print(ctx.out());

        ctx.out().print("\nLocal Volumes space usage:\n\n");
        Table volumeTable = new Table("VOLUME NAME", "LINKS", "SIZE");
        for (SystemView.VolumeUsage u : SystemView.localVolumes(volumes)) {
            volumeTable.row(u.volume().name(), Integer.toString(u.links()), Units.humanSize(u.size(), 4));
        }
        volumeTable.print(ctx.out());

        ctx.out().print("\nBuild cache usage: 0B\n\n");
        new Table("CACHE ID", "CACHE TYPE", "SIZE", "CREATED", "LAST USED", "USAGE", "SHARED").print(ctx.out());
    }
}
