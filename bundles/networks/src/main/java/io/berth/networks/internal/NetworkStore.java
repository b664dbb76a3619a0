package io.berth.networks.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.berth.api.network.IpamConfig;
import io.berth.api.network.Network;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The networks on disk: one {@code <root>/networks/<id>.json} each, written atomically (a temporary
 * file renamed into place), so a crash leaves a network either made or not.
 */
final class NetworkStore {
    static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .findAndAddModules()
            .build();

    /** A network as its file holds it. */
    record NetworkFile(String id, String name, String driver, String created, boolean internal, boolean enableIpv6,
                       boolean attachable, Map<String, String> labels, Map<String, String> options,
                       List<IpamConfig> ipam) {
        static NetworkFile of(Network n) {
            return new NetworkFile(n.id(), n.name(), n.driver(), n.created() == null ? null : n.created().toString(),
                    n.internal(), n.enableIpv6(), n.attachable(), n.labels(), n.options(), n.ipam());
        }

        Network network() {
            return Network.builder().id(id).name(name).driver(driver)
                    .created(created == null ? null : Instant.parse(created)).internal(internal).enableIpv6(enableIpv6)
                    .attachable(attachable).labels(labels).options(options).ipam(ipam).build();
        }
    }

    private final Path dir;

    NetworkStore(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
    }

    List<Network> load() throws IOException {
        List<Network> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")).toList()) {
                try {
                    all.add(JSON.readValue(f.toFile(), NetworkFile.class).network());
                } catch (IOException e) {
                    System.getLogger(NetworkStore.class.getName()).log(System.Logger.Level.WARNING,
                            "ignoring network file " + f + ": " + e.getMessage());
                }
            }
        }
        return all;
    }

    void save(Network n) throws IOException {
        write(dir, n.id() + ".json", JSON.writeValueAsBytes(NetworkFile.of(n)), true);
    }

    void delete(Network n) throws IOException {
        Files.deleteIfExists(dir.resolve(n.id() + ".json"));
    }

    /**
     * Writes a file atomically: a temporary file beside it, renamed over it; synced first when it
     * must survive the host's crash (not what lives under the run root, which a reboot clears).
     */
    static void write(Path dir, String name, byte[] content, boolean durable) throws IOException {
        Path tmp = Files.createTempFile(dir, "." + name, ".tmp");
        try {
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(content));
                if (durable) {
                    ch.force(true);
                }
            }
            try {
                Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
