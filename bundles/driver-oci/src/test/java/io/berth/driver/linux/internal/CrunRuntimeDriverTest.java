package io.berth.driver.linux.internal;

import io.berth.driver.linux.shim.ShimRuntimeDriver;
import io.berth.driver.oci.internal.OciRuntimeDriver;
import io.berth.testing.Requirements;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The native runtime's tests, run again with crun making the containers (on a hybrid cgroup host
 * such as this one, in the private mount namespace that hides the unified hierarchy's controllers).
 */
class CrunRuntimeDriverTest extends NativeRuntimeDriverTest {
    @Override
    protected ShimRuntimeDriver newDriver(Path stateRoot, Path shim) throws IOException {
        Path crun = Requirements.requireTool("crun", "crun");
        return new OciRuntimeDriver("crun", crun, stateRoot, shim, true);
    }
}
