package io.berth.compose.internal;

/** Where a value was written: the file as the user knows it, 1-based line and column. */
record Location(String file, int line, int column) {
    @Override
    public String toString() {
        return file + ":" + line + ":" + column;
    }
}
