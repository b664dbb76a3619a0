package org.example.berth.chroot;

import io.berth.api.runtime.RuntimeDriver;
import io.berth.testkit.RuntimeDriverConformance;

import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

/**
 * The chroot runtime against Berth's runtime conformance suite. It has no namespaces, no cgroups,
 * no attach, exec or pause, and a command that cannot run shows as the container's exit (127),
 * not as a failed start: it declares none of the suite's features, which the suite then skips.
 */
class ChrootRuntimeDriverTest extends RuntimeDriverConformance {
    @Override
    protected RuntimeDriver newDriver(Path home) throws IOException {
        return new ChrootRuntimeDriver(home);
    }

    @Override
    protected Set<Feature> features() {
        return EnumSet.noneOf(Feature.class);
    }
}
