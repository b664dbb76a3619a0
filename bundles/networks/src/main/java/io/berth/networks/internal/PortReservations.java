package io.berth.networks.internal;

import io.berth.api.ConflictException;
import io.berth.api.InvalidArgumentException;

import java.io.Closeable;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Host ports that published container ports hold. Each is bound (TCP: a socket bound but not
 * listening; UDP: a datagram socket) for as long as its container runs, so a host port cannot be
 * published twice, and a port a host process already uses is refused at start in docker's words
 * instead of being silently shadowed by the NAT rule. Ports the engine picks come from the
 * kernel's ephemeral range, as docker's port allocator takes them.
 */
final class PortReservations implements Closeable {
    /** One held port. */
    record Key(String protocol, String hostIp, int port) {
    }

    private final Map<Key, Closeable> held = new HashMap<>();
    private final int first;
    private final int last;
    private int next;

    PortReservations() {
        int[] range = ephemeralRange();
        first = range[0];
        last = range[1];
        next = first;
    }

    private static int[] ephemeralRange() {
        try {
            String[] f = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).strip().split("\\s+");
            return new int[]{Integer.parseInt(f[0]), Integer.parseInt(f[1])};
        } catch (IOException | RuntimeException e) {
            return new int[]{49153, 60999};
        }
    }

    /**
     * Holds a host port: {@code port} itself, or when it is 0 the next free one of {@code [low, high]}
     * (both 0: the ephemeral range).
     *
     * @return the port held
     * @throws ConflictException {@code Bind for IP:PORT failed: port is already allocated}
     */
    synchronized int reserve(String protocol, String hostIp, int port, int low, int high) {
        String ip = hostIp == null || hostIp.isEmpty() ? "0.0.0.0" : hostIp;
        if (port != 0) {
            bind(new Key(protocol, ip, port), true);
            return port;
        }
        int from = low == 0 ? first : low;
        int to = high == 0 ? last : high;
        int start = low == 0 ? Math.max(first, Math.min(next, last)) : from;
        int span = to - from + 1;
        for (int i = 0; i < span; i++) {
            int p = from + Math.floorMod(start - from + i, span);
            if (bind(new Key(protocol, ip, p), false)) {
                if (low == 0) {
                    next = p == last ? first : p + 1;
                }
                return p;
            }
        }
        String what = low == 0 ? "no free port in the range " + first + "-" + last
                : "Bind for " + ip + ":" + low + "-" + high + " failed: port is already allocated";
        throw new ConflictException(what);
    }

    /** Binds a port; refuses (with docker's words) or reports {@code false} when it is taken. */
    private boolean bind(Key key, boolean strict) {
        if (held.containsKey(key) || heldByAny(key)) {
            if (strict) {
                throw allocated(key);
            }
            return false;
        }
        Closeable socket;
        try {
            InetAddress address = InetAddress.getByName(key.hostIp());
            InetSocketAddress at = new InetSocketAddress(address, key.port());
            if (key.protocol().equals("udp")) {
                DatagramSocket s = new DatagramSocket(null);
                s.setReuseAddress(false);
                try {
                    s.bind(at);
                } catch (IOException e) {
                    s.close();
                    throw e;
                }
                socket = s;
            } else if (key.protocol().equals("tcp")) {
                Socket s = new Socket();
                s.setReuseAddress(false);
                try {
                    s.bind(at);
                } catch (IOException e) {
                    s.close();
                    throw e;
                }
                socket = s;
            } else {
                // sctp: the JDK cannot hold one here; the engine's own table still refuses doubles.
                socket = () -> {
                };
            }
        } catch (java.net.BindException e) {
            if (strict) {
                throw allocated(key);
            }
            return false;
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("Cannot assign requested address")) {
                throw new InvalidArgumentException("Error starting userland proxy: listen " + key.protocol() + "4 "
                        + key.hostIp() + ":" + key.port() + ": bind: cannot assign requested address");
            }
            if (strict) {
                throw allocated(key);
            }
            return false;
        }
        held.put(key, socket);
        return true;
    }

    /** A port held on every address conflicts with the same port on one address, and the other way round. */
    private boolean heldByAny(Key key) {
        for (Key k : held.keySet()) {
            if (k.port() == key.port() && k.protocol().equals(key.protocol())
                    && (k.hostIp().equals("0.0.0.0") || key.hostIp().equals("0.0.0.0"))) {
                return true;
            }
        }
        return false;
    }

    private static ConflictException allocated(Key key) {
        return new ConflictException("Bind for " + key.hostIp() + ":" + key.port() + " failed: port is already allocated");
    }

    /** Releases ports; unknown ones are ignored. */
    synchronized void release(List<Key> keys) {
        for (Key k : keys) {
            Closeable c = held.remove(k);
            if (c != null) {
                try {
                    c.close();
                } catch (IOException ignored) {
                    // A socket that cannot close is gone with the process anyway.
                }
            }
        }
    }

    synchronized boolean holds(Key key) {
        return held.containsKey(key);
    }

    @Override
    public synchronized void close() {
        release(List.copyOf(held.keySet()));
    }
}
