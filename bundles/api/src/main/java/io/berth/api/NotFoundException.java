package io.berth.api;

/**
 * The thing asked for does not exist: an image, a container, a blob, a driver.
 */
public class NotFoundException extends BerthException {
    private static final long serialVersionUID = 1L;

    public NotFoundException(String message) {
        super(message);
    }

    public NotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
