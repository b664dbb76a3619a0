package io.berth.driver.linux.internal;

import io.berth.driver.linux.shim.ShimRuntimeDriver;
import io.berth.driver.oci.internal.OciRuntimeDriver;
import io.berth.testing.Requirements;

import java.io.IOException;
import java.nio.file.Path;

/** The native runtime's tests, run again with runc making the containers. */
class RuncRuntimeDriverTest extends NativeRuntimeDriverTest {
    @Override
    protected ShimRuntimeDriver newDriver(Path stateRoot, Path shim) throws IOException {
        Path runc = Requirements.requireTool("runc", "runc");
        return new OciRuntimeDriver("runc", runc, stateRoot, shim, false);
    }
}
