package io.berth.driver.oci.internal;

import io.berth.shim.ShimRuntimeDriver;
import io.berth.shim.ShimRuntimeDriverTests;
import io.berth.testing.Requirements;

import java.io.IOException;
import java.nio.file.Path;

/**
 * crun under berth-shim against the runtime conformance suite and the shim drivers' tests (on a
 * hybrid cgroup host such as this one, in the private mount namespace that hides the unified
 * hierarchy's controllers).
 */
class CrunRuntimeDriverTest extends ShimRuntimeDriverTests {
    @Override
    protected ShimRuntimeDriver newDriver(Path stateRoot, Path shim) throws IOException {
        Path crun = Requirements.requireTool("crun", "crun");
        return new OciRuntimeDriver("crun", crun, stateRoot, shim, true);
    }

    /** runc and crun keep a container's state in a directory named by its id under their root. */
    @Override
    protected Boolean runtimeKnows(Path stateRoot, String id) {
        return java.nio.file.Files.isDirectory(stateRoot.resolve("runtime").resolve(id));
    }

    /**
     * crun gets the filter compiled as the native runtime installs it (its annotation), which it
     * applies in place of the config's seccomp section: here the section allows everything and
     * only the compiled filter refuses mkdir.
     */
    @org.junit.jupiter.api.Test
    void crunInstallsTheCompiledFilterOfTheAnnotation() throws Exception {
        io.berth.api.runtime.Seccomp refuseMkdir = new io.berth.api.runtime.Seccomp("SCMP_ACT_ALLOW", 0, java.util.List.of(),
                java.util.List.of(new io.berth.api.runtime.Seccomp.Rule(java.util.List.of("mkdir", "mkdirat"), "SCMP_ACT_ERRNO",
                        38, java.util.List.of())));
        io.berth.api.runtime.ContainerSpec spec = spec(process("sh", "-c", "mkdir /made; grep '^Seccomp:' /proc/self/status")
                .build()).seccomp(refuseMkdir).build();
        driver.create(spec);
        Path config = ((ShimRuntimeDriver) driver).stateDirectory(spec.id()).resolve("bundle").resolve("config.json");
        com.fasterxml.jackson.databind.node.ObjectNode json = (com.fasterxml.jackson.databind.node.ObjectNode)
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(config.toFile());
        byte[] program = java.util.Base64.getDecoder().decode(json.path("annotations").path("run.oci.seccomp_bpf_data").asText());
        // struct sock_filter: 8 bytes an instruction; the last returns the default action, ALLOW.
        org.assertj.core.api.Assertions.assertThat(program.length).isPositive().isEqualTo(program.length / 8 * 8);
        json.with("linux").with("seccomp").put("defaultAction", "SCMP_ACT_ALLOW").putArray("syscalls");
        java.nio.file.Files.write(config, new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(json));
        driver.start(spec.id());
        org.assertj.core.api.Assertions.assertThat(driver.await(spec.id(), java.time.Duration.ofSeconds(60)).exitCode()).isZero();
        org.assertj.core.api.Assertions.assertThat(output(spec)).contains("Function not implemented").contains("Seccomp:\t2");
    }

    /**
     * crun is started in the container's cgroups and told to manage none, so the container's
     * process is born in them (the base tests check it is in every hierarchy, and its execs too);
     * with a pids limit, which crun's own processes would count against, crun joins them itself. An
     * exec'd process joins as the container's did, whatever limit was set since.
     */
    @org.junit.jupiter.api.Test
    void crunIsStartedInTheContainersCgroupsUnlessItHasAPidsLimit() throws Exception {
        io.berth.api.runtime.ContainerSpec free = spec("sleep", "300");
        io.berth.api.runtime.ContainerSpec limited = spec(process("sleep", "300").build())
                .resources(io.berth.api.runtime.Resources.builder().pidsLimit(20).build()).build();
        for (io.berth.api.runtime.ContainerSpec spec : java.util.List.of(free, limited)) {
            driver.create(spec);
            driver.start(spec.id());
            int pid = driver.state(spec.id()).pid();
            for (Path p : ((ShimRuntimeDriver) driver).cgroupDirs(spec.id())) {
                org.assertj.core.api.Assertions.assertThat(java.nio.file.Files.readAllLines(p.resolve("cgroup.procs")))
                        .as(p.toString()).contains(Integer.toString(pid));
            }
            String shimSpec = java.nio.file.Files.readString(((ShimRuntimeDriver) driver).stateDirectory(spec.id()).resolve("spec"))
                    .replace('\0', ' ');
            if (spec == free) {
                org.assertj.core.api.Assertions.assertThat(shimSpec).contains("oci-option 1 --cgroup-manager=disabled")
                        .contains("cgroup 1 /sys/fs/cgroup/");
            } else {
                org.assertj.core.api.Assertions.assertThat(shimSpec).doesNotContain("--cgroup-manager").doesNotContain("cgroup 1 ");
            }
            // A pids limit set later changes nothing of how a process joins: an exec'd one is in the
            // container's cgroups either way (elsewhere its cgroup paths would show as /..).
            driver.update(spec.id(), io.berth.api.runtime.Resources.builder().pidsLimit(30).build());
            try (var a = driver.exec(spec.id(), process("sh", "-c", "grep -vc ':/$' /proc/self/cgroup").build(), false)) {
                org.assertj.core.api.Assertions.assertThat(drain(a).strip()).isEqualTo("0");
            }
            driver.kill(spec.id(), 9, false);
            driver.await(spec.id(), java.time.Duration.ofSeconds(60));
        }
    }
}
