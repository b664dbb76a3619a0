package io.berth.dockerapi.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.api.Filters;
import io.berth.api.InvalidArgumentException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code filters} query parameter in both of docker's forms (moby's {@code filters.FromJSON}):
 * the map form the docker CLI sends, {@code {"label":{"a=b":true}}}, and the list form of docker-py
 * and docker-java, {@code {"label":["a=b"]}}.
 */
final class QueryFilters {
    private QueryFilters() {
    }

    static Filters parse(String json) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new InvalidArgumentException("invalid filter '" + json + "'");
        }
        if (root == null || root.isNull()) {
            return Filters.NONE;
        }
        if (!root.isObject()) {
            throw new InvalidArgumentException("invalid filter '" + json + "'");
        }
        Map<String, List<String>> values = new LinkedHashMap<>();
        root.fields().forEachRemaining(e -> {
            List<String> list = new ArrayList<>();
            JsonNode v = e.getValue();
            if (v.isArray()) {
                v.forEach(x -> list.add(x.asText()));
            } else if (v.isObject()) {
                v.fields().forEachRemaining(x -> {
                    if (x.getValue().asBoolean(false)) {
                        list.add(x.getKey());
                    }
                });
            } else if (!v.isNull()) {
                throw new InvalidArgumentException("invalid filter '" + json + "'");
            }
            values.put(e.getKey(), list);
        });
        return Filters.of(values);
    }
}
