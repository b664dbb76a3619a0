package io.berth.dns;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Answers what the engine's table knows, as seen by the asking container; says when a query is
 * for the upstreams instead. The rules (the networking reference, §3.5):
 * <ul>
 * <li>a name the table knows gets its addresses of the asked family (A, AAAA; both for ANY),
 *     shuffled, TTL 0, authoritative; none of that family, or another type, gets NOERROR with no
 *     data, never NXDOMAIN, which would deny the name's other records too;</li>
 * <li>an address or any-type query for an unknown single-label name gets NXDOMAIN: no upstream
 *     knows a container's short name;</li>
 * <li>a PTR query for an address the table knows gets its name;</li>
 * <li>everything else, including classes other than IN, goes to the upstreams.</li>
 * </ul>
 */
final class Resolver {
    private final NameTable table;
    private final Warnings badNames = new Warnings();

    Resolver(NameTable table) {
        this.table = table;
    }

    /** This server's answer, at most LIMIT bytes long; null when the upstreams should answer. */
    byte[] answer(Query query, InetAddress client, int limit) {
        if (query.queryClass() != Wire.CLASS_IN) {
            return null;
        }
        if (query.type() == Wire.TYPE_PTR) {
            return reverse(query, client, limit);
        }
        String key = query.name().lookupKey();
        List<InetAddress> addresses = key == null ? null : table.lookup(client, key);
        if (addresses == null) {
            if (asksAddresses(query.type()) && query.name().labelCount() == 1) {
                return Response.answer(query, Wire.RCODE_NXDOMAIN, true, List.of(), limit);
            }
            return null;
        }
        List<Response.Answer> answers = new ArrayList<>(addresses.size());
        for (InetAddress address : addresses) {
            if (address instanceof Inet4Address && (query.type() == Wire.TYPE_A || query.type() == Wire.TYPE_ANY)) {
                answers.add(new Response.Answer(Wire.TYPE_A, address.getAddress()));
            } else if (address instanceof Inet6Address && (query.type() == Wire.TYPE_AAAA || query.type() == Wire.TYPE_ANY)) {
                answers.add(new Response.Answer(Wire.TYPE_AAAA, address.getAddress()));
            }
        }
        // Round robin for clients that take the first address; glibc re-sorts anyway (§3.4).
        Collections.shuffle(answers, ThreadLocalRandom.current());
        return Response.answer(query, Wire.RCODE_NOERROR, true, answers, limit);
    }

    private byte[] reverse(Query query, InetAddress client, int limit) {
        InetAddress address = query.name().reverseAddress();
        if (address == null) {
            return null;
        }
        String host = table.reverse(client, address);
        if (host == null) {
            return null;
        }
        Name target;
        try {
            target = Name.parse(host);
        } catch (IllegalArgumentException e) {
            badNames.warn("the name table's name for " + address.getHostAddress() + " (the query goes upstream)", e);
            return null;
        }
        return Response.answer(query, Wire.RCODE_NOERROR, true, List.of(new Response.Answer(Wire.TYPE_PTR, target.toWire())), limit);
    }

    private static boolean asksAddresses(int type) {
        return type == Wire.TYPE_A || type == Wire.TYPE_AAAA || type == Wire.TYPE_ANY;
    }
}
