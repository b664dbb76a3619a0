package io.berth.shell.internal.socket;

import io.berth.control.Frames;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The client's first frame: who it is talking for.
 *
 * @param stdinTty whether the client's stdin is a terminal
 * @param stdoutTty whether its stdout is a terminal
 * @param stderrTty whether its stderr is a terminal
 * @param rows the terminal's rows, or 0
 * @param columns the terminal's columns, or 0
 * @param cwd the client's working directory
 * @param term the client's TERM, possibly empty
 * @param args the command and its arguments
 * @param environment the client's environment, {@code NAME=value} each
 */
public record Hello(boolean stdinTty, boolean stdoutTty, boolean stderrTty, int rows, int columns, String cwd,
                    String term, List<String> args, List<String> environment) {

    /** The environment as a map; an entry without {@code =} is a name with an empty value. */
    public java.util.Map<String, String> environmentMap() {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        for (String e : environment) {
            int eq = e.indexOf('=');
            if (eq > 0) {
                m.putIfAbsent(e.substring(0, eq), e.substring(eq + 1));
            }
        }
        return m;
    }

    public static Hello decode(byte[] payload) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(payload);
        if (b.remaining() < 10) {
            throw new IOException("control socket: short hello");
        }
        int version = b.get() & 0xff;
        if (version != Frames.PROTOCOL_VERSION) {
            throw new IOException("control socket: client speaks protocol " + version + ", this daemon "
                    + Frames.PROTOCOL_VERSION + "; use the bin/berth of the same Berth version");
        }
        int flags = b.get() & 0xff;
        int rows = b.getShort() & 0xffff;
        int columns = b.getShort() & 0xffff;
        int argCount = b.getInt();
        List<String> strings = new ArrayList<>();
        int start = b.position();
        for (int i = start; i < payload.length; i++) {
            if (payload[i] == 0) {
                // Arguments are bytes: a file name that is not UTF-8 is kept (io.berth.api.Names).
                strings.add(io.berth.api.Names.decode(payload, start, i - start));
                start = i + 1;
            }
        }
        if (start != payload.length || argCount < 0 || strings.size() < 2 + argCount) {
            throw new IOException("control socket: malformed hello");
        }
        return new Hello((flags & 1) != 0, (flags & 2) != 0, (flags & 4) != 0, rows, columns, strings.get(0),
                strings.get(1), List.copyOf(strings.subList(2, 2 + argCount)),
                List.copyOf(strings.subList(2 + argCount, strings.size())));
    }

    public byte[] encode() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(Frames.PROTOCOL_VERSION);
        out.write((stdinTty ? 1 : 0) | (stdoutTty ? 2 : 0) | (stderrTty ? 4 : 0));
        out.write(rows >> 8);
        out.write(rows);
        out.write(columns >> 8);
        out.write(columns);
        out.writeBytes(ByteBuffer.allocate(4).putInt(args.size()).array());
        List<String> strings = new ArrayList<>();
        strings.add(cwd);
        strings.add(term);
        strings.addAll(args);
        strings.addAll(environment);
        for (String s : strings) {
            out.writeBytes(io.berth.api.Names.encode(s));
            out.write(0);
        }
        return out.toByteArray();
    }
}
