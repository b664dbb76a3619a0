package io.berth.launcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The control socket before the framework: version answered, the rest held and handed to the shell with its hello. */
class EarlySocketTest {
    @TempDir
    Path dir;

    @Test
    void versionIsAnsweredAndOtherCommandsWaitForTheShellWhichTakesTheSocketAndThem() throws Exception {
        Path socket = dir.resolve("berth.sock");
        AtomicInteger taken = new AtomicInteger();
        try (EarlySocket early = EarlySocket.open(dir, "Server: Berth Engine\n")) {
            early.whenTaken(taken::incrementAndGet);
            assertThat(Files.getPosixFilePermissions(socket)).isEqualTo(PosixFilePermissions.fromString("rw-rw----"));

            try (SocketChannel c = connect(socket)) {
                send(c, hello(List.of("version")));
                assertThat(read(c)).isEqualTo(new Frame('O', "Server: Berth Engine\n".getBytes(StandardCharsets.UTF_8)));
                assertThat(read(c)).isEqualTo(new Frame('X', new byte[] {0, 0, 0, 0}));
                assertThat(c.read(ByteBuffer.allocate(1))).as("closed after the exit status").isEqualTo(-1);
            }

            SocketChannel held = connect(socket);
            byte[] ps = hello(List.of("ps", "-a"));
            send(held, ps);
            awaitHeld(early, 1);
            BlockingQueue<byte[]> handed = new ArrayBlockingQueue<>(4);
            ServerSocketChannel server = early.apply((channel, payload) -> {
                handed.add(payload);
                try {
                    channel.write(ByteBuffer.wrap(new byte[] {'!'}));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertThat(server).isNotNull();
            assertThat(server.isBlocking()).isTrue();
            assertThat(handed.poll(10, TimeUnit.SECONDS)).isEqualTo(ps);
            ByteBuffer answer = ByteBuffer.allocate(1);
            held.read(answer);
            assertThat(answer.array()).as("the shell answers on the very connection").containsExactly('!');
            held.close();
            assertThat(taken).hasValue(1);

            // From now on the shell accepts, on the same socket.
            try (SocketChannel later = connect(socket); SocketChannel accepted = server.accept()) {
                assertThat(accepted).isNotNull();
            }
            assertThat(early.apply((channel, payload) -> { })).as("taken once").isNull();
            server.close();
        }
        assertThat(socket).as("the shell's once taken; it removes it").exists();
    }

    @Test
    void withoutAShellClosingEndsTheHeldCommandsAndRemovesTheSocket() throws Exception {
        Path socket = dir.resolve("berth.sock");
        Files.writeString(socket, "a dead daemon's socket file");
        EarlySocket early = EarlySocket.open(dir, null);
        SocketChannel held = connect(socket);
        // With no version text, version too waits for the shell.
        send(held, hello(List.of("version")));
        awaitHeld(early, 1);
        early.close();
        assertThat(held.read(ByteBuffer.allocate(1))).as("ended without an answer").isEqualTo(-1);
        held.close();
        assertThat(socket).doesNotExist();
        assertThat(early.apply((channel, payload) -> { })).isNull();
    }

    @Test
    void onlyAPlainVersionIsAnsweredBeforeTheShell() {
        assertThat(EarlySocket.isPlainVersion(hello(List.of("version")))).isTrue();
        assertThat(EarlySocket.isPlainVersion(hello(List.of("system", "version")))).isTrue();
        assertThat(EarlySocket.isPlainVersion(hello(List.of("version", "--format", "json")))).isFalse();
        assertThat(EarlySocket.isPlainVersion(hello(List.of("info")))).isFalse();
        assertThat(EarlySocket.isPlainVersion(hello(List.of()))).isFalse();
        byte[] otherProtocol = hello(List.of("version"));
        otherProtocol[0] = 1;
        assertThat(EarlySocket.isPlainVersion(otherProtocol)).as("the shell's to refuse").isFalse();
        byte[] truncated = hello(List.of("version"));
        assertThat(EarlySocket.isPlainVersion(java.util.Arrays.copyOf(truncated, truncated.length - 13))).isFalse();
    }

    private static void awaitHeld(EarlySocket early, int n) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (early.held() != n) {
            assertThat(System.nanoTime()).as("%d commands held", n).isLessThan(end);
            Thread.sleep(5);
        }
    }

    private record Frame(char type, byte[] payload) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Frame f && f.type == type && java.util.Arrays.equals(f.payload, payload);
        }

        @Override
        public int hashCode() {
            return type * 31 + java.util.Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return type + ":" + new String(payload, StandardCharsets.UTF_8);
        }
    }

    /** A hello as the C client sends it: protocol 2, no terminal, the arguments, one environment entry. */
    private static byte[] hello(List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(2);
        out.write(0);
        out.writeBytes(new byte[4]);
        out.writeBytes(ByteBuffer.allocate(4).putInt(args.size()).array());
        for (String s : concat(List.of("/", "xterm"), args, List.of("HOME=/root"))) {
            out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            out.write(0);
        }
        return out.toByteArray();
    }

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        return java.util.Arrays.stream(lists).flatMap(List::stream).toList();
    }

    private static SocketChannel connect(Path socket) throws IOException {
        SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
        c.connect(UnixDomainSocketAddress.of(socket));
        return c;
    }

    private static void send(SocketChannel c, byte[] helloPayload) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(5 + helloPayload.length).put((byte) 'H').putInt(helloPayload.length).put(helloPayload);
        b.flip();
        while (b.hasRemaining()) {
            c.write(b);
        }
    }

    private static Frame read(SocketChannel c) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(5);
        while (header.hasRemaining()) {
            if (c.read(header) < 0) {
                throw new java.io.EOFException();
            }
        }
        header.flip();
        char type = (char) header.get();
        ByteBuffer payload = ByteBuffer.allocate(header.getInt());
        while (payload.hasRemaining()) {
            if (c.read(payload) < 0) {
                throw new java.io.EOFException();
            }
        }
        return new Frame(type, payload.array());
    }
}
