package io.berth.shell.internal.output;

import io.berth.api.ProgressEvent;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressDisplayTest {
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);

    @Test
    void plainOutputPrintsEachStatusOnceAndNoByteCounts() {
        ProgressDisplay d = new ProgressDisplay(out, false, 0);
        d.progress(ProgressEvent.of("9ad63333ebc9", "Pulling fs layer"));
        d.progress(new ProgressEvent("9ad63333ebc9", "Downloading", 10, 100));
        d.progress(new ProgressEvent("9ad63333ebc9", "Downloading", 50, 100));
        d.progress(ProgressEvent.of("9ad63333ebc9", "Download complete"));
        d.progress(ProgressEvent.of("9ad63333ebc9", "Download complete"));
        d.progress(ProgressEvent.of(null, "Digest: sha256:abc"));
        assertThat(buffer.toString(StandardCharsets.UTF_8)).isEqualTo(
                "9ad63333ebc9: Pulling fs layer\n9ad63333ebc9: Download complete\nDigest: sha256:abc\n");
    }

    @Test
    void terminalOutputRedrawsAnItemsLineInPlace() {
        ProgressDisplay d = new ProgressDisplay(out, true, 200);
        d.progress(ProgressEvent.of("aaa", "Pulling fs layer"));
        d.progress(ProgressEvent.of("bbb", "Pulling fs layer"));
        buffer.reset();
        d.progress(new ProgressEvent("aaa", "Downloading", 50, 100));
        String s = buffer.toString(StandardCharsets.UTF_8);
        // Up two lines, clear it, write, back down two lines.
        assertThat(s).startsWith("\u001b[2A\r\u001b[2Kaaa: Downloading [" + "=".repeat(25) + ">")
                .contains("]      50B/100B")
                .endsWith("\r\u001b[2B");
    }

    @Test
    void narrowTerminalsGetNoBar() {
        ProgressDisplay d = new ProgressDisplay(out, true, 80);
        d.progress(new ProgressEvent("aaa", "Downloading", 1_500_000, 3_000_000));
        assertThat(buffer.toString(StandardCharsets.UTF_8)).isEqualTo("aaa: Downloading    1.5MB/3MB\n");
    }
}
