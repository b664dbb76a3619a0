package io.berth.image.internal;

import io.berth.api.content.Digest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * OCI chain ids: a layer's identity together with everything under it, the keys snapshots are
 * unpacked under. {@code ChainID(L0) = DiffID(L0)}, {@code ChainID(Ln) = sha256(ChainID(Ln-1) + " " + DiffID(Ln))}.
 */
final class ChainIds {
    private ChainIds() {
    }

    static List<String> of(List<Digest> diffIds) {
        List<String> chain = new ArrayList<>(diffIds.size());
        String previous = null;
        for (Digest diffId : diffIds) {
            String id = previous == null ? diffId.toString()
                    : Digest.sha256((previous + " " + diffId).getBytes(StandardCharsets.US_ASCII)).toString();
            chain.add(id);
            previous = id;
        }
        return chain;
    }
}
