package io.berth.libc.internal;

import io.berth.posix.Native;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/**
 * Starts binding libc when the bundle starts (see {@link Native#loadInBackground}), so that the
 * framework goes on starting the other bundles meanwhile: jnr-ffi's first initialisation
 * generates its stubs with ASM, which no class-data archive keeps (70-90 ms here).
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
