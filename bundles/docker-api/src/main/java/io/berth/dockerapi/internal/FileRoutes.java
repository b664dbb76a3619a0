package io.berth.dockerapi.internal;

import io.berth.api.NotFoundException;
import io.berth.api.container.CommitRequest;
import io.berth.api.container.ContainerService;
import io.berth.api.container.PathStat;
import io.berth.api.image.Image;
import io.berth.api.image.ImageReference;
import io.berth.api.storage.Change;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A container's files: {@code archive} (HEAD, GET, PUT: what {@code docker cp} uses, with its
 * {@code X-Docker-Container-Path-Stat}), {@code export}, {@code changes}, and {@code commit}.
 */
final class FileRoutes {
    private static final String C = "/containers/(.+)";
    static final String STAT_HEADER = "X-Docker-Container-Path-Stat";

    private final Services services;

    FileRoutes(Services services) {
        this.services = services;
    }

    void register(Router r) {
        r.head(C + "/archive", (x, m) -> {
            PathStat stat = stat(m.group(1), x.query("path", ""));
            x.full(200, null, new byte[0], Map.of(STAT_HEADER, statHeader(stat)));
        });
        r.get(C + "/archive", (x, m) -> {
            String path = x.query("path", "");
            PathStat stat = stat(m.group(1), path);
            Exchange.Stream out = x.stream(200, "application/x-tar", Map.of(STAT_HEADER, statHeader(stat)));
            try (OutputStream o = new java.io.BufferedOutputStream(new StreamOutput(out), 64 << 10)) {
                containers().copyFrom(m.group(1), path, null, o);
            }
            out.close();
        });
        r.put(C + "/archive", (x, m) -> {
            String path = x.query("path", "");
            PathStat stat = stat(m.group(1), path);
            if (!stat.directory()) {
                throw new io.berth.api.InvalidArgumentException("extraction point is not a directory");
            }
            containers().copyTo(m.group(1), path, new java.io.BufferedInputStream(x.body(), 64 << 10));
            x.empty(200);
        });
        r.get(C + "/export", (x, m) -> {
            containers().get(m.group(1));
            Exchange.Stream out = x.stream(200, "application/x-tar");
            try (OutputStream o = new java.io.BufferedOutputStream(new StreamOutput(out), 64 << 10)) {
                containers().export(m.group(1), o);
            }
            out.close();
        });
        r.get(C + "/changes", (x, m) -> {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Change c : containers().changes(m.group(1))) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("Path", c.path());
                e.put("Kind", switch (c.kind()) {
                    case CHANGED -> 0;
                    case ADDED -> 1;
                    case DELETED -> 2;
                });
                out.add(e);
            }
            x.json(200, out.isEmpty() ? null : out);
        });
        r.post("/commit", (x, m) -> commit(x));
    }

    private ContainerService containers() {
        return services.containers();
    }

    /** A path's stat, or docker's 404 naming the path and the container. */
    private PathStat stat(String container, String path) throws IOException {
        services.containers().get(container);
        try {
            return containers().statPath(container, path, false);
        } catch (NotFoundException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("No such container")) {
                throw e;
            }
            throw new NotFoundException("Could not find the file " + path + " in container " + container);
        }
    }

    /** docker's {@code container.PathStat} as the header carries it: base64 of its JSON, the mode a Go {@code FileMode}. */
    static String statHeader(PathStat s) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("size", s.size());
        m.put("mode", goFileMode(s.mode()));
        m.put("mtime", "0001-01-01T00:00:00Z");
        m.put("linkTarget", s.linkTarget() == null ? "" : s.linkTarget());
        return Base64.getEncoder().encodeToString(Json.MAPPER.writeValueAsString(m).getBytes(StandardCharsets.UTF_8));
    }

    /** A {@code stat(2)} mode as Go's {@code os.FileMode}: permissions, then the type and special bits high. */
    static long goFileMode(int mode) {
        long m = mode & 0777;
        if ((mode & 04000) != 0) {
            m |= 1L << 23;
        }
        if ((mode & 02000) != 0) {
            m |= 1L << 22;
        }
        if ((mode & 01000) != 0) {
            m |= 1L << 20;
        }
        switch (mode & 0170000) {
            case 0040000 -> m |= 1L << 31;
            case 0120000 -> m |= 1L << 27;
            case 0010000 -> m |= 1L << 25;
            case 0140000 -> m |= 1L << 24;
            case 0020000 -> m |= (1L << 26) | (1L << 21);
            case 0060000 -> m |= 1L << 26;
            default -> {
            }
        }
        return m;
    }

    /**
     * {@code POST /commit?container=&repo=&tag=&comment=&author=&changes=&pause=}: the image's id,
     * {@code 201}.
     */
    private void commit(Exchange x) throws IOException {
        String container = x.query("container", "");
        String repo = x.query("repo", "");
        String tag = x.query("tag", "");
        ImageReference ref = repo.isEmpty() ? null : ImageReference.parse(tag.isEmpty() ? repo : repo + ":" + tag);
        Image image = containers().commit(container, CommitRequest.builder().reference(ref)
                .author(x.query("author", "")).comment(x.query("comment", "")).changes(x.queryAll("changes"))
                .pause(x.bool("pause", true)).build());
        x.json(201, Map.of("Id", image.id().toString()));
    }

    /** A chunked response as an output stream: each write a chunk. */
    static final class StreamOutput extends OutputStream {
        private final Exchange.Stream out;

        StreamOutput(Exchange.Stream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(new byte[]{(byte) b});
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            byte[] copy = new byte[len];
            System.arraycopy(b, off, copy, 0, len);
            out.write(copy);
        }
    }
}
