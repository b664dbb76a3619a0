package io.berth.shell.internal.commands;

import io.berth.api.InvalidArgumentException;
import io.berth.api.ProgressListener;
import io.berth.api.UnavailableException;
import io.berth.api.content.Platform;
import io.berth.api.image.Image;
import io.berth.api.image.ImageReference;
import io.berth.api.registry.PullOptions;
import io.berth.api.registry.Registry;
import io.berth.api.registry.SearchResult;
import io.berth.shell.internal.framework.Command;
import io.berth.shell.internal.framework.CommandContext;
import io.berth.shell.internal.framework.Commands;
import io.berth.api.Filters;
import io.berth.shell.internal.output.Formats;
import io.berth.shell.internal.output.ProgressDisplay;
import io.berth.shell.internal.output.Table;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The registry commands: {@code pull}, {@code push}, {@code search}, {@code login}, {@code logout}. */
@Component(service = Commands.class)
public class RegistryCommands implements Commands {
    private static final Set<String> SEARCH_FILTERS = Set.of("is-official", "is-automated", "stars");
    private static final int DESCRIPTION_WIDTH = 45;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile Registry registry;

    private Registry registry() {
        Registry r = registry;
        if (r == null) {
            throw new UnavailableException("no registry client is available (is the io.berth.registry bundle active?)");
        }
        return r;
    }

    // ---------------------------------------------------------------- pull, push

    @Command(name = "pull", usage = "[OPTIONS] NAME[:TAG|@DIGEST]", minArgs = 1, maxArgs = 1, aliases = {"image pull"})
    @Descriptor("Download an image from a registry")
    public void pull(CommandContext ctx,
                     @Descriptor("Set platform if server is multi-platform capable (os/arch[/variant])")
                     @Parameter(names = {"--platform"}, absentValue = "") String platform,
                     @Descriptor("Suppress verbose output")
                     @Parameter(names = {"-q", "--quiet"}, absentValue = "false", presentValue = "true") boolean quiet,
                     @Descriptor("The image to pull") String name) throws IOException, InterruptedException {
        ImageReference ref = ImageReference.parse(name);
        pull(ctx, registry(), ref, platform.isEmpty() ? null : Platform.parse(platform), quiet ? null : ctx.out());
        ctx.out().println(ref.digest() != null ? ref.toString() : ref.withDefaultTag().toString());
    }

    /**
     * Pulls an image, showing docker's progress on {@code out} (a terminal's lines redrawn in place)
     * or nothing when {@code out} is null.
     */
    static Image pull(CommandContext ctx, Registry registry, ImageReference ref, Platform platform, PrintStream out)
            throws IOException, InterruptedException {
        ProgressListener progress = out == null ? ProgressListener.NONE
                : new ProgressDisplay(out, ctx.terminal().isOutputTerminal(), ctx.terminal().width());
        return registry.pull(ref, new PullOptions(platform, null), progress);
    }

    @Command(name = "push", usage = "[OPTIONS] NAME[:TAG]", minArgs = 1, maxArgs = 1, aliases = {"image push"})
    @Descriptor("Upload an image to a registry")
    public int push(CommandContext ctx,
                    @Descriptor("Suppress verbose output")
                    @Parameter(names = {"-q", "--quiet"}, absentValue = "false", presentValue = "true") boolean quiet,
                    @Descriptor("The image to push") String name) throws IOException, InterruptedException {
        ImageReference ref = ImageReference.parse(name);
        ProgressListener display = quiet ? ProgressListener.NONE
                : new ProgressDisplay(ctx.out(), ctx.terminal().isOutputTerminal(), ctx.terminal().width());
        boolean[] started = {false};
        ProgressListener progress = event -> {
            started[0] = true;
            display.progress(event);
        };
        try {
            registry().push(ref, progress);
        } catch (IOException | io.berth.api.BerthException e) {
            if (!started[0]) {
                throw e;
            }
            // An error in the middle of the progress, as the docker CLI prints one: the message alone.
            ctx.err().println(e.getMessage());
            return 1;
        }
        if (quiet) {
            ctx.out().println(ref.digest() != null ? ref.toString() : ref.withDefaultTag().toString());
        }
        return 0;
    }

    // ---------------------------------------------------------------- search

    @Command(name = "search", usage = "[OPTIONS] TERM", minArgs = 1, maxArgs = 1)
    @Descriptor("Search registries for images")
    public void search(CommandContext ctx,
                       @Descriptor("Filter output based on conditions provided (is-official, is-automated, stars)")
                       @Parameter(names = {"-f", "--filter"}, absentValue = "") List<String> filter,
                       @Descriptor("Max number of search results")
                       @Parameter(names = {"--limit"}, absentValue = "25") int limit,
                       @Descriptor("Don't truncate output")
                       @Parameter(names = {"--no-trunc"}, absentValue = "false", presentValue = "true") boolean noTrunc,
                       @Descriptor("Format output: 'table', 'json' or a Go template")
                       @Parameter(names = {"--format"}, absentValue = "") String format,
                       @Descriptor("The term to search for, optionally after a registry: HOST[:PORT]/TERM")
                       String term) throws IOException, InterruptedException {
        if (limit < 1 || limit > 100) {
            throw new InvalidArgumentException("limit " + limit + " is outside the range of [1, 100]");
        }
        Filters filters = Filters.parse(filter).requireKnown(SEARCH_FILTERS);
        int minStars = 0;
        if (filters.has("stars")) {
            try {
                minStars = Integer.parseInt(filters.get("stars").get(0));
            } catch (NumberFormatException e) {
                throw new InvalidArgumentException("invalid filter 'stars=" + filters.get("stars").get(0) + "'");
            }
        }
        io.berth.views.SearchTerm parsed = io.berth.views.SearchTerm.parse(term);
        String registryHost = parsed.registry();
        String what = parsed.term();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (SearchResult r : registry().search(registryHost, what, limit)) {
            if (r.stars() < minStars || (filters.has("is-official") && r.official() != filters.bool("is-official"))
                    || (filters.has("is-automated") && r.automated() != filters.bool("is-automated"))) {
                continue;
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("Name", r.name());
            row.put("Description", r.description());
            row.put("StarCount", String.valueOf(r.stars()));
            row.put("IsOfficial", r.official() ? "true" : "false");
            row.put("IsAutomated", r.automated() ? "true" : "false");
            rows.add(row);
        }
        if (!Formats.isDefaultTable(format)) {
            Formats.printRows(ctx.out(), format, rows, Map.of("Name", "NAME", "Description", "DESCRIPTION",
                    "StarCount", "STARS", "IsOfficial", "OFFICIAL", "IsAutomated", "AUTOMATED"));
            return;
        }
        Table table = new Table("NAME", "DESCRIPTION", "STARS", "OFFICIAL", "AUTOMATED");
        for (Map<String, Object> row : rows) {
            String description = ((String) row.get("Description")).replace('\n', ' ');
            if (!noTrunc && description.length() > DESCRIPTION_WIDTH) {
                description = description.substring(0, DESCRIPTION_WIDTH - 1) + "…";
            }
            table.row((String) row.get("Name"), description, (String) row.get("StarCount"),
                    row.get("IsOfficial").equals("true") ? "[OK]" : "", row.get("IsAutomated").equals("true") ? "[OK]" : "");
        }
        table.print(ctx.out());
    }

    // ---------------------------------------------------------------- login, logout

    @Command(name = "login", usage = "[OPTIONS] [SERVER]", maxArgs = 1)
    @Descriptor("Log in to a registry")
    public void login(CommandContext ctx,
                      @Descriptor("Username")
                      @Parameter(names = {"-u", "--username"}, absentValue = "") String username,
                      @Descriptor("Password")
                      @Parameter(names = {"-p", "--password"}, absentValue = "") String password,
                      @Descriptor("Take the password from stdin")
                      @Parameter(names = {"--password-stdin"}, absentValue = "false", presentValue = "true") boolean passwordStdin,
                      @Descriptor("The registry; Docker Hub if none") String server) throws IOException, InterruptedException {
        if (!password.isEmpty() && passwordStdin) {
            throw new InvalidArgumentException("--password and --password-stdin are mutually exclusive");
        }
        if (passwordStdin) {
            if (username.isEmpty()) {
                throw new InvalidArgumentException("Must provide --username with --password-stdin");
            }
            password = new String(ctx.in().readAllBytes(), StandardCharsets.UTF_8);
            password = password.endsWith("\r\n") ? password.substring(0, password.length() - 2)
                    : password.endsWith("\n") ? password.substring(0, password.length() - 1) : password;
        } else if (!password.isEmpty()) {
            ctx.err().println("WARNING! Using --password via the CLI is insecure. Use --password-stdin.");
        }
        if (username.isEmpty() || password.isEmpty()) {
            if (!ctx.terminal().isInputTerminal()) {
                throw new InvalidArgumentException("Cannot perform an interactive login from a non TTY device");
            }
            if (username.isEmpty()) {
                ctx.out().print("Username: ");
                ctx.out().flush();
                username = readLine(ctx.in(), false, ctx.out()).strip();
            }
            if (password.isEmpty()) {
                ctx.out().print("Password: ");
                ctx.out().flush();
                try (AutoCloseable raw = ctx.terminal().enterRawMode()) {
                    password = readLine(ctx.in(), true, ctx.out());
                } catch (IOException | RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IOException(e);
                }
                ctx.out().println();
            }
            if (username.isEmpty()) {
                throw new InvalidArgumentException("Username is required");
            }
            if (password.isEmpty()) {
                throw new InvalidArgumentException("Password is required");
            }
        }
        String greeting = registry().login(server, username, password);
        ctx.out().println(greeting);
        // As the docker CLI says it when it writes the credentials to its file.
        var file = registry().unencryptedCredentials(server);
        if (file.isPresent()) {
            ctx.err().println();
            ctx.err().println("WARNING! Your credentials are stored unencrypted in '" + file.get() + "'.");
            ctx.err().println("Configure a credential helper to remove this warning. See");
            ctx.err().println("https://docs.docker.com/go/credential-store/");
            ctx.err().println();
        }
    }

    /**
     * Reads a line typed at the terminal; in raw mode (a password) nothing is echoed, backspace
     * erases, ctrl-c and ctrl-d give up.
     */
    private static String readLine(InputStream in, boolean raw, PrintStream out) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) >= 0; ) {
            if (b == '\n' || b == '\r') {
                break;
            }
            if (raw && (b == 3 || b == 4)) {
                out.println();
                throw new InvalidArgumentException("login cancelled");
            }
            if (raw && (b == 127 || b == 8)) {
                byte[] sofar = line.toByteArray();
                line.reset();
                line.write(sofar, 0, Math.max(0, sofar.length - 1));
                continue;
            }
            line.write(b);
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    @Command(name = "logout", usage = "[SERVER]", maxArgs = 1)
    @Descriptor("Log out from a registry")
    public void logout(CommandContext ctx, @Descriptor("The registry; Docker Hub if none") String server) throws IOException {
        // As docker 28's CLI: the registry's name as the credentials are keyed, whether there were any or not.
        String host = server == null || server.isBlank() ? "https://index.docker.io/v1/"
                : server.replaceFirst("^[a-z]+://", "").replaceFirst("/.*$", "");
        ctx.out().println("Removing login credentials for " + host);
        registry().logout(server);
    }
}
