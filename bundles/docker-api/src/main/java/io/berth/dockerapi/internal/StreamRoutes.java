package io.berth.dockerapi.internal;

import io.berth.api.InvalidArgumentException;
import io.berth.api.NotFoundException;
import io.berth.api.container.Container;
import io.berth.api.container.ContainerDetails;
import io.berth.api.container.ContainerService;
import io.berth.api.container.ContainerStatus;
import io.berth.api.container.LogOptions;
import io.berth.api.event.Event;
import io.berth.api.event.EventQuery;
import io.berth.api.event.EventService;
import io.berth.api.runtime.Attachment;
import io.berth.views.DetachKeys;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;

/**
 * The container endpoints that stream: {@code logs}, {@code attach} (hijacked), {@code wait}, and
 * the attachments waiting for a container's start. docker's clients attach, then ask to wait, then
 * start ({@code docker run}, {@code docker start -a}): an attach to a container that is not running
 * waits here, and the start that follows starts it attached ({@link #start}), so its first output
 * is not lost.
 */
final class StreamRoutes {
    static final String RAW = "application/vnd.docker.raw-stream";
    static final String MULTIPLEXED = "application/vnd.docker.multiplexed-stream";
    private static final String C = "/containers/(.+)";

    private final Services services;
    private final Map<String, List<PendingAttach>> pending = new ConcurrentHashMap<>();

    StreamRoutes(Services services) {
        this.services = services;
    }

    void register(Router r) {
        r.get(C + "/logs", (x, m) -> logs(x, m.group(1)));
        r.post(C + "/attach", (x, m) -> attach(x, m.group(1), false));
        r.get(C + "/attach/ws", (x, m) -> attach(x, m.group(1), true));
    }

    private ContainerService containers() {
        return services.containers();
    }

    /** The content type of a non-terminal stream: docker labels it multiplexed from API 1.42. */
    static String contentType(Exchange x, boolean tty) {
        return tty || Versions.compare(x.apiVersion(), "1.42") < 0 ? RAW : MULTIPLEXED;
    }

    // ------------------------------------------------------------------ logs

    private void logs(Exchange x, String idOrName) throws IOException {
        boolean stdout = x.bool("stdout");
        boolean stderr = x.bool("stderr");
        if (!stdout && !stderr) {
            throw new InvalidArgumentException("Bad parameters: you must choose at least one stream");
        }
        ContainerDetails d = containers().inspect(idOrName);
        boolean tty = d.config().tty();
        boolean timestamps = x.bool("timestamps");
        // --details: the log's attributes before each line; Berth's json-file has none, so a space, as docker's.
        boolean details = x.bool("details");
        LogOptions options = ContainerRoutes.logOptions(x);
        Exchange.Stream out = x.stream(200, contentType(x, tty));
        // The client going away interrupts the worker following the log, and only while it does: the worker is a
        // pooled thread, and a keep-alive connection may close long after, while the thread serves another request.
        Thread worker = Thread.currentThread();
        boolean[] following = {true};
        io.netty.util.concurrent.GenericFutureListener<io.netty.util.concurrent.Future<? super Void>> gone = f -> {
            synchronized (following) {
                if (following[0]) {
                    worker.interrupt();
                }
            }
        };
        x.clientGone().addListener(gone);
        try {
            containers().logs(d.container().id(), options, e -> {
                if (e.stderr() ? !stderr : !stdout) {
                    return;
                }
                byte[] data = e.data();
                if (details) {
                    byte[] spaced = new byte[data.length + 1];
                    spaced[0] = ' ';
                    System.arraycopy(data, 0, spaced, 1, data.length);
                    data = spaced;
                }
                if (timestamps) {
                    byte[] stamp = (io.berth.views.Times.rfc3339(e.time()) + " ").getBytes(StandardCharsets.US_ASCII);
                    byte[] both = new byte[stamp.length + data.length];
                    System.arraycopy(stamp, 0, both, 0, stamp.length);
                    System.arraycopy(data, 0, both, stamp.length, data.length);
                    data = both;
                }
                out.write(tty ? data : Frames.frame(e.stderr() ? 2 : 1, data, 0, data.length));
            });
            out.close();
        } catch (InterruptedException e) {
            Thread.interrupted();
        } finally {
            synchronized (following) {
                following[0] = false;
            }
            x.clientGone().removeListener(gone);
            // An interrupt that came as the log ended is the client's going away, which no longer matters.
            Thread.interrupted();
        }
    }

    // ------------------------------------------------------------------ attach

    /** An attach that waits for its container to start. */
    private static final class PendingAttach {
        final boolean stdin;
        final CompletableFuture<ContainerService.Attached> attached = new CompletableFuture<>();

        PendingAttach(boolean stdin) {
            this.stdin = stdin;
        }
    }

    /** {@code attach}, hijacked; or {@code attach/ws}, a WebSocket carrying the raw stream (never framed). */
    private void attach(Exchange x, String idOrName, boolean websocket) throws Exception {
        ContainerDetails d = containers().inspect(idOrName);
        Container c = d.container();
        boolean tty = d.config().tty();
        boolean stdin = x.bool("stdin") && (d.config().openStdin() || tty);
        // A WebSocket's stream is raw, as docker's: the frames keep the pieces apart, not their streams.
        boolean raw = tty || websocket;
        boolean stdout = x.bool("stdout");
        boolean stderr = x.bool("stderr");
        byte[] detachKeys = DetachKeys.parse(x.query("detachKeys").filter(k -> !k.isEmpty()).orElse(DetachKeys.DEFAULT));
        boolean stream = x.bool("stream");
        // Registered before the client hears back: it asks for the start as soon as it has its answer.
        PendingAttach waiting = null;
        if (stream && c.state().status() != ContainerStatus.RUNNING) {
            waiting = new PendingAttach(stdin);
            pending.computeIfAbsent(c.id(), k -> new CopyOnWriteArrayList<>()).add(waiting);
        }
        HttpTransport.Hijacked h;
        try {
            h = websocket ? x.websocket() : x.hijack(contentType(x, tty));
        } catch (IOException | RuntimeException e) {
            forget(c.id(), waiting);
            throw e;
        }
        try {
            if (x.bool("logs")) {
                containers().logs(c.id(), LogOptions.ALL, e -> {
                    if (e.stderr() ? stderr : stdout) {
                        byte[] data = e.data();
                        byte[] out = raw ? data : Frames.frame(e.stderr() ? 2 : 1, data, 0, data.length);
                        h.write(out, 0, out.length);
                    }
                });
            }
            if (!stream) {
                return;
            }
            ContainerService.Attached a;
            if (waiting == null) {
                a = containers().attach(c.id(), stdin, null, false);
            } else {
                PendingAttach mine = waiting;
                x.channel().closeFuture().addListener(f -> mine.attached.cancel(false));
                try {
                    a = waiting.attached.get();
                } catch (CancellationException | ExecutionException e) {
                    return;
                }
            }
            pump(a, h, raw, stdin, stdout, stderr, d.config().stdinOnce(), detachKeys);
        } finally {
            forget(c.id(), waiting);
            h.close();
        }
    }

    private void forget(String id, PendingAttach waiting) {
        if (waiting != null) {
            List<PendingAttach> list = pending.get(id);
            if (list != null) {
                list.remove(waiting);
                pending.remove(id, List.of());
            }
        }
    }

    /**
     * Starts a container: attached, when attaches wait for it (the first starts it, the others join
     * it running), else plainly.
     */
    void start(String id) throws IOException {
        List<PendingAttach> waiting = pending.remove(id);
        if (waiting == null || waiting.isEmpty()) {
            containers().start(id);
            return;
        }
        PendingAttach first = waiting.get(0);
        ContainerService.Attached a;
        try {
            a = containers().attach(id, first.stdin, null, true);
        } catch (RuntimeException | IOException e) {
            waiting.forEach(p -> p.attached.completeExceptionally(e));
            throw e;
        }
        if (!first.attached.complete(a)) {
            // Its client went meanwhile: the container runs unattached.
            a.io().close();
        }
        for (PendingAttach p : waiting.subList(1, waiting.size())) {
            try {
                ContainerService.Attached more = containers().attach(id, p.stdin, null, false);
                if (!p.attached.complete(more)) {
                    more.io().close();
                }
            } catch (RuntimeException | IOException e) {
                p.attached.completeExceptionally(e);
            }
        }
    }

    /**
     * Copies an attachment's output to the client (framed without a terminal) until it ends, and the
     * client's input to it: the client's half-close ends the input (closing the process's stdin when
     * it is {@code stdinOnce}), the detach keys end the attachment, the process going on.
     *
     * @return whether the output came to its end (false: detached, or the client went)
     */
    static boolean pump(ContainerService.Attached a, HttpTransport.Hijacked h, boolean tty, boolean stdin, boolean stdout,
                        boolean stderr, boolean stdinOnce, byte[] detachKeys) {
        Attachment io = a.io();
        Thread input = null;
        if (stdin) {
            input = new Thread(() -> copyInput(h.input(), io, stdinOnce, detachKeys), "berth-docker-api-stdin");
            input.setDaemon(true);
            input.start();
        }
        boolean ended = false;
        try {
            for (Attachment.Output o; (o = io.next()) != null; ) {
                if (o.stderr() ? !stderr : !stdout) {
                    continue;
                }
                byte[] data = o.data();
                byte[] out = tty ? data : Frames.frame(o.stderr() ? 2 : 1, data, 0, data.length);
                h.write(out, 0, out.length);
            }
            ended = true;
        } catch (IOException e) {
            // The client went, or detached (the attachment was closed): the container goes on.
        } finally {
            try {
                io.close();
            } catch (IOException e) {
                // Detaching only.
            }
            if (input != null) {
                input.interrupt();
            }
        }
        return ended;
    }

    private static void copyInput(InputStream in, Attachment io, boolean stdinOnce, byte[] detachKeys) {
        byte[] buffer = new byte[16 << 10];
        int matched = 0;
        try {
            for (int n; (n = in.read(buffer)) > 0; ) {
                int start = 0;
                for (int i = 0; i < n && detachKeys.length > 0; i++) {
                    if (buffer[i] == detachKeys[matched]) {
                        matched++;
                        if (matched == detachKeys.length) {
                            io.close();
                            return;
                        }
                    } else {
                        matched = buffer[i] == detachKeys[0] ? 1 : 0;
                    }
                }
                io.write(buffer, start, n);
            }
            if (stdinOnce) {
                io.closeInput();
            }
        } catch (IOException e) {
            // The process or the client is gone: nothing more to pass on.
        }
    }

    // ------------------------------------------------------------------ wait

    /**
     * {@code wait}: headers flushed once the waiter is registered (the docker CLI starts the
     * container only then), the body when the condition is met: {@code not-running} (at once for a
     * container that does not run), {@code next-exit}, or {@code removed} (with the exit code it
     * had). It follows the container's events, so nothing between registering and starting is
     * missed.
     */
    void await(Exchange x, String idOrName) throws Exception {
        String condition = x.query("condition", "not-running");
        if (!List.of("", "not-running", "next-exit", "removed").contains(condition)) {
            throw new InvalidArgumentException("invalid condition: \"" + condition + "\"");
        }
        Container c = containers().get(idOrName);
        String id = c.id();
        EventService events = services.events();
        CompletableFuture<Integer> result = new CompletableFuture<>();
        int[] lastExit = {c.state().exitCode()};
        Map<String, List<String>> filters = Map.of("type", List.of(Event.CONTAINER), "container", List.of(id));
        try (EventService.Subscription s = events.subscribe(new EventQuery(Instant.now(), null, filters), e -> {
            if (!id.equals(e.actorId())) {
                return;
            }
            if (e.action().equals("die")) {
                try {
                    lastExit[0] = Integer.parseInt(e.attributes().getOrDefault("exitCode", "0"));
                } catch (NumberFormatException ex) {
                    lastExit[0] = 0;
                }
                if (!condition.equals("removed")) {
                    result.complete(lastExit[0]);
                }
            } else if (e.action().equals("destroy")) {
                result.complete(lastExit[0]);
            }
        })) {
            Thread engineWait = null;
            if (condition.isEmpty() || condition.equals("not-running")) {
                // The engine's own wait: its state, not its events, says when it is not running.
                engineWait = new Thread(() -> {
                    try {
                        result.complete(containers().await(id));
                    } catch (NotFoundException gone) {
                        result.complete(lastExit[0]);
                    } catch (InterruptedException e) {
                        result.cancel(false);
                    } catch (IOException | RuntimeException e) {
                        result.completeExceptionally(e);
                    }
                }, "berth-docker-api-wait");
                engineWait.setDaemon(true);
                engineWait.start();
            }
            Thread waiting = engineWait;
            Exchange.Stream out = x.stream(200, "application/json");
            x.clientGone().addListener(f -> {
                result.cancel(false);
                if (waiting != null) {
                    waiting.interrupt();
                }
            });
            int code;
            try {
                code = result.get();
            } catch (CancellationException e) {
                return;
            } catch (ExecutionException e) {
                // Headers are out: the failure goes in the body, as docker's Error.
                Map<String, Object> body = new java.util.LinkedHashMap<>();
                body.put("StatusCode", -1);
                body.put("Error", Map.of("Message", Errors.message(e.getCause())));
                out.write(Json.line(body, "\n"));
                out.close();
                return;
            }
            Map<String, Object> body = new java.util.LinkedHashMap<>();
            body.put("StatusCode", code);
            body.put("Error", null);
            out.write(Json.line(body, "\n"));
            out.close();
        }
    }
}
