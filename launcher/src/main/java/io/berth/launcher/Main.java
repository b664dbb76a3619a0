package io.berth.launcher;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Starts the Berth daemon: Felix with the distribution's bundles, in the foreground with the Gogo
 * console, or as a daemon without one.
 *
 * <p>Start-up: read the options and {@code conf/}, lock the engine root and the run root (a second
 * daemon on either refuses to start), set up logging, serve the control socket ({@link EarlySocket}:
 * {@code version} answered, other commands held until the shell takes the socket over), start the
 * framework with the bundles of {@code conf/startup.properties}. Stop: {@code exit} in the console, or SIGTERM/SIGINT, stops the
 * framework, then the pid file and locks go. Containers are not stopped: their shims do not depend
 * on this process.
 */
public final class Main {
    /** The system property bin/berth sets to the distribution's directory. */
    public static final String HOME_PROPERTY = "berth.home";
    /** The bundles a daemon installs but does not start (conf/config.properties); the shell starts them on demand. */
    static final String START_ON_DEMAND_PROPERTY = "berth.daemon.startOnDemand";
    private static final long STOP_TIMEOUT_MS = 30_000;
    /** When the launcher's class was initialised, for {@link StartTimes}. */
    static final long STARTED_NANOS = System.nanoTime();

    private Main() {
    }

    public static void main(String[] args) {
        preferVfork();
        int status;
        try {
            status = run(Arrays.asList(args));
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("berth: " + e.getMessage());
            status = 1;
        } catch (IOException | BundleException e) {
            System.err.println("berth: cannot start: " + e.getMessage());
            status = 1;
        } catch (InterruptedException e) {
            status = 130;
        }
        System.exit(status);
    }

    static final String LAUNCH_MECHANISM = "jdk.lang.Process.launchMechanism";

    /**
     * The daemon starts its processes (a berth-shim for each container and exec, berth-net, OCI
     * runtimes) by vfork and exec, as JDKs did by default until 12, rather than by posix_spawn of
     * the JDK's jspawnhelper, which then execs the program: one exec fewer, about 0.55 ms a process
     * here. JDKs after 21 deprecate that mechanism (with a warning at the first process), so there
     * the JDK's default stays; a mechanism set on the command line ({@code BERTH_JAVA_OPTS}) wins.
     * Before the first process is started, which reads the property once.
     */
    static void preferVfork() {
        if (System.getProperty(LAUNCH_MECHANISM) == null && Runtime.version().feature() <= 21) {
            System.setProperty(LAUNCH_MECHANISM, "VFORK");
        }
    }

    static int run(List<String> args) throws IOException, BundleException, InterruptedException {
        Options options = Options.parse(args);
        if (options.help()) {
            System.out.print(Options.USAGE);
            return 0;
        }
        String homeProperty = System.getProperty(HOME_PROPERTY);
        if (homeProperty == null) {
            throw new IllegalStateException("the system property " + HOME_PROPERTY + " is not set; start Berth with bin/berth");
        }
        Path home = Path.of(homeProperty).toAbsolutePath().normalize();
        Path conf = home.resolve("conf");

        Map<String, String> engineConfig = Configuration.interpolate(
                Configuration.properties(conf.resolve("berth.engine.cfg")), System::getProperty);
        Path root = options.root() != null ? options.root()
                : Path.of(engineConfig.getOrDefault("root", "/var/lib/berth")).toAbsolutePath().normalize();
        Path runRoot = options.runRoot() != null ? options.runRoot()
                : Path.of(engineConfig.getOrDefault("runRoot", "/run/berth")).toAbsolutePath().normalize();
        createPrivateDirectory(root);
        createPrivateDirectory(runRoot);

        try (DirectoryLock rootLock = DirectoryLock.acquire(root, "engine root");
             DirectoryLock runRootLock = DirectoryLock.acquire(runRoot, "run root")) {
            Path logFile = options.logFile() != null ? options.logFile() : root.resolve("berth.log");
            Logging.toFile(logFile, RotatingFileHandler.Rotation.of(engineConfig), Boolean.getBoolean("berth.debug"));
            Path pidFile = null;
            if (options.daemon()) {
                Logging.captureStandardStreams();
                // No terminal to look for: JLine would warn that it found none.
                System.setProperty("org.jline.terminal.dumb", "true");
                pidFile = options.pidFile() != null ? options.pidFile() : runRoot.resolve("berth.pid");
                writePidFile(pidFile);
            }
            Path pid = pidFile;
            // From the moment the socket serves, a SIGTERM or SIGINT is a request to stop, exit status 0: noted until the
            // framework exists (runFramework then stops it), as the JVM's own handling would exit 143 at once.
            AtomicBoolean stopRequested = new AtomicBoolean();
            if (options.daemon()) {
                for (String name : List.of("TERM", "INT")) {
                    sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> stopRequested.set(true));
                }
            }
            FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path"));
            EarlySocket early = openEarlySocket(runRoot, factory);
            Runnable cleanup = () -> {
                if (early != null) {
                    // Unless the shell took it (it removes it as it stops), the socket goes with the launcher.
                    try {
                        early.close();
                    } catch (IOException e) {
                        System.getLogger(Main.class.getName()).log(System.Logger.Level.WARNING,
                                "cannot close the control socket " + early.path() + ": " + e.getMessage());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                if (pid != null) {
                    try {
                        Files.deleteIfExists(pid);
                    } catch (IOException e) {
                        System.getLogger(Main.class.getName()).log(System.Logger.Level.WARNING,
                                "cannot remove the pid file " + pid + ": " + e.getMessage());
                    }
                }
            };
            try {
                return runFramework(factory, home, conf, root, runRoot, options.daemon(), cleanup, early, stopRequested);
            } finally {
                cleanup.run();
            }
        }
    }

    private static int runFramework(FrameworkFactory factory, Path home, Path conf, Path root, Path runRoot,
                                    boolean daemon, Runnable cleanup, EarlySocket early, AtomicBoolean stopRequested)
            throws IOException, BundleException, InterruptedException {
        Map<String, String> computed = new HashMap<>();
        computed.put(HOME_PROPERTY, home.toString());
        computed.put("berth.conf", conf.toString());
        computed.put("berth.root", root.toString());
        computed.put("berth.runRoot", runRoot.toString());
        computed.put("gosh.args", daemon ? "--nointeractive" : "");
        Map<String, String> properties = Configuration.interpolate(
                Configuration.properties(conf.resolve("config.properties")),
                name -> computed.containsKey(name) ? computed.get(name) : System.getProperty(name));
        properties.putAll(computed);
        // The framework's cache lives as long as the run root (a tmpfs, emptied when the host starts): a later start
        // finds the bundles installed there, and installs, updates or removes only what changed (BundleCache).
        properties.putIfAbsent(Constants.FRAMEWORK_STORAGE, runRoot.resolve("felix-cache").toString());

        List<Configuration.StartupBundle> bundles =
                Configuration.startupBundles(conf.resolve("startup.properties"), home);
        Framework framework = factory.newFramework(properties);
        // Threads the framework starts inherit this thread's context class loader. Libraries such
        // as JLine look up their plug-ins through it when it is set, and the launcher's class path
        // has none of them; unset, they use their own bundle's class loader, as they should.
        Thread.currentThread().setContextClassLoader(null);
        framework.init();
        if (Boolean.getBoolean(StartTimes.PROPERTY)) {
            StartTimes.log(framework.getBundleContext());
        }
        if (early != null) {
            // The shell takes the control socket over from here (a service only JDK types describe).
            Hashtable<String, Object> props = new Hashtable<>();
            props.put(EarlySocket.PATH_PROPERTY, early.path().toString());
            ServiceRegistration<?> offered = framework.getBundleContext()
                    .registerService(java.util.function.Function.class.getName(), early, props);
            early.whenTaken(offered::unregister);
        }
        List<Bundle> installed = BundleCache.sync(framework, bundles, Path.of(properties.get(Constants.FRAMEWORK_STORAGE)));
        Set<String> onDemand = daemon ? Configuration.names(properties.get(START_ON_DEMAND_PROPERTY)) : Set.of();
        for (Bundle bundle : installed) {
            if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) != null) {
                continue;
            }
            if (onDemand.contains(bundle.getSymbolicName())) {
                // Left for the shell to start when a command needs it; not started either if the cache says a console
                // run had it started.
                bundle.stop();
            } else {
                bundle.start();
            }
        }
        // On SIGTERM the JVM halts as soon as its hooks are done, whatever the main thread does, so
        // the hook cleans up itself. The locks go with the process.
        if (daemon) {
            // SIGTERM and SIGINT are the normal way to stop a daemon: stop the framework and exit 0
            // (the JVM's own handling would exit 143).
            for (String name : List.of("TERM", "INT")) {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> {
                    stopRequested.set(true);
                    new Thread(() -> {
                        try {
                            framework.stop();
                        } catch (BundleException e) {
                            System.getLogger(Main.class.getName()).log(System.Logger.Level.ERROR, "stopping the framework failed", e);
                        }
                    }, "berth-stop").start();
                });
            }
            if (stopRequested.get()) {
                // Asked to stop while the framework was being set up: it stops before it starts.
                stop(framework);
                return 0;
            }
        }
        Thread stopper = new Thread(() -> {
            stop(framework);
            cleanup.run();
        }, "berth-shutdown");
        Runtime.getRuntime().addShutdownHook(stopper);
        if (!daemon) {
            System.out.println("Berth " + version(installed) + " (root " + root + ", run root " + runRoot
                    + "). Type 'help' for commands, 'exit' to stop the daemon.");
        }
        framework.start();

        FrameworkEvent event = framework.waitForStop(0);
        try {
            Runtime.getRuntime().removeShutdownHook(stopper);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook is running and stops the framework itself.
        }
        return event.getType() == FrameworkEvent.ERROR ? 1 : 0;
    }

    /**
     * The control socket served from now on (version answered, other commands held for the shell), or {@code null},
     * logged, if it cannot be bound here (the shell then tries itself).
     */
    private static EarlySocket openEarlySocket(Path runRoot, FrameworkFactory factory) {
        try {
            return EarlySocket.open(runRoot, versionText(factory));
        } catch (IOException | RuntimeException e) {
            System.getLogger(Main.class.getName()).log(System.Logger.Level.WARNING,
                    "control socket: not served before the framework starts: " + e.getMessage());
            return null;
        }
    }

    /**
     * What {@code berth version} prints, from what the launcher knows before the framework starts (the shell's
     * {@code version} prints the same from the running framework); {@code null} when Berth's or the framework's
     * version is unknown here (the launcher not run from its jar).
     */
    static String versionText(FrameworkFactory factory) {
        String berth = Main.class.getPackage().getImplementationVersion();
        String framework = frameworkName(factory);
        if (berth == null || framework == null) {
            return null;
        }
        return "Server: Berth Engine\n"
                + " Engine:\n"
                + "  Version:          " + berth + "\n"
                + "  Java version:     " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")\n"
                + "  OSGi framework:   " + framework + "\n"
                + "  OS/Arch:          " + System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT) + "/"
                + architecture(System.getProperty("os.arch")) + "\n"
                + "  Kernel version:   " + System.getProperty("os.version") + "\n";
    }

    /** The framework's symbolic name and version from its jar's manifest, as its system bundle reports them. */
    private static String frameworkName(FrameworkFactory factory) {
        try {
            java.security.CodeSource source = factory.getClass().getProtectionDomain().getCodeSource();
            if (source == null) {
                return null;
            }
            try (java.util.jar.JarFile jar = new java.util.jar.JarFile(Path.of(source.getLocation().toURI()).toFile())) {
                java.util.jar.Manifest manifest = jar.getManifest();
                if (manifest == null) {
                    return null;
                }
                String name = manifest.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME);
                String version = manifest.getMainAttributes().getValue(Constants.BUNDLE_VERSION);
                if (name == null || version == null) {
                    return null;
                }
                return name.split(";")[0].strip() + " " + org.osgi.framework.Version.parseVersion(version);
            }
        } catch (IOException | java.net.URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /** docker's name of a JVM's {@code os.arch} (as Berth's {@code Platform.host()}). */
    static String architecture(String osArch) {
        return switch (osArch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "x86", "i386", "i686" -> "386";
            default -> osArch;
        };
    }

    private static void stop(Framework framework) {
        try {
            framework.stop();
            framework.waitForStop(STOP_TIMEOUT_MS);
        } catch (BundleException | InterruptedException e) {
            System.getLogger(Main.class.getName()).log(System.Logger.Level.ERROR, "stopping the framework failed", e);
        }
    }

    private static String version(List<Bundle> bundles) {
        for (Bundle b : bundles) {
            String v = b.getHeaders().get("Berth-Version");
            if (v != null) {
                return v;
            }
        }
        return "";
    }

    private static void createPrivateDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        }
    }

    private static void writePidFile(Path pidFile) throws IOException {
        Files.createDirectories(pidFile.getParent());
        Path tmp = pidFile.resolveSibling(pidFile.getFileName() + ".tmp");
        Files.writeString(tmp, ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII);
        Files.move(tmp, pidFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
