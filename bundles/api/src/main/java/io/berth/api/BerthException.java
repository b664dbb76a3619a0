package io.berth.api;

/**
 * The base of the errors Berth's services report to their callers.
 *
 * <p>The message is written for the user: one line that names the thing and the cause,
 * such as {@code No such image: busybox:latest}. It is shown as it is, after {@code Error: }.
 */
public abstract class BerthException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    protected BerthException(String message) {
        super(message);
    }

    protected BerthException(String message, Throwable cause) {
        super(message, cause);
    }
}
