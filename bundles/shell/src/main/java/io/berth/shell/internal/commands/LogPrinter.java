package io.berth.shell.internal.commands;

import io.berth.api.container.LogEntry;
import io.berth.api.container.LogSink;
import io.berth.views.Times;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Prints log entries to stdout and stderr byte for byte, buffered: written out when the log
 * service says it has given all it read, and before the other stream's next entry, so that the
 * two keep the order in which the container wrote them.
 */
final class LogPrinter implements LogSink {
    private static final int BUFFER = 64 * 1024;

    private final BufferedOutputStream out;
    private final BufferedOutputStream err;
    private final boolean timestamps;
    private final boolean details;
    private BufferedOutputStream last;

    LogPrinter(OutputStream out, OutputStream err, boolean timestamps) {
        this(out, err, timestamps, false);
    }

    /**
     * @param details {@code --details}: each line after the attributes its log driver gave it, as
     *        docker writes them ({@code k=v,k=v} then a space; the json-file log gives none, so a
     *        space alone)
     */
    LogPrinter(OutputStream out, OutputStream err, boolean timestamps, boolean details) {
        this.out = new BufferedOutputStream(out, BUFFER);
        this.err = new BufferedOutputStream(err, BUFFER);
        this.timestamps = timestamps;
        this.details = details;
    }

    @Override
    public void accept(LogEntry e) throws IOException {
        BufferedOutputStream s = e.stderr() ? err : out;
        if (last != null && last != s) {
            last.flush();
        }
        last = s;
        if (timestamps) {
            s.write((Times.rfc3339Fixed(e.time()) + " ").getBytes(StandardCharsets.UTF_8));
        }
        if (details) {
            s.write(' ');
        }
        e.writeTo(s);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
        err.flush();
    }
}
