package io.berth.posix;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A listening unix socket made through libc, and waiting for a connection to it or for a signal. */
class UnixListenTest {
    @TempDir
    Path dir;

    @Test
    void aConnectionWaitsInTheBacklogAndMakesTheSocketReadable() throws Exception {
        Path path = dir.resolve("api.sock");
        int fd = Native.listenUnix(path, 16);
        int wake = Native.eventfd();
        try {
            assertThat(Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class).isOther()).as("a socket file").isTrue();
            CompletableFuture<Boolean> readable = CompletableFuture.supplyAsync(() -> await(fd, wake));
            Thread.sleep(100);
            assertThat(readable).as("nothing to accept yet").isNotDone();
            try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                assertThat(client.connect(UnixDomainSocketAddress.of(path))).isTrue();
                assertThat(readable.get(10, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            Native.close(fd);
            Native.close(wake);
        }
    }

    @Test
    void aSignalEndsTheWaitWithoutAConnection() throws Exception {
        int fd = Native.listenUnix(dir.resolve("api.sock"), 16);
        int wake = Native.eventfd();
        try {
            CompletableFuture<Boolean> readable = CompletableFuture.supplyAsync(() -> await(fd, wake));
            Thread.sleep(100);
            assertThat(readable).isNotDone();
            Native.signal(wake);
            assertThat(readable.get(10, TimeUnit.SECONDS)).isFalse();
        } finally {
            Native.close(fd);
            Native.close(wake);
        }
    }

    @Test
    void aPathInUseOrTooLongIsRefusedByName() throws Exception {
        Path path = dir.resolve("api.sock");
        Files.writeString(path, "");
        assertThatThrownBy(() -> Native.listenUnix(path, 16)).isInstanceOf(IOException.class)
                .hasMessage("bind(" + path + "): Address already in use (errno 98)");
        Path tooLong = dir.resolve("s".repeat(120));
        assertThatThrownBy(() -> Native.listenUnix(tooLong, 16)).isInstanceOf(IOException.class)
                .hasMessage("bind(" + tooLong + "): the socket's path is longer than 107 bytes");
    }

    private static boolean await(int fd, int wake) {
        try {
            return Native.awaitReadable(fd, wake);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
