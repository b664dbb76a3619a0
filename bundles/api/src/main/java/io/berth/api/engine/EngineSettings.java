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
 * @param maxConcurrentDownloads how many layers a pull fetches at once
 * @param maxConcurrentUploads how many layers a push sends at once
 * @param registryConfig the directory of registry credentials ({@code config.json}, docker's format)
 *        and certificates ({@code certs.d/HOST/ca.crt}); docker's {@code ~/.docker} by default
 * @param usernsRemap docker's {@code userns-remap}: {@code default} (the {@code berth} user's
 *        subordinate ids), {@code USER} or {@code USER:GROUP}, whose subordinate ranges new
 *        containers' root and users are mapped to in a user namespace of their own; {@code null}
 *        for none (containers use the host's ids)
 * @param initPath docker's {@code init-path}: the init binary that {@code run --init} bind-mounts
 *        read-only at {@code /sbin/docker-init} and runs as the container's first process (a
 *        static one, since it runs in the container's filesystem), or {@code null} for the first of
 *        {@link #DEFAULT_INIT_PATHS} that exists when a container starts
 * @since 1.1 for {@code registryConfig} and the two before it; 1.2 for {@code usernsRemap}; 1.3 for
 *        {@code initPath}
 */
public record EngineSettings(Path root, Path runRoot, String defaultRuntime, String defaultStorage,
                             List<String> insecureRegistries, int maxConcurrentDownloads, int maxConcurrentUploads,
                             Path registryConfig, String usernsRemap, Path initPath) {
    /** Docker's defaults. */
    public static final int DEFAULT_DOWNLOADS = 3;
    public static final int DEFAULT_UPLOADS = 5;
    /**
     * Where the init binary is looked for when {@code initPath} is not set, in this order: docker's
     * packages' {@code docker-init} (Debian's docker.io links {@code /usr/bin/docker-init} to tini),
     * then Debian's {@code tini} package, its static build first. @since 1.3
     */
    public static final List<Path> DEFAULT_INIT_PATHS = List.of(Path.of("/usr/libexec/docker/docker-init"),
            Path.of("/usr/bin/docker-init"), Path.of("/usr/bin/tini-static"), Path.of("/usr/bin/tini"));

    public EngineSettings {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(runRoot, "runRoot");
        insecureRegistries = insecureRegistries == null ? List.of() : List.copyOf(insecureRegistries);
        maxConcurrentDownloads = maxConcurrentDownloads < 1 ? DEFAULT_DOWNLOADS : maxConcurrentDownloads;
        maxConcurrentUploads = maxConcurrentUploads < 1 ? DEFAULT_UPLOADS : maxConcurrentUploads;
        registryConfig = registryConfig == null ? defaultRegistryConfig() : registryConfig;
        usernsRemap = usernsRemap == null || usernsRemap.isBlank() ? null : usernsRemap.strip();
    }

    /** Settings with the default init. */
    public EngineSettings(Path root, Path runRoot, String defaultRuntime, String defaultStorage,
                          List<String> insecureRegistries, int maxConcurrentDownloads, int maxConcurrentUploads,
                          Path registryConfig, String usernsRemap) {
        this(root, runRoot, defaultRuntime, defaultStorage, insecureRegistries, maxConcurrentDownloads,
                maxConcurrentUploads, registryConfig, usernsRemap, null);
    }

    /** Settings without id remapping. */
    public EngineSettings(Path root, Path runRoot, String defaultRuntime, String defaultStorage,
                          List<String> insecureRegistries, int maxConcurrentDownloads, int maxConcurrentUploads,
                          Path registryConfig) {
        this(root, runRoot, defaultRuntime, defaultStorage, insecureRegistries, maxConcurrentDownloads,
                maxConcurrentUploads, registryConfig, null, null);
    }

    public EngineSettings(Path root, Path runRoot, String defaultRuntime, String defaultStorage,
                          List<String> insecureRegistries) {
        this(root, runRoot, defaultRuntime, defaultStorage, insecureRegistries, DEFAULT_DOWNLOADS, DEFAULT_UPLOADS, null, null, null);
    }

    /** {@code $DOCKER_CONFIG}, or {@code ~/.docker}, as the docker CLI finds its configuration. */
    public static Path defaultRegistryConfig() {
        String env = System.getenv("DOCKER_CONFIG");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".docker");
    }
}
