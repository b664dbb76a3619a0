package io.berth.dockerapi.internal;

import io.berth.api.NotFoundException;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Routes by method and path, in order: docker's paths put names with {@code /} and {@code :} raw in
 * the path (an image {@code 127.0.0.1:5000/test/bb:v1}), so a route's pattern matches the known
 * suffix and takes everything before it as the name.
 */
final class Router implements HttpTransport.Dispatcher {
    /** A route's work: the exchange and the path's groups. */
    @FunctionalInterface
    interface Handler {
        void handle(Exchange exchange, Matcher path) throws Exception;
    }

    private record Route(String method, Pattern pattern, Handler handler) {
    }

    private final List<Route> routes = new ArrayList<>();

    Router get(String regex, Handler h) {
        return add("GET", regex, h);
    }

    Router head(String regex, Handler h) {
        return add("HEAD", regex, h);
    }

    Router post(String regex, Handler h) {
        return add("POST", regex, h);
    }

    Router put(String regex, Handler h) {
        return add("PUT", regex, h);
    }

    Router delete(String regex, Handler h) {
        return add("DELETE", regex, h);
    }

    Router add(String method, String regex, Handler h) {
        routes.add(new Route(method, Pattern.compile("^" + regex + "$"), h));
        return this;
    }

    @Override
    public void dispatch(Exchange exchange) {
        try {
            for (Route r : routes) {
                if (!r.method.equals(exchange.method())) {
                    continue;
                }
                Matcher m = r.pattern.matcher(exchange.path());
                if (m.matches()) {
                    r.handler.handle(exchange, m);
                    if (!exchange.responded()) {
                        exchange.empty(204);
                    }
                    return;
                }
            }
            throw new NotFoundException("page not found");
        } catch (Exception e) {
            Errors.respond(exchange, e);
        } catch (Error e) {
            Errors.respond(exchange, new RuntimeException(e));
            throw e;
        } finally {
            exchange.discardBody();
        }
    }
}
