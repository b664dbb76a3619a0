package io.berth.api.engine;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The running engine: its version and its settings. Settings change live when the
 * configuration changes, except the roots, which are fixed for the life of the daemon because
 * it holds a lock on them.
 */
@ProviderType
public interface Engine {
    /** The ConfigAdmin PID of the engine's configuration. */
    String PID = "berth.engine";

    /** Berth's version, such as {@code 0.1.0}. */
    String version();

    /** The settings in effect now. */
    EngineSettings settings();
}
