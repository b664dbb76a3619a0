package io.berth.api.image;

import java.util.List;
import java.util.Map;

/**
 * The run-time defaults an image carries (its config's {@code config} object), in docker's terms.
 * {@code null} means absent, as distinct from empty, because docker shows the two differently.
 *
 * @param hostname {@code Hostname}
 * @param domainname {@code Domainname}
 * @param user {@code User}: a name or uid, with an optional {@code :group}
 * @param attachStdin {@code AttachStdin}
 * @param attachStdout {@code AttachStdout}
 * @param attachStderr {@code AttachStderr}
 * @param exposedPorts {@code ExposedPorts}: {@code 80/tcp} and the like, or {@code null}
 * @param tty {@code Tty}
 * @param openStdin {@code OpenStdin}
 * @param stdinOnce {@code StdinOnce}
 * @param env {@code Env}: {@code NAME=value} entries, or {@code null}
 * @param cmd {@code Cmd}, or {@code null}
 * @param healthcheck {@code Healthcheck}, or {@code null}
 * @param argsEscaped {@code ArgsEscaped}
 * @param image {@code Image}
 * @param volumes {@code Volumes}: container paths, or {@code null}
 * @param workingDir {@code WorkingDir}
 * @param entrypoint {@code Entrypoint}, or {@code null}
 * @param onBuild {@code OnBuild}, or {@code null}
 * @param labels {@code Labels}, or {@code null}
 * @param stopSignal {@code StopSignal}, or {@code null}
 * @param stopTimeout {@code StopTimeout} in seconds, or {@code null}
 * @param shell {@code Shell}, or {@code null}
 */
public record ContainerConfig(String hostname, String domainname, String user, boolean attachStdin,
                              boolean attachStdout, boolean attachStderr, List<String> exposedPorts, boolean tty,
                              boolean openStdin, boolean stdinOnce, List<String> env, List<String> cmd,
                              Healthcheck healthcheck, boolean argsEscaped, String image, List<String> volumes,
                              String workingDir, List<String> entrypoint, List<String> onBuild,
                              Map<String, String> labels, String stopSignal, Integer stopTimeout, List<String> shell) {
    /** A config with nothing set. */
    public static final ContainerConfig EMPTY = new ContainerConfig("", "", "", false, false, false, null, false, false,
            false, null, null, null, false, "", null, "", null, null, null, null, null, null);

    public ContainerConfig {
        hostname = hostname == null ? "" : hostname;
        domainname = domainname == null ? "" : domainname;
        user = user == null ? "" : user;
        exposedPorts = exposedPorts == null ? null : List.copyOf(exposedPorts);
        env = env == null ? null : List.copyOf(env);
        cmd = cmd == null ? null : List.copyOf(cmd);
        image = image == null ? "" : image;
        volumes = volumes == null ? null : List.copyOf(volumes);
        workingDir = workingDir == null ? "" : workingDir;
        entrypoint = entrypoint == null ? null : List.copyOf(entrypoint);
        onBuild = onBuild == null ? null : List.copyOf(onBuild);
        labels = labels == null ? null : Map.copyOf(labels);
        shell = shell == null ? null : List.copyOf(shell);
    }

    /** This config with other labels. */
    public ContainerConfig withLabels(Map<String, String> newLabels) {
        return new ContainerConfig(hostname, domainname, user, attachStdin, attachStdout, attachStderr, exposedPorts, tty,
                openStdin, stdinOnce, env, cmd, healthcheck, argsEscaped, image, volumes, workingDir, entrypoint, onBuild,
                newLabels, stopSignal, stopTimeout, shell);
    }

    /**
     * A health check.
     *
     * @param test the test, such as {@code ["CMD-SHELL", "curl -f http://localhost/"]}
     * @param interval nanoseconds between checks, or 0
     * @param timeout nanoseconds before a check is considered hung, or 0
     * @param startPeriod nanoseconds of grace at start, or 0
     * @param retries failures before unhealthy, or 0
     */
    public record Healthcheck(List<String> test, long interval, long timeout, long startPeriod, int retries) {
        public Healthcheck {
            test = test == null ? null : List.copyOf(test);
        }
    }
}
