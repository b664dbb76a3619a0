package io.berth.dockerapi.internal;

import io.berth.api.InvalidArgumentException;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API versions served: every {@code /v1.N/} path from {@link #MIN} to {@link #MAX} behaves the
 * same, and {@link #CURRENT} is advertised ({@code Api-Version}, {@code /version}), the version the
 * docker CLI, docker-compose and Testcontainers were checked against. Testcontainers 2.0.2 asks for
 * 1.44 without falling back, and later docker CLIs for more, so the range goes above what is
 * advertised; outside it, docker's 400.
 */
final class Versions {
    static final String CURRENT = "1.41";
    static final String MIN = "1.24";
    static final String MAX = "1.47";
    /** The Docker release whose API {@link #CURRENT} is, for clients that check {@code Version}. */
    static final String ENGINE = "20.10.24";

    private static final Pattern PREFIX = Pattern.compile("^/v([0-9]+(?:\\.[0-9]+)*)(/.*)$");

    private Versions() {
    }

    /** A request path split into its version ({@code null} when unversioned) and the route's path. */
    record Split(String version, String path) {
    }

    static Split split(String rawPath) {
        Matcher m = PREFIX.matcher(rawPath);
        if (!m.matches()) {
            return new Split(null, rawPath);
        }
        String version = m.group(1);
        if (compare(version, MIN) < 0) {
            throw new TooOld("client version " + version + " is too old. Minimum supported API version is " + MIN
                    + ", please upgrade your client to a newer version");
        }
        if (compare(version, MAX) > 0) {
            throw new InvalidArgumentException("client version " + version + " is too new. Maximum supported API version is "
                    + MAX);
        }
        return new Split(version, m.group(2));
    }

    /** Compares dotted versions numerically ({@code 1.9 < 1.41}). */
    static int compare(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int p = i < x.length ? Integer.parseInt(x[i]) : 0;
            int q = i < y.length ? Integer.parseInt(y[i]) : 0;
            if (p != q) {
                return Integer.compare(p, q);
            }
        }
        return 0;
    }

    /** A version below the minimum: answered in plain text, as moby answers clients that old. */
    static final class TooOld extends InvalidArgumentException {
        TooOld(String message) {
            super(message);
        }
    }
}
