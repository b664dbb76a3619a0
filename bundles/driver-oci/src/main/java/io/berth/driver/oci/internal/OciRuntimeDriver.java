package io.berth.driver.oci.internal;

import io.berth.api.runtime.ContainerSpec;
import io.berth.api.runtime.ProcessSpec;
import io.berth.shim.ShimRuntimeDriver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A runtime driver for one OCI runtime binary (runc, crun, ...): the container's bundle is a
 * runtime-spec {@code config.json} over the root filesystem the storage driver prepared, and
 * berth-shim runs {@code RUNTIME run --detach} (or {@code exec --detach}) and stays the
 * container's parent as the subreaper, so logs, attach, terminals, exit status, cgroups, stats,
 * pause and live restore work as with the native runtime. The runtime's own state is kept under
 * {@code <stateRoot>/runtime} ({@code --root}).
 *
 * <p>On a hybrid cgroup host crun refuses to run while the unified hierarchy lists controllers;
 * there the shim runs it in a private mount namespace where that file reads empty ({@code
 * hideUnifiedControllers}): Berth creates the container's cgroups, so crun need only join them.
 */
public final class OciRuntimeDriver extends ShimRuntimeDriver {
    private final String name;
    private final Path binary;
    private final Path runtimeRoot;
    private final boolean crun;
    private final boolean hideUnifiedControllers;

    public OciRuntimeDriver(String name, Path binary, Path stateRoot, Path shim, boolean crun) throws IOException {
        super(name, stateRoot, shim);
        this.name = name;
        this.binary = binary;
        this.runtimeRoot = Files.createDirectories(stateRoot.resolve("runtime"));
        this.crun = crun;
        this.hideUnifiedControllers = crun && hybridCgroups();
    }

    /**
     * runc moves the container's process into its cgroups through {@code cgroup.procs}, and so does
     * crun when the shim cannot start it in them ({@link #startsInCgroups}).
     */
    @Override
    protected boolean joinsCgroupsThroughProcs(io.berth.api.runtime.Resources madeWith) {
        return !startsInCgroups(madeWith);
    }

    /**
     * Whether crun is started in the container's cgroups, which Berth made and set, and told to
     * manage none ({@code --cgroup-manager=disabled}): the container's process is then born in them.
     * crun moving it there itself writes its pid into each hierarchy's {@code cgroup.procs}, and the
     * first such write waits for an RCU grace period (10-20 ms here, more than the rest of crun's
     * start). Not with a pids limit: crun's own processes would count against it while it runs.
     */
    private boolean startsInCgroups(io.berth.api.runtime.Resources madeWith) {
        return crun && madeWith.pidsLimit() <= 0;
    }

    private static final java.util.List<String> NO_CGROUP_MANAGER = java.util.List.of("--cgroup-manager=disabled");

    String name() {
        return name;
    }

    Path binary() {
        return binary;
    }

    @Override
    protected byte[] containerSpec(ContainerSpec spec, Path dir, Path finalDir) throws IOException {
        Path bundle = Files.createDirectories(dir.resolve("bundle"));
        java.util.Map<String, String> annotations = new java.util.TreeMap<>();
        if (crun && spec.seccomp() != null) {
            // crun takes the filter compiled (its experimental annotation): libseccomp compiling
            // docker's profile at every start costs crun about 10 ms, more than the rest of its start.
            annotations.put("run.oci.seccomp_bpf_data", java.util.Base64.getEncoder().encodeToString(compiledSeccomp(spec.seccomp())));
        }
        Files.write(bundle.resolve("config.json"), OciConfig.config(spec, cgroupPath(spec.id()),
                capabilities(spec.process(), spec.privileged()), defaultDeviceRules(), annotations));
        Path empty = null;
        if (hideUnifiedControllers) {
            Files.write(dir.resolve("empty"), new byte[0]);
            empty = finalDir.resolve("empty");
        }
        boolean inCgroups = startsInCgroups(spec.resources());
        return ociSpec(binary, runtimeRoot, spec.id(), false, finalDir.resolve("bundle"), empty,
                OciConfig.inheritsNetns(spec) ? spec.netns() : null, spec.process(), spec.log(),
                inCgroups ? NO_CGROUP_MANAGER : java.util.List.of(), inCgroups);
    }

    @Override
    protected byte[] execSpec(String id, Path dir, Path execDir, ProcessSpec process, int initPid,
            io.berth.api.runtime.Resources madeWith) throws IOException {
        Files.write(execDir.resolve("process.json"), OciConfig.processJson(process, capabilities(process, false)));
        Path empty = null;
        if (hideUnifiedControllers) {
            Files.write(execDir.resolve("empty"), new byte[0]);
            empty = execDir.resolve("empty");
        }
        // A process added to a container that inherited its network namespace inherits it too.
        Path netns = OciConfig.inheritsNetns(dir.resolve("bundle").resolve("config.json"))
                ? Path.of("/proc", Integer.toString(initPid), "ns", "net") : null;
        boolean inCgroups = startsInCgroups(madeWith);
        return ociSpec(binary, runtimeRoot, id, true, execDir.resolve("process.json"), empty, netns, process, null,
                inCgroups ? NO_CGROUP_MANAGER : java.util.List.of(), inCgroups);
    }

    private static final java.util.regex.Pattern LOGRUS_MSG = java.util.regex.Pattern.compile("msg=\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final java.util.regex.Pattern RUNC_EXEC = java.util.regex.Pattern.compile("exec: \"[^\"]*\": .*");
    private static final java.util.regex.Pattern CRUN_NOT_FOUND = java.util.regex.Pattern.compile(
            "executable file `([^`]*)` not found in \\$PATH");

    private static final java.util.regex.Pattern RUNC_RLIMIT = java.util.regex.Pattern.compile(
            "error setting rlimit type (\\d+): (operation not permitted)");
    private static final java.util.regex.Pattern CRUN_RLIMIT = java.util.regex.Pattern.compile(
            "setrlimit `(RLIMIT_[A-Z]+)`: (Operation not permitted)");

    /**
     * The runtime's failure in docker's words where it has them: runc's logrus line becomes its
     * message ({@code exec: "x": executable file not found in $PATH}), and crun's wording of the
     * same failure is put the same way; a hard limit above the engine's own, which the runtime
     * may not set, is said as the native runtime says it; other failures keep the runtime's own
     * words.
     */
    @Override
    protected String failureMessage(Path dir, String message) throws IOException {
        String m = message;
        java.util.regex.Matcher logrus = LOGRUS_MSG.matcher(m);
        if (logrus.find()) {
            m = logrus.group(1).replace("\\\"", "\"").replace("\\\\", "\\");
        }
        String rlimit = rlimitRefused(dir, m);
        if (rlimit != null) {
            return name + ": " + rlimit;
        }
        java.util.regex.Matcher exec = RUNC_EXEC.matcher(m);
        if (exec.find()) {
            return exec.group();
        }
        java.util.regex.Matcher crun = CRUN_NOT_FOUND.matcher(m);
        if (crun.find()) {
            return "exec: \"" + crun.group(1) + "\": executable file not found in $PATH";
        }
        return logrus.find(0) ? name + ": " + m : message;
    }

    /**
     * When the runtime could not set an rlimit whose hard limit is above the engine's own (runc
     * says {@code error setting rlimit type 7: operation not permitted}, crun {@code setrlimit
     * `RLIMIT_NOFILE`: Operation not permitted}): which limit, what was asked (from the process's
     * JSON in {@code dir}) and what the engine has. Else {@code null}.
     */
    private static String rlimitRefused(Path dir, String message) throws IOException {
        java.util.regex.Matcher runc = RUNC_RLIMIT.matcher(message);
        java.util.regex.Matcher crun = CRUN_RLIMIT.matcher(message);
        String type;
        String error;
        if (runc.find()) {
            type = io.berth.shim.Rlimits.name(Integer.parseInt(runc.group(1)));
            error = runc.group(2);
        } else if (crun.find()) {
            type = crun.group(1);
            error = crun.group(2);
        } else {
            return null;
        }
        if (!type.startsWith("RLIMIT_")) {
            return null;
        }
        Path exec = dir.resolve("process.json");
        Path json = Files.exists(exec) ? exec : dir.resolve("bundle").resolve("config.json");
        long own = io.berth.shim.Rlimits.engineHardLimit(type);
        for (io.berth.api.runtime.Rlimit r : OciConfig.rlimits(json)) {
            if (r.type().equals(type) && own != -1 && Long.compareUnsigned(r.hard(), own) > 0) {
                return io.berth.shim.Rlimits.aboveEngineHardLimit(type, r.hard(), own, error);
            }
        }
        return null;
    }

    /**
     * The runtime forgets the container ({@code delete --force}); one it never knew is no error.
     * berth-shim runs it, in the same view of the cgroups as it made the container in.
     */
    @Override
    protected void deleting(String id, Path dir) throws IOException {
        Process p = new ProcessBuilder(shim().toString(), "delete", binary.toString(), runtimeRoot.toString(), id,
                hideUnifiedControllers ? dir.resolve("empty").toString() : "").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(name + " delete " + id + " did not finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while deleting " + id + " in " + name);
        }
        if (p.exitValue() != 0 && !out.contains("does not exist") && !out.contains("not exist") && !out.contains("not found")) {
            throw new IOException(name + " delete " + id + ": " + out);
        }
    }
}
