package io.berth.driver.oci.internal;

import io.berth.shim.ShimRuntimeDriver;
import io.berth.shim.ShimRuntimeDriverTests;
import io.berth.testing.Requirements;

import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

/** runc under berth-shim against the runtime conformance suite and the shim drivers' tests. */
class RuncRuntimeDriverTest extends ShimRuntimeDriverTests {
    @Override
    protected ShimRuntimeDriver newDriver(Path stateRoot, Path shim) throws IOException {
        Path runc = Requirements.requireTool("runc", "runc");
        return new OciRuntimeDriver("runc", runc, stateRoot, shim, false);
    }

    /** Not yet: the OCI driver writes no user namespace into config.json. */
    @Override
    protected Set<Feature> features() {
        Set<Feature> features = EnumSet.copyOf(super.features());
        features.remove(Feature.USER_NAMESPACE);
        return features;
    }
}
