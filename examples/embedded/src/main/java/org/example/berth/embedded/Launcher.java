package org.example.berth.embedded;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;

/**
 * Starts an OSGi framework, whichever implementation is on the class path (found through
 * {@link FrameworkFactory}, as the OSGi specification has launchers find one), installs and starts
 * the bundles of a directory (Berth's, and what they need) and the application's own bundle, and
 * waits until the application stops the framework.
 *
 * <pre>java -cp APP.jar:FRAMEWORK.jar org.example.berth.embedded.Launcher BUNDLE_DIR IMAGE.tar WORK_DIR</pre>
 *
 * The engine keeps its state under {@code WORK_DIR} ({@code berth.root} and {@code berth.runRoot}
 * are framework properties); the exit status is 0 when the application says it did its work.
 */
public final class Launcher {
    private Launcher() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: Launcher BUNDLE_DIR IMAGE_ARCHIVE WORK_DIR");
            System.exit(2);
        }
        Path bundles = Path.of(args[0]);
        Path work = Files.createDirectories(Path.of(args[2]));
        Map<String, String> properties = new HashMap<>();
        properties.put(Constants.FRAMEWORK_STORAGE, work.resolve("framework").toString());
        properties.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        properties.put("berth.root", work.resolve("root").toString());
        properties.put("berth.runRoot", work.resolve("run").toString());
        properties.put("example.image", Path.of(args[1]).toAbsolutePath().toString());

        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path"));
        Framework framework = factory.newFramework(properties);
        framework.start();
        BundleContext context = framework.getBundleContext();
        System.out.println("framework: " + framework.getSymbolicName() + " " + framework.getVersion());
        List<Bundle> installed = new ArrayList<>();
        for (Path jar : jars(bundles)) {
            installed.add(context.installBundle(jar.toUri().toString()));
        }
        // The application's own bundle: this jar.
        Path self = Path.of(Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        installed.add(context.installBundle(self.toUri().toString()));
        for (Bundle b : installed) {
            if (b.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                start(b);
            }
        }
        FrameworkEvent end = framework.waitForStop(300_000);
        String result = System.getProperty("example.result", "no result");
        if (end.getType() == FrameworkEvent.WAIT_TIMEDOUT) {
            framework.stop();
            framework.waitForStop(60_000);
            result = "timed out";
        }
        System.out.println("result: " + result);
        System.exit(result.equals("ok") ? 0 : 1);
    }

    private static List<Path> jars(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".jar")).sorted().toList();
        }
    }

    private static void start(Bundle b) throws BundleException {
        try {
            b.start();
        } catch (BundleException e) {
            throw new BundleException("cannot start " + b.getSymbolicName() + ": " + e.getMessage(), e);
        }
    }
}
