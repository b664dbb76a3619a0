package io.berth.maven;

import org.apache.felix.framework.FrameworkFactory;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.wiring.FrameworkWiring;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Checks a features file: valid against Karaf's schema, every bundle a real OSGi bundle, and the
 * whole set resolving together in a Felix framework (every import and requirement met). A failure
 * names the bundle and the unmet requirement.
 */
@Mojo(name = "verify-features", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public class VerifyFeaturesMojo extends FeaturesMojo {
    /** Where the throw-away framework keeps its cache. */
    @Parameter(defaultValue = "${project.build.directory}/verify-features", readonly = true)
    private File workDirectory;

    @Override
    public void execute() throws MojoExecutionException {
        List<ResolvedBundle> bundles = resolveBundles();
        for (ResolvedBundle b : bundles) {
            try (JarFile jar = new JarFile(b.file().toFile())) {
                Manifest m = jar.getManifest();
                if (m == null || m.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME) == null) {
                    throw new MojoExecutionException(b.ref().uri() + " is not an OSGi bundle (no Bundle-SymbolicName)");
                }
            } catch (IOException e) {
                throw new MojoExecutionException("cannot read " + b.file() + ": " + e.getMessage(), e);
            }
        }
        resolveInFelix(bundles);
        getLog().info("features " + features + ": " + bundles.size() + " bundles, valid and resolving in Felix");
    }

    private void resolveInFelix(List<ResolvedBundle> bundles) throws MojoExecutionException {
        Map<String, String> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, workDirectory.getAbsolutePath());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        Framework framework = new FrameworkFactory().newFramework(config);
        try {
            Files.createDirectories(workDirectory.toPath());
            framework.init();
            List<Bundle> installed = new ArrayList<>();
            for (ResolvedBundle b : bundles) {
                installed.add(framework.getBundleContext().installBundle(b.file().toUri().toString()));
            }
            framework.adapt(FrameworkWiring.class).resolveBundles(installed);
            List<String> failures = new ArrayList<>();
            for (Bundle bundle : installed) {
                if (bundle.getState() == Bundle.INSTALLED) {
                    failures.add(bundle.getSymbolicName() + ": " + unresolvedReason(bundle));
                }
            }
            if (!failures.isEmpty()) {
                throw new MojoExecutionException("features " + features + " do not resolve in Felix:\n  "
                        + String.join("\n  ", failures));
            }
        } catch (BundleException | IOException e) {
            throw new MojoExecutionException("cannot check the features in Felix: " + e.getMessage(), e);
        } finally {
            try {
                framework.stop();
                framework.waitForStop(10_000);
            } catch (BundleException | InterruptedException e) {
                getLog().warn("stopping the verification framework: " + e.getMessage());
            }
        }
    }

    private static String unresolvedReason(Bundle bundle) {
        try {
            // Starting an unresolved bundle makes the framework explain what is missing.
            if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) != null) {
                return "fragment without a resolvable host";
            }
            bundle.start(Bundle.START_TRANSIENT);
            return "unresolved";
        } catch (BundleException e) {
            return e.getMessage();
        }
    }
}
