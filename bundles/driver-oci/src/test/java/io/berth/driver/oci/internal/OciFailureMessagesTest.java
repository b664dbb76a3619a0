package io.berth.driver.oci.internal;

import io.berth.api.runtime.ContainerDefaults;
import io.berth.api.runtime.ContainerSpec;
import io.berth.api.runtime.LogSpec;
import io.berth.api.runtime.ProcessSpec;
import io.berth.api.runtime.Rlimit;
import io.berth.api.runtime.User;
import io.berth.api.storage.Mount;
import io.berth.posix.Native;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How a runtime's refusal of an rlimit reaches the user, whatever the host may raise: in the words
 * the native runtime uses (the limit, the value asked, the engine's hard limit), the asked value
 * read from the process's JSON, as the shim hands the driver the state directory that failed.
 */
class OciFailureMessagesTest {
    private static final String RUNC = "time=\"2026-12-02T23:04:00Z\" level=error msg=\"runc create failed: unable to start"
            + " container process: error during container init: error setting rlimits for ready process: error setting"
            + " rlimit type 7: operation not permitted\"";
    private static final String CRUN = "/usr/bin/crun create: setrlimit `RLIMIT_NOFILE`: Operation not permitted";

    @TempDir
    Path tmp;
    private OciRuntimeDriver runc;
    private long own;

    @BeforeEach
    void setUp() throws Exception {
        runc = new OciRuntimeDriver("runc", Path.of("/usr/bin/runc"), tmp.resolve("state"), tmp.resolve("berth-shim"), false);
        own = Native.rlimit(7)[1];
    }

    /** A container's state directory whose bundle asks for {@code hard} open files. */
    private Path container(long hard) throws Exception {
        Path dir = tmp.resolve("container-" + hard);
        Path bundle = Files.createDirectories(dir.resolve("bundle"));
        ContainerSpec spec = ContainerSpec.builder().id("c".repeat(64)).process(process(hard)).hostname("h")
                .rootfs(List.of(new Mount("bind", tmp.resolve("rootfs").toString(), null, List.of("rbind"))))
                .stateDir(dir).log(new LogSpec(dir.resolve("log.json"), 0, 1)).build();
        Files.write(bundle.resolve("config.json"), OciConfig.config(spec, "/berth/" + spec.id(), List.of(), List.of(), java.util.Map.of()));
        return dir;
    }

    private static ProcessSpec process(long hard) {
        return ProcessSpec.builder().args(List.of("true")).env(List.of(ContainerDefaults.PATH)).cwd("/").user(User.ROOT)
                .rlimits(List.of(new Rlimit("RLIMIT_NOFILE", hard, hard))).build();
    }

    @Test
    void runcsRefusalOfAHardLimitAboveTheEnginesNamesTheLimitTheValueAndTheEnginesOwn() throws Exception {
        assertThat(runc.failureMessage(container(own + 1), RUNC)).isEqualTo("runc: setrlimit RLIMIT_NOFILE: hard limit "
                + (own + 1) + " is above the engine's hard limit " + own + " (raising it needs CAP_SYS_RESOURCE): operation"
                + " not permitted");
    }

    @Test
    void crunsToo() throws Exception {
        OciRuntimeDriver crun = new OciRuntimeDriver("crun", Path.of("/usr/bin/crun"), tmp.resolve("crun"),
                tmp.resolve("berth-shim"), false);
        assertThat(crun.failureMessage(container(own + 10), CRUN)).isEqualTo("crun: setrlimit RLIMIT_NOFILE: hard limit "
                + (own + 10) + " is above the engine's hard limit " + own + " (raising it needs CAP_SYS_RESOURCE): Operation"
                + " not permitted");
    }

    @Test
    void anExecsLimitsAreReadFromItsProcessJson() throws Exception {
        Path exec = Files.createDirectories(tmp.resolve("exec"));
        Files.write(exec.resolve("process.json"), OciConfig.processJson(process(own + 2), List.of()));
        assertThat(runc.failureMessage(exec, RUNC)).contains("hard limit " + (own + 2) + " is above the engine's hard limit "
                + own);
    }

    @Test
    void aRefusalForAnotherReasonKeepsTheRuntimesWords() throws Exception {
        assertThat(runc.failureMessage(container(own), RUNC)).isEqualTo("runc: runc create failed: unable to start container"
                + " process: error during container init: error setting rlimits for ready process: error setting rlimit"
                + " type 7: operation not permitted");
    }
}
