package io.berth.driver.linux.internal;

import io.berth.shim.ShimRuntimeDriver;
import io.berth.shim.ShimRuntimeDriverTests;

import java.io.IOException;
import java.nio.file.Path;

/** The native runtime against the runtime conformance suite and the shim drivers' tests. */
class NativeRuntimeDriverTest extends ShimRuntimeDriverTests {
    @Override
    protected ShimRuntimeDriver newDriver(Path stateRoot, Path shim) throws IOException {
        return new NativeRuntimeDriver(stateRoot, shim);
    }
}
