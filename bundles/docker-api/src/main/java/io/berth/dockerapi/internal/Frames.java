package io.berth.dockerapi.internal;

/**
 * docker's stream framing without a terminal ({@code stdcopy}): each piece of output after an
 * 8-byte header, the stream (1 stdout, 2 stderr) then three zero bytes then the length, big-endian.
 */
final class Frames {
    private Frames() {
    }

    static byte[] frame(int stream, byte[] data, int offset, int length) {
        byte[] out = new byte[8 + length];
        out[0] = (byte) stream;
        out[4] = (byte) (length >>> 24);
        out[5] = (byte) (length >>> 16);
        out[6] = (byte) (length >>> 8);
        out[7] = (byte) length;
        System.arraycopy(data, offset, out, 8, length);
        return out;
    }
}
