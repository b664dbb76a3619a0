package io.berth.api;

/**
 * The request is malformed: a bad reference, an unknown option value, a malformed manifest or layer.
 */
public class InvalidArgumentException extends BerthException {
    private static final long serialVersionUID = 1L;

    public InvalidArgumentException(String message) {
        super(message);
    }

    public InvalidArgumentException(String message, Throwable cause) {
        super(message, cause);
    }
}
