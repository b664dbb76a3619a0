package io.berth.shell.internal.framework;

/**
 * The command line is wrong: an unknown flag, a missing value, the wrong number of arguments.
 * Reported with a pointer to the command's help, as docker does.
 */
public class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Docker's exit status for flag errors. */
    public static final int FLAG_ERROR_STATUS = 125;

    private final int status;
    private final boolean showUsage;

    private UsageException(String message, int status, boolean showUsage) {
        super(message);
        this.status = status;
        this.showUsage = showUsage;
    }

    /** A bad flag or flag value: exit status 125. */
    public static UsageException flag(String message) {
        return new UsageException(message, FLAG_ERROR_STATUS, false);
    }

    /** The wrong number or kind of arguments: exit status 1, the usage line shown. */
    public static UsageException arguments(String message) {
        return new UsageException(message, 1, true);
    }

    public int status() {
        return status;
    }

    public boolean showUsage() {
        return showUsage;
    }
}
