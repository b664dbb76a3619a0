package io.berth.registry.internal;

import io.berth.testing.Requirements;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The external tools the registry tests check Berth against, and what they compare. */
final class Tools {
    private Tools() {
    }

    /** Runs a command that must succeed; returns its output. */
    static String run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
        return out;
    }

    static String skopeo(Path dir, String... args) throws Exception {
        Path skopeo = Requirements.requireTool("skopeo", "skopeo");
        String[] command = new String[args.length + 1];
        command[0] = skopeo.toString();
        System.arraycopy(args, 0, command, 1, args.length);
        return run(dir, command);
    }

    /**
     * A CA of the test's own and a certificate for 127.0.0.1 signed by it, made with openssl:
     * {@code ca.crt}, {@code server.crt}, {@code server.key} in {@code pki}.
     */
    static Path pki(Path pki) throws Exception {
        Path openssl = Requirements.requireTool("openssl", "openssl");
        Files.createDirectories(pki);
        run(pki, openssl.toString(), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
                "-days", "1", "-subj", "/CN=berth-test-ca");
        run(pki, openssl.toString(), "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
                "-subj", "/CN=127.0.0.1");
        Files.writeString(pki.resolve("san.ext"), "subjectAltName=IP:127.0.0.1\n");
        run(pki, openssl.toString(), "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                "-CAcreateserial", "-out", "server.crt", "-days", "1", "-extfile", "san.ext");
        return pki;
    }

    /** Every entry of a tree: type, mode, owner, size (files), target (links), by relative path. */
    static Map<String, String> tree(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                if (p.equals(root)) {
                    continue;
                }
                Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,size", LinkOption.NOFOLLOW_LINKS);
                int mode = (Integer) a.get("mode");
                String type = Files.isSymbolicLink(p) ? "l" : Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "d"
                        : Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? "f" : "o";
                String facts = type + " " + Integer.toOctalString(mode & 07777) + " " + a.get("uid") + ":" + a.get("gid");
                if (type.equals("f")) {
                    facts += " " + a.get("size");
                } else if (type.equals("l")) {
                    facts += " -> " + Files.readSymbolicLink(p);
                }
                out.put(root.relativize(p).toString(), facts);
            }
        }
        return out;
    }
}
