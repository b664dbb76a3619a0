package io.berth.driver.oci.internal;

import io.berth.shim.ShimRuntimeDriver;
import io.berth.shim.ShimRuntimeDriverTests;
import io.berth.testing.Requirements;

import java.io.IOException;
import java.nio.file.Path;

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
}
