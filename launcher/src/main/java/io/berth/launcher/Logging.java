package io.berth.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Sends the JDK's logging, which Berth's bundles use through {@link System.Logger}, to the log
 * file, one line per record, appended and rotated by size ({@link RotatingFileHandler}).
 */
final class Logging {
    private Logging() {
    }

    /**
     * Logs to {@code logFile} from now on.
     *
     * @throws IllegalStateException if another daemon writes that file
     */
    static void toFile(Path logFile, RotatingFileHandler.Rotation rotation, boolean debug) throws IOException {
        RotatingFileHandler handler = RotatingFileHandler.open(logFile, rotation);
        handler.setFormatter(new LineFormatter());
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        root.addHandler(handler);
        Level level = debug ? Level.FINE : Level.INFO;
        root.setLevel(level);
        handler.setLevel(level);
    }

    /** Sends what is written to System.out and System.err to the log too (daemon mode). */
    static void captureStandardStreams() {
        Logger logger = Logger.getLogger("stdout");
        System.setOut(new PrintStream(new LineLogger(logger, Level.INFO), true));
        System.setErr(new PrintStream(new LineLogger(logger, Level.WARNING), true));
    }

    private static final class LineFormatter extends Formatter {
        @Override
        public String format(LogRecord r) {
            StringBuilder b = new StringBuilder();
            b.append(Instant.ofEpochMilli(r.getMillis())).append(' ')
                    .append(String.format("%-7s", r.getLevel().getName())).append(' ')
                    .append(r.getLoggerName()).append(": ").append(formatMessage(r)).append('\n');
            if (r.getThrown() != null) {
                java.io.StringWriter w = new java.io.StringWriter();
                r.getThrown().printStackTrace(new java.io.PrintWriter(w));
                b.append(w);
            }
            return b.toString();
        }
    }

    private static final class LineLogger extends java.io.OutputStream {
        private final Logger logger;
        private final Level level;
        private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

        LineLogger(Logger logger, Level level) {
            this.logger = logger;
            this.level = level;
        }

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                logger.log(level, line.toString(java.nio.charset.StandardCharsets.UTF_8));
                line.reset();
            } else {
                line.write(b);
            }
        }
    }
}
