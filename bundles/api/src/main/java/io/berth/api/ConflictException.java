package io.berth.api;

/**
 * The request conflicts with the current state: a name in use, an image used by a container, a container that is running.
 */
public class ConflictException extends BerthException {
    private static final long serialVersionUID = 1L;

    public ConflictException(String message) {
        super(message);
    }

    public ConflictException(String message, Throwable cause) {
        super(message, cause);
    }
}
