package io.berth.compose.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.berth.api.compose.ComposeProject;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A service's config hash, as v2's {@code ServiceHash}: SHA-256 of its definition's JSON without what
 * does not change its containers (build, pull policy, scale, {@code deploy.replicas}, depends_on,
 * profiles). Keys are sorted at every level, so the hash depends on the configuration, not on the
 * order it was written in.
 */
final class ConfigHash {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private ConfigHash() {
    }

    static String of(ComposeProject.Service s) {
        Map<String, Object> d = new LinkedHashMap<>(s.definition());
        d.remove("build");
        d.remove("pull_policy");
        d.remove("scale");
        d.remove("depends_on");
        d.remove("profiles");
        if (d.get("deploy") instanceof Map<?, ?> deploy) {
            Map<Object, Object> copy = new LinkedHashMap<>(deploy);
            copy.remove("replicas");
            d.put("deploy", copy);
        }
        return ofValue(d);
    }

    /** A hash of anything JSON can write (networks' and volumes' definitions). */
    static String ofValue(Object value) {
        try {
            byte[] json = JSON.writeValueAsBytes(value);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
