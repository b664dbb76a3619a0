package io.berth.registry.internal;

import java.io.IOException;

/** A registry answered with an error; the message names the registry, the request and the cause. */
public class RegistryException extends IOException {
    private final int status;

    public RegistryException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The HTTP status, or 0 when the registry was not reached. */
    public int status() {
        return status;
    }
}
