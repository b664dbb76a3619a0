package io.berth.shell.internal.socket;

import io.berth.api.Names;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;

/**
 * UTF-8 in which a lone surrogate {@code U+DC80}..{@code U+DCFF} is the byte it stands for
 * ({@link Names}): what commands print goes to the client with the bytes of file names that are
 * not UTF-8 as they are, as {@code ls} would show them. Decoding is UTF-8's.
 */
final class NameBytes extends Charset {
    static final NameBytes INSTANCE = new NameBytes();

    private NameBytes() {
        super("x-berth-name-bytes", new String[0]);
    }

    @Override
    public boolean contains(Charset cs) {
        return cs instanceof NameBytes || StandardCharsets.UTF_8.contains(cs);
    }

    @Override
    public CharsetDecoder newDecoder() {
        return StandardCharsets.UTF_8.newDecoder();
    }

    @Override
    public CharsetEncoder newEncoder() {
        return new CharsetEncoder(this, 1.1f, 4f) {
            @Override
            protected CoderResult encodeLoop(CharBuffer in, ByteBuffer out) {
                while (in.hasRemaining()) {
                    char c = in.get();
                    int needed;
                    int cp = c;
                    if (c < 0x80 || c >= 0xdc80 && c <= 0xdcff) {
                        needed = 1;
                    } else if (Character.isHighSurrogate(c)) {
                        if (!in.hasRemaining()) {
                            in.position(in.position() - 1);
                            return CoderResult.UNDERFLOW;
                        }
                        char low = in.get();
                        if (!Character.isLowSurrogate(low)) {
                            in.position(in.position() - 2);
                            return CoderResult.malformedForLength(1);
                        }
                        cp = Character.toCodePoint(c, low);
                        needed = 4;
                    } else if (Character.isSurrogate(c)) {
                        in.position(in.position() - 1);
                        return CoderResult.malformedForLength(1);
                    } else {
                        needed = c < 0x800 ? 2 : 3;
                    }
                    if (out.remaining() < needed) {
                        in.position(in.position() - (needed == 4 ? 2 : 1));
                        return CoderResult.OVERFLOW;
                    }
                    if (needed == 1) {
                        out.put((byte) (c < 0x80 ? c : c - 0xdc00));
                    } else if (needed == 2) {
                        out.put((byte) (0xc0 | cp >> 6)).put((byte) (0x80 | cp & 0x3f));
                    } else if (needed == 3) {
                        out.put((byte) (0xe0 | cp >> 12)).put((byte) (0x80 | cp >> 6 & 0x3f)).put((byte) (0x80 | cp & 0x3f));
                    } else {
                        out.put((byte) (0xf0 | cp >> 18)).put((byte) (0x80 | cp >> 12 & 0x3f))
                                .put((byte) (0x80 | cp >> 6 & 0x3f)).put((byte) (0x80 | cp & 0x3f));
                    }
                }
                return CoderResult.UNDERFLOW;
            }
        };
    }
}
