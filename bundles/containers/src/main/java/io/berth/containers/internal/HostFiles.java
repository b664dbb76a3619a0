package io.berth.containers.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The {@code /etc/hosts}, {@code /etc/hostname} and {@code /etc/resolv.conf} a container gets, as docker writes them. */
final class HostFiles {
    private static final List<String> DEFAULT_NAMESERVERS = List.of("8.8.8.8", "8.8.4.4");

    private HostFiles() {
    }

    /** The hosts file of a container without network interfaces of its own (loopback only). */
    static byte[] hosts(String hostname) {
        String s = "127.0.0.1\tlocalhost\n"
                + "::1\tlocalhost ip6-localhost ip6-loopback\n"
                + "fe00::0\tip6-localnet\n"
                + "ff00::0\tip6-mcastprefix\n"
                + "ff02::1\tip6-allnodes\n"
                + "ff02::2\tip6-allrouters\n"
                + "127.0.0.1\t" + hostname + "\n";
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] hostname(String hostname) {
        return (hostname + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The host's resolv.conf without the nameservers that only work on the host (loopback ones),
     * and Google's public ones if none is left, as docker does.
     */
    static byte[] resolvConf(Path hostResolvConf) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(hostResolvConf);
        } catch (NoSuchFileException e) {
            lines = List.of();
        }
        List<String> out = new ArrayList<>();
        boolean nameserver = false;
        for (String line : lines) {
            String[] f = line.strip().split("\\s+");
            if (f.length >= 2 && f[0].equals("nameserver")) {
                String address = f[1];
                if (address.startsWith("127.") || address.equals("::1") || address.startsWith("fe80:")) {
                    continue;
                }
                nameserver = true;
            }
            out.add(line);
        }
        if (!nameserver) {
            out.add("");
            for (String ns : DEFAULT_NAMESERVERS) {
                out.add("nameserver " + ns);
            }
        }
        return (String.join("\n", out).strip() + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
