package io.berth.api.container;

import io.berth.api.InvalidArgumentException;

import java.util.Locale;

/**
 * When the engine starts a container again after it ended ({@code --restart}), as docker:
 * {@code no}; {@code on-failure[:N]} after a non-zero exit, at most N times when N is given;
 * {@code always}, and after an engine restart too; {@code unless-stopped}, the same unless the
 * user stopped it.
 *
 * @param name {@code no}, {@code on-failure}, {@code always} or {@code unless-stopped}
 * @param maximumRetryCount for {@code on-failure}, the most restarts, 0 for no limit
 */
public record RestartPolicy(String name, int maximumRetryCount) {
    public static final RestartPolicy NO = new RestartPolicy("no", 0);

    public RestartPolicy {
        name = name == null || name.isEmpty() ? "no" : name;
        if (!name.equals("no") && !name.equals("on-failure") && !name.equals("always") && !name.equals("unless-stopped")) {
            throw new InvalidArgumentException("invalid restart policy '" + name + "'");
        }
        if (maximumRetryCount < 0) {
            throw new InvalidArgumentException("invalid restart policy: maximum retry count cannot be negative");
        }
        if (maximumRetryCount > 0 && !name.equals("on-failure")) {
            throw new InvalidArgumentException("maximum retry count cannot be used with restart policy '" + name + "'");
        }
    }

    /** Parses {@code --restart}'s value. */
    public static RestartPolicy parse(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        int colon = v.indexOf(':');
        if (colon < 0) {
            return new RestartPolicy(v, 0);
        }
        try {
            return new RestartPolicy(v.substring(0, colon), Integer.parseInt(v.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new InvalidArgumentException("invalid restart policy: maximum retry count must be an integer: " + value);
        }
    }

    @Override
    public String toString() {
        return maximumRetryCount > 0 ? name + ":" + maximumRetryCount : name;
    }
}
