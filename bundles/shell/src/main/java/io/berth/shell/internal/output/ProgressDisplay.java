package io.berth.shell.internal.output;

import io.berth.api.ProgressEvent;
import io.berth.api.ProgressListener;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;

/**
 * Shows the progress of long work as docker pull does: one line per item ({@code 9ad63333ebc9:
 * Downloading [====>   ]  1.2MB/2.5MB}). On a terminal each item's line is redrawn in place;
 * otherwise each change of status is printed once as a plain line and byte counts are left out,
 * so logs stay readable.
 */
public final class ProgressDisplay implements ProgressListener {
    private static final char ESC = 27;
    private static final int BAR_WIDTH = 50;
    /** Below this terminal width the bar is left out, as docker does. */
    private static final int BAR_MIN_COLUMNS = 110;

    private final PrintStream out;
    private final boolean terminal;
    private final int columns;
    private final Map<String, Integer> lineOf = new HashMap<>();
    private final Map<String, String> lastStatus = new HashMap<>();
    private int lines;

    /**
     * @param terminal whether {@code out} is a terminal that understands ANSI cursor movement
     * @param columns the terminal's width, or 0 if unknown
     */
    public ProgressDisplay(PrintStream out, boolean terminal, int columns) {
        this.out = out;
        this.terminal = terminal;
        this.columns = columns;
    }

    @Override
    public synchronized void progress(ProgressEvent event) {
        if (event.id() == null) {
            out.println(event.status());
            if (terminal) {
                lines++;
            }
            out.flush();
            return;
        }
        if (!terminal) {
            boolean measured = event.current() >= 0;
            if (!measured && !event.status().equals(lastStatus.put(event.id(), event.status()))) {
                out.println(event.id() + ": " + event.status());
                out.flush();
            }
            return;
        }
        String text = event.id() + ": " + event.status() + progressText(event);
        Integer line = lineOf.get(event.id());
        if (line == null) {
            lineOf.put(event.id(), lines++);
            out.print(text + "\n");
        } else {
            int up = lines - line;
            out.print(ESC + "[" + up + "A\r" + ESC + "[2K" + text + "\r" + ESC + "[" + up + "B");
        }
        out.flush();
    }

    private String progressText(ProgressEvent e) {
        if (e.current() < 0) {
            return "";
        }
        if (e.total() <= 0) {
            return " " + pad(Units.humanSize(e.current(), 4), 8);
        }
        long current = Math.min(e.current(), e.total());
        String numbers = pad(Units.humanSize(current, 4), 8) + "/" + Units.humanSize(e.total(), 4);
        if (columns != 0 && columns < BAR_MIN_COLUMNS) {
            return " " + numbers;
        }
        int bars = (int) (current * BAR_WIDTH / e.total());
        String bar = "=".repeat(bars) + (bars < BAR_WIDTH ? ">" + " ".repeat(BAR_WIDTH - bars - 1) : "");
        return " [" + bar + "] " + numbers;
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
    }
}
