package io.berth.testing;


import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Debian's docker-registry (Distribution 2.8) serving on a free loopback port, storage in a directory. */
public final class LocalRegistry implements AutoCloseable {
    /** The loopback port it serves on. */
    public final int port;
    private final Process process;

    public LocalRegistry(Path dir) throws Exception {
        this(dir, (Path[]) null, (String) null);
    }

    /** A registry that wants Basic auth for {@code user} (htpasswd, bcrypt), or none when null. */
    public LocalRegistry(Path dir, String user, String password) throws Exception {
        this(dir, user, password, null);
    }

    /**
     * A registry as above, serving TLS with {@code tls[0]} (certificate) and {@code tls[1]} (key)
     * when given.
     */
    public LocalRegistry(Path dir, String user, String password, Path[] tls) throws Exception {
        this(dir, tls, htpasswd(dir, user, password));
    }

    /** A registry with the given {@code auth:} section of its configuration (YAML). */
    public static LocalRegistry withAuth(Path dir, String auth) throws Exception {
        return new LocalRegistry(dir, (Path[]) null, auth);
    }

    private LocalRegistry(Path dir, Path[] tls, String auth) throws Exception {
        Path binary = Requirements.requireTool("docker-registry", "docker-registry");
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path config = dir.resolve("config.yml");
        Files.createDirectories(dir.resolve("storage"));
        Files.writeString(config, "version: 0.1\n"
                + "log:\n  level: warn\n"
                + "storage:\n  filesystem:\n    rootdirectory: " + dir.resolve("storage") + "\n  delete:\n    enabled: true\n"
                + "http:\n  addr: 127.0.0.1:" + port + "\n"
                + (tls == null ? "" : "  tls:\n    certificate: " + tls[0] + "\n    key: " + tls[1] + "\n")
                + (auth == null ? "" : auth));
        process = new ProcessBuilder(binary.toString(), "serve", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    close();
                    throw new IllegalStateException("docker-registry did not start: " + Files.readString(dir.resolve("registry.log")));
                }
                Thread.sleep(50);
            }
        }
    }

    /** The auth section for Basic auth of {@code user} (htpasswd, bcrypt), or null when there is none. */
    private static String htpasswd(Path dir, String user, String password) throws Exception {
        if (user == null) {
            return null;
        }
        Files.createDirectories(dir);
        Path python = Requirements.requireTool("python3", "python3");
        Process hash = new ProcessBuilder(python.toString(), "-W", "ignore", "-c",
                "import crypt, sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH)))", password)
                .redirectErrorStream(true).start();
        String bcrypt = new String(hash.getInputStream().readAllBytes()).strip();
        if (hash.waitFor() != 0 || !bcrypt.startsWith("$2")) {
            throw new IllegalStateException("cannot make a bcrypt hash: " + bcrypt);
        }
        Files.writeString(dir.resolve("htpasswd"), user + ":" + bcrypt + "\n");
        return "auth:\n  htpasswd:\n    realm: berth-test\n    path: " + dir.resolve("htpasswd") + "\n";
    }

    /** {@code 127.0.0.1:PORT}. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
