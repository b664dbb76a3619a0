package io.berth.driver.oci.internal;

import io.berth.shim.ShimRuntimeDriver;
import io.berth.shim.ShimRuntimeDriverTests;
import io.berth.testing.Requirements;

import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

/**
 * crun under berth-shim against the runtime conformance suite and the shim drivers' tests (on a
 * hybrid cgroup host such as this one, in the private mount namespace that hides the unified
 * hierarchy's controllers).
 */
class CrunRuntimeDriverTest extends ShimRuntimeDriverTests {
    @Override
    protected ShimRuntimeDriver newDriver(Path stateRoot, Path shim) throws IOException {
        Path crun = Requirements.requireTool("crun", "crun");
        return new OciRuntimeDriver("crun", crun, stateRoot, shim, true);
    }

    /** Not yet: the OCI driver writes no user namespace into config.json. */
    @Override
    protected Set<Feature> features() {
        Set<Feature> features = EnumSet.copyOf(super.features());
        features.remove(Feature.USER_NAMESPACE);
        return features;
    }
}
