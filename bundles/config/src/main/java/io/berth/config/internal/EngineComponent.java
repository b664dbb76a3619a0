package io.berth.config.internal;

import io.berth.api.engine.Engine;
import io.berth.api.engine.EngineSettings;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The engine's identity and settings. The roots come from the framework properties
 * {@code berth.root} and {@code berth.runRoot}, which the launcher sets to the directories it has
 * locked; the rest follows the configuration live.
 */
@Component(service = Engine.class, configurationPid = Engine.PID)
@Designate(ocd = EngineConfiguration.class)
public class EngineComponent implements Engine {
    /** Framework property: the engine root the launcher locked. */
    public static final String ROOT_PROPERTY = "berth.root";
    /** Framework property: the run root the launcher locked. */
    public static final String RUN_ROOT_PROPERTY = "berth.runRoot";

    private static final System.Logger LOG = System.getLogger(EngineComponent.class.getName());

    private final String version;
    private final String lockedRoot;
    private final String lockedRunRoot;
    private volatile EngineSettings settings;
    private EngineConfiguration previous;

    @Activate
    public EngineComponent(BundleContext context, EngineConfiguration config) {
        String header = context.getBundle().getHeaders().get("Berth-Version");
        this.version = header != null ? header : context.getBundle().getVersion().toString();
        this.lockedRoot = context.getProperty(ROOT_PROPERTY);
        this.lockedRunRoot = context.getProperty(RUN_ROOT_PROPERTY);
        modified(config);
    }

    @Modified
    synchronized void modified(EngineConfiguration config) {
        Path root = Path.of(lockedRoot != null ? lockedRoot : config.root());
        Path runRoot = Path.of(lockedRunRoot != null ? lockedRunRoot : config.runRoot());
        if (previous != null && !previous.root().equals(config.root())) {
            LOG.log(System.Logger.Level.WARNING, "root is " + root + " for this daemon; the configured "
                    + config.root() + " takes effect at the next start");
        }
        if (previous != null && !previous.runRoot().equals(config.runRoot())) {
            LOG.log(System.Logger.Level.WARNING, "run root is " + runRoot + " for this daemon; the configured "
                    + config.runRoot() + " takes effect at the next start");
        }
        previous = config;
        List<String> insecure = Arrays.stream(config.insecureRegistries()).map(String::trim)
                .filter(s -> !s.isEmpty()).toList();
        settings = new EngineSettings(root, runRoot, emptyToNull(config.defaultRuntime()),
                emptyToNull(config.defaultStorage()), insecure, config.maxConcurrentDownloads(),
                config.maxConcurrentUploads(), emptyToNull(config.registryConfig()) == null ? null
                : Path.of(config.registryConfig().trim()), emptyToNull(config.usernsRemap()),
                emptyToNull(config.initPath()) == null ? null : Path.of(config.initPath().trim()));
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public EngineSettings settings() {
        return settings;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
