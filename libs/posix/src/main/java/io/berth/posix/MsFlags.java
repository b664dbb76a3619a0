package io.berth.posix;

import java.util.Map;

/**
 * mount(2)'s flags, and the words that name them in mount options ({@code ro}, {@code nosuid},
 * {@code rbind}, {@code rslave}, …) as docker's mount package knows them.
 */
public final class MsFlags {
    public static final long MS_RDONLY = 1;
    public static final long MS_NOSUID = 2;
    public static final long MS_NODEV = 4;
    public static final long MS_NOEXEC = 8;
    public static final long MS_SYNCHRONOUS = 16;
    public static final long MS_REMOUNT = 32;
    public static final long MS_MANDLOCK = 64;
    public static final long MS_DIRSYNC = 128;
    public static final long MS_NOATIME = 1024;
    public static final long MS_NODIRATIME = 2048;
    public static final long MS_BIND = 4096;
    public static final long MS_REC = 16384;
    public static final long MS_SILENT = 32768;
    public static final long MS_UNBINDABLE = 1 << 17;
    public static final long MS_PRIVATE = 1 << 18;
    public static final long MS_SLAVE = 1 << 19;
    public static final long MS_SHARED = 1 << 20;
    public static final long MS_RELATIME = 1 << 21;
    public static final long MS_STRICTATIME = 1 << 24;
    /** The propagation types, which mount(2) takes alone, in a call of their own. */
    public static final long PROPAGATION = MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE;

    /** What a word does to the flag word: sets {@code flag}, or clears it (as {@code rw} clears {@code ro}). */
    public record Word(boolean clear, long flag) {
    }

    private static final Map<String, Word> WORDS = Map.ofEntries(
            Map.entry("ro", new Word(false, MS_RDONLY)),
            Map.entry("rw", new Word(true, MS_RDONLY)),
            Map.entry("suid", new Word(true, MS_NOSUID)),
            Map.entry("nosuid", new Word(false, MS_NOSUID)),
            Map.entry("dev", new Word(true, MS_NODEV)),
            Map.entry("nodev", new Word(false, MS_NODEV)),
            Map.entry("exec", new Word(true, MS_NOEXEC)),
            Map.entry("noexec", new Word(false, MS_NOEXEC)),
            Map.entry("sync", new Word(false, MS_SYNCHRONOUS)),
            Map.entry("async", new Word(true, MS_SYNCHRONOUS)),
            Map.entry("dirsync", new Word(false, MS_DIRSYNC)),
            Map.entry("remount", new Word(false, MS_REMOUNT)),
            Map.entry("mand", new Word(false, MS_MANDLOCK)),
            Map.entry("nomand", new Word(true, MS_MANDLOCK)),
            Map.entry("atime", new Word(true, MS_NOATIME)),
            Map.entry("noatime", new Word(false, MS_NOATIME)),
            Map.entry("diratime", new Word(true, MS_NODIRATIME)),
            Map.entry("nodiratime", new Word(false, MS_NODIRATIME)),
            Map.entry("bind", new Word(false, MS_BIND)),
            Map.entry("rbind", new Word(false, MS_BIND | MS_REC)),
            Map.entry("unbindable", new Word(false, MS_UNBINDABLE)),
            Map.entry("runbindable", new Word(false, MS_UNBINDABLE | MS_REC)),
            Map.entry("private", new Word(false, MS_PRIVATE)),
            Map.entry("rprivate", new Word(false, MS_PRIVATE | MS_REC)),
            Map.entry("shared", new Word(false, MS_SHARED)),
            Map.entry("rshared", new Word(false, MS_SHARED | MS_REC)),
            Map.entry("slave", new Word(false, MS_SLAVE)),
            Map.entry("rslave", new Word(false, MS_SLAVE | MS_REC)),
            Map.entry("relatime", new Word(false, MS_RELATIME)),
            Map.entry("norelatime", new Word(true, MS_RELATIME)),
            Map.entry("strictatime", new Word(false, MS_STRICTATIME)),
            Map.entry("nostrictatime", new Word(true, MS_STRICTATIME)));

    private MsFlags() {
    }

    /** What a mount option word means to mount(2), or {@code null} for a filesystem's own option ({@code size=…}). */
    public static Word word(String option) {
        return WORDS.get(option);
    }

    /** The flags of a propagation word ({@code rshared}, {@code slave}, …), 0 for any other word. */
    public static long propagation(String option) {
        Word w = WORDS.get(option);
        return w != null && (w.flag() & PROPAGATION) != 0 ? w.flag() : 0;
    }
}
