package io.berth.dns;

import static io.berth.dns.TestClient.A;
import static io.berth.dns.TestClient.loopback;
import static io.berth.dns.TestClient.query;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Not a test of speed: it prints the median round trip of a lookup over UDP on the loopback, for
 * the record (docs/benchmarks.md), and asserts only that every lookup was answered.
 */
class LookupLatencyCheckTest {
    private static final int WARM_UP = 500;
    private static final int LOOKUPS = 1000;

    @Test
    void printsTheMedianOf1000Lookups() throws IOException {
        MapNameTable table = new MapNameTable().name("web", "10.88.0.2", "10.88.0.3");
        try (DnsServer server = new DnsServer(table, List.of());
             DatagramSocket client = new DatagramSocket(new InetSocketAddress(loopback(), 0))) {
            InetSocketAddress at = new InetSocketAddress(loopback(), server.bind(loopback(), 0));
            client.setSoTimeout(2000);
            byte[] buffer = new byte[512];
            long[] nanos = new long[LOOKUPS];
            for (int i = 0; i < WARM_UP + LOOKUPS; i++) {
                byte[] query = query(i & 0xffff, "web", A);
                long start = System.nanoTime();
                client.send(new DatagramPacket(query, query.length, at));
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                client.receive(packet);
                long took = System.nanoTime() - start;
                assertThat(TestClient.parse(Arrays.copyOf(buffer, packet.getLength())).answers()).hasSize(2);
                if (i >= WARM_UP) {
                    nanos[i - WARM_UP] = took;
                }
            }
            Arrays.sort(nanos);
            System.out.printf("berth-dns: median of %d A lookups over UDP on the loopback: %.1f µs (p90 %.1f µs, p99 %.1f µs)%n",
                    LOOKUPS, nanos[LOOKUPS / 2] / 1000.0, nanos[LOOKUPS * 9 / 10] / 1000.0, nanos[LOOKUPS * 99 / 100] / 1000.0);
        }
    }
}
