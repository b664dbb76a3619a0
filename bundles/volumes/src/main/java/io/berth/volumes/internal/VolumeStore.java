package io.berth.volumes.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.berth.api.volume.Volume;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The volumes' records on disk: one {@code <root>/volume-db/<name>.json} each, written atomically,
 * so a crash leaves a record whole or absent. Who uses a volume is not recorded: the container
 * service says it again when the engine starts.
 */
final class VolumeStore {
    static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private static final System.Logger LOG = System.getLogger(VolumeStore.class.getName());
    private static final String SUFFIX = ".json";

    /**
     * A volume as its file holds it.
     *
     * @param created an ISO-8601 instant
     * @param filled whether the volume was ever filled from an image (so it never is again)
     */
    record VolumeRecord(String name, String driver, String mountpoint, String created, Map<String, String> labels,
                        Map<String, String> options, boolean anonymous, boolean filled) {
        VolumeRecord {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
            options = options == null ? Map.of() : Map.copyOf(options);
        }

        VolumeRecord withFilled() {
            return new VolumeRecord(name, driver, mountpoint, created, labels, options, anonymous, true);
        }

        Volume volume() {
            return new Volume(name, driver, mountpoint, created == null ? null : Instant.parse(created),
                    new TreeMap<>(labels), new TreeMap<>(options), anonymous);
        }
    }

    private final Path dir;

    VolumeStore(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
    }

    /** Every record; a file that cannot be read is reported and skipped. */
    List<VolumeRecord> load() throws IOException {
        List<VolumeRecord> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String n = f.getFileName().toString();
                if (n.startsWith(".")) {
                    // What a crash left of an atomic write.
                    Files.deleteIfExists(f);
                    continue;
                }
                if (!n.endsWith(SUFFIX)) {
                    continue;
                }
                try {
                    VolumeRecord r = JSON.readValue(f.toFile(), VolumeRecord.class);
                    if (r.name() == null || !(r.name() + SUFFIX).equals(n) || r.driver() == null) {
                        throw new IOException("its name or driver is missing or does not match the file's name");
                    }
                    all.add(r);
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.WARNING, "ignoring volume record " + f + ": " + e.getMessage());
                }
            }
        }
        return all;
    }

    void save(VolumeRecord r) throws IOException {
        AtomicFiles.write(dir, r.name() + SUFFIX, JSON.writeValueAsBytes(r));
    }

    void delete(String name) throws IOException {
        Files.deleteIfExists(dir.resolve(name + SUFFIX));
    }
}
