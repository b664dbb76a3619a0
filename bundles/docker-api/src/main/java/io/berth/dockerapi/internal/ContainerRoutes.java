package io.berth.dockerapi.internal;

import io.berth.api.ConflictException;
import io.berth.api.InvalidArgumentException;
import io.berth.api.container.Container;
import io.berth.api.container.ContainerDetails;
import io.berth.api.container.ContainerListOptions;
import io.berth.api.container.ContainerService;
import io.berth.api.container.ContainerStatus;
import io.berth.api.container.LogOptions;
import io.berth.api.container.PrunedContainers;
import io.berth.api.runtime.ConsoleSize;
import io.berth.views.ContainerView;
import io.berth.views.NetworkView;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The container endpoints but the streams ({@link StreamRoutes}): list, create, inspect, lifecycle. */
final class ContainerRoutes {
    private static final String C = "/containers/(.+)";

    private final Services services;
    private final StreamRoutes streams;

    ContainerRoutes(Services services, StreamRoutes streams) {
        this.services = services;
        this.streams = streams;
    }

    void register(Router r) {
        r.get("/containers/json", (x, m) -> list(x));
        r.post("/containers/create", (x, m) -> create(x));
        r.post("/containers/prune", (x, m) -> prune(x));
        r.get(C + "/json", (x, m) -> inspect(x, m.group(1)));
        r.post(C + "/start", (x, m) -> start(x, m.group(1)));
        r.post(C + "/stop", (x, m) -> stop(x, m.group(1)));
        r.post(C + "/restart", (x, m) -> {
            containers().restart(m.group(1), x.integer("t", null));
            x.empty(204);
        });
        r.post(C + "/kill", (x, m) -> kill(x, m.group(1)));
        r.post(C + "/pause", (x, m) -> {
            containers().pause(m.group(1));
            x.empty(204);
        });
        r.post(C + "/unpause", (x, m) -> {
            containers().unpause(m.group(1));
            x.empty(204);
        });
        r.post(C + "/update", (x, m) -> {
            List<String> warnings = containers().update(m.group(1), CreateBodies.update(x.json()));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("Warnings", warnings.isEmpty() ? null : warnings);
            x.json(200, out);
        });
        r.post(C + "/rename", (x, m) -> {
            String name = x.query("name", "");
            if (name.isEmpty()) {
                throw new InvalidArgumentException("new name cannot be blank");
            }
            containers().rename(m.group(1), name.startsWith("/") ? name.substring(1) : name);
            x.empty(204);
        });
        r.post(C + "/resize", (x, m) -> {
            containers().resize(m.group(1), size(x));
            x.empty(200);
        });
        r.post(C + "/wait", (x, m) -> streams.await(x, m.group(1)));
        r.get(C + "/top", (x, m) -> top(x, m.group(1)));
        r.delete(C, (x, m) -> {
            containers().remove(m.group(1), x.bool("force"), x.bool("v"));
            x.empty(204);
        });
    }

    private ContainerService containers() {
        return services.containers();
    }

    static ConsoleSize size(Exchange x) {
        Integer h = x.integer("h", null);
        Integer w = x.integer("w", null);
        if (h == null || w == null) {
            throw new InvalidArgumentException("h and w are required");
        }
        return new ConsoleSize(h, w);
    }

    private void list(Exchange x) throws IOException {
        Integer limit = x.integer("limit", -1);
        ContainerListOptions.Builder o = ContainerListOptions.builder().all(x.bool("all")).size(x.bool("size"))
                .filters(x.filters());
        if (limit != null && limit > 0) {
            o.limit(limit);
        }
        Instant now = Instant.now();
        List<Map<String, Object>> out = new ArrayList<>();
        for (Container c : containers().list(o.build())) {
            out.add(ContainerView.summary(c, now));
        }
        x.json(200, out);
    }

    private void create(Exchange x) throws IOException {
        String name = x.query("name", "");
        if (name.startsWith("/")) {
            name = name.substring(1);
        }
        Container c;
        try {
            c = containers().create(CreateBodies.request(x.json(), name));
        } catch (io.berth.api.NotFoundException e) {
            // Only a missing image is a 404 here (clients pull on it); a missing network is bad input.
            if (e.getMessage() != null && e.getMessage().contains("No such image")) {
                throw e;
            }
            throw new io.berth.api.InvalidArgumentException(e.getMessage());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("Id", c.id());
        out.put("Warnings", List.of());
        x.json(201, out);
    }

    private void inspect(Exchange x, String idOrName) throws IOException {
        ContainerDetails d = containers().inspect(idOrName);
        Map<String, Object> m = ContainerView.inspect(d, NetworkView.ids(services.networkService().get()));
        x.json(200, m);
    }


    private void start(Exchange x, String idOrName) throws IOException {
        Container c = containers().get(idOrName);
        if (c.state().status() == ContainerStatus.RUNNING || c.state().status() == ContainerStatus.PAUSED) {
            throw new Errors.Status(304, "container already started");
        }
        streams.start(c.id());
        x.empty(204);
    }

    private void stop(Exchange x, String idOrName) throws IOException, InterruptedException {
        Container c = containers().get(idOrName);
        if (c.state().status() != ContainerStatus.RUNNING && c.state().status() != ContainerStatus.PAUSED
                && c.state().status() != ContainerStatus.RESTARTING) {
            throw new Errors.Status(304, "container already stopped");
        }
        containers().stop(c.id(), x.integer("t", null));
        x.empty(204);
    }

    private void kill(Exchange x, String idOrName) throws IOException {
        Container c;
        try {
            c = containers().get(idOrName);
        } catch (io.berth.api.NotFoundException e) {
            throw new io.berth.api.NotFoundException("Cannot kill container: " + idOrName + ": " + e.getMessage());
        }
        if (c.state().status() != ContainerStatus.RUNNING && c.state().status() != ContainerStatus.PAUSED) {
            throw new ConflictException("Cannot kill container: " + idOrName + ": Container " + c.id() + " is not running");
        }
        String signal = x.query("signal", "");
        containers().kill(c.id(), signal.isEmpty() ? "KILL" : signal);
        x.empty(204);
    }

    private void prune(Exchange x) throws IOException, InterruptedException {
        PrunedContainers p = containers().prune();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ContainersDeleted", p.ids().isEmpty() ? null : p.ids());
        out.put("SpaceReclaimed", p.spaceReclaimed());
        x.json(200, out);
    }

    /** {@code top}: docker's {@code ps -ef} columns over the container's processes. */
    private void top(Exchange x, String idOrName) throws IOException, InterruptedException {
        String args = x.query("ps_args", "").strip();
        x.json(200, io.berth.views.Processes.top(containers(), idOrName,
                args.isEmpty() ? List.of() : List.of(args.split("\\s+"))).toMap());
    }

    static LogOptions logOptions(Exchange x) {
        String tail = x.query("tail", "all");
        int lines;
        if (tail.equals("all") || tail.isEmpty()) {
            lines = -1;
        } else {
            try {
                lines = Integer.parseInt(tail);
            } catch (NumberFormatException e) {
                lines = -1;
            }
        }
        Instant since = x.query("since").filter(s -> !s.isBlank() && !s.equals("0")).map(s -> SystemRoutes.unixTime(s, "since"))
                .orElse(null);
        Instant until = x.query("until").filter(s -> !s.isBlank() && !s.equals("0")).map(s -> SystemRoutes.unixTime(s, "until"))
                .orElse(null);
        return new LogOptions(x.bool("follow"), lines, since, until);
    }
}
