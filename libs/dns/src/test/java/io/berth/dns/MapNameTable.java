package io.berth.dns;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A name table for tests: names and reverse names for every client, or for one client only; it
 * remembers what it was asked.
 */
final class MapNameTable implements NameTable {
    /** One lookup or reverse call. */
    record Call(InetAddress client, String name) {
    }

    private final Map<String, List<InetAddress>> names = new ConcurrentHashMap<>();
    private final Map<String, List<InetAddress>> scoped = new ConcurrentHashMap<>();
    private final Map<InetAddress, String> reverse = new ConcurrentHashMap<>();
    final List<Call> calls = new CopyOnWriteArrayList<>();

    MapNameTable name(String name, String... addresses) {
        names.put(name, addresses(addresses));
        return this;
    }

    MapNameTable name(String name, List<InetAddress> addresses) {
        names.put(name, List.copyOf(addresses));
        return this;
    }

    /** NAME as seen by CLIENT only. */
    MapNameTable scoped(String client, String name, String... addresses) {
        scoped.put(client + " " + name, addresses(addresses));
        return this;
    }

    MapNameTable reverse(String address, String name) {
        reverse.put(TestClient.address(address), name);
        return this;
    }

    @Override
    public List<InetAddress> lookup(InetAddress client, String name) {
        calls.add(new Call(client, name));
        List<InetAddress> own = scoped.get(client.getHostAddress() + " " + name);
        return own != null ? own : names.get(name);
    }

    @Override
    public String reverse(InetAddress client, InetAddress address) {
        calls.add(new Call(client, address.getHostAddress()));
        return reverse.get(address);
    }

    private static List<InetAddress> addresses(String... addresses) {
        return java.util.Arrays.stream(addresses).map(TestClient::address).toList();
    }
}
