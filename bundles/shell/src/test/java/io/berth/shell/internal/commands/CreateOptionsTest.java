package io.berth.shell.internal.commands;

import io.berth.api.container.CreateRequest;
import io.berth.shell.internal.framework.Command;
import io.berth.shell.internal.framework.CommandContext;
import io.berth.shell.internal.framework.CommandInvoker;
import io.berth.shell.internal.framework.CommandSpec;
import io.berth.shell.internal.framework.Commands;
import io.berth.shell.internal.framework.Terminal;
import org.apache.felix.service.command.Descriptor;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The options of {@code create} and {@code run} as a command line gives them, and the request they make. */
class CreateOptionsTest {
    /** A command taking the options as {@code run} does, keeping the request they make. */
    public static class Sample implements Commands {
        CreateRequest request;

        @Command(name = "run", usage = "[OPTIONS] IMAGE [COMMAND] [ARG...]", minArgs = 1, interspersed = false)
        @Descriptor("Create and run a new container from an image")
        public void run(CommandContext ctx, CreateOptions options,
                        @Descriptor("The image, then the command and its arguments") List<String> args) throws IOException {
            request = options.request(ctx, args.get(0), args.subList(1, args.size()));
        }
    }

    private final Sample sample = new Sample();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final CommandContext context = new CommandContext(null, System.in, new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(err, true, StandardCharsets.UTF_8), Terminal.NONE, Path.of("/"));

    private int run(String... args) throws NoSuchMethodException {
        return new CommandInvoker(CommandSpec.of(Sample.class.getMethod("run", CommandContext.class, CreateOptions.class,
                List.class)), sample).run(context, "run", List.of(args));
    }

    private long shmSize(String... args) throws NoSuchMethodException {
        sample.request = null;
        assertThat(run(args)).as("berth run %s: %s", String.join(" ", args), err).isZero();
        return sample.request.host().shmSize();
    }

    private Boolean init(String... args) throws NoSuchMethodException {
        sample.request = null;
        assertThat(run(args)).as("berth run %s: %s", String.join(" ", args), err).isZero();
        return sample.request.host().init();
    }

    @Test
    void initIsUnsetUnlessGivenAsDockersClientSendsIt() throws Exception {
        assertThat(init("busybox")).isNull();
        assertThat(init("--init", "busybox", "true")).isTrue();
        assertThat(init("--init=true", "busybox")).isTrue();
        assertThat(init("--init=false", "busybox")).isFalse();
        // After the image, --init is the command's.
        assertThat(init("busybox", "--init")).isNull();
        assertThat(sample.request.command()).containsExactly("--init");
    }

    @Test
    void shmSizeTakesDockersUnitsAndDefaultsTo64MB() throws Exception {
        assertThat(shmSize("--shm-size", "128m", "busybox")).isEqualTo(134217728L);
        assertThat(shmSize("--shm-size=1g", "busybox")).isEqualTo(1073741824L);
        assertThat(shmSize("--shm-size", "512k", "busybox")).isEqualTo(524288L);
        assertThat(shmSize("--shm-size", "100000b", "busybox")).isEqualTo(100000L);
        assertThat(shmSize("--shm-size", "2000000", "busybox")).isEqualTo(2000000L);
        assertThat(shmSize("--shm-size", "64MB", "busybox")).isEqualTo(67108864L);
        // None, or 0, is docker's default: 64 MB.
        assertThat(shmSize("busybox")).isEqualTo(67108864L);
        assertThat(shmSize("--shm-size", "0", "busybox")).isEqualTo(67108864L);
    }

    @Test
    void aBadShmSizeIsDockersFlagErrorWithStatus125() throws Exception {
        for (String bad : List.of("abc", "-1", "", "12x", "1.5.3m")) {
            err.reset();
            sample.request = null;
            assertThat(run("--shm-size", bad, "busybox")).as(bad).isEqualTo(125);
            assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("invalid argument \"" + bad
                    + "\" for \"--shm-size\" flag: invalid size: '" + bad + "'\nSee 'berth run --help'.\n");
            assertThat(sample.request).isNull();
        }
    }

    @Test
    void badSizeAndNumberFlagsAreDockersFlagErrorsNamingTheFlag() throws Exception {
        err.reset();
        assertThat(run("-m", "notanumber", "busybox")).isEqualTo(125);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("invalid argument \"notanumber\" for \"-m, --memory\" flag: "
                + "invalid size: 'notanumber'\nSee 'berth run --help'.\n");
        err.reset();
        assertThat(run("--cpu-shares", "lots", "busybox")).isEqualTo(125);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("invalid argument \"lots\" for \"-c, --cpu-shares\" flag: "
                + "strconv.ParseInt: parsing \"lots\": invalid syntax\nSee 'berth run --help'.\n");
        assertThat(sample.request).isNull();
    }
}
