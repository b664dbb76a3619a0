package io.berth.shim;

import io.berth.api.runtime.ProcessSpec;
import io.berth.api.runtime.Seccomp;
import io.berth.api.runtime.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The seccomp directives an added process gets are read back from its container's spec. */
class ShimSpecTest {
    private static final Seccomp FILTER = new Seccomp("SCMP_ACT_ERRNO", 1, List.of("SCMP_ARCH_X86_64"), List.of(
            new Seccomp.Rule(List.of("read", "write"), "SCMP_ACT_ALLOW", 0, List.of()),
            new Seccomp.Rule(List.of("personality"), "SCMP_ACT_ALLOW", 0,
                    List.of(new Seccomp.Condition(0, 8, 0, "SCMP_CMP_EQ")))));

    private static final ProcessSpec PROCESS = ProcessSpec.builder().args(List.of("sh", "-c", "echo \u00e9t\u00e9"))
            .env(List.of("PATH=/bin", "LANG=C.UTF-8")).cwd("/").user(User.ROOT).capabilities(java.util.Set.of("CAP_CHOWN")).build();

    @Test
    void theFiltersDirectivesComeBackByteForByteFromTheSpecTheyWereWrittenInto(@TempDir Path cache) throws Exception {
        byte[] seccomp = ShimSpec.seccomp(FILTER, cache);
        byte[] spec = ShimSpec.exec(PROCESS, 42, List.of(Path.of("/sys/fs/cgroup/pids/berth/x/tasks")), seccomp);
        assertThat(seccomp.length).isPositive();
        assertThat(ShimSpec.seccompDirectivesOf(spec)).isEqualTo(seccomp);
    }

    @Test
    void aSpecWithoutAFilterHasNoDirectivesAndOneCutShortIsRefused(@TempDir Path cache) throws Exception {
        byte[] none = ShimSpec.exec(PROCESS, 42, List.of(), new byte[0]);
        assertThat(ShimSpec.seccompDirectivesOf(none)).isEmpty();
        byte[] spec = ShimSpec.exec(PROCESS, 42, List.of(), ShimSpec.seccomp(FILTER, cache));
        assertThatThrownBy(() -> ShimSpec.seccompDirectivesOf(Arrays.copyOf(spec, spec.length - 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cut short");
    }
}
