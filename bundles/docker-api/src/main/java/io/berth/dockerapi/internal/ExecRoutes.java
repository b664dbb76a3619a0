package io.berth.dockerapi.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.api.ConflictException;
import io.berth.api.InvalidArgumentException;
import io.berth.api.NotFoundException;
import io.berth.api.container.Container;
import io.berth.api.container.ContainerService;
import io.berth.api.container.ContainerStatus;
import io.berth.api.container.ExecRequest;
import io.berth.api.runtime.ConsoleSize;
import io.berth.api.runtime.StartFailedException;
import io.berth.views.DetachKeys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * docker's exec instances: made by {@code POST /containers/{id}/exec}, run by
 * {@code POST /exec/{id}/start} (hijacked, or detached), inspected by {@code GET /exec/{id}/json}
 * (whose {@code ExitCode} clients take as the command's status once its stream ends: it is set
 * before the stream is closed). Instances are forgotten ten minutes after they end.
 */
final class ExecRoutes {
    private static final Duration KEPT = Duration.ofMinutes(10);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Services services;
    private final Map<String, Instance> instances = new ConcurrentHashMap<>();

    ExecRoutes(Services services) {
        this.services = services;
    }

    /** One exec instance: what was asked, and how it runs. */
    private static final class Instance {
        final String id;
        final String containerId;
        final ExecRequest request;
        final boolean attachStdout;
        final boolean attachStderr;
        final String detachKeys;
        volatile boolean started;
        volatile boolean running;
        volatile Integer exitCode;
        volatile Instant ended;
        volatile ContainerService.Attached attached;

        Instance(String id, String containerId, ExecRequest request, boolean attachStdout, boolean attachStderr,
                 String detachKeys) {
            this.id = id;
            this.containerId = containerId;
            this.request = request;
            this.attachStdout = attachStdout;
            this.attachStderr = attachStderr;
            this.detachKeys = detachKeys;
        }
    }

    void register(Router r) {
        r.post("/containers/(.+)/exec", (x, m) -> create(x, m.group(1)));
        r.post("/exec/(.+)/start", (x, m) -> start(x, m.group(1)));
        r.post("/exec/(.+)/resize", (x, m) -> {
            Instance i = instance(m.group(1));
            ContainerService.Attached a = i.attached;
            if (a == null || !i.running) {
                throw new ConflictException("Exec " + i.id + " is not running, so it can not be resized.");
            }
            a.io().resize(ContainerRoutes.size(x));
            x.empty(200);
        });
        r.get("/exec/(.+)/json", (x, m) -> x.json(200, view(instance(m.group(1)))));
    }

    private Instance instance(String id) {
        Instance i = instances.get(id);
        if (i == null) {
            throw new NotFoundException("No such exec instance: " + id);
        }
        return i;
    }

    private void create(Exchange x, String idOrName) throws IOException {
        JsonNode body = x.json();
        ContainerService containers = services.containers();
        Container c = containers.get(idOrName);
        if (c.state().status() == ContainerStatus.PAUSED) {
            throw new ConflictException("Container " + c.id() + " is paused, unpause the container before exec");
        }
        if (c.state().status() != ContainerStatus.RUNNING) {
            throw new ConflictException("Container " + c.id() + " is not running");
        }
        List<String> cmd = Json.strings(body, "Cmd");
        if (cmd == null || cmd.isEmpty()) {
            throw new InvalidArgumentException("No exec command specified");
        }
        ExecRequest.Builder b = ExecRequest.builder(cmd).env(Json.strings(body, "Env")).user(Json.nonEmpty(body, "User"))
                .workingDir(Json.nonEmpty(body, "WorkingDir")).tty(Json.bool(body, "Tty"))
                .stdin(Json.bool(body, "AttachStdin")).privileged(Json.bool(body, "Privileged"));
        JsonNode size = Json.get(body, "ConsoleSize");
        if (size != null && size.isArray() && size.size() == 2 && size.get(0).asInt() > 0 && size.get(1).asInt() > 0) {
            b.size(new ConsoleSize(size.get(0).asInt(), size.get(1).asInt()));
        }
        String detachKeys = Json.nonEmpty(body, "DetachKeys");
        DetachKeys.parse(detachKeys);
        forgetEnded();
        byte[] id = new byte[32];
        RANDOM.nextBytes(id);
        Instance i = new Instance(HexFormat.of().formatHex(id), c.id(), b.build(), Json.bool(body, "AttachStdout"),
                Json.bool(body, "AttachStderr"), detachKeys);
        instances.put(i.id, i);
        x.json(201, Map.of("Id", i.id));
    }

    private void forgetEnded() {
        Instant now = Instant.now();
        instances.values().removeIf(i -> i.ended != null && i.ended.plus(KEPT).isBefore(now));
    }

    private void start(Exchange x, String execId) throws IOException {
        Instance i = instance(execId);
        JsonNode body = x.json();
        boolean detach = Json.bool(body, "Detach");
        synchronized (i) {
            if (i.started) {
                throw new ConflictException("Error: Exec command " + i.id + " has already run");
            }
            i.started = true;
        }
        ExecRequest request = i.request;
        JsonNode size = Json.get(body, "ConsoleSize");
        if (size != null && size.isArray() && size.size() == 2 && size.get(0).asInt() > 0 && size.get(1).asInt() > 0) {
            request = request.toBuilder().size(new ConsoleSize(size.get(0).asInt(), size.get(1).asInt())).build();
        }
        if (detach) {
            ContainerService.Attached a = run(i, request);
            x.empty(200);
            Thread t = new Thread(() -> drain(i, a), "berth-docker-api-exec-" + i.id.substring(0, 12));
            t.setDaemon(true);
            t.start();
            return;
        }
        HttpTransport.Hijacked h = x.hijack(StreamRoutes.contentType(x, request.tty()));
        try {
            ContainerService.Attached a;
            try {
                a = run(i, request);
            } catch (StartFailedException e) {
                // As docker's: the reason where the process's output would have been, then its status.
                byte[] text = (e.getMessage() + "\r\n").getBytes(StandardCharsets.UTF_8);
                byte[] out = request.tty() ? text : Frames.frame(1, text, 0, text.length);
                // docker's exec: 126 whatever kept the process from starting (run's is 127 for a missing command).
                end(i, 126);
                h.write(out, 0, out.length);
                return;
            }
            StreamRoutes.pump(a, h, request.tty(), request.stdin(), i.attachStdout, i.attachStderr, true,
                    DetachKeys.parse(i.detachKeys == null ? DetachKeys.DEFAULT : i.detachKeys));
            end(i, exitCode(a));
        } finally {
            if (i.exitCode == null) {
                end(i, -1);
            }
            h.close();
        }
    }

    private ContainerService.Attached run(Instance i, ExecRequest request) throws IOException {
        ContainerService.Attached a = services.containers().exec(i.containerId, request);
        i.attached = a;
        i.running = true;
        return a;
    }

    private static void drain(Instance i, ContainerService.Attached a) {
        try {
            while (a.io().next() != null) {
                // Detached: the output is not wanted, only the end.
            }
        } catch (IOException e) {
            // Ended.
        }
        end(i, exitCode(a));
    }

    private static int exitCode(ContainerService.Attached a) {
        try {
            if (a.exit() != null) {
                return a.exit().get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            return 126;
        }
        int code = a.io().exitCode();
        return code >= 0 ? code : 126;
    }

    private static void end(Instance i, int code) {
        i.exitCode = code;
        i.running = false;
        i.ended = Instant.now();
    }

    /** {@code GET /exec/{id}/json}: {@code ExitCode} null until the process has ended. */
    private static Map<String, Object> view(Instance i) {
        Map<String, Object> process = new LinkedHashMap<>();
        process.put("tty", i.request.tty());
        process.put("entrypoint", i.request.command().get(0));
        process.put("arguments", i.request.command().subList(1, i.request.command().size()));
        process.put("privileged", i.request.privileged());
        if (i.request.user() != null) {
            process.put("user", i.request.user());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ID", i.id);
        m.put("Running", i.running);
        m.put("ExitCode", i.exitCode);
        m.put("ProcessConfig", process);
        m.put("OpenStdin", i.request.stdin());
        m.put("OpenStderr", i.attachStderr);
        m.put("OpenStdout", i.attachStdout);
        m.put("CanRemove", false);
        m.put("ContainerID", i.containerId);
        m.put("DetachKeys", i.detachKeys == null ? "" : i.detachKeys);
        m.put("Pid", 0);
        return m;
    }
}
