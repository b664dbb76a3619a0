package io.berth.itests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.shim.Subreaper;
import io.berth.testing.BusyboxImage;
import io.berth.testing.Requirements;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A daemon of the distribution with busybox loaded, for tests that run containers through
 * bin/berth; afterwards every container is removed and no mount of the test's roots is left.
 */
abstract class DaemonWithBusybox {
    static final ObjectMapper JSON = new ObjectMapper();
    Installation berth;
    Process daemon;

    @BeforeEach
    void setUp() throws Exception {
        Requirements.require(Requirements.isRoot(), "containers need root");
        Requirements.require(BusyboxImage.available(), "busybox is not installed (apt-get install busybox-static)");
        // Shims whose daemon is killed are adopted by this JVM, which reaps them when they end.
        Subreaper.start();
        berth = new Installation();
        Path archive = berth.root.resolveSibling("busybox.tar");
        BusyboxImage.build().writeDockerArchive(archive, "busybox:latest");
        daemon = startDaemon();
        ok("load", "-i", archive.toString());
    }

    /** Starts the test's daemon on {@link #berth}: as a service manager would, unless a test says otherwise. */
    Process startDaemon() throws Exception {
        return berth.startDaemon();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (berth == null) {
            return;
        }
        try {
            if (!daemon.isAlive()) {
                daemon = startDaemon();
            }
            String all = ok("ps", "-aq").out().strip();
            if (!all.isEmpty()) {
                List<String> args = new java.util.ArrayList<>(List.of("rm", "-f"));
                args.addAll(List.of(all.split("\n")));
                ok(args.toArray(String[]::new));
            }
            assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(berth.root.toString())
                    .doesNotContain(berth.runRoot.toString() + "/containers")
                    .doesNotContain(berth.runRoot.toString() + "/netns/");
        } finally {
            berth.close();
        }
    }

    Installation.Result ok(String... args) throws Exception {
        Installation.Result r = berth.berth(args);
        assertThat(r.status()).as("berth " + String.join(" ", args) + ": " + r.out() + r.err()).isZero();
        return r;
    }

    /** The runtimes to try: native, and runc and crun, which the host must have. */
    List<String> runtimes() throws Exception {
        List<String> runtimes = new java.util.ArrayList<>(List.of("native"));
        String drivers = ok("drivers").out();
        for (String oci : List.of("runc", "crun")) {
            Requirements.require(drivers.matches("(?s).*runtime\\s+" + oci + "\\s+available.*"),
                    oci + " is not installed (apt-get install " + oci + ")");
            runtimes.add(oci);
        }
        return runtimes;
    }

    /** The id of the daemon's bundle with this symbolic name, or {@code null}. */
    String bundleId(String symbolicName) throws Exception {
        for (String line : ok("felix:lb", "-s").out().lines().toList()) {
            if (line.contains(symbolicName)) {
                return line.split("\\|")[0].strip();
            }
        }
        return null;
    }

    JsonNode inspect(String name) throws Exception {
        return JSON.readTree(ok("inspect", "--type", "container", name).out()).get(0);
    }

}
