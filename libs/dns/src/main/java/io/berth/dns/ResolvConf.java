package io.berth.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The host's {@code /etc/resolv.conf}, read as glibc reads it (resolv.conf(5)): {@code nameserver
 * ADDRESS} lines in order, the last {@code search} or {@code domain} line's domains, and every
 * {@code options} line's options. Lines starting with {@code #} or {@code ;} are comments, as is
 * the rest of a line from a word starting with one of them; unknown keywords are ignored.
 *
 * <p>The engine forwards to the {@linkplain #upstreams() nameservers} and copies the search
 * domains and options into containers' resolv.conf. Instances are immutable.
 */
public final class ResolvConf {
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%[\\w.-]+)?");
    private static final int DNS_PORT = 53;

    private final List<String> nameservers;
    private final List<String> search;
    private final List<String> options;

    private ResolvConf(List<String> nameservers, List<String> search, List<String> options) {
        this.nameservers = List.copyOf(nameservers);
        this.search = List.copyOf(search);
        this.options = List.copyOf(options);
    }

    /** Reads LINES, the contents of a resolv.conf; lines it does not understand are skipped. */
    public static ResolvConf parse(List<String> lines) {
        List<String> nameservers = new ArrayList<>();
        List<String> search = new ArrayList<>();
        List<String> options = new ArrayList<>();
        for (String line : lines) {
            List<String> words = words(line);
            if (words.isEmpty()) {
                continue;
            }
            List<String> arguments = words.subList(1, words.size());
            switch (words.get(0)) {
                case "nameserver" -> {
                    if (!arguments.isEmpty()) {
                        nameservers.add(arguments.get(0));
                    }
                }
                case "search", "domain" -> {
                    // The last of the search and domain lines wins.
                    search.clear();
                    search.addAll(words.get(0).equals("domain") && !arguments.isEmpty() ? arguments.subList(0, 1) : arguments);
                }
                case "options" -> options.addAll(arguments);
                default -> {
                    // sortlist, lookup and other keywords say nothing the engine uses.
                }
            }
        }
        return new ResolvConf(nameservers, search, options);
    }

    /**
     * Reads FILE. A missing file gives an empty configuration (resolv.conf(5): then the resolver
     * asks the local host), bytes that are not UTF-8 are read as Latin-1.
     *
     * @throws IOException if the file exists but cannot be read
     */
    public static ResolvConf read(Path file) throws IOException {
        try {
            return parse(Files.readAllLines(file, StandardCharsets.ISO_8859_1));
        } catch (NoSuchFileException e) {
            return parse(List.of());
        }
    }

    /** The {@code nameserver} addresses, in the order of the file, as written. */
    public List<String> nameservers() {
        return nameservers;
    }

    /** The domains of the last {@code search} or {@code domain} line, in order. */
    public List<String> search() {
        return search;
    }

    /** The options of every {@code options} line, in order, as written ({@code ndots:2}, {@code edns0}). */
    public List<String> options() {
        return options;
    }

    /**
     * The nameservers as socket addresses on port 53, in order; a nameserver that is not a
     * numeric IPv4 or IPv6 address (with an optional {@code %zone}) is skipped. Never queries DNS.
     */
    public List<InetSocketAddress> upstreams() {
        List<InetSocketAddress> upstreams = new ArrayList<>(nameservers.size());
        for (String nameserver : nameservers) {
            InetAddress address = literal(nameserver);
            if (address != null) {
                upstreams.add(new InetSocketAddress(address, DNS_PORT));
            }
        }
        return List.copyOf(upstreams);
    }

    /** The configuration as resolv.conf lines. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        nameservers.forEach(n -> text.append("nameserver ").append(n).append('\n'));
        if (!search.isEmpty()) {
            text.append("search ").append(String.join(" ", search)).append('\n');
        }
        if (!options.isEmpty()) {
            text.append("options ").append(String.join(" ", options)).append('\n');
        }
        return text.toString();
    }

    /** TEXT as a numeric address, or null; never a lookup. */
    private static InetAddress literal(String text) {
        try {
            if (IPV4.matcher(text).matches()) {
                String[] parts = text.split("\\.");
                byte[] address = new byte[4];
                for (int i = 0; i < 4; i++) {
                    int octet = Integer.parseInt(parts[i]);
                    if (octet > 255) {
                        return null;
                    }
                    address[i] = (byte) octet;
                }
                return InetAddress.getByAddress(address);
            }
            // With a colon in it, getByName parses an IPv6 literal and never looks the text up.
            return IPV6.matcher(text).matches() ? InetAddress.getByName(text) : null;
        } catch (UnknownHostException e) {
            // A malformed IPv6 address, or a zone naming no interface here: not usable.
            return null;
        }
    }

    private static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        for (String word : WHITESPACE.split(line.strip())) {
            if (word.startsWith("#") || word.startsWith(";")) {
                break;
            }
            if (!word.isEmpty()) {
                words.add(word);
            }
        }
        return words;
    }
}
