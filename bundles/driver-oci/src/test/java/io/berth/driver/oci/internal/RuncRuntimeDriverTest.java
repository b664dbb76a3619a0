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

    /** runc and crun keep a container's state in a directory named by its id under their root. */
    @Override
    protected Boolean runtimeKnows(Path stateRoot, String id) {
        return java.nio.file.Files.isDirectory(stateRoot.resolve("runtime").resolve(id));
    }
}
