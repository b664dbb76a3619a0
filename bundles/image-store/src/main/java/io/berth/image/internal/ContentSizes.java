package io.berth.image.internal;

import io.berth.api.content.Descriptor;
import io.berth.api.content.Digest;
import io.berth.layers.tar.TarHeader;
import io.berth.layers.tar.TarReader;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Layers' sizes as docker counts them (its graph driver's {@code DiffSize}, which {@code images},
 * {@code history} and {@code inspect} show): the bytes of a layer's files, not of its tar. Each
 * regular file's length once (a hard link adds nothing), each symbolic link's target length;
 * directories, device nodes and whiteouts add nothing. So the busybox fixture is 1.98MB, where
 * its tar is 2.1 MB. Known from the headers a layer's unpacking read, or read from its blob once;
 * kept by diff id in {@code <content root>/layer-sizes}.
 */
final class ContentSizes {
    private final Path file;
    private final Map<String, Long> sizes = new ConcurrentHashMap<>();

    ContentSizes(Path contentRoot) throws IOException {
        this.file = contentRoot.resolve("layer-sizes");
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    sizes.put(line.substring(0, eq), Long.parseLong(line.substring(eq + 1).strip()));
                }
            }
        } catch (NoSuchFileException e) {
            // None known yet.
        } catch (NumberFormatException e) {
            // A damaged file: the sizes are read again from the layers.
            sizes.clear();
        }
    }

    /** The size of layer {@code diffId} if it is known, else {@code null}. */
    Long known(Digest diffId) {
        return sizes.get(diffId.toString());
    }

    /** The size of layer {@code diffId}, whose blob {@code blob} is read if it is not known yet. */
    long of(Digest diffId, Descriptor blob, FileContentStore content) throws IOException {
        Long known = known(diffId);
        if (known != null) {
            return known;
        }
        long size = 0;
        try (InputStream in = Compression.decompress(content.open(blob.digest()), "layer " + blob.digest())) {
            TarReader reader = new TarReader(in);
            for (TarHeader h = reader.next(); h != null; h = reader.next()) {
                size += of(h);
            }
        }
        put(diffId, size);
        return size;
    }

    /** Records the size of layer {@code diffId} from the headers its unpacking read. */
    void record(Digest diffId, List<TarHeader> headers) throws IOException {
        if (sizes.containsKey(diffId.toString())) {
            return;
        }
        long size = 0;
        for (TarHeader h : headers) {
            size += of(h);
        }
        put(diffId, size);
    }

    private static long of(TarHeader h) {
        if (h.isRegular()) {
            return h.size;
        }
        if (h.type == TarHeader.SYMLINK) {
            return io.berth.api.Names.encode(h.linkName).length;
        }
        return 0;
    }

    private synchronized void put(Digest diffId, long size) throws IOException {
        sizes.put(diffId.toString(), size);
        StringBuilder b = new StringBuilder();
        new TreeMap<>(sizes).forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, b, StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
