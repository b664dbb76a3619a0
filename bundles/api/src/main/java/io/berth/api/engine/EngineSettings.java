package io.berth.api.engine;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The engine's configuration as it is in effect now (ConfigAdmin PID {@code berth.engine},
 * usually {@code conf/berth.engine.cfg}).
 *
 * @param root where images, layers, containers and volumes are kept ({@code /var/lib/berth})
 * @param runRoot where sockets, shim state and exit files are kept ({@code /run/berth})
 * @param defaultRuntime the runtime driver used when none is named, or {@code null} to take the
 *        highest ranked one
 * @param defaultStorage the storage driver used when none is named, or {@code null} likewise
 * @param insecureRegistries registries reached over plain HTTP or unverified TLS
 */
public record EngineSettings(Path root, Path runRoot, String defaultRuntime, String defaultStorage,
                             List<String> insecureRegistries) {
    public EngineSettings {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(runRoot, "runRoot");
        insecureRegistries = insecureRegistries == null ? List.of() : List.copyOf(insecureRegistries);
    }
}
