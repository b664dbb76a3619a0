package io.berth.dns;

import java.util.Arrays;

/** A growing byte buffer for building messages. */
final class MessageWriter {
    private byte[] buffer;
    private int size;

    MessageWriter(int capacity) {
        buffer = new byte[capacity];
    }

    int size() {
        return size;
    }

    MessageWriter u8(int value) {
        ensure(1);
        buffer[size++] = (byte) value;
        return this;
    }

    MessageWriter u16(int value) {
        ensure(2);
        Wire.put16(buffer, size, value);
        size += 2;
        return this;
    }

    MessageWriter u32(long value) {
        u16((int) (value >>> 16));
        return u16((int) value);
    }

    MessageWriter bytes(byte[] value) {
        return bytes(value, 0, value.length);
    }

    MessageWriter bytes(byte[] value, int from, int count) {
        ensure(count);
        System.arraycopy(value, from, buffer, size, count);
        size += count;
        return this;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buffer, size);
    }

    private void ensure(int more) {
        if (size + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
        }
    }
}
