package io.berth.config.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The engine's configuration, PID {@code berth.engine}; in a distribution the file
 * {@code conf/berth.engine.cfg}, picked up live by FileInstall.
 */
@ObjectClassDefinition(name = "Berth engine",
        description = "Where the engine keeps its data and which drivers it uses by default.")
public @interface EngineConfiguration {
    @AttributeDefinition(description = "Engine root: images, layers, containers, volumes. Read at daemon start "
            + "(bin/berth daemon --root overrides it); changing it later takes effect at the next start.")
    String root() default "/var/lib/berth";

    @AttributeDefinition(description = "Run root: sockets, shim state, exit files. Read at daemon start "
            + "(--run-root overrides it).")
    String runRoot() default "/run/berth";

    @AttributeDefinition(description = "Size at which the daemon's log (berth.log, or --log-file) is rotated to "
            + "berth.log.1: bytes, or a number with k, m or g; 0 never rotates. Read by the launcher at daemon start.")
    String logRotateSize() default "10m";

    @AttributeDefinition(description = "How many rotated logs are kept (berth.log.1 the newest), at least 1. "
            + "Read by the launcher at daemon start.")
    String logRotateKeep() default "5";

    @AttributeDefinition(description = "Runtime driver used when a container names none; empty: highest ranked.")
    String defaultRuntime() default "";

    @AttributeDefinition(description = "Storage driver used when none is named; empty: highest ranked.")
    String defaultStorage() default "";

    @AttributeDefinition(description = "Registries reached over plain HTTP or without TLS verification "
            + "(host[:port]); loopback addresses always are.")
    String[] insecureRegistries() default {};

    @AttributeDefinition(description = "How many layers a pull downloads at once.")
    int maxConcurrentDownloads() default 3;

    @AttributeDefinition(description = "How many layers a push uploads at once.")
    int maxConcurrentUploads() default 5;

    @AttributeDefinition(description = "Registry credentials (config.json, docker's format) and certificates "
            + "(certs.d/HOST/ca.crt); empty: $DOCKER_CONFIG or ~/.docker, as the docker CLI.")
    String registryConfig() default "";

    @AttributeDefinition(description = "docker's userns-remap: default (the berth user, made with subordinate ids "
            + "if missing), USER or USER:GROUP; containers made from then on run in a user namespace whose ids map to "
            + "that user's subordinate ranges (--userns=host opts one out). Empty: no remapping.")
    String usernsRemap() default "";

    @AttributeDefinition(description = "docker's init-path: the init binary run --init bind-mounts read-only at "
            + "/sbin/docker-init and runs as the container's first process (a static one: it runs in the container). "
            + "Empty: the first of /usr/libexec/docker/docker-init, /usr/bin/docker-init, /usr/bin/tini-static, "
            + "/usr/bin/tini that exists when the container starts.")
    String initPath() default "";
}
