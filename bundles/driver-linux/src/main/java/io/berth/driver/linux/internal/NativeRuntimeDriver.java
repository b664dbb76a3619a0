package io.berth.driver.linux.internal;

import io.berth.api.runtime.ContainerSpec;
import io.berth.api.runtime.ProcessSpec;
import io.berth.shim.ShimRuntimeDriver;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The native runtime: the shim itself clones the container's namespaces, creates its init in its
 * cgroup, mounts, pivots, drops privileges and execs, as the spec the engine computed says.
 * State in {@code <runRoot>/native/<short id>/}.
 */
public final class NativeRuntimeDriver extends ShimRuntimeDriver {
    public NativeRuntimeDriver(Path stateRoot, Path shim) throws IOException {
        super("native", stateRoot, shim);
    }

    @Override
    protected byte[] containerSpec(ContainerSpec spec, Path dir, Path finalDir) throws IOException {
        return nativeSpec(spec, dir);
    }

    @Override
    protected byte[] execSpec(String id, Path dir, Path execDir, ProcessSpec process, int initPid,
            io.berth.api.runtime.Resources madeWith) throws IOException {
        return nativeExecSpec(id, dir, process, initPid);
    }
}
