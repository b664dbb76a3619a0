package io.berth.networks.internal;

import io.berth.api.ConflictException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PortReservationsTest {
    @Test
    void holdsAPortUntilReleased() throws IOException {
        try (PortReservations ports = new PortReservations()) {
            int port = ports.reserve("tcp", "127.0.0.1", 0, 0, 0);
            assertThat(port).isPositive();
            assertThatThrownBy(() -> ports.reserve("tcp", "127.0.0.1", port, 0, 0)).isInstanceOf(ConflictException.class)
                    .hasMessage("Bind for 127.0.0.1:" + port + " failed: port is already allocated");
            assertThatThrownBy(() -> ports.reserve("tcp", "0.0.0.0", port, 0, 0))
                    .hasMessage("Bind for 0.0.0.0:" + port + " failed: port is already allocated");
            // Held in the kernel, not only in the table: another process cannot listen on it.
            assertThatThrownBy(() -> new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1")).close())
                    .isInstanceOf(IOException.class);
            assertThat(ports.reserve("udp", "127.0.0.1", port, 0, 0)).isEqualTo(port);
            ports.release(List.of(new PortReservations.Key("tcp", "127.0.0.1", port)));
            new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1")).close();
        }
    }

    @Test
    void aPortAHostProcessUsesIsRefused() throws IOException {
        try (ServerSocket taken = new ServerSocket();
             PortReservations ports = new PortReservations()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> ports.reserve("tcp", "127.0.0.1", port, 0, 0)).isInstanceOf(ConflictException.class)
                    .hasMessage("Bind for 127.0.0.1:" + port + " failed: port is already allocated");
            int other = ports.reserve("tcp", "127.0.0.1", 0, port, port + 5);
            assertThat(other).isBetween(port + 1, port + 5);
        }
    }
}
