package io.berth.registry.internal;

import java.io.IOException;

/** A registry answered with an error; the message names the registry, the request and the cause. */
public class RegistryException extends IOException {
    private final int status;
    private final String registryError;

    public RegistryException(int status, String message) {
        this(status, message, null);
    }

    /** @param registryError the registry's own error ({@code manifest unknown: manifest unknown}), or null */
    public RegistryException(int status, String message, String registryError) {
        super(message);
        this.status = status;
        this.registryError = registryError;
    }

    /**
     * The error the registry gave in the API's error body, as docker prints it ({@code CODE
     * lowercased with spaces: message}), or {@code null} when it gave none.
     */
    public String registryError() {
        return registryError;
    }

    /** The HTTP status, or 0 when the registry was not reached. */
    public int status() {
        return status;
    }
}
