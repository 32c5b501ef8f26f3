package io.neurowatch.connectors.archive;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.neurowatch.connectors.io.FileFormatException;
import io.neurowatch.core.state.SourcePartition;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON shapes of source offsets, shared by the manifests, the segment attribute and {@code _archive.json}:
 * ranges {@code [{"topic": t, "partition": p, "first": a, "last": b}, ...]} and next offsets
 * {@code [{"topic": t, "partition": p, "next": n}, ...]}. Lists of objects rather than maps keyed by
 * {@code "topic-partition"} because topic names may themselves contain '-' and digits.
 *
 * <p>Stateless and thread-safe. Parse errors are {@link FileFormatException}s naming the file.
 */
final class OffsetJson {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Comparator<SourcePartition> PARTITION_ORDER =
            Comparator.comparing(SourcePartition::topic).thenComparingInt(SourcePartition::partition);

    private OffsetJson() {
    }

    static ArrayNode ranges(List<OffsetRange> ranges) {
        ArrayNode arr = JSON.createArrayNode();
        for (OffsetRange r : ranges) {
            arr.addObject().put("topic", r.partition().topic()).put("partition", r.partition().partition())
                    .put("first", r.first()).put("last", r.last());
        }
        return arr;
    }

    static String rangesText(List<OffsetRange> ranges) {
        try {
            return JSON.writeValueAsString(ranges(ranges));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e); // cannot happen for a tree of strings and numbers
        }
    }

    static List<OffsetRange> parseRanges(Path file, String where, JsonNode node) throws FileFormatException {
        if (node == null || !node.isArray()) {
            throw new FileFormatException(file, where + " must be an array of {topic, partition, first, last};"
                    + " found " + node);
        }
        List<OffsetRange> out = new ArrayList<>();
        for (JsonNode n : node) {
            SourcePartition p = partition(file, where, n);
            long first = longField(file, where, n, "first");
            long last = longField(file, where, n, "last");
            try {
                out.add(new OffsetRange(p, first, last));
            } catch (IllegalArgumentException e) {
                throw new FileFormatException(file, where + ": " + e.getMessage());
            }
        }
        return out;
    }

    static List<OffsetRange> parseRangesText(Path file, String where, String text) throws FileFormatException {
        try {
            return parseRanges(file, where, JSON.readTree(text));
        } catch (JsonProcessingException e) {
            throw new FileFormatException(file, where + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    static ArrayNode nextOffsets(Map<SourcePartition, Long> next) {
        ArrayNode arr = JSON.createArrayNode();
        Map<SourcePartition, Long> sorted = new TreeMap<>(PARTITION_ORDER);
        sorted.putAll(next);
        for (Map.Entry<SourcePartition, Long> e : sorted.entrySet()) {
            arr.addObject().put("topic", e.getKey().topic()).put("partition", e.getKey().partition())
                    .put("next", e.getValue());
        }
        return arr;
    }

    static Map<SourcePartition, Long> parseNextOffsets(Path file, String where, JsonNode node)
            throws FileFormatException {
        Map<SourcePartition, Long> out = new TreeMap<>(PARTITION_ORDER);
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            throw new FileFormatException(file, where + " must be an array of {topic, partition, next}; found "
                    + node);
        }
        for (JsonNode n : node) {
            SourcePartition p = partition(file, where, n);
            long next = longField(file, where, n, "next");
            if (out.put(p, next) != null) {
                throw new FileFormatException(file, where + " lists " + p + " twice");
            }
        }
        return out;
    }

    private static SourcePartition partition(Path file, String where, JsonNode n) throws FileFormatException {
        JsonNode topic = n.get("topic");
        JsonNode part = n.get("partition");
        if (topic == null || !topic.isTextual() || part == null || !part.isInt()) {
            throw new FileFormatException(file, where + ": entry " + n + " needs a string topic and an int"
                    + " partition");
        }
        try {
            return new SourcePartition(topic.textValue(), part.intValue());
        } catch (IllegalArgumentException e) {
            throw new FileFormatException(file, where + ": " + e.getMessage());
        }
    }

    static long longField(Path file, String where, JsonNode n, String name) throws FileFormatException {
        JsonNode v = n.get(name);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
            throw new FileFormatException(file, where + ": \"" + name + "\" must be a non-negative integer in " + n);
        }
        return v.longValue();
    }
}
