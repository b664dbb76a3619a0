package io.berth.compose.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;

/**
 * Walks a dependency graph as compose does: each node's task runs once the tasks of the nodes it
 * waits for have ended, independent ones together. A node whose predecessor failed is skipped (its
 * task never runs); the failures are the tasks' own.
 */
final class Graph {
    /** A node's task. */
    @FunctionalInterface
    interface Task {
        void run(String node) throws Exception;
    }

    /** Thrown for a node left out because a node it waits for failed. */
    static final class Skipped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Skipped(String node) {
            super(node, null, false, false);
        }
    }

    private Graph() {
    }

    /**
     * Runs {@code task} on every node of {@code nodes} (in their order where nothing constrains it),
     * each after the nodes {@code before.get(node)} names that are in {@code nodes}.
     *
     * @return each failed node's exception, in the nodes' order; {@link Skipped} ones left out
     */
    static Map<String, Throwable> walk(Collection<String> nodes, Map<String, ? extends Collection<String>> before, Task task,
                                       Executor executor) throws InterruptedException {
        Set<String> all = new LinkedHashSet<>(nodes);
        Map<String, CompletableFuture<Void>> futures = new HashMap<>();
        for (String n : all) {
            future(n, all, before, task, executor, futures, new LinkedHashSet<>());
        }
        Map<String, Throwable> failures = new java.util.LinkedHashMap<>();
        for (String n : all) {
            try {
                futures.get(n).get();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() instanceof CompletionException c && c.getCause() != null ? c.getCause() : e.getCause();
                if (!(cause instanceof Skipped)) {
                    failures.put(n, cause);
                }
            }
        }
        return failures;
    }

    private static CompletableFuture<Void> future(String n, Set<String> all, Map<String, ? extends Collection<String>> before,
                                                  Task task, Executor executor, Map<String, CompletableFuture<Void>> futures,
                                                  Set<String> path) {
        CompletableFuture<Void> f = futures.get(n);
        if (f != null) {
            return f;
        }
        if (!path.add(n)) {
            throw new IllegalStateException("dependency cycle at " + n);
        }
        List<CompletableFuture<Void>> first = new ArrayList<>();
        Collection<String> ps = before.get(n);
        for (String p : ps == null ? List.<String>of() : ps) {
            if (all.contains(p) && !p.equals(n)) {
                first.add(future(p, all, before, task, executor, futures, path));
            }
        }
        path.remove(n);
        f = CompletableFuture.allOf(first.toArray(CompletableFuture[]::new)).handleAsync((v, failed) -> {
            if (failed != null) {
                throw new Skipped(n);
            }
            try {
                task.run(n);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new CompletionException(e);
            }
            return null;
        }, executor);
        futures.put(n, f);
        return f;
    }

    /** The graph reversed: for each node, the nodes that wait for it. */
    static Map<String, List<String>> reversed(Map<String, ? extends Collection<String>> before) {
        Map<String, List<String>> out = new HashMap<>();
        before.forEach((n, ps) -> ps.forEach(p -> out.computeIfAbsent(p, k -> new ArrayList<>()).add(n)));
        return out;
    }
}
