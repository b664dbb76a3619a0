package io.berth.itests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The distribution under test, as the build left it (system property {@code berth.distribution}). */
final class DistributionBundles {
    /** A bundle of {@code conf/startup.properties}. */
    record Entry(Path file, int startLevel) {
    }

    private DistributionBundles() {
    }

    static Path home() {
        String dir = System.getProperty("berth.distribution");
        if (dir == null) {
            throw new IllegalStateException("system property berth.distribution is not set; run the itests through Maven");
        }
        return Path.of(dir).toAbsolutePath().normalize();
    }

    /** Exactly the bundles the distribution starts, in order. */
    static List<Entry> entries() {
        Path home = home();
        List<Entry> result = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(home.resolve("conf/startup.properties"))) {
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                int eq = t.indexOf('=');
                result.add(new Entry(home.resolve(t.substring(0, eq).strip()), Integer.parseInt(t.substring(eq + 1).strip())));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return result;
    }
}
