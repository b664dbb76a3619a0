package io.berth.containers.internal;

import io.berth.api.container.LogEntry;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The json-file lines read back to the bytes a process wrote: the shim's escapes of bytes that
 * are not UTF-8, docker's lines with members of their own, and what is not a log line.
 */
class JsonLogTest {
    private static LogEntry parse(String line) {
        return JsonLog.parse(line.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    @Test
    void aLineOfTheShimGivesItsStreamTimeAndBytes() {
        LogEntry e = parse("{\"log\":\"hello\\n\",\"stream\":\"stdout\",\"time\":\"2026-12-02T22:41:19.123456789Z\"}");
        assertThat(e.stream()).isEqualTo("stdout");
        assertThat(e.stderr()).isFalse();
        assertThat(e.time()).isEqualTo(Instant.parse("2026-12-02T22:41:19.123456789Z"));
        assertThat(e.data()).isEqualTo("hello\n".getBytes(StandardCharsets.UTF_8));
        assertThat(e.length()).isEqualTo(6);
    }

    @Test
    void loneSurrogatesDC80ToDCFFAreTheBytesThatWereNotUtf8() {
        // printf '\xff\xfe\x00\x80\n' as the shim writes it.
        LogEntry e = parse("{\"log\":\"\\udcff\\udcfe\\u0000\\udc80\\n\",\"stream\":\"stderr\",\"time\":\"2026-12-02T00:00:00Z\"}");
        assertThat(e.stderr()).isTrue();
        assertThat(e.data()).isEqualTo(bytes(0xff, 0xfe, 0x00, 0x80, 0x0a));
    }

    @Test
    void validUtf8AndEscapedCharactersComeBackAsUtf8() {
        LogEntry e = parse("{\"log\":\"h\u00e9 \\u00e9 \\ud83d\\ude00 \\u003c\\u0026\\u2028 \\\"\\\\\\/\\t\\r\\b\\f\",\"stream\":\"stdout\","
                + "\"time\":\"2026-12-02T00:00:00Z\"}");
        assertThat(new String(e.data(), StandardCharsets.UTF_8)).isEqualTo("h\u00e9 \u00e9 \ud83d\ude00 <&\u2028 \"\\/\t\r\b\f");
    }

    @Test
    void otherLoneSurrogatesBecomeTheReplacementCharacterAsInGo() {
        LogEntry e = parse("{\"log\":\"\\ud800x\\udc00\\udbff\",\"stream\":\"stdout\",\"time\":\"2026-12-02T00:00:00Z\"}");
        assertThat(new String(e.data(), StandardCharsets.UTF_8)).isEqualTo("\ufffdx\ufffd\ufffd");
    }

    @Test
    void dockersLinesWithAttributesAndAnotherOrderAreRead() {
        LogEntry e = parse(" {\"attrs\":{\"tag\":\"a,b}\",\"n\":[1,{\"x\":2}]},\"time\":\"2026-12-02T23:00:00.5+01:00\","
                + "\"stream\":\"stderr\" , \"log\" : \"x\"}");
        assertThat(e.stream()).isEqualTo("stderr");
        assertThat(e.time()).isEqualTo(Instant.parse("2026-12-02T22:00:00.5Z"));
        assertThat(e.data()).isEqualTo(new byte[] {'x'});
    }

    @Test
    void whatIsNotALogLineIsNothing() {
        assertThat(parse("")).isNull();
        assertThat(parse("not json")).isNull();
        assertThat(parse("{\"log\":\"x\",\"stream\":\"stdout\"}")).as("no time").isNull();
        assertThat(parse("{\"log\":\"x\",\"stream\":\"stdout\",\"time\":\"yesterday\"}")).as("a bad time").isNull();
        assertThat(parse("{\"log\":\"x\\u12\",\"stream\":\"stdout\",\"time\":\"2026-12-02T00:00:00Z\"}")).as("a bad escape").isNull();
        assertThat(parse("{\"log\":\"unterminated,\"stream\":\"stdout\",\"time\":\"2026-12-02T00:00:00Z\"")).isNull();
    }

    /** A file that grows: each drain sees what was appended since the last one. */
    private static final class Growing extends java.io.InputStream {
        private final java.util.ArrayDeque<byte[]> appends = new java.util.ArrayDeque<>();
        private byte[] current = new byte[0];
        private int at;

        void append(String s) {
            appends.add(s.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (at == current.length) {
                if (appends.isEmpty()) {
                    return -1;
                }
                current = appends.poll();
                at = 0;
            }
            // A few bytes at a time, so that lines are split across reads.
            int n = Math.min(Math.min(len, 7), current.length - at);
            System.arraycopy(current, at, b, off, n);
            at += n;
            return n;
        }
    }

    @Test
    void theReaderGivesCompleteLinesAndKeepsAPartialOneForTheNextDrain() throws Exception {
        Growing file = new Growing();
        JsonLog.Reader reader = new JsonLog.Reader(file);
        java.util.List<String> got = new java.util.ArrayList<>();
        int[] flushes = {0};
        io.berth.api.container.LogSink sink = new io.berth.api.container.LogSink() {
            @Override
            public void accept(LogEntry e) {
                got.add(e.stream() + ":" + e.text());
            }

            @Override
            public void flush() {
                flushes[0]++;
            }
        };
        String long1 = "x".repeat(200_000);
        file.append("{\"log\":\"a\\n\",\"stream\":\"stdout\",\"time\":\"2026-12-02T00:00:00Z\"}\nnot a log line\n{\"log\":\"");
        reader.drain(sink);
        assertThat(got).containsExactly("stdout:a\n");
        assertThat(flushes[0]).isPositive();
        file.append(long1 + "\",\"stream\":\"stderr\",\"time\":\"2026-12-02T00:00:01Z\"}\n");
        reader.drain(sink);
        assertThat(got).containsExactly("stdout:a\n", "stderr:" + long1);
    }

    @Test
    void timesAsGoWritesThemAndOtherRfc3339Forms() {
        for (String t : new String[] {"2026-12-02T22:41:19Z", "2026-12-02T22:41:19.1Z", "2026-12-02T22:41:19.000000001Z",
                "2024-02-29T23:59:59.999999999Z", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "2000-03-01T00:00:00Z"}) {
            byte[] b = t.getBytes(StandardCharsets.US_ASCII);
            assertThat(Rfc3339.parse(b, 0, b.length)).as(t).isEqualTo(Instant.parse(t));
        }
        byte[] offset = "2026-12-02T22:41:19.25-05:30".getBytes(StandardCharsets.US_ASCII);
        assertThat(Rfc3339.parse(offset, 0, offset.length)).isEqualTo(Instant.parse("2026-12-03T04:11:19.25Z"));
        for (String bad : new String[] {"2026-02-30T00:00:00Z", "2025-02-29T00:00:00Z", "2026-13-01T00:00:00Z",
                "2026-12-02T24:00:00Z", "2026-12-02T22:41:19.1234567890Z", "2026-12-02 22:41:19Z"}) {
            byte[] b = bad.getBytes(StandardCharsets.US_ASCII);
            assertThat(Rfc3339.parse(b, 0, b.length)).as(bad).isNull();
        }
    }
}
