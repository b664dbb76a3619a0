package io.berth.shell.internal.commands;

import io.berth.api.InvalidArgumentException;
import io.berth.api.container.CreateRequest;
import io.berth.api.container.HostConfig;
import io.berth.api.container.RestartPolicy;
import io.berth.api.container.LogConfig;
import io.berth.api.container.MountSpec;
import io.berth.api.image.ContainerConfig;
import io.berth.api.runtime.Resources;
import io.berth.api.runtime.Rlimit;
import io.berth.shell.internal.framework.CommandContext;
import io.berth.shell.internal.framework.Option;
import io.berth.shell.internal.framework.Options;
import io.berth.shell.internal.framework.UsageException;
import io.berth.views.VolumeMounts;
import io.berth.shell.internal.output.Units;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The options {@code create} and {@code run} share, and how they become a {@link CreateRequest}. */
@Options
public class CreateOptions extends ResourceFlags {
    /** The value of string options that were not given at all (no command line can contain a NUL). */
    static final String UNSET = "\0";
    private static final Set<String> ULIMITS = Set.of("core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice",
            "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack");

    @Option(names = {"-i", "--interactive"}, description = "Keep STDIN open even if not attached", absentValue = "false")
    public boolean interactive;
    @Option(names = {"-t", "--tty"}, description = "Allocate a pseudo-TTY", absentValue = "false")
    public boolean tty;
    @Option(names = {"--pull"}, description = "Pull image before running (always, missing, never)", absentValue = "missing")
    public String pull;
    @Option(names = {"--platform"}, description = "Set platform if server is multi-platform capable (os/arch[/variant])")
    public String platform;
    @Option(names = {"--name"}, description = "Assign a name to the container")
    public String name;
    @Option(names = {"-e", "--env"}, description = "Set environment variables")
    public List<String> env;
    @Option(names = {"--env-file"}, description = "Read in a file of environment variables")
    public List<String> envFile;
    @Option(names = {"-w", "--workdir"}, description = "Working directory inside the container")
    public String workdir;
    @Option(names = {"-u", "--user"}, description = "Username or UID (format: <name|uid>[:<group|gid>])")
    public String user;
    @Option(names = {"--entrypoint"}, description = "Overwrite the default ENTRYPOINT of the image", absentValue = UNSET)
    public String entrypoint;
    @Option(names = {"-h", "--hostname"}, description = "Container host name")
    public String hostname;
    @Option(names = {"-l", "--label"}, description = "Set meta data on a container")
    public List<String> labels;
    @Option(names = {"--read-only"}, description = "Mount the container's root filesystem as read only", absentValue = "false")
    public boolean readOnly;
    @Option(names = {"--tmpfs"}, description = "Mount a tmpfs directory")
    public List<String> tmpfs;
    @Option(names = {"-v", "--volume"}, description = "Bind mount a volume")
    public List<String> volume;
    @Option(names = {"--mount"}, description = "Attach a filesystem mount to the container")
    public List<String> mount;
    @Option(names = {"--volumes-from"}, description = "Mount volumes from the specified container(s)")
    public List<String> volumesFrom;
    @Option(names = {"--volume-driver"}, description = "Optional volume driver for the container")
    public String volumeDriver;
    @Option(names = {"--userns"}, description = "User namespace to use (host: the host's, when the engine remaps ids)")
    public String userns;
    @Option(names = {"--cap-add"}, description = "Add Linux capabilities")
    public List<String> capAdd;
    @Option(names = {"--cap-drop"}, description = "Drop Linux capabilities")
    public List<String> capDrop;
    @Option(names = {"--privileged"}, description = "Give extended privileges to this container", absentValue = "false")
    public boolean privileged;
    @Option(names = {"--init"}, description = "Run an init inside the container that forwards signals and reaps processes")
    public Boolean init;
    @Option(names = {"--security-opt"}, description = "Security options (seccomp=unconfined|builtin|PROFILE.json, no-new-privileges[=false])")
    public List<String> securityOpt;
    @Option(names = {"--stop-signal"}, description = "Signal to stop the container")
    public String stopSignal;
    @Option(names = {"--stop-timeout"}, description = "Timeout (in seconds) to stop a container", absentValue = UNSET)
    public String stopTimeout;
    @Option(names = {"--health-cmd"}, description = "Command to run to check health")
    public String healthCmd;
    @Option(names = {"--health-interval"}, description = "Time between running the check (ms|s|m|h) (default 0s)", absentValue = UNSET)
    public String healthInterval;
    @Option(names = {"--health-timeout"}, description = "Maximum time to allow one check to run (ms|s|m|h) (default 0s)", absentValue = UNSET)
    public String healthTimeout;
    @Option(names = {"--health-start-period"}, description = "Start period for the container to initialize before starting health-retries countdown (ms|s|m|h) (default 0s)", absentValue = UNSET)
    public String healthStartPeriod;
    @Option(names = {"--health-retries"}, description = "Consecutive failures needed to report unhealthy", absentValue = UNSET)
    public String healthRetries;
    @Option(names = {"--no-healthcheck"}, description = "Disable any container-specified HEALTHCHECK", absentValue = "false")
    public boolean noHealthcheck;
    @Option(names = {"--rm"}, description = "Automatically remove the container when it exits", absentValue = "false")
    public boolean rm;
    @Option(names = {"--runtime"}, description = "Runtime to use for this container")
    public String runtime;
    @Option(names = {"--storage-driver"}, description = "Storage driver for this container's filesystem (Berth)")
    public String storage;
    @Option(names = {"--log-opt"}, description = "Log driver options (max-size, max-file)")
    public List<String> logOpt;
    @Option(names = {"--ulimit"}, description = "Ulimit options (name=soft[:hard]); a hard limit above the engine's own fails the start")
    public List<String> ulimit;
    @Option(names = {"--shm-size"}, description = "Size of /dev/shm", absentValue = UNSET)
    public String shmSize;
    @Option(names = {"--network", "--net"}, description = "Connect a container to a network")
    public List<String> network;
    @Option(names = {"--network-alias", "--net-alias"}, description = "Add network-scoped alias for the container")
    public List<String> networkAlias;
    @Option(names = {"--ip"}, description = "IPv4 address (e.g., 172.30.100.104)")
    public String ip;
    @Option(names = {"--ip6"}, description = "IPv6 address (e.g., 2001:db8::33)")
    public String ip6;
    @Option(names = {"--mac-address"}, description = "Container MAC address (e.g., 92:d0:c6:0a:29:33)")
    public String macAddress;
    @Option(names = {"-p", "--publish"}, description = "Publish a container's port(s) to the host")
    public List<String> publish;
    @Option(names = {"-P", "--publish-all"}, description = "Publish all exposed ports to random ports", absentValue = "false")
    public boolean publishAll;
    @Option(names = {"--expose"}, description = "Expose a port or a range of ports")
    public List<String> expose;
    @Option(names = {"--dns"}, description = "Set custom DNS servers")
    public List<String> dns;
    @Option(names = {"--dns-search"}, description = "Set custom DNS search domains")
    public List<String> dnsSearch;
    @Option(names = {"--dns-option", "--dns-opt"}, description = "Set DNS options")
    public List<String> dnsOption;
    @Option(names = {"--add-host"}, description = "Add a custom host-to-IP mapping (host:ip)")
    public List<String> addHost;

    /** The request these options make, for {@code image} running {@code command}. */
    CreateRequest request(CommandContext ctx, String image, List<String> command) throws IOException {
        return request(ctx, image, command, false);
    }

    /** The request; {@code stdinOnce} when the container's stdin is to close with the attached client's (run -i). */
    CreateRequest request(CommandContext ctx, String image, List<String> command, boolean stdinOnce) throws IOException {
        if (rm && restart != null && !restart.isEmpty() && !restart.equals("no")) {
            // docker's client refuses it before asking (the engine would too, in its own words).
            throw UsageException.flag("conflicting options: cannot specify both --restart and --rm");
        }
        ContainerConfig.Healthcheck healthcheck = healthcheck();
        // --mount's values are read with the flags, before docker's CLI looks at anything else.
        List<io.berth.api.container.MountSpec> mountFlags = parseMountFlags(mount);
        ContainerNetworking.Result net = ContainerNetworking.parse(this);
        List<String> environment = new ArrayList<>();
        for (String file : envFile) {
            environment.addAll(readEnvFile(ctx, file));
        }
        // As the docker CLI: NAME alone takes the user's value if the user's environment has one; else it goes as it
        // is, which takes NAME out of the image's environment.
        for (String e : env) {
            String value = e.contains("=") ? null : ctx.environment().get(e);
            environment.add(value == null ? e : e + "=" + value);
        }
        Map<String, String> labelMap = new LinkedHashMap<>();
        for (String l : labels) {
            int eq = l.indexOf('=');
            labelMap.put(eq < 0 ? l : l.substring(0, eq), eq < 0 ? "" : l.substring(eq + 1));
        }
        Map<String, String> tmpfsMap = new LinkedHashMap<>();
        for (String t : tmpfs) {
            int colon = t.indexOf(':');
            tmpfsMap.put(colon < 0 ? t : t.substring(0, colon), colon < 0 ? "" : t.substring(colon + 1));
        }
        VolumeMounts.Result volumes = VolumeMounts.parse(volume, mountFlags, volumesFrom, volumeDriver,
                tmpfsMap.keySet());
        Integer timeout = null;
        if (!UNSET.equals(stopTimeout)) {
            timeout = (int) flagInteger("--stop-timeout", stopTimeout);
        }
        List<String> entry = UNSET.equals(entrypoint) ? null : entrypoint.isEmpty() ? List.of() : List.of(entrypoint);
        HostConfig host = HostConfig.builder().runtime(blankToNull(runtime)).autoRemove(rm).privileged(privileged)
                .readonlyRootfs(readOnly).capAdd(capAdd).capDrop(capDrop).tmpfs(tmpfsMap).resources(resources())
                .log(logConfig()).securityOpt(securityOpts(ctx)).ulimits(ulimits()).shmSize(shmSize())
                .restartPolicy(restart == null || restart.isEmpty() ? null : RestartPolicy.parse(restart))
                .networkMode(net.mode()).portBindings(net.portBindings()).publishAllPorts(net.publishAll())
                .dns(net.dns()).dnsSearch(net.dnsSearch()).dnsOptions(net.dnsOptions()).extraHosts(net.extraHosts())
                .binds(volumes.binds()).mounts(volumes.mounts()).volumesFrom(volumes.volumesFrom())
                .volumeDriver(volumes.volumeDriver()).usernsMode(blankToNull(userns)).init(init).build();
        return CreateRequest.builder(image).name(blankToNull(name)).command(command).entrypoint(entry).env(environment)
                .workingDir(blankToNull(workdir)).user(blankToNull(user)).hostname(blankToNull(hostname)).labels(labelMap)
                .stopSignal(blankToNull(stopSignal)).stopTimeout(timeout).storage(blankToNull(storage)).host(host).tty(tty)
                .openStdin(interactive).stdinOnce(interactive && stdinOnce).exposedPorts(net.exposedPorts())
                .networks(net.networks()).healthcheck(healthcheck).build();
    }

    /**
     * The health check the flags ask for, as docker's client makes it: {@code ["NONE"]} with
     * {@code --no-healthcheck}, {@code ["CMD-SHELL", CMD]} with {@code --health-cmd}, the durations
     * and retries as given (zero: the image's); {@code null} when no flag is given.
     */
    private ContainerConfig.Healthcheck healthcheck() {
        long interval = UNSET.equals(healthInterval) ? 0 : TimeFlags.duration("--health-interval", healthInterval);
        long timeout = UNSET.equals(healthTimeout) ? 0 : TimeFlags.duration("--health-timeout", healthTimeout);
        long startPeriod = UNSET.equals(healthStartPeriod) ? 0 : TimeFlags.duration("--health-start-period", healthStartPeriod);
        long retries = UNSET.equals(healthRetries) ? 0 : flagInteger("--health-retries", healthRetries);
        boolean any = healthCmd != null && !healthCmd.isEmpty() || interval != 0 || timeout != 0 || startPeriod != 0
                || retries != 0;
        if (noHealthcheck) {
            if (any) {
                throw UsageException.flag("--no-healthcheck conflicts with --health-* options");
            }
            return new ContainerConfig.Healthcheck(List.of("NONE"), 0, 0, 0, 0);
        }
        if (!any) {
            return null;
        }
        if (interval < 0) {
            throw UsageException.flag("--health-interval cannot be negative");
        }
        if (timeout < 0) {
            throw UsageException.flag("--health-timeout cannot be negative");
        }
        if (retries < 0) {
            throw UsageException.flag("--health-retries cannot be negative");
        }
        if (startPeriod < 0) {
            throw UsageException.flag("--health-start-period cannot be negative");
        }
        if (retries > Integer.MAX_VALUE) {
            throw UsageException.flag("invalid argument \"" + healthRetries + "\" for \"--health-retries\" flag: "
                    + "strconv.ParseInt: parsing \"" + healthRetries + "\": value out of range");
        }
        List<String> test = healthCmd == null || healthCmd.isEmpty() ? null : List.of("CMD-SHELL", healthCmd);
        return new ContainerConfig.Healthcheck(test, interval, timeout, startPeriod, (int) retries);
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /**
     * The {@code --security-opt}s as docker's client sends them: {@code seccomp=FILE} replaced by
     * the profile's content, compacted, so the container keeps the profile it was made with.
     */
    private List<String> securityOpts(CommandContext ctx) throws IOException {
        List<String> out = new ArrayList<>();
        for (String opt : securityOpt == null ? List.<String>of() : securityOpt) {
            int at = opt.indexOf('=') >= 0 ? opt.indexOf('=') : opt.indexOf(':');
            String key = at < 0 ? opt : opt.substring(0, at);
            String value = at < 0 ? "" : opt.substring(at + 1);
            if (!key.equals("seccomp") || value.equals("unconfined") || value.equals("builtin")) {
                out.add(opt);
                continue;
            }
            String body;
            try {
                body = Files.readString(ctx.resolve(value), StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new InvalidArgumentException("opening seccomp profile (" + value + ") failed: open " + value
                        + ": no such file or directory");
            } catch (IOException e) {
                throw new InvalidArgumentException("opening seccomp profile (" + value + ") failed: " + e.getMessage());
            }
            try {
                out.add("seccomp=" + COMPACT.writeValueAsString(COMPACT.readTree(body)));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new InvalidArgumentException("compacting json for seccomp profile (" + value + ") failed: "
                        + e.getOriginalMessage());
            }
        }
        return out;
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper COMPACT = new com.fasterxml.jackson.databind.ObjectMapper();

    /**
     * docker's env file: NAME=value lines as they are, NAME alone with the user's value (skipped when
     * the user's environment has none), blank lines and # comments skipped.
     */
    private static List<String> readEnvFile(CommandContext ctx, String file) throws IOException {
        List<String> out = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(ctx.resolve(file), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new InvalidArgumentException("open " + file + ": no such file or directory");
        }
        for (String line : lines) {
            String l = line.stripLeading();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int eq = l.indexOf('=');
            String key = eq < 0 ? l.strip() : l.substring(0, eq);
            if (key.isEmpty() || key.chars().anyMatch(Character::isWhitespace)) {
                throw new InvalidArgumentException("invalid environment variable: " + line);
            }
            if (eq >= 0) {
                out.add(l);
            } else if (ctx.environment().containsKey(key)) {
                out.add(key + "=" + ctx.environment().get(key));
            }
        }
        return out;
    }

    /**
     * {@code --shm-size} in bytes, parsed as docker's flag is (a number with an optional unit b, k,
     * m, g…); 0 when not given, which means docker's default of 64 MB, as {@code --shm-size 0} does.
     */
    private long shmSize() {
        if (UNSET.equals(shmSize)) {
            return 0;
        }
        try {
            return Units.parseBytes(shmSize);
        } catch (IllegalArgumentException e) {
            // A bad value is docker's flag error (status 125), as its flag parser reports it.
            throw UsageException.flag("invalid argument \"" + shmSize + "\" for \"--shm-size\" flag: " + e.getMessage());
        }
    }

    private LogConfig logConfig() {
        long maxSize = 0;
        int maxFiles = 1;
        for (String o : logOpt) {
            int eq = o.indexOf('=');
            if (eq < 0) {
                throw new InvalidArgumentException("invalid key value pair format in logging opts: " + o);
            }
            String key = o.substring(0, eq);
            String value = o.substring(eq + 1);
            switch (key) {
                case "max-size" -> {
                    maxSize = value.strip().equals("-1") ? 0 : bytes("--log-opt max-size", value);
                }
                case "max-file" -> {
                    maxFiles = integer("--log-opt max-file", value);
                    if (maxFiles < 1) {
                        throw new InvalidArgumentException("max-file cannot be less than 1");
                    }
                }
                default -> throw new InvalidArgumentException("unknown log opt '" + key + "' for json-file log driver");
            }
        }
        return new LogConfig(maxSize, maxFiles);
    }

    private List<Rlimit> ulimits() {
        List<Rlimit> out = new ArrayList<>();
        for (String u : ulimit) {
            int eq = u.indexOf('=');
            if (eq < 0) {
                throw new InvalidArgumentException("invalid ulimit argument: " + u);
            }
            String type = u.substring(0, eq);
            if (!ULIMITS.contains(type)) {
                throw new InvalidArgumentException("invalid ulimit type: " + type);
            }
            String[] v = u.substring(eq + 1).split(":", 2);
            long soft = integer("--ulimit", v[0]);
            long hard = v.length > 1 ? integer("--ulimit", v[1]) : soft;
            if (soft > hard) {
                throw new InvalidArgumentException("ulimit soft limit must be less than or equal to hard limit: " + soft + " > " + hard);
            }
            out.add(new Rlimit("RLIMIT_" + type.toUpperCase(Locale.ROOT), soft, hard));
        }
        return out;
    }

    private static long bytes(String flag, String value) {
        try {
            return Units.parseBytes(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException("invalid argument \"" + value + "\" for \"" + flag + "\" flag: " + e.getMessage());
        }
    }

    /** A size flag's value; a bad one is a flag error (status 125) in docker's words. */
    static long flagBytes(String flag, String value) {
        try {
            return Units.parseBytes(value);
        } catch (IllegalArgumentException e) {
            throw UsageException.flag("invalid argument \"" + value + "\" for \"" + flag + "\" flag: " + e.getMessage());
        }
    }

    /** A number flag's value; a bad one is a flag error (status 125) in docker's (Go's) words. */
    static long flagInteger(String flag, String value) {
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw UsageException.flag("invalid argument \"" + value + "\" for \"" + flag + "\" flag: strconv.ParseInt: parsing \""
                    + value + "\": invalid syntax");
        }
    }

    private static int integer(String flag, String value) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new InvalidArgumentException("invalid argument \"" + value + "\" for \"" + flag + "\" flag: not an integer");
        }
    }

    /** {@code --mount}'s values, read as docker's CLI reads its flags, before anything else: a bad one is a flag error. */
    static List<MountSpec> parseMountFlags(List<String> mount) {
        List<MountSpec> flagMounts = new ArrayList<>();
        for (String m : mount) {
            try {
                flagMounts.add(VolumeMounts.parseMount(m));
            } catch (IllegalArgumentException e) {
                throw UsageException.flag("invalid argument \"" + m + "\" for \"--mount\" flag: " + e.getMessage());
            }
        }
        return flagMounts;
    }
}
