package io.berth.dockerapi.internal;

import io.berth.api.ConflictException;
import io.berth.api.InvalidArgumentException;
import io.berth.api.NotFoundException;
import io.berth.api.UnavailableException;
import io.berth.api.runtime.StartFailedException;

import java.io.IOException;
import java.util.Map;

/**
 * Failures as docker's server answers them (moby's errdefs to HTTP status): {@code {"message": …}}
 * with 404 for what is not found, 400 for bad input, 409 for a conflict, 503 for what is not
 * available, 500 for the rest. Once a stream has started, the route reports in-band instead.
 */
final class Errors {
    private static final System.Logger LOG = System.getLogger(Errors.class.getName());

    private Errors() {
    }

    /** An answer with a status of its own, such as 304 for a container already started. */
    static final class Status extends RuntimeException {
        final int status;

        Status(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    static int status(Throwable e) {
        if (e instanceof Status s) {
            return s.status;
        }
        if (e instanceof NotFoundException) {
            return 404;
        }
        if (e instanceof ConflictException) {
            return 409;
        }
        if (e instanceof StartFailedException) {
            // docker: a container that cannot start is the client's doing (a missing command...).
            return 400;
        }
        if (e instanceof InvalidArgumentException) {
            return 400;
        }
        if (e instanceof UnavailableException) {
            return 503;
        }
        return 500;
    }

    static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.toString() : m;
    }

    /** Answers {@code exchange} with the failure, unless a response has begun (then the connection is closed). */
    static void respond(Exchange exchange, Throwable e) {
        if (e instanceof Exchange.ClientGoneException) {
            return;
        }
        int status = status(e);
        if (status == 500) {
            LOG.log(System.Logger.Level.WARNING, "docker API " + exchange.method() + " " + exchange.path() + " failed", e);
        }
        try {
            if (exchange.responded()) {
                exchange.channel().close();
            } else if (status == 304) {
                exchange.empty(304);
            } else if (e instanceof Versions.TooOld) {
                exchange.text(status, message(e));
            } else {
                exchange.json(status, Map.of("message", message(e)));
            }
        } catch (IOException io) {
            exchange.channel().close();
        }
    }
}
