package io.berth.api.compose;

import io.berth.api.BerthException;

import java.util.List;

/**
 * Services of a project failed to come up: every failure in the order they happened, each naming the
 * service or container and why ({@code dependency failed to start: container p-web-1 is unhealthy}).
 * The message is the first one, as v2 prints it; what did start keeps running.
 */
public class ComposeException extends BerthException {
    private static final long serialVersionUID = 1L;
    private final transient List<String> failures;

    public ComposeException(List<String> failures) {
        super(failures.get(0));
        this.failures = List.copyOf(failures);
    }

    /** Every failure, in order. */
    public List<String> failures() {
        return failures;
    }
}
