package io.berth.compose.internal;

import io.berth.api.compose.ComposeException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Compose's work done together: on each of several things at once, or along a dependency graph
 * ({@link Graph}), on the compose service's own daemon threads; failures gathered as the messages the
 * user sees, every one, in order.
 */
final class Parallel {
    /** Work on one thing. */
    @FunctionalInterface
    interface Task<T> {
        void run(T item) throws Exception;
    }

    private final ExecutorService executor;

    Parallel() {
        AtomicInteger n = new AtomicInteger();
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "berth-compose-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    void shutdown() {
        executor.shutdownNow();
    }

    /** Runs the task on every item together and waits for all of them: the failures' messages, in the items' order. */
    <T> List<String> failures(Collection<T> items, Task<T> task) throws InterruptedException {
        List<CompletableFuture<Void>> work = new ArrayList<>();
        for (T item : items) {
            work.add(CompletableFuture.runAsync(() -> {
                try {
                    task.run(item);
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            }, executor));
        }
        List<String> failures = new ArrayList<>();
        for (CompletableFuture<Void> f : work) {
            try {
                f.get();
            } catch (ExecutionException e) {
                failures.add(message(e.getCause()));
            }
        }
        return failures;
    }

    /**
     * As {@link #failures}, and then a failure, if any, thrown.
     *
     * @throws ComposeException with every failure
     */
    <T> void each(Collection<T> items, Task<T> task) throws InterruptedException {
        List<String> failures = failures(items, task);
        if (!failures.isEmpty()) {
            throw new ComposeException(failures);
        }
    }

    /** Walks a dependency graph ({@link Graph#walk}): the failures' messages, in the nodes' order. */
    List<String> walk(Collection<String> nodes, Map<String, ? extends Collection<String>> before, Graph.Task task)
            throws InterruptedException {
        List<String> failures = new ArrayList<>();
        Graph.walk(nodes, before, task, executor).values().forEach(t -> failures.add(message(t)));
        return failures;
    }

    /** A failure's message for the user: its own, every one of a {@link ComposeException}, or what it is when it has none. */
    static String message(Throwable t) {
        while ((t instanceof CompletionException || t instanceof java.io.UncheckedIOException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof ComposeException c) {
            return String.join("\n", c.failures());
        }
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }
}
