package io.berth.itests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.testing.Requirements;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Docker's default seccomp profile on every runtime: a static probe (src/test/c/syscall-probe.c)
 * tries system calls the profile denies and some it allows; its results under Berth's native
 * runtime, runc and crun equal those of runc itself running the same image, unpacked by umoci,
 * with the filter in its config; {@code unconfined}, {@code --privileged}, {@code --cap-add} and a
 * custom profile change them as docker's do.
 */
class SeccompIT extends DaemonWithBusybox {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Path PROBE = Path.of("target/test-classes/syscall-probe");

    private void probeImage() throws Exception {
        String c = ok("create", "busybox", "true").out().strip();
        ok("cp", PROBE.toAbsolutePath().toString(), c + ":/probe");
        ok("commit", c, "probe");
        ok("rm", c);
    }

    private String probe(String... options) throws Exception {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("run", "--rm"));
        args.addAll(java.util.List.of(options));
        args.addAll(java.util.List.of("probe", "/probe"));
        return ok(args.toArray(String[]::new)).out();
    }

    private static String result(String output, String call) {
        return output.lines().filter(l -> l.startsWith(call + " ")).findFirst().orElseThrow().substring(call.length() + 1);
    }

    @Test
    void theDefaultProfileDeniesWhatDockersDeniesOnEveryRuntimeAsRuncDoes() throws Exception {
        probeImage();
        String reference = runcReference();
        assertThat(reference).contains("Seccomp:\t2");
        // What docker's profile says, checked on the reference itself.
        assertThat(result(reference, "unshare-user")).isEqualTo("errno 1");
        assertThat(result(reference, "keyctl")).isEqualTo("errno 1");
        assertThat(result(reference, "bpf")).isEqualTo("errno 1");
        assertThat(result(reference, "clone3")).as("clone3 gets ENOSYS, for glibc to fall back to clone").isEqualTo("errno 38");
        assertThat(result(reference, "socket-vsock")).isEqualTo("errno 1");
        assertThat(result(reference, "personality-other")).isEqualTo("errno 1");
        assertThat(result(reference, "personality-linux")).isEqualTo("ok");
        assertThat(result(reference, "getpid")).isEqualTo("ok");
        assertThat(result(reference, "mkdir")).isEqualTo("ok");
        for (String runtime : runtimes()) {
            assertThat(probe("--runtime", runtime)).as(runtime).isEqualTo(reference);
            // A process added to the container runs under the same filter.
            String c = ok("run", "-d", "--runtime", runtime, "probe", "sleep", "300").out().strip();
            assertThat(ok("exec", c, "/probe").out()).as(runtime + " exec").isEqualTo(reference);
            ok("rm", "-f", c);
        }
    }

    @Test
    void unconfinedPrivilegedCapabilitiesAndACustomProfileChangeItAsDockersDo() throws Exception {
        probeImage();
        Path profile = Files.writeString(berth.root.resolveSibling("no-mkdir.json"), """
                {"defaultAction": "SCMP_ACT_ALLOW",
                 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}
                """);
        for (String runtime : runtimes()) {
            String unconfined = probe("--runtime", runtime, "--security-opt", "seccomp=unconfined");
            assertThat(unconfined).as(runtime).contains("Seccomp:\t0");
            assertThat(result(unconfined, "unshare-user")).as(runtime).isEqualTo("ok");
            assertThat(result(unconfined, "keyctl")).as(runtime).isEqualTo("ok");
            assertThat(probe("--runtime", runtime, "--privileged")).as(runtime).contains("Seccomp:\t0");
            // With CAP_SYS_ADMIN docker's profile allows bpf, unshare and clone3 (the kernel answers).
            String admin = probe("--runtime", runtime, "--cap-add", "SYS_ADMIN");
            assertThat(admin).as(runtime).contains("Seccomp:\t2");
            assertThat(result(admin, "unshare-user")).as(runtime).isEqualTo("ok");
            assertThat(result(admin, "bpf")).as(runtime).isEqualTo("errno 22");
            assertThat(result(admin, "clone3")).as(runtime).isNotEqualTo("errno 38");
            assertThat(result(admin, "keyctl")).as(runtime).isEqualTo("errno 1");
            String custom = probe("--runtime", runtime, "--security-opt", "seccomp=" + profile);
            assertThat(result(custom, "mkdir")).as(runtime).isEqualTo("errno 13");
            assertThat(result(custom, "unshare-user")).as(runtime).isEqualTo("ok");
        }
        String c = ok("create", "--security-opt", "seccomp=" + profile, "probe", "true").out().strip();
        assertThat(inspect(c).path("HostConfig").path("SecurityOpt").get(0).asText()).startsWith("seccomp={\"defaultAction\"");
        assertThat(ok("info").out()).contains(" Security Options:\n  seccomp\n   Profile: builtin\n");
        Path bad = Files.writeString(berth.root.resolveSibling("bad-action.json"), "{\"defaultAction\":\"SCMP_ACT_NOPE\"}");
        // The engine refuses it: create's status 1, as docker's (run's 125).
        Installation.Result malformed = berth.berth("create", "--security-opt", "seccomp=" + bad, "probe", "true");
        assertThat(malformed.status()).isEqualTo(1);
        assertThat(malformed.err()).contains("invalid action \"SCMP_ACT_NOPE\"");
        Installation.Result missing = berth.berth("create", "--security-opt", "seccomp=/nonexistent.json", "probe", "true");
        assertThat(missing.status()).isEqualTo(125);
        assertThat(missing.err()).contains("opening seccomp profile (/nonexistent.json) failed");
        Path broken = Files.writeString(berth.root.resolveSibling("broken.json"), "{\"defaultAction\":");
        assertThat(berth.berth("create", "--security-opt", "seccomp=" + broken, "probe", "true").err())
                .contains("compacting json for seccomp profile (" + broken + ") failed");
        assertThat(ok("ps", "-aq").out().lines().count()).as("nothing made by the refused creates").isEqualTo(1);
        Installation.Result unknown = berth.berth("create", "--security-opt", "bogus=1", "probe", "true");
        assertThat(unknown.err()).contains("invalid --security-opt 2: \"bogus=1\"");
    }

    /**
     * runc itself, on the probe image unpacked by umoci (an independent reader of Berth's store),
     * with the capabilities and seccomp filter Berth gave a runc container of that image.
     */
    private String runcReference() throws Exception {
        Path runc = Requirements.requireTool("runc", "runc");
        Requirements.requireTool("umoci", "umoci");
        String c = ok("run", "-d", "--runtime", "runc", "probe", "sleep", "300").out().strip();
        JsonNode berthConfig;
        try (var found = Files.find(berth.runRoot, 6, (p, a) -> p.endsWith(Path.of(c.substring(0, 12), "bundle", "config.json")))) {
            berthConfig = JSON.readTree(found.findFirst().orElseThrow().toFile());
        }
        ok("rm", "-f", c);
        Path work = Files.createDirectories(berth.root.resolveSibling("runc-reference"));
        HostCommands.run("skopeo", "copy", "--quiet", "oci:" + berth.root.resolve("content") + ":docker.io/library/probe:latest",
                "oci:" + work.resolve("layout") + ":probe");
        HostCommands.run("umoci", "unpack", "--image", work.resolve("layout") + ":probe", work.resolve("bundle").toString());
        Path configFile = work.resolve("bundle/config.json");
        ObjectNode config = (ObjectNode) JSON.readTree(configFile.toFile());
        ObjectNode process = (ObjectNode) config.path("process");
        process.putArray("args").add("/probe");
        process.put("terminal", false);
        process.put("noNewPrivileges", true);
        process.set("capabilities", berthConfig.path("process").path("capabilities"));
        ((ObjectNode) config.path("linux")).set("seccomp", berthConfig.path("linux").path("seccomp"));
        JSON.writeValue(configFile.toFile(), config);
        Path state = Files.createDirectories(work.resolve("state"));
        Process p = new ProcessBuilder(runc.toString(), "--root", state.toString(), "run", "--bundle",
                work.resolve("bundle").toString(), "probe-reference-" + ProcessHandle.current().pid())
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
