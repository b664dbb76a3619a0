package io.berth.launcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The daemon's log: appended across restarts, rotated by size, one writer at a time. */
class RotatingFileHandlerTest {
    @TempDir
    Path dir;

    private static RotatingFileHandler open(Path file, long maxSize, int keep) throws IOException {
        RotatingFileHandler h = RotatingFileHandler.open(file, new RotatingFileHandler.Rotation(maxSize, keep));
        h.setFormatter(new Formatter() {
            @Override
            public String format(LogRecord r) {
                return r.getMessage() + "\n";
            }
        });
        return h;
    }

    private static void log(RotatingFileHandler h, String... lines) {
        for (String line : lines) {
            h.publish(new LogRecord(Level.INFO, line));
        }
    }

    @Test
    void aRestartAppendsToWhatThePreviousRunWrote() throws IOException {
        Path file = dir.resolve("logs/berth.log");
        RotatingFileHandler first = open(file, 0, 5);
        log(first, "first run", "crash report");
        // No close: as after kill -9, whose lock the kernel releases; unbuffered, nothing is lost.
        assertThat(Files.readString(file)).isEqualTo("first run\ncrash report\n");
        first.close();
        RotatingFileHandler second = open(file, 0, 5);
        log(second, "second run");
        second.close();
        assertThat(Files.readString(file)).isEqualTo("first run\ncrash report\nsecond run\n");
        assertThat(file.resolveSibling("berth.log.1")).doesNotExist();
        assertThat(file.resolveSibling("berth.log.lck")).doesNotExist();
    }

    @Test
    void theFileIsRotatedBySizeKeepingTheNewestFiles() throws IOException {
        Path file = dir.resolve("berth.log");
        RotatingFileHandler h = open(file, 40, 2);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            lines.add(String.format("line %02d of the log", i));
        }
        log(h, lines.toArray(String[]::new));
        h.close();
        // 19 bytes a line: two to a file; the newest three files kept, nothing beyond .2.
        assertThat(Files.readString(file)).isEqualTo("line 18 of the log\nline 19 of the log\n");
        assertThat(Files.readString(dir.resolve("berth.log.1"))).isEqualTo("line 16 of the log\nline 17 of the log\n");
        assertThat(Files.readString(dir.resolve("berth.log.2"))).isEqualTo("line 14 of the log\nline 15 of the log\n");
        assertThat(dir.resolve("berth.log.3")).doesNotExist();
        // A record larger than the size is written whole, in a file of its own.
        RotatingFileHandler again = open(file, 40, 2);
        log(again, "x".repeat(100));
        again.close();
        assertThat(Files.readString(file)).isEqualTo("x".repeat(100) + "\n");
        assertThat(Files.readString(dir.resolve("berth.log.1"))).isEqualTo("line 18 of the log\nline 19 of the log\n");
    }

    @Test
    void aLogAtItsSizeWhenTheDaemonStartsIsRotatedFirstAndKept() throws IOException {
        Path file = dir.resolve("berth.log");
        Files.writeString(file, "the previous run, up to its crash\n".repeat(3));
        RotatingFileHandler h = open(file, 50, 1);
        log(h, "new run");
        h.close();
        assertThat(Files.readString(dir.resolve("berth.log.1"))).isEqualTo("the previous run, up to its crash\n".repeat(3));
        assertThat(Files.readString(file)).isEqualTo("new run\n");
    }

    @Test
    void aSecondWriterOfTheSameLogIsRefused() throws IOException {
        Path file = dir.resolve("berth.log");
        RotatingFileHandler h = open(file, 0, 1);
        try {
            assertThatThrownBy(() -> open(file, 0, 1)).isInstanceOf(IllegalStateException.class)
                    .hasMessage("the log file " + file + " is in use by another Berth daemon; start this one with another --log-file");
        } finally {
            h.close();
        }
        open(file, 0, 1).close();
    }

    @Test
    void rotationComesFromTheEngineConfigurationWithDefaults() {
        assertThat(RotatingFileHandler.Rotation.of(Map.of())).isEqualTo(new RotatingFileHandler.Rotation(10 * 1024 * 1024, 5));
        assertThat(RotatingFileHandler.Rotation.of(Map.of("logRotateSize", "", "logRotateKeep", " ")))
                .isEqualTo(RotatingFileHandler.Rotation.DEFAULT);
        assertThat(RotatingFileHandler.Rotation.of(Map.of("logRotateSize", "1m", "logRotateKeep", "3")))
                .isEqualTo(new RotatingFileHandler.Rotation(1024 * 1024, 3));
        assertThat(RotatingFileHandler.Rotation.of(Map.of("logRotateSize", "512K")).maxSize()).isEqualTo(512 * 1024);
        assertThat(RotatingFileHandler.Rotation.of(Map.of("logRotateSize", "2GB")).maxSize()).isEqualTo(2L << 30);
        assertThat(RotatingFileHandler.Rotation.of(Map.of("logRotateSize", "1000")).maxSize()).isEqualTo(1000);
        assertThat(RotatingFileHandler.Rotation.of(Map.of("logRotateSize", "0")).maxSize()).isZero();
        assertThatThrownBy(() -> RotatingFileHandler.Rotation.of(Map.of("logRotateSize", "ten")))
                .hasMessage("logRotateSize = ten in berth.engine.cfg is not a size (bytes, or a number with k, m or g)");
        assertThatThrownBy(() -> RotatingFileHandler.Rotation.of(Map.of("logRotateSize", "-1"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RotatingFileHandler.Rotation.of(Map.of("logRotateKeep", "0")))
                .hasMessage("logRotateKeep = 0 in berth.engine.cfg must be a number of files, at least 1");
        assertThatThrownBy(() -> RotatingFileHandler.Rotation.of(Map.of("logRotateKeep", "x"))).isInstanceOf(IllegalArgumentException.class);
    }
}
