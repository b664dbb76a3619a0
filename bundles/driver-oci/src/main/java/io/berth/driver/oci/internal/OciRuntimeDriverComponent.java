package io.berth.driver.oci.internal;

import io.berth.api.driver.BerthRuntime;
import io.berth.api.driver.DriverType;
import io.berth.api.driver.UnavailableDriver;
import io.berth.api.engine.Engine;
import io.berth.api.runtime.RuntimeDriver;
import io.berth.shim.ShimRuntimeDriver;
import io.berth.shim.Subreaper;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Publishes one runtime driver per OCI runtime: those configured ({@code runtimes = name=path,
 * ...}, PID {@code berth.runtime.oci}), else {@code runc} and {@code crun} where PATH has them. A
 * runtime that cannot work here (not root, the binary missing or failing {@code --version}) is
 * published as unavailable with the reason, so {@code drivers} says why.
 */
// Registered by hand, not by DS: said in the manifest, for resolvers that check services (Karaf).
@org.osgi.annotation.bundle.Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=io.berth.api.runtime.RuntimeDriver")
@Component(immediate = true, service = {}, configurationPid = OciRuntimeDriverComponent.PID)
@Designate(ocd = OciRuntimeDriverComponent.Config.class)
public class OciRuntimeDriverComponent {
    static final String PID = "berth.runtime.oci";

    @ObjectClassDefinition(name = "Berth OCI runtimes")
    @interface Config {
        @AttributeDefinition(description = "OCI runtimes as name=path; empty: runc and crun from PATH")
        String[] runtimes() default {};

        @AttributeDefinition(description = "Service ranking of these runtimes (the native runtime has 20)")
        int service_ranking() default 10;
    }

    private static final System.Logger LOG = System.getLogger(OciRuntimeDriverComponent.class.getName());

    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private final List<OciRuntimeDriver> drivers = new ArrayList<>();

    @Activate
    public OciRuntimeDriverComponent(@Reference Engine engine, BundleContext context, Config config) {
        Path runRoot = engine.settings().runRoot();
        for (Map.Entry<String, Path> e : runtimes(config.runtimes()).entrySet()) {
            String name = e.getKey();
            try {
                if (!Files.isExecutable(e.getValue())) {
                    throw new IOException(e.getValue() + " is not an executable file");
                }
                String version = version(e.getValue());
                if (!isRoot()) {
                    throw new IOException("it needs root (namespaces, cgroups, mounts)");
                }
                Path shim = ShimRuntimeDriver.installShim(runRoot.resolve("bin"));
                OciRuntimeDriver driver = new OciRuntimeDriver(name, e.getValue(), runRoot.resolve("oci").resolve(name), shim,
                        version.toLowerCase(java.util.Locale.ROOT).contains("crun"));
                driver.resumeRemovals();
                drivers.add(driver);
                Subreaper.start();
                Hashtable<String, Object> properties = new Hashtable<>();
                properties.put(BerthRuntime.NAME, name);
                properties.put(Constants.SERVICE_RANKING, config.service_ranking());
                properties.put("berth.runtime.binary", e.getValue().toString());
                properties.put("berth.runtime.version", version.lines().findFirst().orElse(""));
                registrations.add(context.registerService(RuntimeDriver.class, driver, properties));
            } catch (IOException | RuntimeException | LinkageError ex) {
                LOG.log(System.Logger.Level.WARNING, "runtime driver " + name + " is unavailable: " + ex.getMessage());
                registrations.add(context.registerService(UnavailableDriver.class,
                        new UnavailableDriver(DriverType.RUNTIME, name, String.valueOf(ex.getMessage())), null));
            }
        }
    }

    @Deactivate
    void deactivate() {
        for (ServiceRegistration<?> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException e) {
                // Gone with the bundle already.
            }
        }
        for (OciRuntimeDriver d : drivers) {
            d.close();
        }
    }

    /** The configured runtimes, or runc and crun as PATH has them. */
    static Map<String, Path> runtimes(String[] configured) {
        Map<String, Path> out = new LinkedHashMap<>();
        for (String entry : configured) {
            String s = entry.strip();
            if (s.isEmpty()) {
                continue;
            }
            int eq = s.indexOf('=');
            if (eq <= 0 || eq == s.length() - 1) {
                LOG.log(System.Logger.Level.WARNING, "runtimes: '" + s + "' is not name=path");
                continue;
            }
            out.put(s.substring(0, eq).strip(), Path.of(s.substring(eq + 1).strip()));
        }
        if (!out.isEmpty()) {
            return out;
        }
        for (String name : List.of("runc", "crun")) {
            Path found = onPath(name);
            out.put(name, found != null ? found : Path.of("/usr/sbin", name));
        }
        return out;
    }

    private static Path onPath(String name) {
        String path = System.getenv("PATH");
        List<String> dirs = new ArrayList<>(List.of((path == null ? "" : path).split(":")));
        dirs.addAll(List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"));
        for (String dir : dirs) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return Path.of(dir, name);
            }
        }
        return null;
    }

    private static String version(Path binary) throws IOException {
        Process p = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException(binary + " --version failed: " + out.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking " + binary + " its version");
        }
        return out;
    }

    private static boolean isRoot() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Uid:")) {
                return line.split("\\s+")[2].equals("0");
            }
        }
        return false;
    }
}
