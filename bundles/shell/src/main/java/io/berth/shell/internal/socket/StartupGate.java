package io.berth.shell.internal.socket;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Whether the daemon has finished starting. The control socket serves as soon as the shell's
 * bundle starts, before the bundles of later start levels (storage, runtimes, the containers'
 * reconciliation); a command other than {@code version} waits here until the framework has
 * reached its start level, so that it finds every service as a started daemon has them.
 */
final class StartupGate implements FrameworkListener {
    /** How long a command waits for the start to end before it runs anyway. */
    static final Duration LIMIT = Duration.ofMinutes(2);

    private final BundleContext context;
    private final CountDownLatch started = new CountDownLatch(1);

    StartupGate(BundleContext context) {
        this.context = context;
        context.addFrameworkListener(this);
        // Embedded in a framework that has long started (Karaf), or started meanwhile.
        if (context.getBundle(0).getState() == Bundle.ACTIVE) {
            started.countDown();
        }
    }

    @Override
    public void frameworkEvent(FrameworkEvent event) {
        if (event.getType() == FrameworkEvent.STARTED) {
            started.countDown();
        }
    }

    /** Waits until the framework has started, or {@link #LIMIT}; returns whether it has. */
    boolean await() throws InterruptedException {
        return started.await(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    void close() {
        try {
            context.removeFrameworkListener(this);
        } catch (IllegalStateException e) {
            // The bundle is stopping: its listeners go with it.
        }
    }
}
