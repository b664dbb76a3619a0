package io.berth.containers.internal;

import io.berth.api.InvalidArgumentException;
import io.berth.api.container.ExecRequest;
import io.berth.api.container.HostConfig;
import io.berth.api.image.ContainerConfig;
import io.berth.api.runtime.ConsoleSize;
import io.berth.api.runtime.ContainerDefaults;
import io.berth.api.runtime.ContainerSpec;
import io.berth.api.runtime.LogSpec;
import io.berth.api.runtime.ProcessSpec;
import io.berth.api.runtime.StartFailedException;
import io.berth.api.storage.Mount;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the engine hands a runtime driver: the spec of a container's first process and
 * filesystem from its record and its mounted root, and the spec of a process {@code exec} adds.
 * Drivers add no policy of their own, so everything docker decides is decided here: the
 * environment ({@code PATH}, {@code HOSTNAME}, {@code HOME}, {@code TERM}), the user looked up in
 * the container's {@code /etc/passwd}, capabilities, {@code no_new_privs}, the files bind-mounted
 * over {@code /etc}, tmpfs mounts, masked and read-only paths.
 */
final class RuntimeSpecs {
    private RuntimeSpecs() {
    }

    /** The container's command: its path and arguments. */
    static List<String> command(ContainerRecord r) {
        List<String> argv = new ArrayList<>();
        argv.add(r.path());
        argv.addAll(r.args());
        return argv;
    }

    /** The spec of a container's run without an init (see the next). */
    static ContainerSpec container(ContainerRecord r, Path dir, Path rootfs, Path stateDir, Path log, ConsoleSize size)
            throws IOException {
        return container(r, dir, rootfs, stateDir, log, size, null);
    }

    /**
     * The spec of a container's run.
     *
     * @param dir the container's directory, with its {@code hosts}, {@code hostname} and {@code resolv.conf}
     * @param rootfs its root filesystem, mounted
     * @param stateDir a directory the driver may use
     * @param log its log file
     * @param size the terminal's size for a container with a terminal, or {@code null}
     * @param init the init binary on the host for a container made with {@code --init}, or
     *        {@code null}: as docker's, it is bind-mounted read-only at {@code /sbin/docker-init} and
     *        runs the command as {@code /sbin/docker-init -- COMMAND…}; the record keeps the command
     *        alone, which is what {@code ps} and {@code inspect} show
     */
    static ContainerSpec container(ContainerRecord r, Path dir, Path rootfs, Path stateDir, Path log, ConsoleSize size,
                                   Path init) throws IOException {
        ContainerConfig c = r.config();
        HostConfig h = r.host();
        Users.Resolved user = Users.resolve(rootfs, c.user());
        String cwd = c.workingDir().isEmpty() ? "/" : c.workingDir();
        ContainerPaths.mkdirs(rootfs, cwd, r.ids());

        List<Mount> mounts = new ArrayList<>();
        mounts.add(new Mount("bind", dir.resolve("resolv.conf").toString(), "/etc/resolv.conf", List.of("rbind", "rw")));
        mounts.add(new Mount("bind", dir.resolve("hostname").toString(), "/etc/hostname", List.of("rbind", "rw")));
        mounts.add(new Mount("bind", dir.resolve("hosts").toString(), "/etc/hosts", List.of("rbind", "rw")));
        for (Map.Entry<String, String> t : h.tmpfs().entrySet()) {
            ContainerPaths.mountPoint(rootfs, t.getKey(), true, r.ids());
            mounts.add(new Mount("tmpfs", "tmpfs", t.getKey(), tmpfsOptions(t.getValue())));
        }
        List<String> args = command(r);
        if (init != null) {
            // The mount point is resolved in the container's root as a volume's is: an image whose
            // /sbin is a link (to usr/sbin, say) gets the init there, never outside its root.
            Path resolved = ContainerPaths.resolve(rootfs, InitBinary.CONTAINER_PATH, true);
            String target = "/" + rootfs.toAbsolutePath().normalize().relativize(resolved);
            ContainerPaths.mountPoint(rootfs, target, false, r.ids());
            mounts.add(new Mount("bind", init.toString(), target, List.of("rbind", "ro")));
            List<String> withInit = new ArrayList<>(List.of(InitBinary.CONTAINER_PATH, "--"));
            withInit.addAll(args);
            args = withInit;
        }
        Set<String> capabilities = Capabilities.of(h.capAdd(), h.capDrop());
        ProcessSpec process = ProcessSpec.builder().args(args)
                .env(environment(c, List.of(), user.home(), c.tty())).cwd(cwd).user(user.user()).terminal(c.tty())
                .capabilities(capabilities)
                .noNewPrivileges(SecurityOptions.noNewPrivileges(h.securityOpt(), h.privileged())).rlimits(h.ulimits())
                .openStdin(c.openStdin()).stdinOnce(c.stdinOnce()).consoleSize(c.tty() ? size : null).build();
        return ContainerSpec.builder().id(r.id())
                .rootfs(List.of(new Mount("bind", rootfs.toString(), null, List.of("rbind"))))
                .readonlyRootfs(h.readonlyRootfs()).process(process).hostname(c.hostname()).mounts(mounts)
                .resources(h.resources()).maskedPaths(ContainerDefaults.MASKED_PATHS)
                .readonlyPaths(ContainerDefaults.READONLY_PATHS).privileged(h.privileged()).shmSize(h.shmSize())
                .stateDir(stateDir).seccomp(SeccompProfiles.forContainer(h.securityOpt(), h.privileged(), capabilities))
                .log(new LogSpec(log, h.log().maxSize(), h.log().maxFiles()))
                .idMappings(r.ids().uids(), r.ids().gids()).build();
    }

    /**
     * The spec of a process added to a running container: the container's environment (plus the
     * request's), user, working directory and capabilities unless the request says otherwise.
     *
     * @param rootfs the container's root filesystem, where its user is looked up
     */
    static ProcessSpec exec(ContainerRecord r, Path rootfs, ExecRequest request) throws IOException {
        ContainerConfig c = r.config();
        HostConfig h = r.host();
        Users.Resolved user;
        try {
            user = Users.resolve(rootfs, request.user() != null ? request.user() : c.user());
        } catch (InvalidArgumentException ex) {
            // As docker's: the process could not be started (its runtime looks the user up).
            throw new StartFailedException(126, ex.getMessage());
        }
        String cwd = request.workingDir() != null && !request.workingDir().isEmpty() ? request.workingDir()
                : c.workingDir().isEmpty() ? "/" : c.workingDir();
        if (!cwd.startsWith("/")) {
            throw new InvalidArgumentException("the working directory '" + cwd + "' is invalid, it needs to be an absolute path");
        }
        boolean privileged = request.privileged() || h.privileged();
        Set<String> caps = privileged ? Set.copyOf(ContainerDefaults.ALL_CAPABILITIES) : Capabilities.of(h.capAdd(), h.capDrop());
        return ProcessSpec.builder().args(request.command())
                .env(environment(c, request.env(), user.home(), request.tty())).cwd(cwd).user(user.user())
                .terminal(request.tty()).capabilities(caps).noNewPrivileges(SecurityOptions.noNewPrivileges(h.securityOpt(), privileged))
                .rlimits(h.ulimits()).openStdin(request.stdin()).stdinOnce(request.stdin())
                .consoleSize(request.tty() ? request.size() : null).build();
    }

    /**
     * A process's environment, as docker makes it: {@code PATH} and {@code HOSTNAME}, the
     * container's, the added entries (a name alone removes it), then {@code HOME} and, with a
     * terminal, {@code TERM} unless set.
     */
    static List<String> environment(ContainerConfig c, List<String> added, String home, boolean terminal) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", ContainerDefaults.PATH);
        env.put("HOSTNAME", "HOSTNAME=" + c.hostname());
        for (String v : c.env() == null ? List.<String>of() : c.env()) {
            env.put(envKey(v), v);
        }
        for (String v : added) {
            if (v.indexOf('=') < 0) {
                env.remove(v);
            } else {
                env.put(envKey(v), v);
            }
        }
        env.putIfAbsent("HOME", "HOME=" + home);
        if (terminal) {
            env.putIfAbsent("TERM", "TERM=xterm");
        }
        return List.copyOf(env.values());
    }

    /** Entries of {@code base} with {@code added} applied: replaced by name, a name alone removes it. */
    static List<String> mergeEnv(List<String> base, List<String> added) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String e : base) {
            env.put(envKey(e), e);
        }
        for (String e : added) {
            if (e.indexOf('=') < 0) {
                env.remove(e);
            } else {
                env.put(envKey(e), e);
            }
        }
        return List.copyOf(env.values());
    }

    private static String envKey(String entry) {
        int eq = entry.indexOf('=');
        return eq < 0 ? entry : entry.substring(0, eq);
    }

    /** docker's tmpfs defaults ({@code nosuid,nodev,noexec}) and the user's options; {@code exec} lifts {@code noexec}. */
    private static List<String> tmpfsOptions(String given) {
        List<String> options = new ArrayList<>(List.of("nosuid", "nodev", "noexec"));
        for (String o : given.split(",")) {
            if (!o.isBlank()) {
                options.add(o.strip());
            }
        }
        if (options.contains("exec")) {
            options.remove("noexec");
            options.remove("exec");
        }
        return options;
    }
}
