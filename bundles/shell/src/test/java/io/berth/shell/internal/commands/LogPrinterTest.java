package io.berth.shell.internal.commands;

import io.berth.api.container.LogEntry;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Log entries printed byte for byte, the two streams in the order the container wrote them. */
class LogPrinterTest {
    /** Records which stream each write went to, in order. */
    private static final class Recorder {
        final List<String> writes = new ArrayList<>();
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();

        OutputStream stream(String name, ByteArrayOutputStream into) {
            return new OutputStream() {
                @Override
                public void write(int b) {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    writes.add(name + ":" + new String(b, off, len, StandardCharsets.ISO_8859_1));
                    into.write(b, off, len);
                }
            };
        }
    }

    private static LogEntry entry(String stream, String text) {
        return new LogEntry(stream, Instant.parse("2026-12-02T22:41:19.5Z"), text.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void entriesAreHeldUntilFlushAndTheStreamsKeepTheirOrder() throws IOException {
        Recorder r = new Recorder();
        LogPrinter p = new LogPrinter(r.stream("out", r.out), r.stream("err", r.err), false);
        p.accept(entry("stdout", "a\n"));
        p.accept(entry("stdout", "b\n"));
        assertThat(r.writes).as("buffered").isEmpty();
        p.accept(entry("stderr", "\u00ff\u0000\n"));
        assertThat(r.writes).containsExactly("out:a\nb\n");
        p.accept(entry("stdout", "c"));
        p.flush();
        assertThat(r.writes).containsExactly("out:a\nb\n", "err:\u00ff\u0000\n", "out:c");
        assertThat(r.err.toByteArray()).containsExactly(0xff, 0, '\n');
    }

    @Test
    void timestampsPrefixEachEntry() throws IOException {
        Recorder r = new Recorder();
        LogPrinter p = new LogPrinter(r.stream("out", r.out), r.stream("err", r.err), true);
        p.accept(entry("stdout", "a\n"));
        p.flush();
        assertThat(r.out.toString(StandardCharsets.UTF_8)).isEqualTo("2026-12-02T22:41:19.500000000Z a\n");
    }
}
