package io.berth.libc.internal;

import io.berth.posix.Native;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/**
 * Binds libc when the bundle starts, on a thread of its own (see {@link
 * Native#loadInBackground}), so that the framework goes on starting the other bundles meanwhile:
 * jnr-ffi's first initialisation generates its stubs with ASM, which no class-data archive keeps
 * (70-90 ms here). It is also too deep for the small stacks of the threads that watch
 * containers, which may be the first to call it otherwise; those wait for it.
 */
public final class Activator implements BundleActivator {
    @Override
    public void start(BundleContext context) {
        Native.loadInBackground();
    }

    @Override
    public void stop(BundleContext context) {
        // Nothing to release: libc stays mapped with the class loader.
    }
}
