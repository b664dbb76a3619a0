package io.berth.layers.tar;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One tar entry's header, with PAX and GNU extensions already folded in: long names, large
 * numbers, sub-second times and extended attributes as raw bytes (binary values such as
 * {@code security.capability} survive intact).
 */
public final class TarHeader {
    public static final byte REGULAR = '0';
    public static final byte REGULAR_OLD = 0;
    public static final byte HARDLINK = '1';
    public static final byte SYMLINK = '2';
    public static final byte CHAR_DEVICE = '3';
    public static final byte BLOCK_DEVICE = '4';
    public static final byte DIRECTORY = '5';
    public static final byte FIFO = '6';
    public static final byte CONTIGUOUS = '7';

    /** The entry's path as stored (relative, {@code /}-separated, directories may end in {@code /}). */
    public String name;
    public String linkName = "";
    /** Permission bits with setuid, setgid and sticky: {@code 07777} at most. */
    public int mode;
    public long uid;
    public long gid;
    public String userName = "";
    public String groupName = "";
    public long size;
    /** Modification time, seconds since the epoch. */
    public long mtimeSeconds;
    /** The nanoseconds of the modification time. */
    public int mtimeNanos;
    public byte type = REGULAR;
    public long devMajor;
    public long devMinor;
    /** Extended attributes by name ({@code security.capability}), values as raw bytes. */
    public final Map<String, byte[]> xattrs = new LinkedHashMap<>();

    public TarHeader() {
    }

    public TarHeader(String name, byte type) {
        this.name = name;
        this.type = type;
    }

    public boolean isRegular() {
        return type == REGULAR || type == REGULAR_OLD || type == CONTIGUOUS;
    }

    public boolean isDirectory() {
        return type == DIRECTORY;
    }

    @Override
    public String toString() {
        return name;
    }
}
