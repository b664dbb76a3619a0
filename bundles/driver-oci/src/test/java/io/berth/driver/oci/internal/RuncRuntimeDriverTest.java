package io.berth.driver.oci.internal;

import io.berth.shim.ShimRuntimeDriver;
import io.berth.shim.ShimRuntimeDriverTests;
import io.berth.testing.Requirements;

import java.io.IOException;
import java.nio.file.Path;

/** runc under berth-shim against the runtime conformance suite and the shim drivers' tests. */
class RuncRuntimeDriverTest extends ShimRuntimeDriverTests {
    @Override
    protected ShimRuntimeDriver newDriver(Path stateRoot, Path shim) throws IOException {
        Path runc = Requirements.requireTool("runc", "runc");
        return new OciRuntimeDriver("runc", runc, stateRoot, shim, false);
    }
}
