package io.berth.launcher;

import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.SynchronousBundleListener;

/**
 * With {@code -Dberth.startTimes=true}: logs when each bundle starts and has started, and when the framework has, in
 * milliseconds from the launcher's {@code main}, to see where a daemon's start goes. At the info level: the debug level would
 * log much else and slow the start it measures.
 */
final class StartTimes {
    static final String PROPERTY = "berth.startTimes";

    private static final System.Logger LOG = System.getLogger(StartTimes.class.getName());

    private StartTimes() {
    }

    static void log(BundleContext context) {
        LOG.log(System.Logger.Level.INFO, "start: framework initialised at " + since() + " ms");
        context.addBundleListener((SynchronousBundleListener) event -> {
            String what = switch (event.getType()) {
                case BundleEvent.STARTING -> "starting";
                case BundleEvent.STARTED -> "started";
                default -> null;
            };
            if (what != null) {
                LOG.log(System.Logger.Level.INFO, "start: " + event.getBundle().getSymbolicName() + " " + what
                        + " at " + since() + " ms");
            }
        });
        context.addFrameworkListener(event -> {
            if (event.getType() == FrameworkEvent.STARTED) {
                LOG.log(System.Logger.Level.INFO, "start: framework started at " + since() + " ms");
            }
        });
    }

    private static long since() {
        return (System.nanoTime() - Main.STARTED_NANOS) / 1_000_000;
    }
}
