package io.berth.containers.internal;

import io.berth.api.InvalidArgumentException;

import java.util.Locale;
import java.util.Map;

/** Signals by name ({@code SIGTERM}, {@code TERM}, {@code term}) or number, as docker takes them. */
final class Signals {
    static final int SIGKILL = 9;
    static final int SIGTERM = 15;

    private static final Map<String, Integer> NUMBERS = Map.ofEntries(Map.entry("HUP", 1), Map.entry("INT", 2),
            Map.entry("QUIT", 3), Map.entry("ILL", 4), Map.entry("TRAP", 5), Map.entry("ABRT", 6), Map.entry("IOT", 6),
            Map.entry("BUS", 7), Map.entry("FPE", 8), Map.entry("KILL", 9), Map.entry("USR1", 10), Map.entry("SEGV", 11),
            Map.entry("USR2", 12), Map.entry("PIPE", 13), Map.entry("ALRM", 14), Map.entry("TERM", 15),
            Map.entry("STKFLT", 16), Map.entry("CHLD", 17), Map.entry("CONT", 18), Map.entry("STOP", 19),
            Map.entry("TSTP", 20), Map.entry("TTIN", 21), Map.entry("TTOU", 22), Map.entry("URG", 23),
            Map.entry("XCPU", 24), Map.entry("XFSZ", 25), Map.entry("VTALRM", 26), Map.entry("PROF", 27),
            Map.entry("WINCH", 28), Map.entry("IO", 29), Map.entry("POLL", 29), Map.entry("PWR", 30), Map.entry("SYS", 31));

    private Signals() {
    }

    /**
     * The number of a signal.
     *
     * @throws InvalidArgumentException {@code Invalid signal: NAME}
     */
    static int parse(String signal) {
        String s = signal.strip().toUpperCase(Locale.ROOT);
        if (s.chars().allMatch(Character::isDigit) && !s.isEmpty() && s.length() < 4) {
            int n = Integer.parseInt(s);
            if (n >= 1 && n <= 64) {
                return n;
            }
        }
        if (s.startsWith("SIG")) {
            s = s.substring(3);
        }
        if (s.startsWith("RTMIN") || s.startsWith("RTMAX")) {
            int base = s.startsWith("RTMIN") ? 34 : 64;
            String rest = s.substring(5);
            try {
                int offset = rest.isEmpty() ? 0 : Integer.parseInt(rest);
                int n = base + offset;
                if (n >= 34 && n <= 64) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // Falls through to the error.
            }
        }
        Integer n = NUMBERS.get(s);
        if (n == null) {
            throw new InvalidArgumentException("Invalid signal: " + signal);
        }
        return n;
    }
}
