package io.berth.shell.internal.framework;

import io.berth.api.NotFoundException;
import io.berth.shell.internal.output.Formats;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ArgumentParserTest {
    /** Commands shaped like docker's, recording what they were called with. */
    public static class Sample implements Commands {
        final List<Object> calls = new ArrayList<>();

        @Command(name = "images", usage = "[OPTIONS] [REPOSITORY[:TAG]]", maxArgs = 1, aliases = {"image ls"})
        @Descriptor("List images")
        public void images(CommandContext ctx,
                           @Descriptor("Show all images") @Parameter(names = {"-a", "--all"}, absentValue = "false", presentValue = "true") boolean all,
                           @Descriptor("Only show image IDs") @Parameter(names = {"-q", "--quiet"}, absentValue = "false", presentValue = "true") boolean quiet,
                           @Descriptor("Filter output") @Parameter(names = {"-f", "--filter"}, absentValue = "") List<String> filters,
                           @Descriptor("Format output") @Parameter(names = {"--format"}, absentValue = "") String format,
                           @Descriptor("Number of lines") @Parameter(names = {"-n", "--last"}, absentValue = "-1") int last,
                           @Descriptor("Repository") String repository) {
            calls.addAll(Arrays.asList(all, quiet, filters, format, last, repository));
        }

        @Command(name = "run", usage = "[OPTIONS] IMAGE [COMMAND] [ARG...]", minArgs = 1, interspersed = false)
        @Descriptor("Run a command in a new container")
        public int run(@Descriptor("Remove when done") @Parameter(names = {"--rm"}, absentValue = "false", presentValue = "true") boolean rm,
                       @Descriptor("Hostname") @Parameter(names = {"-h", "--hostname"}, absentValue = "") String hostname,
                       @Descriptor("Image") String image,
                       @Descriptor("Command") List<String> command) {
            calls.addAll(Arrays.asList(rm, hostname, image, command));
            return 3;
        }

        @Command(name = "create", usage = "[OPTIONS] IMAGE", minArgs = 1, maxArgs = 1)
        @Descriptor("Create a container")
        public void create(InitOptions options, @Descriptor("Image") String image) {
            calls.addAll(Arrays.asList(options.init, options.rm, image));
        }

        @Command(name = "tag", usage = "SOURCE TARGET", minArgs = 2, maxArgs = 2)
        @Descriptor("Tag an image")
        public void tag(@Descriptor("Source") String source, @Descriptor("Target") String target) {
            throw new NotFoundException("No such image: " + source);
        }

        @Command(name = "format")
        @Descriptor("Formats")
        public void format(CommandContext ctx, @Descriptor("Format") @Parameter(names = {"--format"}, absentValue = "") String format) {
            Formats.printObject(ctx.out(), format, java.util.Map.of("A", 1));
        }
    }

    /** Shared options: a flag that is unset rather than false when not given, beside a plain one. */
    @Options
    public static class InitOptions {
        @Option(names = {"--init"}, description = "Run an init")
        public Boolean init;
        @Option(names = {"--rm"}, description = "Remove when done", absentValue = "false")
        public boolean rm;
    }

    private final Sample sample = new Sample();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final CommandContext context = new CommandContext(null, System.in,
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
            Terminal.NONE, Path.of("/"));

    private int run(String name, String... args) {
        for (Method m : Sample.class.getMethods()) {
            if (m.isAnnotationPresent(Command.class) && m.getAnnotation(Command.class).name().equals(name)) {
                return new CommandInvoker(CommandSpec.of(m), sample).run(context, name, List.of(args));
            }
        }
        throw new AssertionError(name);
    }

    @Test
    void combinedShortFlagsAttachedValuesAndRepeatedLists() {
        assertThat(run("images", "-aq", "-fdangling=true", "--filter", "label=x", "--format=json", "-n", "5", "busybox")).isZero();
        assertThat(sample.calls).containsExactly(true, true, List.of("dangling=true", "label=x"), "json", 5, "busybox");
    }

    @Test
    void absentOptionsTakeTheirAbsentValues() {
        assertThat(run("images")).isZero();
        assertThat(sample.calls).containsExactly(false, false, List.of(), "", -1, null);
    }

    @Test
    void aBooleanFlagIsNullWhenNotGivenAndAsGivenOtherwise() {
        run("create", "busybox");
        run("create", "--init", "busybox");
        run("create", "--init=false", "--rm", "busybox");
        assertThat(sample.calls).containsExactly(null, false, "busybox", true, false, "busybox", false, true, "busybox");
        assertThat(run("create", "--init=maybe", "busybox")).isEqualTo(125);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("invalid argument \"maybe\" for \"--init\" flag: not a boolean");
    }

    @Test
    void optionsMayFollowArgumentsUnlessTheCommandSaysOtherwise() {
        run("images", "busybox", "-a");
        assertThat(sample.calls.get(0)).isEqualTo(true);

        sample.calls.clear();
        assertThat(run("run", "--rm", "busybox", "ls", "-la", "--rm")).isEqualTo(3);
        assertThat(sample.calls).containsExactly(true, "", "busybox", List.of("ls", "-la", "--rm"));
    }

    @Test
    void aCommandsOwnDashHIsNotHelp() {
        run("run", "-h", "box", "busybox");
        assertThat(sample.calls).containsExactly(false, "box", "busybox", List.of());
    }

    @Test
    void doubleDashEndsOptions() {
        run("images", "--", "-a");
        assertThat(sample.calls.get(5)).isEqualTo("-a");
    }

    @Test
    void unknownFlagsAreUsageErrorsWithStatus125() {
        assertThat(run("images", "--bogus")).isEqualTo(125);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("unknown flag: --bogus\nSee 'berth images --help'.\n");
        err.reset();
        assertThat(run("images", "-z")).isEqualTo(125);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("unknown shorthand flag: 'z' in -z\n");
        err.reset();
        assertThat(run("images", "--format")).isEqualTo(125);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("flag needs an argument: --format\n");
        err.reset();
        assertThat(run("images", "-n", "many")).isEqualTo(125);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("invalid argument \"many\" for \"-n, --last\" flag: not an integer\n");
    }

    @Test
    void wrongArgumentCountsShowTheUsage() {
        assertThat(run("tag", "a")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("\"berth tag\" requires exactly 2 arguments.\n"
                + "See 'berth tag --help'.\n\nUsage:  berth tag SOURCE TARGET\n\nTag an image\n");
        err.reset();
        run("images", "a", "b");
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("\"berth images\" accepts at most 1 argument.\n");
        err.reset();
        run("run");
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("\"berth run\" requires at least 1 argument.\n");
    }

    @Test
    void berthErrorsArePrintedAsDockerDoes() {
        assertThat(run("tag", "foo", "bar")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("Error: No such image: foo\n");
        err.reset();
        assertThat(run("format", "--format", "{{.A")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("Error: template: :1: unclosed action\n");
    }

    @Test
    void helpListsOptionsAndAliases() {
        assertThat(run("images", "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("""

                Usage:  berth images [OPTIONS] [REPOSITORY[:TAG]]

                List images

                Aliases:
                  berth images, berth image ls

                Options:
                  -a, --all             Show all images
                  -f, --filter list     Filter output
                      --format string   Format output
                  -n, --last int        Number of lines (default -1)
                  -q, --quiet           Only show image IDs

                """);
    }

    @Test
    void malformedCommandMethodsAreRejected() {
        class Bad {
            @Command(name = "bad")
            public void bad(@Descriptor("x") Object what) {
            }

            @Command(name = "undocumented")
            @Descriptor("x")
            public void undocumented(String what) {
            }
        }
        for (Method m : Bad.class.getDeclaredMethods()) {
            if (m.isAnnotationPresent(Command.class)) {
                assertThatThrownBy(() -> CommandSpec.of(m)).isInstanceOf(IllegalArgumentException.class);
            }
        }
    }
}
