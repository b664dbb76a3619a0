package io.berth.shell.internal.framework;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The bundles a daemon installs without starting them, for the first command that needs one to start: the framework
 * property {@value #PROPERTY} (comma-separated symbolic names, set by Berth's launcher from
 * {@code conf/config.properties} for {@code berth daemon}). In Berth's distribution, Gogo's JLine shell, which makes a
 * terminal and a shell of its own as it starts: {@code berth shell} and Gogo's own commands need it. A
 * bundle started here stays started while the framework runs, and is left stopped again by the next start.
 */
public final class OnDemandBundles {
    /** The framework property naming the bundles (the launcher's {@code Main.START_ON_DEMAND_PROPERTY}). */
    public static final String PROPERTY = "berth.daemon.startOnDemand";

    private static final System.Logger LOG = System.getLogger(OnDemandBundles.class.getName());

    private final BundleContext context;
    private final Set<String> names = new LinkedHashSet<>();

    public OnDemandBundles(BundleContext context) {
        this.context = context;
        String list = context.getProperty(PROPERTY);
        if (list != null) {
            for (String name : list.split(",")) {
                if (!name.isBlank()) {
                    names.add(name.strip());
                }
            }
        }
    }

    /** Starts those of the bundles that are installed and not active yet (another thread may be starting them too). */
    public void start() {
        for (Bundle bundle : context.getBundles()) {
            if (waiting(bundle)) {
                start(bundle);
            }
        }
    }

    /**
     * Starts a bundle for as long as the framework runs (transiently: the next start of the daemon leaves it
     * stopped again); a failure is logged, and the command that needed it fails as it would without it.
     */
    public static void start(Bundle bundle) {
        try {
            bundle.start(Bundle.START_TRANSIENT);
            LOG.log(System.Logger.Level.INFO, "started " + bundle.getSymbolicName() + " for a command that needs it");
        } catch (BundleException | IllegalStateException e) {
            LOG.log(System.Logger.Level.WARNING, "could not start " + bundle.getSymbolicName() + ": " + e.getMessage());
        }
    }

    private boolean waiting(Bundle bundle) {
        return names.contains(bundle.getSymbolicName()) && bundle.getState() != Bundle.ACTIVE
                && bundle.getHeaders().get(Constants.FRAGMENT_HOST) == null;
    }
}
