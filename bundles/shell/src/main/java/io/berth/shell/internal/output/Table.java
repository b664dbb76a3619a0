package io.berth.shell.internal.output;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * An aligned table as docker prints one (Go's tabwriter with minimum width 10, padding 3): each
 * column as wide as its widest cell plus three spaces, at least ten; the last column unpadded.
 */
public final class Table {
    private static final int MIN_WIDTH = 10;
    private static final int PADDING = 3;

    private final List<List<String>> rows = new ArrayList<>();
    private final int minWidth;

    /** A table with a header row. */
    public Table(String... header) {
        this(MIN_WIDTH, header);
    }

    /** A table whose columns are at least {@code minWidth} wide, padding included (docker's {@code top}: 20). */
    public Table(int minWidth, String... header) {
        this.minWidth = minWidth;
        if (header.length > 0) {
            rows.add(List.of(header));
        }
    }

    /** Adds a row; cells may be fewer than the header's. */
    public Table row(String... cells) {
        rows.add(List.of(cells));
        return this;
    }

    public Table row(List<String> cells) {
        rows.add(List.copyOf(cells));
        return this;
    }

    /** Whether there are no rows besides the header. */
    public boolean isEmpty() {
        return rows.size() <= 1;
    }

    public void print(PrintStream out) {
        int columns = rows.stream().mapToInt(List::size).max().orElse(0);
        int[] widths = new int[columns];
        for (List<String> row : rows) {
            for (int c = 0; c < row.size() - 1; c++) {
                widths[c] = Math.max(widths[c], Math.max(minWidth, width(row.get(c)) + PADDING));
            }
        }
        StringBuilder line = new StringBuilder();
        for (List<String> row : rows) {
            line.setLength(0);
            for (int c = 0; c < row.size(); c++) {
                String cell = row.get(c);
                line.append(cell);
                if (c < row.size() - 1) {
                    line.append(" ".repeat(widths[c] - width(cell)));
                }
            }
            out.println(line);
        }
    }

    private static int width(String s) {
        return s.codePointCount(0, s.length());
    }
}
