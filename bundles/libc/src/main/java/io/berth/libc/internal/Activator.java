package io.berth.libc.internal;

import io.berth.posix.Native;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/**
 * Binds libc when the bundle starts, on the framework's thread: jnr-ffi's first initialisation
 * is too deep for the small stacks of the threads that watch containers, which may be the first
 * to call it otherwise.
 */
public final class Activator implements BundleActivator {
    @Override
    public void start(BundleContext context) {
        Native.load();
    }

    @Override
    public void stop(BundleContext context) {
        // Nothing to release: libc stays mapped with the class loader.
    }
}
