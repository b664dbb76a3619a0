package io.berth.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A resolver for tests, on UDP and TCP on one port: it records each query and sends back what its
 * function makes of it, any number of datagrams (over TCP, the first), or none (a silent upstream).
 */
final class FakeUpstream implements AutoCloseable {
    private final DatagramSocket socket;
    private final ServerSocket listener;
    private final List<Socket> connections = new CopyOnWriteArrayList<>();
    private final Function<byte[], List<byte[]>> answers;
    private final Thread udpThread;
    private final Thread tcpThread;
    final List<byte[]> queries = new CopyOnWriteArrayList<>();

    FakeUpstream(String address, Function<byte[], List<byte[]>> answers) {
        this.answers = answers;
        try {
            socket = new DatagramSocket(new InetSocketAddress(address, 0));
            listener = new ServerSocket(socket.getLocalPort(), 16, TestClient.address(address));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        udpThread = start("fake-upstream-udp-" + address, this::receive);
        tcpThread = start("fake-upstream-tcp-" + address, this::accept);
    }

    /** An upstream that never answers. */
    static FakeUpstream silent(String address) {
        return new FakeUpstream(address, query -> List.of());
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    @Override
    public void close() throws IOException {
        socket.close();
        listener.close();
        for (Socket connection : connections) {
            connection.close();
        }
        try {
            udpThread.join();
            tcpThread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** QUERY turned into an answer with RCODE and no records: QR set, everything else kept. */
    static byte[] answer(byte[] query, int rcode) {
        byte[] answer = query.clone();
        answer[2] = (byte) (answer[2] | 0x80);
        answer[3] = (byte) (answer[3] & 0xf0 | rcode);
        return answer;
    }

    private void receive() {
        byte[] buffer = new byte[65535];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
                byte[] query = Arrays.copyOf(buffer, packet.getLength());
                queries.add(query);
                for (byte[] answer : answers.apply(query)) {
                    socket.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket connection = listener.accept();
                connections.add(connection);
                DataInputStream in = new DataInputStream(connection.getInputStream());
                byte[] query = new byte[in.readUnsignedShort()];
                in.readFully(query);
                queries.add(query);
                List<byte[]> replies = answers.apply(query);
                if (!replies.isEmpty()) {
                    DataOutputStream out = new DataOutputStream(connection.getOutputStream());
                    out.writeShort(replies.get(0).length);
                    out.write(replies.get(0));
                    out.flush();
                }
            } catch (IOException e) {
                if (listener.isClosed()) {
                    return;
                }
            }
        }
    }

    private static Thread start(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
