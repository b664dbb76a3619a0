package io.berth.containers.internal;

import io.berth.api.InvalidArgumentException;
import io.berth.api.runtime.ContainerDefaults;
import io.berth.api.runtime.Seccomp;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Docker's default profile resolved as docker resolves it, and the profiles docker refuses. */
class SeccompProfilesTest {
    private static final Set<String> DEFAULT_CAPS = Capabilities.of(List.of(), List.of());

    private static Set<String> names(Seccomp s) {
        return s.rules().stream().filter(r -> r.action().equals("SCMP_ACT_ALLOW"))
                .flatMap(r -> r.names().stream()).collect(Collectors.toSet());
    }

    @Test
    void theDefaultProfileFollowsTheCapabilitiesKernelAndArchitecture() {
        assumeTrue(System.getProperty("os.arch").equals("amd64"), "the architecture entries checked are amd64's");
        Seccomp plain = SeccompProfiles.resolve(SeccompProfiles.builtin(), DEFAULT_CAPS, "6.1.0-13-amd64");
        assertThat(plain.defaultAction()).isEqualTo("SCMP_ACT_ERRNO");
        assertThat(plain.defaultErrno()).isEqualTo(1);
        assertThat(plain.architectures()).containsExactly("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32");
        assertThat(names(plain)).contains("read", "mkdir", "arch_prctl", "ptrace", "chroot")
                .doesNotContain("bpf", "mount", "unshare", "setns", "keyctl", "reboot", "init_module", "s390_runtime_instr");
        // clone without namespace flags; clone3 fails with ENOSYS so that glibc falls back to clone.
        assertThat(plain.rules()).anySatisfy(r -> {
            assertThat(r.names()).containsExactly("clone");
            assertThat(r.conditions()).containsExactly(new Seccomp.Condition(0, 2114060288L, 0, "SCMP_CMP_MASKED_EQ"));
        });
        assertThat(plain.rules()).anySatisfy(r -> {
            assertThat(r.names()).containsExactly("clone3");
            assertThat(r.action()).isEqualTo("SCMP_ACT_ERRNO");
            assertThat(r.errno()).isEqualTo(38);
        });

        Set<String> admin = new java.util.HashSet<>(DEFAULT_CAPS);
        admin.add("CAP_SYS_ADMIN");
        Seccomp withAdmin = SeccompProfiles.resolve(SeccompProfiles.builtin(), admin, "6.1.0");
        assertThat(names(withAdmin)).contains("mount", "umount2", "unshare", "setns", "bpf", "clone", "clone3");
        assertThat(withAdmin.rules()).noneSatisfy(r -> assertThat(r.names()).containsExactly("clone3"));

        // ptrace from kernel 4.8 on only; the other kernels' profile lacks it.
        assertThat(names(SeccompProfiles.resolve(SeccompProfiles.builtin(), DEFAULT_CAPS, "4.4.0"))).doesNotContain("ptrace");
        assertThat(names(SeccompProfiles.resolve(SeccompProfiles.builtin(),
                Set.copyOf(ContainerDefaults.ALL_CAPABILITIES), "6.1"))).contains("reboot", "init_module", "syslog", "acct");
    }

    @Test
    void profilesDockerRefusesAreRefusedInItsWords() {
        assertThatThrownBy(() -> SeccompProfiles.parse("{\"defaultAction\":")).isInstanceOf(InvalidArgumentException.class)
                .hasMessageStartingWith("Decoding seccomp profile failed: ");
        assertThatThrownBy(() -> SeccompProfiles.parse("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86\"],"
                + "\"archMap\":[{\"architecture\":\"SCMP_ARCH_X86_64\"}]}")).hasMessage("both 'architectures' and 'archMap' "
                + "are specified in the seccomp profile, use either 'architectures' or 'archMap'");
        assertThatThrownBy(() -> SeccompProfiles.parse("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"name\":\"read\","
                + "\"names\":[\"write\"],\"action\":\"SCMP_ACT_ALLOW\"}]}")).hasMessage("both 'name' and 'names' are specified "
                + "in the seccomp profile, use either 'name' or 'names'");
        assertThatThrownBy(() -> SeccompProfiles.parse("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],"
                + "\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":6,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}]}"))
                .hasMessageContaining("invalid argument index 6");
        assertThatThrownBy(() -> SeccompProfiles.parse("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],"
                + "\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_SOMETIMES\"}]}]}"))
                .hasMessageContaining("invalid operator \"SCMP_CMP_SOMETIMES\"");
        assertThatThrownBy(() -> SeccompProfiles.parse("{\"defaultAction\":\"SCMP_ACT_NOTIFY\"}"))
                .hasMessageContaining("SCMP_ACT_NOTIFY is not supported");
        // An empty profile asks for nothing: docker then runs the container unconfined.
        assertThat(SeccompProfiles.resolve(SeccompProfiles.parse("{}"), DEFAULT_CAPS)).isNull();
    }

    @Test
    void securityOptionsAreReadAsDockerReadsThem() {
        assertThat(SecurityOptions.seccomp(List.of())).isEqualTo("builtin");
        assertThat(SecurityOptions.seccomp(List.of("seccomp=unconfined"))).isEqualTo("unconfined");
        assertThat(SecurityOptions.seccomp(List.of("seccomp:unconfined"))).isEqualTo("unconfined");
        assertThat(SecurityOptions.noNewPrivileges(List.of("seccomp=unconfined"), false)).isTrue();
        assertThat(SecurityOptions.noNewPrivileges(List.of("no-new-privileges=false"), false)).isFalse();
        assertThat(SecurityOptions.noNewPrivileges(List.of(), true)).isFalse();
        SecurityOptions.check(List.of("no-new-privileges", "label=disable", "apparmor=unconfined", "seccomp=builtin"));
        assertThatThrownBy(() -> SecurityOptions.check(List.of("nonsense"))).hasMessage("invalid --security-opt 1: \"nonsense\"");
        assertThatThrownBy(() -> SecurityOptions.check(List.of("no-new-privileges=maybe")))
                .hasMessage("invalid --security-opt 2: \"no-new-privileges=maybe\"");
    }
}
