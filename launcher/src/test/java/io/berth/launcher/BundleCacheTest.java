package io.berth.launcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.startlevel.BundleStartLevel;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The framework's cache across starts, in a real Felix: what is kept, updated, installed and uninstalled. */
class BundleCacheTest {
    @TempDir
    Path dir;

    @Test
    void aLaterStartKeepsUnchangedBundlesAndAppliesOnlyWhatChanged() throws Exception {
        Path a = bundle("a", "1.0.0");
        Path b = bundle("b", "1.0.0");
        Path c = bundle("c", "1.0.0");
        Map<String, Installed> first = start(List.of(new Configuration.StartupBundle(a, 20),
                new Configuration.StartupBundle(b, 30), new Configuration.StartupBundle(c, 30)));
        assertThat(first).containsOnlyKeys("a", "b", "c");

        // b rebuilt (its time set back, as a copy that keeps an older build's time would), c gone, d new, a's level changed.
        FileTime before = Files.getLastModifiedTime(b);
        bundle("b", "2.0.0");
        Files.setLastModifiedTime(b, FileTime.fromMillis(before.toMillis() - 60_000));
        Files.delete(c);
        Path d = bundle("d", "1.0.0");
        Map<String, Installed> second = start(List.of(new Configuration.StartupBundle(a, 25),
                new Configuration.StartupBundle(b, 30), new Configuration.StartupBundle(d, 30)));

        assertThat(second).containsOnlyKeys("a", "b", "d");
        assertThat(second.get("a").id()).isEqualTo(first.get("a").id());
        assertThat(second.get("a").startLevel()).isEqualTo(25);
        assertThat(second.get("b").id()).isEqualTo(first.get("b").id());
        assertThat(second.get("b").version()).isEqualTo("2.0.0");
        assertThat(second.get("d").id()).isGreaterThan(first.get("c").id());
        java.util.Properties record = new java.util.Properties();
        try (var in = Files.newInputStream(dir.resolve("cache").resolve(BundleCache.RECORD))) {
            record.load(in);
        }
        assertThat(record).containsOnlyKeys(a.toUri().toString(), b.toUri().toString(), d.toUri().toString())
                .containsEntry(b.toUri().toString(), BundleCache.stamp(b));
    }

    @Test
    void theSameBundlesFromAnotherPlaceReplaceTheCachedOnes() throws Exception {
        Path a = bundle("a", "1.0.0");
        Path b = bundle("b", "1.0.0");
        Map<String, Installed> first = start(List.of(new Configuration.StartupBundle(a, 20),
                new Configuration.StartupBundle(b, 30)));

        // The distribution unpacked again elsewhere, the run root (and so the cache) kept: the same symbolic
        // names and versions at other locations, which Felix refuses beside the cached ones.
        Path moved = Files.createDirectories(dir.resolve("moved"));
        Path a2 = Files.copy(a, moved.resolve("a.jar"));
        Path b2 = Files.copy(b, moved.resolve("b.jar"));
        Map<String, Installed> second = start(List.of(new Configuration.StartupBundle(a2, 20),
                new Configuration.StartupBundle(b2, 30)));

        assertThat(second).containsOnlyKeys("a", "b");
        assertThat(second.get("a").id()).isGreaterThan(first.get("b").id());
        assertThat(second.get("b").startLevel()).isEqualTo(30);
    }

    /** What the test reads of a bundle while its framework runs. */
    private record Installed(long id, String version, int startLevel) {
    }

    /** Starts a framework on the test's cache with {@code bundles}, returns them by symbolic name, stops it. */
    private Map<String, Installed> start(List<Configuration.StartupBundle> bundles) throws Exception {
        Path storage = dir.resolve("cache");
        Framework framework = new org.apache.felix.framework.FrameworkFactory().newFramework(Map.of(
                Constants.FRAMEWORK_STORAGE, storage.toString(), "felix.log.level", "0"));
        framework.init();
        try {
            List<Bundle> synced = BundleCache.sync(framework, bundles, storage);
            assertThat(synced).extracting(Bundle::getLocation)
                    .containsExactlyElementsOf(bundles.stream().map(s -> s.path().toUri().toString()).toList());
            return java.util.Arrays.stream(framework.getBundleContext().getBundles())
                    .filter(x -> x.getBundleId() != 0)
                    .collect(Collectors.toMap(Bundle::getSymbolicName, x -> new Installed(x.getBundleId(),
                            x.getVersion().toString(), x.adapt(BundleStartLevel.class).getStartLevel())));
        } finally {
            framework.stop();
            framework.waitForStop(30_000);
        }
    }

    private Path bundle(String name, String version) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().putValue(Constants.BUNDLE_MANIFESTVERSION, "2");
        m.getMainAttributes().putValue(Constants.BUNDLE_SYMBOLICNAME, name);
        m.getMainAttributes().putValue(Constants.BUNDLE_VERSION, version);
        Path jar = dir.resolve(name + ".jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, m)) {
            j.flush();
        }
        return jar;
    }
}
