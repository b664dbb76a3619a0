package io.berth.posix;

import io.berth.api.runtime.IdMapping;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * User namespaces the engine holds for id-mapped mounts: a namespace with the given mappings and
 * no process in it, kept alive by an open descriptor of it. It is made by a short-lived
 * {@code unshare --user} child whose maps the engine writes (as root of the host's namespace,
 * which may map any ids), then opened and the child let go.
 */
public final class UserNamespaces {
    private UserNamespaces() {
    }

    /** An open user namespace: its descriptor for {@link Native#bindIdMapped}; close it when done. */
    public static final class Handle implements AutoCloseable {
        private final int fd;
        private boolean closed;

        private Handle(int fd) {
            this.fd = fd;
        }

        public int fd() {
            return fd;
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                Native.close(fd);
            }
        }
    }

    /** A new user namespace with these uid and gid mappings. */
    public static Handle create(List<IdMapping> uids, List<IdMapping> gids) throws IOException {
        Path own = Files.readSymbolicLink(Path.of("/proc/self/ns/user"));
        Process child = new ProcessBuilder("unshare", "--user", "cat").redirectErrorStream(true).start();
        try {
            Path proc = Path.of("/proc", Long.toString(child.pid()));
            Path ns = proc.resolve("ns/user");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            // unshare(CLONE_NEWUSER) done, then cat started: until then the child is in ours.
            while (Files.readSymbolicLink(ns).equals(own) || !isCat(proc)) {
                if (!child.isAlive()) {
                    throw new IOException("unshare --user failed: "
                            + new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("unshare --user did not make a user namespace within 10 s");
                }
                Thread.onSpinWait();
            }
            Files.writeString(proc.resolve("uid_map"), lines(uids));
            Files.writeString(proc.resolve("gid_map"), lines(gids));
            return new Handle(Native.openReadOnly(ns));
        } finally {
            child.getOutputStream().close();
            child.destroy();
            try {
                child.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static boolean isCat(Path proc) {
        try {
            return Files.readString(proc.resolve("comm")).strip().equals("cat");
        } catch (IOException e) {
            return false;
        }
    }

    private static String lines(List<IdMapping> mappings) {
        if (mappings.isEmpty()) {
            throw new IllegalArgumentException("a user namespace needs at least one mapping");
        }
        StringBuilder b = new StringBuilder();
        mappings.forEach(m -> b.append(m.mapLine()));
        return b.toString();
    }
}
