package io.neurowatch.connectors.kafka;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds the property map handed to a Kafka client: our defaults, then the caller's keys, then the fixed serdes. */
final class ClientProperties {

    private ClientProperties() {
    }

    /**
     * Copies {@code user} over {@code defaults}, then sets each key of {@code fixed}. A caller may repeat a fixed key
     * with the same class (as a {@link Class} or its name) but not change it: these connectors move raw bytes only.
     *
     * @throws IllegalArgumentException for a null key or value, or a fixed key set to another class
     */
    static Map<String, Object> merge(Map<String, Object> defaults, Map<String, Object> user,
                                     Map<String, Class<?>> fixed) {
        Map<String, Object> out = new LinkedHashMap<>(defaults);
        user.forEach((k, v) -> {
            if (k == null || v == null) {
                throw new IllegalArgumentException("Kafka client property " + k + " has a null key or value");
            }
            Class<?> required = fixed.get(k);
            if (required != null && !names(v, required)) {
                throw new IllegalArgumentException("Kafka client property " + k + " must be " + required.getName()
                        + " (the connector delivers raw bytes), was " + v);
            }
            out.put(k, v);
        });
        out.putAll(fixed);
        return out;
    }

    private static boolean names(Object value, Class<?> type) {
        return value == type || type.getName().equals(value instanceof Class ? ((Class<?>) value).getName() : value);
    }

    /** A copy that rejects null keys and values, so options records fail at construction rather than in the client. */
    static Map<String, Object> copyOf(Map<String, Object> props) {
        Map<String, Object> out = new LinkedHashMap<>();
        props.forEach((k, v) -> {
            if (k == null || v == null) {
                throw new IllegalArgumentException("Kafka client property " + k + " has a null key or value");
            }
            out.put(k, v);
        });
        return Collections.unmodifiableMap(out);
    }
}
