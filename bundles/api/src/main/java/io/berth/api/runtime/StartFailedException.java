package io.berth.api.runtime;

import io.berth.api.BerthException;

/**
 * A container could not be started: its command was not found or not executable, or setting it
 * up failed. The container stays created, with this exit code and message as its error, as docker
 * keeps it.
 */
public class StartFailedException extends BerthException {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    /**
     * @param exitCode 127 for a command not found, 126 for one not executable, else 1 (the exit
     *        status {@code run} reports is 125 for the last, as docker)
     */
    public StartFailedException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
