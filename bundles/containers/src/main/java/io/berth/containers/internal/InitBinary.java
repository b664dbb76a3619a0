package io.berth.containers.internal;

import io.berth.api.engine.EngineSettings;
import io.berth.api.runtime.StartFailedException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The init that {@code run --init} runs as a container's first process (docker's
 * {@code docker-init}): the engine's {@code initPath}, or the first of the default places that
 * holds one. Looked up at each start, as docker does, so that a setting changed or a package
 * installed while the daemon runs applies to the next start.
 */
final class InitBinary {
    /** Where the init is mounted in the container, and the first word of its process, as docker's. */
    static final String CONTAINER_PATH = "/sbin/docker-init";

    private final Supplier<Path> configured;
    private final List<Path> defaults;

    /**
     * @param configured the {@code initPath} setting as it is now, {@code null} when not set
     * @param defaults where to look when it is not set, in order
     */
    InitBinary(Supplier<Path> configured, List<Path> defaults) {
        this.configured = configured;
        this.defaults = List.copyOf(defaults);
    }

    /** As docker's daemon looks: {@link EngineSettings#DEFAULT_INIT_PATHS} unless {@code initPath} is set. */
    InitBinary(Supplier<Path> configured) {
        this(configured, EngineSettings.DEFAULT_INIT_PATHS);
    }

    /**
     * The init's file on the host, its links followed, for a container about to start.
     *
     * @throws StartFailedException with status 127 (docker's for an init it cannot find) when the
     *         setting names no file, or when it is not set and no default place holds one
     */
    Path find() throws IOException {
        Path path = configured.get();
        if (path != null) {
            if (!path.isAbsolute()) {
                throw new StartFailedException(127, "--init: initPath " + path
                        + " in the engine's configuration (conf/berth.engine.cfg) is not an absolute path");
            }
            if (!Files.isRegularFile(path)) {
                throw new StartFailedException(127, "--init: initPath " + path + " in the engine's configuration "
                        + "(conf/berth.engine.cfg) is not a file: no such file or directory");
            }
            return path.toRealPath();
        }
        for (Path candidate : defaults) {
            if (Files.isRegularFile(candidate)) {
                return candidate.toRealPath();
            }
        }
        throw new StartFailedException(127, "--init: no init binary: none of "
                + defaults.stream().map(Path::toString).collect(Collectors.joining(", "))
                + " exists; install tini or set initPath in the engine's configuration (conf/berth.engine.cfg)");
    }
}
