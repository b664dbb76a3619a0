package io.berth.driver.linux.internal;

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
import java.util.Hashtable;

/**
 * Publishes the native runtime when it can work here (root, writable cgroups, the shim runnable),
 * else says why. The shim binary ships in this bundle and is copied to the run root under a name
 * that changes with its content, so shims already running keep their binary when the bundle is
 * updated.
 */
// Registered by hand, not by DS: said in the manifest, for resolvers that check services (Karaf).
@org.osgi.annotation.bundle.Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=io.berth.api.runtime.RuntimeDriver")
@Component(immediate = true, service = {}, configurationPid = NativeRuntimeDriverComponent.PID)
@Designate(ocd = NativeRuntimeDriverComponent.Config.class)
public class NativeRuntimeDriverComponent {
    static final String PID = "berth.runtime.native";
    static final String NAME = "native";

    @ObjectClassDefinition(name = "Berth native runtime")
    @interface Config {
        @AttributeDefinition(description = "Service ranking: the highest ranked runtime is the default when none is configured")
        int service_ranking() default 20;
    }

    private static final System.Logger LOG = System.getLogger(NativeRuntimeDriverComponent.class.getName());

    private final ServiceRegistration<?> registration;
    private final NativeRuntimeDriver driver;

    @Activate
    public NativeRuntimeDriverComponent(@Reference Engine engine, BundleContext context, Config config) {
        Path runRoot = engine.settings().runRoot();
        ServiceRegistration<?> reg;
        NativeRuntimeDriver made = null;
        try {
            if (!"0".equals(uid())) {
                throw new IOException("it needs root (namespaces, cgroups, mounts)");
            }
            Path shim = installShim(runRoot.resolve("bin"));
            made = new NativeRuntimeDriver(runRoot.resolve("native"), shim);
            made.resumeRemovals();
            Subreaper.start();
            Hashtable<String, Object> properties = new Hashtable<>();
            properties.put(BerthRuntime.NAME, NAME);
            properties.put(Constants.SERVICE_RANKING, config.service_ranking());
            reg = context.registerService(RuntimeDriver.class, made, properties);
        } catch (IOException | RuntimeException | LinkageError e) {
            LOG.log(System.Logger.Level.WARNING, "runtime driver native is unavailable: " + e.getMessage());
            reg = context.registerService(UnavailableDriver.class,
                    new UnavailableDriver(DriverType.RUNTIME, NAME, String.valueOf(e.getMessage())), null);
        }
        registration = reg;
        driver = made;
    }

    @Deactivate
    void deactivate() {
        registration.unregister();
        if (driver != null) {
            driver.close();
        }
    }

    /** Copies the shim out of the bundle, once per version of it. */
    public static Path installShim(Path dir) throws IOException {
        return ShimRuntimeDriver.installShim(dir);
    }

    private static String uid() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Uid:")) {
                return line.split("\\s+")[2];
            }
        }
        return "";
    }
}
