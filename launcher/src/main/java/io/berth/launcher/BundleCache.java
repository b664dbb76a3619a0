package io.berth.launcher;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.wiring.FrameworkWiring;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Brings the framework's bundle cache to the distribution's startup bundles, so that a start after
 * the first reuses what the cache holds instead of installing every bundle again: a bundle whose
 * file is the one installed stays as it is, a changed file is updated, a new one installed, and a
 * cached bundle that is no longer a startup bundle is uninstalled first (FileInstall installs the
 * {@code deploy/} bundles again, as on a first start). Which file was installed is recorded beside
 * the cache ({@value #RECORD}: each location's size, modification time and inode), since a file
 * replaced by an older build keeps no newer time than the cached bundle.
 */
final class BundleCache {
    /** The record of the installed files, in the framework's storage directory. */
    static final String RECORD = "berth-bundles.properties";

    private BundleCache() {
    }

    /**
     * Syncs the cache of an initialised framework with {@code wanted}; returns the bundles in
     * {@code wanted}'s order, each at its start level.
     */
    static List<Bundle> sync(Framework framework, List<Configuration.StartupBundle> wanted, Path storage)
            throws IOException, BundleException, InterruptedException {
        BundleContext context = framework.getBundleContext();
        Properties record = read(storage.resolve(RECORD));
        Map<String, Bundle> cached = new HashMap<>();
        for (Bundle b : context.getBundles()) {
            if (b.getBundleId() != 0) {
                cached.put(b.getLocation(), b);
            }
        }
        Map<String, Configuration.StartupBundle> byLocation = new LinkedHashMap<>();
        for (Configuration.StartupBundle s : wanted) {
            byLocation.put(s.path().toUri().toString(), s);
        }
        // What is no longer wanted goes first: the same bundle from another place (the distribution moved or
        // unpacked again elsewhere, the run root kept) could not be installed beside it.
        boolean changed = false;
        for (Bundle b : cached.values()) {
            if (!byLocation.containsKey(b.getLocation())) {
                b.uninstall();
                changed = true;
            }
        }
        Properties installed = new Properties();
        List<Bundle> result = new ArrayList<>();
        for (Map.Entry<String, Configuration.StartupBundle> e : byLocation.entrySet()) {
            String location = e.getKey();
            String stamp = stamp(e.getValue().path());
            Bundle bundle = cached.get(location);
            if (bundle == null) {
                bundle = context.installBundle(location);
            } else if (!stamp.equals(record.getProperty(location))) {
                bundle.update();
                changed = true;
            }
            bundle.adapt(BundleStartLevel.class).setStartLevel(e.getValue().startLevel());
            installed.setProperty(location, stamp);
            result.add(bundle);
        }
        if (changed) {
            refresh(framework);
        }
        write(storage.resolve(RECORD), installed);
        return result;
    }

    /** What identifies a bundle file's content cheaply: its size, modification time and inode. */
    static String stamp(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        return a.size() + ":" + a.lastModifiedTime().toMillis() + ":" + a.fileKey();
    }

    /** Drops the old revisions of updated and uninstalled bundles before anything starts. */
    private static void refresh(Framework framework) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        framework.adapt(FrameworkWiring.class).refreshBundles(null, event -> {
            if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED || event.getType() == FrameworkEvent.ERROR) {
                done.countDown();
            }
        });
        done.await(30, TimeUnit.SECONDS);
    }

    private static Properties read(Path file) throws IOException {
        Properties p = new Properties();
        if (Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            }
        }
        return p;
    }

    private static void write(Path file, Properties p) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            p.store(out, "Written by the launcher: the startup bundles' files as installed in this cache");
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
