package io.berth.compose.internal;

import io.berth.api.InvalidArgumentException;
import io.berth.api.compose.ComposeProject;
import io.berth.api.compose.ComposeProject.Service;
import io.berth.api.container.CreateRequest;
import io.berth.api.container.HostConfig;
import io.berth.api.container.LogConfig;
import io.berth.api.container.MountSpec;
import io.berth.api.container.RestartPolicy;
import io.berth.api.image.ContainerConfig;
import io.berth.api.network.EndpointSettings;
import io.berth.api.network.PortBinding;
import io.berth.api.runtime.Resources;
import io.berth.api.runtime.Rlimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A service's container as the engine is asked for it: the compose keys turned into a
 * {@link CreateRequest}, as docker compose v2 turns them into a container create. What Berth does not
 * honour is listed by {@link #ignored}, so {@code up} can warn about it instead of dropping it silently.
 */
final class ServiceRequests {
    /** The service keys a container is made from (or that only steer compose itself). */
    private static final Set<String> HONOURED = Set.of("image", "build", "command", "entrypoint", "environment",
            "env_file", "ports", "expose", "volumes", "tmpfs", "networks", "network_mode", "depends_on", "healthcheck",
            "restart", "scale", "container_name", "hostname", "working_dir", "user", "labels", "stop_signal",
            "stop_grace_period", "init", "profiles", "extra_hosts", "dns", "dns_search", "dns_opt", "cap_add", "cap_drop",
            "privileged", "read_only", "security_opt", "mem_limit", "memswap_limit", "cpus", "cpu_shares", "cpu_quota",
            "cpu_period", "cpuset", "pids_limit", "secrets", "ulimits", "logging", "tty", "stdin_open", "shm_size",
            "pull_policy", "deploy");
    /** The {@code deploy} keys honoured: the rest belong to swarm. */
    private static final Set<String> DEPLOY = Set.of("replicas", "resources", "restart_policy");

    private ServiceRequests() {
    }

    /** The keys of a service Berth cannot honour, as {@code services.web.KEY} paths, sorted. */
    static List<String> ignored(Service s) {
        Set<String> out = new TreeSet<>();
        for (String key : s.definition().keySet()) {
            if (!key.startsWith("x-") && !HONOURED.contains(key)) {
                out.add("services." + s.name() + "." + key);
            }
        }
        if (s.definition().get("deploy") instanceof Map<?, ?> deploy) {
            for (Object key : deploy.keySet()) {
                if (!DEPLOY.contains(key) && !key.toString().startsWith("x-")) {
                    out.add("services." + s.name() + ".deploy." + key);
                }
            }
            if (deploy.get("resources") instanceof Map<?, ?> r && r.get("reservations") != null) {
                out.add("services." + s.name() + ".deploy.resources.reservations");
            }
        }
        if (s.definition().get("logging") instanceof Map<?, ?> logging && logging.get("driver") != null
                && !"json-file".equals(logging.get("driver")) && !"local".equals(logging.get("driver"))) {
            out.add("services." + s.name() + ".logging.driver");
        }
        if (s.healthcheck() != null && s.healthcheck().startInterval() != null) {
            out.add("services." + s.name() + ".healthcheck.start_interval");
        }
        for (ComposeProject.ServiceSecret secret : s.secrets()) {
            if (secret.uid() != null || secret.gid() != null || secret.mode() != null) {
                out.add("services." + s.name() + ".secrets[" + secret.source() + "] uid, gid and mode");
            }
        }
        return List.copyOf(out);
    }

    /**
     * The request for one of a service's containers.
     *
     * @param image            the image to run
     * @param name             the container's name
     * @param labels           compose's labels, added to the service's
     * @param networkMode      the container's network mode: its first network's engine name, or
     *                         {@code host}, {@code none}, {@code container:ID}
     * @param primary          what it asks on the network of its mode when that is one of the service's, or {@code null}
     * @param anonymousVolumes volumes to keep for anonymous mounts, by target (a recreated container's)
     * @param publish          whether its ports are published ({@code run} without {@code --service-ports}: not)
     */
    static CreateRequest request(ComposeProject project, Service s, String image, String name, Map<String, String> labels,
                                 String networkMode, EndpointSettings primary, Map<String, String> anonymousVolumes,
                                 boolean publish) {
        Map<String, Object> d = s.definition();
        Map<String, String> allLabels = new LinkedHashMap<>(s.labels());
        allLabels.putAll(labels);
        List<String> env = new ArrayList<>();
        s.environment().forEach((k, v) -> env.add(v == null ? k : k + "=" + v));
        List<String> exposed = new ArrayList<>();
        for (String e : s.expose()) {
            exposed.add(e.contains("/") ? e : e + "/tcp");
        }
        Map<String, List<PortBinding>> bindings = new LinkedHashMap<>();
        for (ComposeProject.Port p : s.ports()) {
            String key = p.target() + "/" + (p.protocol() == null ? "tcp" : p.protocol());
            if (!exposed.contains(key)) {
                exposed.add(key);
            }
            if (publish) {
                bindings.computeIfAbsent(key, k -> new ArrayList<>())
                        .add(new PortBinding(p.hostIp(), p.published() == null ? "" : p.published()));
            }
        }
        Map<String, EndpointSettings> endpoints = new LinkedHashMap<>();
        if (primary != null) {
            endpoints.put(networkMode, primary);
        }
        CreateRequest.Builder b = CreateRequest.builder(image).name(name).command(s.command()).entrypoint(s.entrypoint())
                .env(env).workingDir(s.workingDir()).user(s.user()).hostname(s.hostname()).labels(allLabels)
                .stopSignal(s.stopSignal())
                .stopTimeout(s.stopGracePeriod() == null ? null : (int) s.stopGracePeriod().toSeconds())
                .tty(bool(d.get("tty"))).openStdin(bool(d.get("stdin_open"))).detached(true).exposedPorts(exposed)
                .networks(endpoints).healthcheck(healthcheck(s.healthcheck()));
        HostConfig.Builder h = HostConfig.builder().init(s.init()).privileged(s.privileged()).readonlyRootfs(s.readOnly())
                .capAdd(s.capAdd()).capDrop(s.capDrop()).tmpfs(tmpfs(s.tmpfs())).resources(resources(s))
                .log(log(d)).securityOpt(s.securityOpt()).ulimits(ulimits(d)).restartPolicy(restart(s))
                .networkMode(networkMode).portBindings(bindings).dns(s.dns()).dnsSearch(strings(d.get("dns_search")))
                .dnsOptions(strings(d.get("dns_opt"))).extraHosts(extraHosts(s.extraHosts()))
                .mounts(mounts(project, s, anonymousVolumes));
        if (d.get("shm_size") instanceof Number n) {
            h.shmSize(n.longValue());
        }
        return b.host(h.build()).build();
    }

    /** What a container asks on one of its service's networks: v2's aliases (its name, the service's, the file's). */
    static EndpointSettings endpoint(Service s, String containerName, String networkKey) {
        ComposeProject.ServiceNetwork n = s.networks().get(networkKey);
        List<String> aliases = new ArrayList<>(List.of(containerName, s.name()));
        if (n != null) {
            n.aliases().stream().filter(a -> !aliases.contains(a)).forEach(aliases::add);
        }
        return new EndpointSettings(aliases, n == null ? null : n.ipv4Address(), n == null ? null : n.ipv6Address(), null);
    }

    private static boolean bool(Object o) {
        return o instanceof Boolean b ? b : o != null && Boolean.parseBoolean(o.toString());
    }

    private static List<String> strings(Object o) {
        List<String> out = new ArrayList<>();
        if (o instanceof List<?> l) {
            l.forEach(x -> out.add(String.valueOf(x)));
        } else if (o != null) {
            out.add(o.toString());
        }
        return out;
    }

    /** compose's {@code host:ip} and {@code host=ip} entries as docker's {@code host:ip}. */
    private static List<String> extraHosts(List<String> hosts) {
        List<String> out = new ArrayList<>();
        for (String h : hosts) {
            int eq = h.indexOf('=');
            out.add(eq > 0 ? h.substring(0, eq) + ":" + h.substring(eq + 1) : h);
        }
        return out;
    }

    private static ContainerConfig.Healthcheck healthcheck(ComposeProject.Healthcheck h) {
        if (h == null) {
            return null;
        }
        if (h.disable()) {
            return new ContainerConfig.Healthcheck(List.of("NONE"), 0, 0, 0, 0);
        }
        return new ContainerConfig.Healthcheck(h.test().isEmpty() ? null : h.test(), nanos(h.interval()), nanos(h.timeout()),
                nanos(h.startPeriod()), h.retries() == null ? 0 : h.retries());
    }

    private static long nanos(Duration d) {
        return d == null ? 0 : d.toNanos();
    }

    private static Map<String, String> tmpfs(List<String> entries) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String t : entries) {
            int colon = t.indexOf(':');
            out.put(colon < 0 ? t : t.substring(0, colon), colon < 0 ? "" : t.substring(colon + 1));
        }
        return out;
    }

    /** {@code mem_limit}, {@code cpus}, {@code pids_limit}... and {@code deploy.resources.limits}, which win. */
    private static Resources resources(Service s) {
        Map<String, Object> d = s.definition();
        long memory = s.memLimit() == null ? 0 : s.memLimit();
        double cpus = s.cpus() == null ? 0 : s.cpus();
        long pids = s.pidsLimit() == null ? 0 : s.pidsLimit();
        if (d.get("deploy") instanceof Map<?, ?> deploy && deploy.get("resources") instanceof Map<?, ?> r
                && r.get("limits") instanceof Map<?, ?> limits) {
            if (limits.get("memory") != null) {
                memory = Normalizer.bytes(limits.get("memory").toString(), "services." + s.name() + ".deploy.resources.limits.memory");
            }
            if (limits.get("cpus") != null) {
                cpus = Double.parseDouble(limits.get("cpus").toString());
            }
            if (limits.get("pids") != null) {
                pids = Long.parseLong(limits.get("pids").toString());
            }
        }
        Resources.Builder b = Resources.builder().memory(memory).pidsLimit(pids);
        if (d.get("memswap_limit") instanceof Number n) {
            b.memorySwap(n.longValue());
        }
        if (d.get("cpu_shares") instanceof Number n) {
            b.cpuShares(n.longValue());
        }
        if (d.get("cpu_quota") instanceof Number n) {
            b.cpuQuota(n.longValue());
        }
        if (d.get("cpu_period") instanceof Number n) {
            b.cpuPeriod(n.longValue());
        }
        if (d.get("cpuset") != null) {
            b.cpusetCpus(d.get("cpuset").toString());
        }
        if (cpus > 0) {
            b.cpuPeriod(100_000).cpuQuota(Math.round(cpus * 100_000));
        }
        return b.build();
    }

    private static LogConfig log(Map<String, Object> d) {
        if (d.get("logging") instanceof Map<?, ?> logging && logging.get("options") instanceof Map<?, ?> options) {
            long size = options.get("max-size") == null ? 0 : Normalizer.bytes(options.get("max-size").toString(), "logging.options.max-size");
            int files = options.get("max-file") == null ? 1 : Integer.parseInt(options.get("max-file").toString());
            return new LogConfig(size, files);
        }
        return LogConfig.DEFAULT;
    }

    private static List<Rlimit> ulimits(Map<String, Object> d) {
        List<Rlimit> out = new ArrayList<>();
        if (d.get("ulimits") instanceof Map<?, ?> ulimits) {
            ulimits.forEach((k, v) -> {
                String type = "RLIMIT_" + k.toString().toUpperCase(Locale.ROOT);
                if (v instanceof Map<?, ?> m) {
                    out.add(new Rlimit(type, number(m.get("soft")), number(m.get("hard"))));
                } else {
                    long n = number(v);
                    out.add(new Rlimit(type, n, n));
                }
            });
        }
        return out;
    }

    private static long number(Object o) {
        return o instanceof Number n ? n.longValue() : Long.parseLong(String.valueOf(o));
    }

    /** {@code restart}, or swarm's {@code deploy.restart_policy} in the engine's words. */
    static RestartPolicy restart(Service s) {
        if (s.restart() != null) {
            return RestartPolicy.parse(s.restart());
        }
        if (s.definition().get("deploy") instanceof Map<?, ?> deploy && deploy.get("restart_policy") instanceof Map<?, ?> p) {
            String condition = String.valueOf(p.get("condition") == null ? "any" : p.get("condition"));
            int attempts = p.get("max_attempts") == null ? 0 : (int) number(p.get("max_attempts"));
            return switch (condition) {
                case "none" -> RestartPolicy.NO;
                case "on-failure" -> new RestartPolicy("on-failure", attempts);
                default -> new RestartPolicy("always", 0);
            };
        }
        return RestartPolicy.NO;
    }

    private static List<MountSpec> mounts(ComposeProject project, Service s, Map<String, String> anonymousVolumes) {
        List<MountSpec> out = new ArrayList<>();
        for (ComposeProject.Mount m : s.volumes()) {
            Map<String, Object> o = m.options();
            switch (m.type()) {
                case "bind" -> out.add(new MountSpec("bind", m.source(), m.target(), m.readOnly(),
                        o.get("propagation") == null ? null : o.get("propagation").toString(),
                        bool(o.get("create_host_path")), false, null, Map.of(), 0, 0));
                case "volume" -> {
                    String source;
                    String driver = null;
                    Map<String, String> options = Map.of();
                    if (m.source() == null || m.source().isEmpty()) {
                        source = anonymousVolumes.getOrDefault(m.target(), "");
                    } else {
                        ComposeProject.Volume v = project.volumes().get(m.source());
                        if (v == null) {
                            throw new InvalidArgumentException("service \"" + s.name() + "\" refers to undefined volume "
                                    + m.source() + ": invalid compose project");
                        }
                        source = v.name();
                        driver = v.driver();
                        options = v.driverOpts();
                    }
                    out.add(new MountSpec("volume", source, m.target(), m.readOnly(), null, false, bool(o.get("nocopy")),
                            driver, options, 0, 0));
                }
                case "tmpfs" -> out.add(new MountSpec("tmpfs", null, m.target(), m.readOnly(), null, false, false, null,
                        Map.of(), o.get("size") == null ? 0 : Normalizer.bytes(o.get("size").toString(), "tmpfs.size"),
                        o.get("mode") instanceof Number n ? n.intValue() : 0));
                default -> throw new InvalidArgumentException("services." + s.name() + ".volumes: mount type \"" + m.type()
                        + "\" is not supported by Berth");
            }
        }
        Set<String> targets = new java.util.HashSet<>();
        out.forEach(m -> targets.add(m.target()));
        // A recreated container keeps its predecessor's anonymous volumes of the image's VOLUMEs too.
        anonymousVolumes.forEach((target, name) -> {
            if (!targets.contains(target)) {
                out.add(new MountSpec("volume", name, target, false, null, false, false, null, Map.of(), 0, 0));
            }
        });
        for (ComposeProject.ServiceSecret secret : s.secrets()) {
            ComposeProject.Secret def = project.secrets().get(secret.source());
            if (def == null) {
                throw new InvalidArgumentException("service \"" + s.name() + "\" refers to undefined secret " + secret.source()
                        + ": invalid compose project");
            }
            if (def.file() == null) {
                throw new InvalidArgumentException("services." + s.name() + ".secrets: secret \"" + secret.source()
                        + "\" is not a file, which is all Berth supports");
            }
            String target = secret.target() == null ? secret.source() : secret.target();
            out.add(new MountSpec("bind", def.file(), target.startsWith("/") ? target : "/run/secrets/" + target, true,
                    null, false, false, null, Map.of(), 0, 0));
        }
        return out;
    }
}
