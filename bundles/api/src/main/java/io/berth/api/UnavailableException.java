package io.berth.api;

/**
 * Something the request needs is not available now: a driver that is not installed or cannot work on this host, a registry that cannot be reached.
 */
public class UnavailableException extends BerthException {
    private static final long serialVersionUID = 1L;

    public UnavailableException(String message) {
        super(message);
    }

    public UnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
