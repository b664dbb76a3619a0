package io.berth.dockerapi.internal;

import io.berth.api.InvalidArgumentException;
import io.berth.api.NotFoundException;
import io.berth.api.ProgressEvent;
import io.berth.api.ProgressListener;
import io.berth.api.image.HistoryRow;
import io.berth.api.image.Image;
import io.berth.api.image.ImageListOptions;
import io.berth.api.image.ImageReference;
import io.berth.api.image.ImageStore;
import io.berth.api.image.RemovedImage;
import io.berth.views.ImageView;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The image endpoints: list, inspect, history, tag, remove, and pull and push with docker's progress stream. */
final class ImageRoutes {
    private static final String I = "/images/(.+)";

    private final Services services;

    ImageRoutes(Services services) {
        this.services = services;
    }

    void register(Router r) {
        r.get("/images/json", (x, m) -> list(x));
        r.get("/images/get", (x, m) -> save(x, x.queryAll("names")));
        r.post("/images/load", (x, m) -> load(x));
        r.post("/images/prune", (x, m) -> prune(x));
        r.get("/images/search", (x, m) -> search(x));
        r.get(I + "/get", (x, m) -> save(x, List.of(m.group(1))));
        r.post("/images/create", (x, m) -> create(x));
        r.get(I + "/json", (x, m) -> inspect(x, m.group(1)));
        r.get(I + "/history", (x, m) -> history(x, m.group(1)));
        r.post(I + "/tag", (x, m) -> tag(x, m.group(1)));
        r.post(I + "/push", (x, m) -> push(x, m.group(1)));
        r.delete(I, (x, m) -> remove(x, m.group(1)));
        r.get("/distribution/(.+)/json", (x, m) -> distribution(x, m.group(1)));
    }

    /** {@code GET /distribution/NAME/json}: the registry's descriptor of a reference and its platforms, nothing pulled. */
    private void distribution(Exchange x, String name) throws IOException {
        io.berth.api.registry.DistributionInspect d;
        try {
            d = services.registry().inspect(ImageReference.parse(name));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        }
        Map<String, Object> descriptor = new LinkedHashMap<>();
        descriptor.put("mediaType", d.descriptor().mediaType());
        descriptor.put("digest", d.descriptor().digest().toString());
        descriptor.put("size", d.descriptor().size());
        List<Map<String, Object>> platforms = new ArrayList<>();
        for (io.berth.api.content.Platform p : d.platforms()) {
            // OCI's Platform as Go writes it: empty optional fields left out.
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("architecture", p.architecture());
            o.put("os", p.os());
            if (p.osVersion() != null) {
                o.put("os.version", p.osVersion());
            }
            if (!p.osFeatures().isEmpty()) {
                o.put("os.features", p.osFeatures());
            }
            if (p.variant() != null) {
                o.put("variant", p.variant());
            }
            platforms.add(o);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("Descriptor", descriptor);
        out.put("Platforms", platforms);
        x.json(200, out);
    }

    private ImageStore images() {
        return services.images();
    }

    private void list(Exchange x) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Image i : images().list(ImageListOptions.builder().all(x.bool("all")).filters(x.filters()).build())) {
            out.add(ImageView.summary(i));
        }
        x.json(200, out);
    }

    /** Inspect, a missing image in dockerd's words (which still say "No such image", as docker-py needs). */
    private void inspect(Exchange x, String name) throws IOException {
        io.berth.api.image.ImageDetails d;
        try {
            d = images().inspect(name);
        } catch (NotFoundException e) {
            throw new NotFoundException("no such image: " + name + ": " + e.getMessage());
        }
        x.json(200, ImageView.inspect(d));
    }

    private void history(Exchange x, String name) throws IOException {
        Image image = images().get(name);
        List<Map<String, Object>> out = new ArrayList<>();
        boolean first = true;
        for (HistoryRow row : images().history(name)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("Comment", row.entry().comment());
            m.put("Created", row.entry().created() == null ? 0 : row.entry().created().getEpochSecond());
            m.put("CreatedBy", row.entry().createdBy());
            m.put("Id", row.imageId() == null ? "<missing>" : row.imageId().toString());
            m.put("Size", row.size());
            m.put("Tags", first ? image.repoTags() : null);
            first = false;
            out.add(m);
        }
        x.json(200, out);
    }

    private void tag(Exchange x, String name) throws IOException {
        String repo = x.query("repo", "");
        if (repo.isEmpty()) {
            throw new InvalidArgumentException("repository name must have at least one component");
        }
        String tag = x.query("tag", "");
        images().tag(name, ImageReference.parse(tag.isEmpty() ? repo : repo + ":" + tag));
        x.empty(201);
    }

    private void remove(Exchange x, String name) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (RemovedImage r : images().remove(name, x.bool("force"), x.bool("noprune"))) {
            out.add(r.untagged() != null ? Map.of("Untagged", r.untagged()) : Map.of("Deleted", r.deleted()));
        }
        x.json(200, out);
    }

    /** {@code docker search}: a registry's matches ({@code HOST/TERM} asks that registry). */
    private void search(Exchange x) throws Exception {
        io.berth.views.SearchTerm term = io.berth.views.SearchTerm.parse(x.query("term", ""));
        int limit = x.integer("limit", 25);
        List<Map<String, Object>> out = new ArrayList<>();
        for (io.berth.api.registry.SearchResult r : services.registry().search(term.registry(), term.term(), limit)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("star_count", r.stars());
            m.put("is_official", r.official());
            m.put("name", r.name());
            m.put("is_automated", r.automated());
            m.put("description", r.description());
            out.add(m);
        }
        x.json(200, out);
    }

    /** {@code docker save}: the images as one docker archive, streamed. */
    private void save(Exchange x, List<String> names) throws IOException {
        if (names.isEmpty()) {
            throw new InvalidArgumentException("no image named");
        }
        for (String n : names) {
            try {
                images().get(n);
            } catch (NotFoundException e) {
                // dockerd names the image as it was asked for.
                throw new NotFoundException("No such image: " + n);
            }
        }
        Exchange.Stream out = x.stream(200, "application/x-tar");
        try (java.io.OutputStream o = new java.io.BufferedOutputStream(new FileRoutes.StreamOutput(out), 64 << 10)) {
            images().save(names, io.berth.api.image.ArchiveFormat.DOCKER, o);
        }
        out.close();
    }

    /** {@code docker load}: what was loaded as docker's {@code {"stream": "Loaded image: …"}} lines. */
    private void load(Exchange x) throws IOException {
        List<String> loaded;
        try {
            loaded = images().load(new java.io.BufferedInputStream(x.body(), 64 << 10), io.berth.api.ProgressListener.NONE);
        } catch (InvalidArgumentException e) {
            // docker answers a bad archive in its output stream.
            Exchange.Stream out = x.stream(200, "application/json");
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("errorDetail", Map.of("message", e.getMessage()));
            error.put("error", e.getMessage());
            out.writeJson(error);
            out.close();
            return;
        }
        Exchange.Stream out = x.stream(200, "application/json");
        for (String line : loaded) {
            out.writeJson(Map.of("stream", line + "\n"));
        }
        out.close();
    }

    /** {@code image prune}: dangling images, or (filter {@code dangling=false}) every unused one. */
    private void prune(Exchange x) throws IOException {
        io.berth.api.Filters f = x.filters();
        boolean all = f.has("dangling") && !f.bool("dangling");
        io.berth.api.image.PruneResult p = images().prune(all);
        List<Map<String, Object>> removed = new ArrayList<>();
        for (RemovedImage r : p.removed()) {
            removed.add(r.untagged() != null ? Map.of("Untagged", r.untagged()) : Map.of("Deleted", r.deleted()));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ImagesDeleted", removed.isEmpty() ? null : removed);
        out.put("SpaceReclaimed", p.reclaimed());
        x.json(200, out);
    }

    /** {@code docker import}: {@code fromSrc=-} with the rootfs tar as the body. */
    private void importRootfs(Exchange x) throws IOException {
        if (!x.query("fromSrc", "").equals("-")) {
            throw new InvalidArgumentException("fromSrc " + x.query("fromSrc", "") + ": Berth imports from the request's body (-) only");
        }
        String repo = x.query("repo", "");
        String tag = x.query("tag", "");
        ImageReference ref = repo.isEmpty() ? null : ImageReference.parse(tag.isEmpty() ? repo : repo + ":" + tag);
        Image image = images().importRootfs(new java.io.BufferedInputStream(x.body(), 64 << 10),
                new io.berth.api.image.ImportOptions(ref, x.query("message", ""), x.queryAll("changes"), "-"));
        Exchange.Stream out = x.stream(200, "application/json");
        out.writeJson(Map.of("status", image.id().toString()));
        out.close();
    }

    /** {@code POST /images/create}: a pull ({@code fromImage}, as docker's progress stream) or an import ({@code fromSrc}). */
    private void create(Exchange x) throws Exception {
        if (x.query("fromSrc").isPresent()) {
            importRootfs(x);
            return;
        }
        String from = x.query("fromImage", "");
        if (from.isEmpty()) {
            throw new InvalidArgumentException("fromImage or fromSrc is required");
        }
        String tag = x.query("tag", "");
        String text = tag.isEmpty() ? from : tag.startsWith("sha256:") ? from + "@" + tag : from + ":" + tag;
        ImageReference ref = ImageReference.parse(text);
        Progress progress = new Progress(x);
        try {
            services.registry().pull(ref, progress);
        } catch (IOException | RuntimeException e) {
            progress.fail(e, pullStatus(e));
            return;
        }
        progress.end();
    }

    private static int pullStatus(Exception e) {
        if (e instanceof NotFoundException) {
            return 404;
        }
        String m = String.valueOf(e.getMessage());
        return m.contains("not found") || m.contains("pull access denied") || m.contains("manifest unknown") ? 404
                : Errors.status(e);
    }

    private void push(Exchange x, String name) throws Exception {
        String tag = x.query("tag", "");
        ImageReference ref = ImageReference.parse(tag.isEmpty() ? name : name + ":" + tag);
        Progress progress = new Progress(x);
        try {
            services.registry().push(ref, progress);
        } catch (IOException | RuntimeException e) {
            progress.fail(e, Errors.status(e));
            return;
        }
        progress.end();
    }

    /**
     * docker's progress stream: begun with the first event (a failure before it is an HTTP status,
     * after it the stream's last object, {@code errorDetail} and {@code error}).
     */
    private static final class Progress implements ProgressListener {
        /** A layer's byte counts go out at most this often (its other news at once), as docker's are throttled. */
        private static final long EVERY_NANOS = 100_000_000L;

        private final Exchange x;
        private final Map<String, Long> lastCount = new java.util.HashMap<>();
        private Exchange.Stream stream;

        Progress(Exchange x) {
            this.x = x;
        }

        @Override
        public synchronized void progress(ProgressEvent e) {
            if (e.id() != null && e.current() >= 0 && e.current() != e.total()) {
                long now = System.nanoTime();
                String key = e.id() + " " + e.status();
                Long last = lastCount.get(key);
                if (last != null && now - last < EVERY_NANOS) {
                    return;
                }
                lastCount.put(key, now);
            }
            try {
                if (stream == null) {
                    stream = x.stream(200, "application/json");
                }
                stream.writeJson(message(e));
            } catch (IOException io) {
                // The client went; the pull goes on and ends by itself.
            }
        }

        static Map<String, Object> message(ProgressEvent e) {
            Map<String, Object> m = new LinkedHashMap<>();
            String status = e.status();
            String id = e.id();
            int pulling = status.indexOf(": Pulling from ");
            if (id == null && pulling > 0) {
                id = status.substring(0, pulling);
                status = status.substring(pulling + 2);
            }
            m.put("status", status);
            if (e.current() >= 0 || e.total() >= 0 || id != null) {
                Map<String, Object> detail = new LinkedHashMap<>();
                if (e.current() >= 0) {
                    detail.put("current", e.current());
                }
                if (e.total() > 0) {
                    detail.put("total", e.total());
                }
                m.put("progressDetail", detail);
            }
            if (id != null) {
                m.put("id", id);
            }
            return m;
        }

        synchronized void fail(Exception e, int status) throws IOException {
            if (stream == null) {
                throw e instanceof IOException io ? new Errors.Status(status, Errors.message(io)) : (RuntimeException) e;
            }
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("errorDetail", Map.of("message", Errors.message(e)));
            error.put("error", Errors.message(e));
            stream.writeJson(error);
            stream.close();
        }

        synchronized void end() throws IOException {
            if (stream == null) {
                stream = x.stream(200, "application/json");
            }
            stream.close();
        }
    }
}
