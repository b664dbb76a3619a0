package io.berth.networks.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A container's {@code /etc/hosts} and {@code /etc/resolv.conf}, as docker writes them. */
final class ResolverFiles {
    private static final List<String> PUBLIC_NAMESERVERS = List.of("8.8.8.8", "8.8.4.4");
    private static final String DEFAULT_HOSTS = "127.0.0.1\tlocalhost\n"
            + "::1\tlocalhost ip6-localhost ip6-loopback\n"
            + "fe00::0\tip6-localnet\n"
            + "ff00::0\tip6-mcastprefix\n"
            + "ff02::1\tip6-allnodes\n"
            + "ff02::2\tip6-allrouters\n";

    private ResolverFiles() {
    }

    /**
     * docker's hosts file: the loopback names, the {@code --add-host} entries, then the container's
     * own name on its address (loopback when it has none).
     *
     * @param extraHosts {@code name:address} entries, {@code host-gateway} already replaced
     * @param address the container's first address, or {@code null}
     */
    static String hosts(String hostname, String domainname, List<String> extraHosts, String address) {
        StringBuilder s = new StringBuilder(DEFAULT_HOSTS);
        for (String h : extraHosts) {
            int colon = h.indexOf(':');
            s.append(h.substring(colon + 1)).append('\t').append(h, 0, colon).append('\n');
        }
        String names = domainname == null || domainname.isEmpty() ? hostname : hostname + "." + domainname + " " + hostname;
        s.append(address == null ? "127.0.0.1" : address).append('\t').append(names).append('\n');
        return s.toString();
    }

    /** The host's own hosts file, for a container on the host's network. */
    static String hostHosts(Path file) throws IOException {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            return DEFAULT_HOSTS;
        }
    }

    /**
     * docker's resolv.conf for a container on the default bridge (or without a network): the host's
     * without its loopback nameservers (Google's public ones if none is left), or the
     * {@code --dns*} options in their place.
     */
    static String resolvConf(List<String> hostLines, List<String> dns, List<String> search, List<String> options) {
        List<String> out = new ArrayList<>();
        boolean nameserver = false;
        for (String line : hostLines) {
            String[] f = line.strip().split("\\s+");
            if (f.length >= 1 && f[0].equals("nameserver")) {
                if (!dns.isEmpty() || f.length < 2 || loopback(f[1])) {
                    continue;
                }
                nameserver = true;
            } else if (f.length >= 1 && f[0].equals("search") && !search.isEmpty()) {
                continue;
            } else if (f.length >= 1 && f[0].equals("options") && !options.isEmpty()) {
                continue;
            }
            out.add(line);
        }
        for (String ns : dns) {
            out.add("nameserver " + ns);
            nameserver = true;
        }
        if (!nameserver) {
            out.add("");
            PUBLIC_NAMESERVERS.forEach(ns -> out.add("nameserver " + ns));
        }
        if (!search.isEmpty()) {
            out.add("search " + String.join(" ", search));
        }
        if (!options.isEmpty()) {
            out.add("options " + String.join(" ", options));
        }
        return String.join("\n", out).strip() + "\n";
    }

    /**
     * The resolv.conf of a container on a user network: the engine's resolver on the network's
     * gateway, the host's (or {@code --dns-search}) search domains, and {@code ndots:0} unless the
     * user set ndots, as docker's embedded DNS.
     */
    static String embedded(String resolver, List<String> hostLines, List<String> search, List<String> options) {
        List<String> out = new ArrayList<>();
        out.add("nameserver " + resolver);
        List<String> domains = new ArrayList<>(search);
        List<String> opts = new ArrayList<>(options);
        if (search.isEmpty() || options.isEmpty()) {
            for (String line : hostLines) {
                String[] f = line.strip().split("\\s+");
                if (f.length >= 2 && f[0].equals("search") && search.isEmpty()) {
                    domains.addAll(List.of(f).subList(1, f.length));
                } else if (f.length >= 2 && f[0].equals("options") && options.isEmpty()) {
                    opts.addAll(List.of(f).subList(1, f.length));
                }
            }
        }
        if (opts.stream().noneMatch(o -> o.startsWith("ndots:"))) {
            opts.add("ndots:0");
        }
        if (!domains.isEmpty()) {
            out.add("search " + String.join(" ", domains));
        }
        out.add("options " + String.join(" ", opts));
        return String.join("\n", out) + "\n";
    }

    static boolean loopback(String address) {
        return address.startsWith("127.") || address.equals("::1") || address.startsWith("fe80:");
    }
}
