package io.berth.shell.internal.commands;

import io.berth.api.BerthException;
import io.berth.api.compose.ComposeLabels;
import io.berth.api.container.Container;
import io.berth.api.container.ContainerService;
import io.berth.api.container.LogOptions;
import io.berth.shell.internal.framework.CommandContext;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A project's logs as v2 prints them: each line after its container's short name ({@code web-1 | }), coloured on a terminal. */
final class ComposeLogs {
    /** v2's log colours, in its order: cyan, yellow, green, magenta, blue, then their bright forms. */
    private static final String[] COLOURS = {"36", "33", "32", "35", "34", "36;1", "33;1", "32;1", "35;1", "34;1"};

    private ComposeLogs() {
    }

    /** Whether log prefixes are coloured: on a terminal, unless {@code --no-color} or {@code --ansi} says otherwise. */
    static boolean colours(CommandContext ctx, ComposeFlags p, boolean noColor) {
        return !noColor && ("always".equals(p.ansi) || !"never".equals(p.ansi) && ctx.terminal().isOutputTerminal());
    }

    /** The name a container's log lines are prefixed with: {@code web-1}, as v2 shortens them. */
    static String shortName(String project, Container c) {
        String prefix = project + "-";
        return c.name().startsWith(prefix) ? c.name().substring(prefix.length()) : c.name();
    }

    /**
     * The containers' logs, each line prefixed with its container's short name padded to the longest
     * ({@code web-1     | }), coloured on a terminal; one container after the other, or together
     * while they run ({@link Mode}).
     */
    static void follow(CommandContext ctx, ContainerService containers, List<Container> cs, boolean colour, boolean prefix, boolean timestamps,
                        LogOptions options, Mode mode) throws IOException, InterruptedException {
        int width = 0;
        for (Container c : cs) {
            String project = c.labels().getOrDefault(ComposeLabels.PROJECT, "");
            width = Math.max(width, shortName(project, c).length());
        }
        List<PrefixedLog> sinks = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < cs.size(); i++) {
            Container c = cs.get(i);
            String name = shortName(c.labels().getOrDefault(ComposeLabels.PROJECT, ""), c);
            String text = prefix ? String.format("%-" + width + "s | ", name) : "";
            if (colour) {
                name = coloured(i, name);
                text = prefix ? coloured(i, text) : text;
            }
            names.add(name);
            sinks.add(new PrefixedLog(ctx.out(), text, timestamps));
        }
        if (mode == Mode.ONE_AFTER_ANOTHER) {
            for (int i = 0; i < cs.size(); i++) {
                containers.logs(cs.get(i).id(), options, sinks.get(i));
                sinks.get(i).flush();
            }
            return;
        }
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < cs.size(); i++) {
            Container c = cs.get(i);
            PrefixedLog sink = sinks.get(i);
            String name = names.get(i);
            Thread t = new Thread(() -> {
                try {
                    containers.logs(c.id(), options, sink);
                    sink.flush();
                    if (mode == Mode.ATTACHED) {
                        int status = containers.await(c.id());
                        synchronized (ctx.out()) {
                            ctx.out().println(name + " exited with code " + status);
                            ctx.out().flush();
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (IOException | BerthException e) {
                    // A container removed meanwhile ends its part.
                }
            }, "compose-logs-" + c.name());
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        try {
            for (Thread t : threads) {
                t.join();
            }
        } finally {
            threads.forEach(Thread::interrupt);
        }
    }

    /** How {@link #follow} goes through the containers. */
    enum Mode {
        /** Each container's log to its end, one after the other ({@code logs} without {@code -f}). */
        ONE_AFTER_ANOTHER,
        /** All at once, until every container has ended ({@code logs -f}). */
        TOGETHER,
        /** As {@link #TOGETHER}, and v2's {@code web-1 exited with code 0} as each ends ({@code up} attached). */
        ATTACHED
    }

    private static String coloured(int index, String text) {
        return "\033[" + COLOURS[index % COLOURS.length] + "m" + text + "\033[0m";
    }

    /** A container's log lines, each after its prefix; whole lines only, written together. */
    private static final class PrefixedLog implements io.berth.api.container.LogSink {
        private final PrintStream out;
        private final byte[] prefix;
        private final boolean timestamps;
        private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();

        PrefixedLog(PrintStream out, String prefix, boolean timestamps) {
            this.out = out;
            this.prefix = prefix.getBytes(StandardCharsets.UTF_8);
            this.timestamps = timestamps;
        }

        @Override
        public void accept(io.berth.api.container.LogEntry e) {
            byte[] data = e.data();
            java.io.ByteArrayOutputStream lines = new java.io.ByteArrayOutputStream();
            int start = 0;
            for (int i = 0; i < data.length; i++) {
                if (data[i] == '\n') {
                    line(lines, e, data, start, i + 1);
                    start = i + 1;
                }
            }
            if (start < data.length) {
                // A partial line (no newline yet): kept for the next entry.
                if (pending.size() == 0) {
                    pending.writeBytes(header(e));
                }
                pending.write(data, start, data.length - start);
            }
            if (lines.size() > 0) {
                synchronized (out) {
                    out.write(lines.toByteArray(), 0, lines.size());
                    out.flush();
                }
            }
        }

        private void line(java.io.ByteArrayOutputStream lines, io.berth.api.container.LogEntry e, byte[] data, int from, int to) {
            if (pending.size() > 0) {
                lines.writeBytes(pending.toByteArray());
                pending.reset();
            } else {
                lines.writeBytes(header(e));
            }
            lines.write(data, from, to - from);
        }

        private byte[] header(io.berth.api.container.LogEntry e) {
            String ts = timestamps ? io.berth.views.Times.rfc3339Fixed(e.time()) + " " : "";
            byte[] t = ts.getBytes(StandardCharsets.UTF_8);
            byte[] h = new byte[prefix.length + t.length];
            System.arraycopy(prefix, 0, h, 0, prefix.length);
            System.arraycopy(t, 0, h, prefix.length, t.length);
            return h;
        }

        @Override
        public void flush() {
            if (pending.size() > 0) {
                synchronized (out) {
                    out.write(pending.toByteArray(), 0, pending.size());
                    out.write('\n');
                    out.flush();
                }
                pending.reset();
            }
        }
    }
}
