package io.berth.api.compose;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A loaded, validated and normalised compose project. The typed records hold what the engine acts
 * on; {@link #model()} is the whole normalised file (plain maps, lists, strings, numbers, booleans,
 * in compose's key order) for what they do not name and for {@code compose config}.
 *
 * @param name             the project name, normalised and valid
 * @param workingDirectory the project directory (relative paths are resolved against it)
 * @param configFiles      the compose files read, absolute, in order
 * @param envFiles         the env files read for interpolation (absolute; may be empty)
 * @param services         the active services (profiles applied), by name, in the file's order
 * @param disabledServices services left out by their profiles, by name
 * @param networks         networks by key, {@code default} included when a service uses it
 * @param volumes          named volumes by key
 * @param secrets          secrets by key
 * @param model            the normalised model as {@code config} prints it
 * @param warnings         what compose warns about (unset variables, obsolete {@code version})
 */
public record ComposeProject(String name, Path workingDirectory, List<Path> configFiles, List<Path> envFiles,
                             Map<String, Service> services, List<String> disabledServices,
                             Map<String, Network> networks, Map<String, Volume> volumes, Map<String, Secret> secrets,
                             Map<String, Object> model, List<String> warnings) {

    /**
     * A service, its keys in their canonical (long) forms. Absent keys are {@code null} (scalars) or
     * empty (collections).
     *
     * @param build           the {@code build} section when there is one: Berth does not build, {@code up} says so
     * @param command         {@code null} when the image's is kept; a string is split with shell rules
     * @param environment     values {@code null} for a variable named but unset (left out of the container)
     * @param replicas        {@code scale} or {@code deploy.replicas}, {@code null} for one
     * @param definition      the service's whole normalised map
     */
    public record Service(String name, String image, Map<String, Object> build, List<String> command,
                          List<String> entrypoint, Map<String, String> environment, List<Port> ports,
                          List<String> expose, List<Mount> volumes, List<String> tmpfs,
                          Map<String, ServiceNetwork> networks, String networkMode, Map<String, Dependency> dependsOn,
                          Healthcheck healthcheck, String restart, Integer replicas, String containerName,
                          String hostname, String workingDir, String user, Map<String, String> labels,
                          String stopSignal, Duration stopGracePeriod, Boolean init, List<String> profiles,
                          List<String> extraHosts, List<String> dns, List<String> capAdd, List<String> capDrop,
                          boolean privileged, boolean readOnly, List<String> securityOpt, Long memLimit, Double cpus,
                          Long pidsLimit, List<ServiceSecret> secrets, Map<String, Object> definition) {
    }

    /** A published or exposed port, long form: {@code published} is {@code null} or a port or range. */
    public record Port(String mode, String hostIp, int target, String published, String protocol) {
    }

    /**
     * A mount, long form. {@code type} is {@code bind} (an absolute {@code source}), {@code volume}
     * (a volume key, or {@code null} for an anonymous one), {@code tmpfs}...
     */
    public record Mount(String type, String source, String target, boolean readOnly, Map<String, Object> options) {
    }

    /** A service's attachment to a network (by the network's key). */
    public record ServiceNetwork(List<String> aliases, String ipv4Address, String ipv6Address) {
    }

    /** A {@code depends_on} entry: {@code service_started}, {@code service_healthy}, {@code service_completed_successfully}. */
    public record Dependency(String condition, boolean restart, boolean required) {
    }

    /** A health check: {@code test} starts with {@code NONE}, {@code CMD} or {@code CMD-SHELL}; durations may be {@code null}. */
    public record Healthcheck(List<String> test, Duration interval, Duration timeout, Integer retries,
                              Duration startPeriod, Duration startInterval, boolean disable) {
    }

    /** A network: {@code name} is the engine's name ({@code <project>_<key>} unless external or named). */
    public record Network(String key, String name, String driver, Map<String, String> driverOpts, boolean external,
                          boolean internal, boolean attachable, boolean enableIpv6, Map<String, String> labels,
                          Map<String, Object> ipam) {
    }

    /** A named volume: {@code name} as for networks. */
    public record Volume(String key, String name, String driver, Map<String, String> driverOpts, boolean external,
                         Map<String, String> labels) {
    }

    /** A secret: a {@code file} (absolute), an {@code environment} variable, or {@code external}. */
    public record Secret(String key, String name, String file, String environment, boolean external) {
    }

    /** A service's use of a secret, long form. */
    public record ServiceSecret(String source, String target, String uid, String gid, Integer mode) {
    }
}
