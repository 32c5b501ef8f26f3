package io.neurowatch.ops.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.neurowatch.analyzers.labels.LabelChange;
import io.neurowatch.analyzers.labels.NeuronKey;
import io.neurowatch.analyzers.labels.NeuronLabel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * JSON values of the labels topic (one record per neuron and method, key {@code model/layer/neuron/method}, compacted)
 * and of the label-events topic. Schema in docs/streaming.md. Stateless.
 */
public final class LabelJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LabelJson() {
    }

    /** Topic key: compaction keeps the latest label per neuron and method. */
    public static byte[] key(NeuronLabel l) {
        return (l.neuron().topicKey() + "/" + l.method()).getBytes(StandardCharsets.UTF_8);
    }

    public static ObjectNode toNode(NeuronLabel l) {
        ObjectNode n = JSON.createObjectNode();
        n.put("model", l.neuron().model());
        n.put("layer", l.neuron().layer());
        n.put("neuron", l.neuron().neuron());
        n.put("method", l.method());
        n.put("label", l.label());
        n.put("readable", l.readable());
        putNumber(n, "score", l.score());
        putNumber(n, "p_value", l.pValue());
        n.put("support", l.support());
        n.put("window_samples", l.windowSamples());
        n.put("computed_at", l.computedAtMillis());
        n.put("status", l.status());
        return n;
    }

    public static byte[] encode(NeuronLabel l) {
        return bytes(toNode(l));
    }

    public static byte[] encode(LabelChange c) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", "label_changed");
        n.set("previous", c.previous() == null ? null : toNode(c.previous()));
        n.set("current", toNode(c.current()));
        return bytes(n);
    }

    /**
     * Reads a label-events value ({@link #encode(LabelChange)}).
     *
     * @throws IOException if it is not a {@code label_changed} event or a label inside is incomplete
     */
    public static LabelChange decodeChange(JsonNode event) throws IOException {
        if (event == null || !"label_changed".equals(event.path("type").asText())
                || !event.path("current").isObject()) {
            throw new IOException("not a label_changed event");
        }
        JsonNode previous = event.get("previous");
        return new LabelChange(previous == null || previous.isNull() ? null : decode(previous),
                decode(event.get("current")));
    }

    /** @throws IOException naming what is missing if the bytes are not a label record */
    public static NeuronLabel decode(byte[] value) throws IOException {
        return decode(JSON.readTree(value));
    }

    private static NeuronLabel decode(JsonNode n) throws IOException {
        for (String f : new String[] {"model", "layer", "neuron", "method", "label", "status"}) {
            if (n == null || !n.hasNonNull(f)) {
                throw new IOException("label record lacks field '" + f + "'");
            }
        }
        return new NeuronLabel(new NeuronKey(n.get("model").asText(), n.get("layer").asText(),
                n.get("neuron").asInt()), n.get("method").asText(), n.get("label").asText(),
                n.path("readable").asText(""), number(n, "score"), number(n, "p_value"), n.path("support").asInt(),
                n.path("window_samples").asLong(), n.path("computed_at").asLong(), n.get("status").asText());
    }

    private static void putNumber(ObjectNode n, String field, double v) {
        if (Double.isFinite(v)) {
            n.put(field, v);
        } else {
            n.putNull(field);
        }
    }

    private static double number(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? Double.NaN : v.asDouble();
    }

    private static byte[] bytes(JsonNode n) {
        try {
            return JSON.writeValueAsBytes(n);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise label", e);
        }
    }
}
